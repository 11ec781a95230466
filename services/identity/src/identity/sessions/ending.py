"""Ending sessions, each announced so that every service refuses its access tokens at once."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from contracts.events.identity import SessionEnded, SessionEndReason
from identity.accounts.repository import Accounts
from identity.sessions.repository import Sessions
from kit.events.outbox import Outbox
from kit.mongo import Mongo, Session

# Tokens are checked against the clock of each service; allow for a little drift.
CLOCK_SKEW = timedelta(seconds=30)


class SessionEnding:
    """Ends sessions and writes `identity.session.ended` for each in the same transaction.

    Each ended session is also noted on its owner's account until its last access token expires,
    so identity refuses the token at once, from the account it reads anyway, while the
    announcement is still on its way to every worker's memory.
    """

    def __init__(
        self,
        mongo: Mongo,
        sessions: Sessions,
        outbox: Outbox,
        *,
        accounts: Accounts,
        token_lifetime: timedelta,
    ) -> None:
        self.mongo = mongo
        self.sessions = sessions
        self.outbox = outbox
        self.accounts = accounts
        self.token_lifetime = token_lifetime

    async def one(
        self,
        authority: str,
        session_id: str,
        *,
        reason: SessionEndReason,
        user_id: str | None = None,
        session: Session | None = None,
    ) -> bool:
        """End one session of this authority (of this person, if named); say if it was going."""
        query: dict[str, Any] = {"_id": session_id, "authority": authority}
        if user_id is not None:
            query["user_id"] = user_id
        return await self._end(query, reason=reason, session=session) > 0

    async def all_here(
        self,
        authority: str,
        user_id: str,
        *,
        reason: SessionEndReason,
        keep: str | None = None,
        session: Session | None = None,
    ) -> int:
        """End the person's sessions in one authority, except `keep`; say how many."""
        query: dict[str, Any] = {"authority": authority, "user_id": user_id}
        if keep is not None:
            query["_id"] = {"$ne": keep}
        return await self._end(query, reason=reason, session=session)

    async def all_everywhere(
        self,
        user_id: str,
        *,
        reason: SessionEndReason,
        keep: str | None = None,
        session: Session | None = None,
    ) -> int:
        """End the person's sessions in every authority, except `keep`; say how many."""
        query: dict[str, Any] = {"user_id": user_id}
        if keep is not None:
            query["_id"] = {"$ne": keep}
        return await self._end(query, reason=reason, session=session)

    async def _end(
        self, query: Mapping[str, Any], *, reason: SessionEndReason, session: Session | None
    ) -> int:
        async def end(session: Session) -> int:
            ended = await self.sessions.end_going(query, reason=reason, session=session)
            by_person: dict[str, dict[str, datetime]] = {}
            for record in ended:
                user_id = str(record["user_id"])
                tokens_expire_by = record["ended_at"] + self.token_lifetime + CLOCK_SKEW
                by_person.setdefault(user_id, {})[str(record["_id"])] = tokens_expire_by
                await self.outbox.add(
                    session,
                    SessionEnded(
                        user_id=user_id,
                        session_id=str(record["_id"]),
                        reason=reason,
                        ended_at=record["ended_at"],
                        tokens_expire_by=tokens_expire_by,
                    ),
                    authority=str(record["authority"]),
                    actor=user_id,
                    subject=user_id,
                )
            for user_id, sessions in by_person.items():
                await self.accounts.note_ended_sessions(user_id, sessions, session=session)
            return len(ended)

        if session is not None and session.in_transaction:
            return await end(session)
        return await self.mongo.transaction(end)

"""Ending sessions, each announced so that every service refuses its access tokens at once."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from contracts.events.identity import SessionEnded, SessionEndReason
from identity.sessions.repository import Sessions
from kit.events.outbox import Outbox
from kit.mongo import Mongo, Session

# Tokens are checked against the clock of each service; allow for a little drift.
CLOCK_SKEW = timedelta(seconds=30)


class SessionEnding:
    """Ends sessions and writes `identity.session.ended` for each in the same transaction."""

    def __init__(
        self, mongo: Mongo, sessions: Sessions, outbox: Outbox, *, token_lifetime: timedelta
    ) -> None:
        self.mongo = mongo
        self.sessions = sessions
        self.outbox = outbox
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
            for record in ended:
                user_id = str(record["user_id"])
                await self.outbox.add(
                    session,
                    SessionEnded(
                        user_id=user_id,
                        session_id=str(record["_id"]),
                        reason=reason,
                        ended_at=record["ended_at"],
                        tokens_expire_by=record["ended_at"] + self.token_lifetime + CLOCK_SKEW,
                    ),
                    authority=str(record["authority"]),
                    actor=user_id,
                    subject=user_id,
                )
            return len(ended)

        if session is not None and session.in_transaction:
            return await end(session)
        return await self.mongo.transaction(end)

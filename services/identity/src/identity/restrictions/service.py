"""Restricting a person's access to an authority's portal, and lifting it."""

from dataclasses import dataclass
from datetime import UTC, datetime

from contracts.events.identity import AccountDeactivated, AccountReactivated
from identity.audit import actions
from identity.dependencies import Caller
from identity.errors import MemberNotFound
from identity.memberships.repository import Memberships
from identity.restrictions.repository import Restrictions
from identity.restrictions.schemas import RestrictionView
from identity.serving import WritingForAuthority
from identity.sessions.ending import SessionEnding
from kit.errors import AppError, Conflict, NotFound
from kit.idempotency import Once
from kit.mongo import Document, Session


def restriction_view(record: Document) -> RestrictionView:
    """A restriction as the API shows it."""
    now = datetime.now(UTC)
    until = record.get("until")
    return RestrictionView(
        id=str(record["_id"]),
        user_id=str(record["user_id"]),
        reason=str(record["reason"]),
        until=until,
        created_by=str(record["created_by"]),
        created_at=record["created_at"],
        lifted_at=record.get("lifted_at"),
        lifted_by=record.get("lifted_by"),
        in_force=record.get("lifted_at") is None and (until is None or until > now),
    )


@dataclass(kw_only=True)
class RestrictionService(WritingForAuthority):
    """Restrictions of one authority."""

    memberships: Memberships
    restrictions: Restrictions
    ending: SessionEnding

    async def restrict(
        self, caller: Caller, *, user_id: str, reason: str, until: datetime | None, once: Once
    ) -> RestrictionView:
        """Restrict a member: their sessions here end and other services are told at once."""
        if until is not None and until <= datetime.now(UTC):
            raise AppError(
                "The end of a restriction must be in the future.",
                code="until_in_past",
                status=422,
            )
        if user_id == caller.user_id:
            raise Conflict("You cannot restrict yourself.", code="cannot_restrict_self")
        if await self.memberships.of(self.slug, user_id) is None:
            raise MemberNotFound()
        if await self.restrictions.in_force_for(self.slug, user_id) is not None:
            raise Conflict("This person's access is restricted already.", code="already_restricted")

        async def save(session: Session) -> RestrictionView:
            record = await self.restrictions.add(
                self.slug,
                user_id=user_id,
                reason=reason,
                until=until,
                created_by=caller.user_id,
                session=session,
            )
            await self.ending.all_here(self.slug, user_id, reason="restricted", session=session)
            await self.outbox.add(
                session,
                AccountDeactivated(user_id=user_id, reason="restricted", until=until),
                authority=self.slug,
                actor=caller.user_id,
                subject=user_id,
            )
            await self.audit.record(
                authority=self.slug,
                action=actions.RESTRICTION_ADDED,
                outcome="success",
                client=self.client,
                actor=caller.user_id,
                subject=user_id,
                details={
                    "restriction_id": str(record["_id"]),
                    "until": until.isoformat() if until else None,
                },
                session=session,
            )
            view = restriction_view(record)
            await once.remember(session, view)
            return view

        return await self.mongo.transaction(save)

    async def lift(self, caller: Caller, restriction_id: str) -> RestrictionView:
        """Lift a restriction in force; the person may sign in again."""

        async def save(session: Session) -> Document:
            record = await self.restrictions.lift(
                self.slug, restriction_id, lifted_by=caller.user_id, session=session
            )
            if record is None:
                raise NotFound(
                    "There is no such restriction in force.", code="restriction_not_found"
                )
            user_id = str(record["user_id"])
            membership = await self.memberships.of(self.slug, user_id, session=session)
            if membership is not None and membership.get("status") == "active":
                # Services that refused the person's tokens may accept them again.
                await self.outbox.add(
                    session,
                    AccountReactivated(user_id=user_id, reason="restriction_lifted"),
                    authority=self.slug,
                    actor=caller.user_id,
                    subject=user_id,
                )
            await self.audit.record(
                authority=self.slug,
                action=actions.RESTRICTION_LIFTED,
                outcome="success",
                client=self.client,
                actor=caller.user_id,
                subject=str(record["user_id"]),
                details={"restriction_id": restriction_id},
                session=session,
            )
            return record

        return restriction_view(await self.mongo.transaction(save))

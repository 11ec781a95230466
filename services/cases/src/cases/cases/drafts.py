"""Unfinished applications are kept for the authority's number of days, then removed; the
applicant is warned a few days before (an event the notifications service turns into an
email when the draft holds an email address)."""

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

from cases.cases.models import CaseRecord
from cases.cases.repository import CaseHistory, Cases
from contracts.events.cases import DraftExpiring, DraftRemoved
from kit import logs
from kit.events.outbox import Outbox
from kit.lease import Lease
from kit.mongo import Mongo, Session

log = logs.get_logger("cases.drafts")

BATCH = 200


@dataclass(frozen=True)
class DraftKeeping:
    """Warns of drafts about to go, and removes those whose time is up."""

    mongo: Mongo
    outbox: Outbox
    cases: Cases
    history: CaseHistory
    lease: Lease
    warning_days: int
    # Where people reach the portal: the warning links to the draft's page there.
    portal_url: str

    async def step(self, today: date) -> bool:
        """One sweep; says whether more is waiting."""
        if not await self.lease.hold():
            return False
        warn_by = (today + timedelta(days=self.warning_days)).isoformat()
        to_warn = await self.cases.drafts_due(
            query={"draft_warned": False}, expiring={"$lte": warn_by}, limit=BATCH
        )
        for case in to_warn:
            await self.mongo.transaction(functools.partial(self._warn, case=case))
        to_remove = await self.cases.drafts_due(
            query={}, expiring={"$lt": today.isoformat()}, limit=BATCH
        )
        for case in to_remove:
            await self.mongo.transaction(functools.partial(self._remove, case=case))
        if to_warn or to_remove:
            log.info("drafts swept", extra={"warned": len(to_warn), "removed": len(to_remove)})
        return len(to_warn) == BATCH or len(to_remove) == BATCH

    async def _warn(self, session: Session, *, case: CaseRecord) -> None:
        if not await self.cases.mark_warned(case, session=session):
            return
        assert case.draft_expires_on is not None
        contact = case.contact
        await self.outbox.add(
            session,
            DraftExpiring(
                **_facts(case),
                email=contact.email if contact and contact.email_ok_to_email else None,
                removal_on=date.fromisoformat(case.draft_expires_on) + timedelta(days=1),
                link=f"{self.portal_url}/{quote(case.authority)}/applications/{case.id}/tasks",
                language=case.language,
            ),
            authority=case.authority,
            subject=case.id,
        )

    async def _remove(self, session: Session, *, case: CaseRecord) -> None:
        if not await self.cases.remove_draft(case, session=session):
            return
        await self.history.record(
            case.authority,
            case_id=case.id,
            actor_id="system",
            actor="system",
            action="draft_removed",
            from_status=case.status,
            to_status="removed",
            at=datetime.now(UTC),
            session=session,
        )
        await self.outbox.add(
            session, DraftRemoved(**_facts(case)), authority=case.authority, subject=case.id
        )


def _facts(case: CaseRecord) -> dict[str, str]:
    return {
        "case_id": case.id,
        "reference": case.reference,
        "kind": case.kind,
        "status": case.status,
        "applicant_id": case.applicant_id,
    }

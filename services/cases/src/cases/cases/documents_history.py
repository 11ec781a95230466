"""The documents of a case in its history: asked for, sent, verified, not accepted, withdrawn.

The cases service consumes the documents service's events and records each as an entry of
the case's history, in the consumer's transaction (once per event, like every consumer). A
sensitive document's entries are kept from the applicant's view of the history unless they
sent it themselves (see `shown_to`)."""

from cases.cases.kinds import Actor
from cases.cases.models import HistoryEntry
from cases.cases.policy import audience
from cases.cases.repository import CaseHistory, Cases
from contracts.envelope import Envelope
from contracts.events.documents import (
    DocumentRejected,
    DocumentUploaded,
    DocumentVerified,
    DocumentWithdrawn,
    RequestCreated,
)
from contracts.payload import EventPayload
from kit.auth import Principal
from kit.events.consumer import Subscription
from kit.mongo import Mongo, Session

DOCUMENTS_HISTORY = "documents-history"
ACTIONS: dict[type[EventPayload], str] = {
    RequestCreated: "document_requested",
    DocumentUploaded: "document_uploaded",
    DocumentVerified: "document_verified",
    DocumentRejected: "document_rejected",
    DocumentWithdrawn: "document_withdrawn",
}


def shown_to(principal: Principal, entry: HistoryEntry) -> bool:
    """Whether the caller sees a history entry: a sensitive document's only by staff and by
    whoever sent it; a task's or a message's only by staff and the side it is for."""
    side = entry.details.get("for")
    if side is not None and audience(principal) not in ("staff", side):
        return False
    if not entry.details.get("sensitive"):
        return True
    return audience(principal) == "staff" or entry.actor_id == principal.user_id


def documents_history_subscription(mongo: Mongo) -> Subscription:
    """Record each documents event as an entry of its case's history."""
    cases = Cases(mongo)
    history = CaseHistory(mongo)

    async def record(envelope: Envelope, payload: EventPayload, session: Session) -> None:
        action = ACTIONS.get(type(payload))
        case_id = getattr(payload, "case_id", None)
        if action is None or case_id is None:
            return
        case = await cases.get(envelope.authority, str(case_id), session=session)
        if case is None:
            return  # a draft removed since: nothing to add to
        if isinstance(payload, DocumentUploaded) and payload.source == "generated":
            return  # the portal's own copy of what the history already says (submitted)
        actor_id = envelope.actor or "system"
        actor: Actor
        if isinstance(payload, DocumentUploaded) and payload.uploader_role is not None:
            actor = payload.uploader_role
        elif actor_id == case.applicant_id:
            actor = "applicant"
        else:
            actor = "staff" if actor_id != "system" else "system"
        await history.record(
            envelope.authority,
            case_id=case.id,
            actor_id=actor_id,
            actor=actor,
            action=action,
            from_status=case.status,
            to_status=case.status,
            at=envelope.occurred_at,
            reason=payload.reason if isinstance(payload, DocumentRejected) else None,
            details={
                "classification": getattr(payload, "classification", None),
                "sensitive": bool(getattr(payload, "sensitive", False)),
            },
            session=session,
        )

    return Subscription(
        purpose=DOCUMENTS_HISTORY,
        bindings=[model.event_type for model in ACTIONS],
        handler=record,
    )

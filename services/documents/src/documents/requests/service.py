"""The rules for document requests: officers ask, anyone on the case sees the list."""

import uuid
from datetime import UTC, datetime

from contracts.events.documents import RequestCreated
from documents.cases import CaseFacts
from documents.errors import NotYoursToDo
from documents.policy import is_staff
from documents.requests.models import RequestRecord
from documents.schemas import RequestCreate, RequestList, RequestView
from documents.wiring import DocumentStores
from kit.auth import Principal
from kit.errors import AppError
from kit.idempotency import Once
from kit.mongo import Session


def request_view(record: RequestRecord, *, labels: dict[str, str]) -> RequestView:
    """A request as the API shows it."""
    return RequestView(
        id=record.id,
        case_id=record.case_id,
        person=record.person,
        classification=record.classification,
        classification_label=labels.get(record.classification, record.classification),
        note=record.note,
        due_on=record.due_on,
        status=record.status,
        document_id=record.document_id,
        rejection_reason=record.rejection_reason,
        requested_by=record.requested_by,
        created_at=record.created_at,
        version=record.version,
    )


async def list_requests(
    stores: DocumentStores, *, authority: str, case: CaseFacts, labels: dict[str, str]
) -> RequestList:
    """Documents required and supplied on a case, with the counts."""
    records = await stores.requests.of_case(authority, case.id)
    items = [request_view(record, labels=labels) for record in records]
    supplied = sum(1 for record in records if record.status == "supplied")
    return RequestList(items=items, supplied=supplied, total=len(items))


async def create_request(
    stores: DocumentStores,
    body: RequestCreate,
    *,
    authority: str,
    principal: Principal,
    case: CaseFacts,
    labels: dict[str, str],
    once: Once,
) -> RequestView:
    """An officer asks for a document on a case, for one person in it."""
    if not is_staff(principal):
        raise NotYoursToDo("Only the authority's officers ask for documents.")
    if body.classification not in labels:
        raise AppError(
            "Choose one of this housing service's classifications.",
            code="unknown_classification",
            status=422,
            details={"classifications": sorted(labels)},
        )
    person = body.person
    if person is not None and case.people:
        person = case.person(person)
        if person is None:
            raise AppError(
                "Choose someone on the application as the person the document is about.",
                code="person_not_on_case",
                status=422,
            )
    now = datetime.now(UTC)
    record = RequestRecord(
        id=uuid.uuid4().hex,
        authority=authority,
        case_id=case.id,
        person=person,
        classification=body.classification,
        note=body.note,
        due_on=body.due_on.isoformat() if body.due_on else None,
        requested_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    view = request_view(record, labels=labels)

    async def work(session: Session) -> RequestView:
        await stores.requests.add(record, session=session)
        await stores.outbox.add(
            session,
            RequestCreated(
                request_id=record.id,
                case_id=case.id,
                classification=record.classification,
                due_on=body.due_on,
                requested_by=principal.user_id,
            ),
            authority=authority,
            actor=principal.user_id,
            subject=case.id,
        )
        await once.remember(session, view)
        return view

    return await stores.mongo.transaction(work)

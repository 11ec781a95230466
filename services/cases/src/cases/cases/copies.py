"""A copy of each application as it was submitted, kept with the case's documents.

The cases service consumes its own `cases.case.submitted`: it renders the application's PDF,
in the applicant's language, and hands it to the documents service's internal route, which
keeps it as a generated document of the case. Made from the event rather than in the request
that submits, the copy does not slow the applicant down, and it is still made when the
documents service is away at that moment: the consumer tries again with back-off, then parks
the event. The event's id is the Idempotency-Key, so a redelivered event stores one copy.
"""

from datetime import date

from cases.cases.pdf import application_pdf
from cases.cases.repository import Cases
from cases.cases.views import case_view
from cases.generated_documents import DocumentNotKept, GeneratedDocuments
from contracts.envelope import Envelope
from contracts.events.cases import CaseSubmitted
from contracts.payload import EventPayload
from kit import logs
from kit.auth import Principal
from kit.authorities import AuthorityCopy
from kit.events.consumer import Subscription
from kit.mongo import Mongo, Session

log = logs.get_logger("cases.copies")

APPLICATION_COPIES = "application-copies"


class CopyNotKept(DocumentNotKept):
    """The documents service did not keep the copy (away, or refused it): tried again later."""


def applicant_of(authority: str, applicant_id: str) -> Principal:
    """The applicant as the copy shows the case to them: National Insurance numbers masked."""
    return Principal(
        user_id=applicant_id,
        authority=authority,
        roles=frozenset({"applicant"}),
        organisation=None,
        methods=(),
        token_id="",
        session_id="",
    )


def application_copies_subscription(
    mongo: Mongo, *, documents_url: str, internal_key: str
) -> Subscription:
    """Keep a PDF copy of each submitted application with the case's documents."""
    cases = Cases(mongo)
    authorities = AuthorityCopy(mongo)
    documents = GeneratedDocuments(documents_url, internal_key=internal_key)

    async def keep_copy(envelope: Envelope, payload: EventPayload, session: Session) -> None:
        assert isinstance(payload, CaseSubmitted)
        case = await cases.get(envelope.authority, payload.case_id, session=session)
        authority = await authorities.get(envelope.authority, session=session)
        if case is None or authority is None:
            # A draft removed since, or an authority this copy has not heard of yet.
            raise CopyNotKept(f"case {payload.case_id} or its authority is not known here")
        applicant = applicant_of(case.authority, case.applicant_id)
        view = case_view(case, principal=applicant, today=date.today())
        pdf = await application_pdf(view, authority_name=authority.name, language=case.language)
        document_id = await documents.keep(
            pdf,
            authority=envelope.authority,
            case_id=case.id,
            kind="application",
            file_name=f"application-{case.reference}.pdf",
            description=f"{view.title} {case.reference}",
            idempotency_key=f"application-copy-{envelope.id}",
        )
        log.info(
            "application copy kept",
            extra={"case_id": case.id, "document_id": document_id},
        )

    return Subscription(
        purpose=APPLICATION_COPIES, bindings=[CaseSubmitted.event_type], handler=keep_copy
    )

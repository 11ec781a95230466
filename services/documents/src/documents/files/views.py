"""Documents as the API shows them."""

from documents.files.models import DocumentRecord
from documents.schemas import DocumentView


def document_view(record: DocumentRecord, *, labels: dict[str, str]) -> DocumentView:
    """A document with its state, for someone who may see it."""
    return DocumentView(
        id=record.id,
        case_id=record.case_id,
        file_name=record.file_name,
        content_type=record.content_type,
        size=record.size,
        sha256=record.sha256,
        person=record.person,
        description=record.description,
        classification=record.classification,
        classification_label=labels.get(record.classification, record.classification),
        sensitive=record.sensitive,
        shared_with_landlord=record.shared_with_landlord,
        source=record.source,
        uploaded_by=record.uploaded_by,
        uploader_role=record.uploader_role,
        request_id=record.request_id,
        state=record.state,
        rejection_reason=record.rejection_reason,
        decided_at=record.decided_at,
        created_at=record.created_at,
        version=record.version,
    )

"""The applicant's documents pages: the list with what is asked for, uploading, withdrawing,
downloading."""

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kit.errors import NotFound
from web.cases.applications import DRAFT, ApplicantDep, CaseId
from web.cases.forms import text_of
from web.cases.rendering import applications_home, journey, page, see_other
from web.documents.api import CaseDocuments, DocumentId, Limits
from web.documents.refusals import refused_index, upload_refusal
from web.documents.rows import FileRow, checked_rows, megabytes
from web.documents.views import people_of, shown_document, shown_request
from web.i18n import gettext as _
from web.paging import Trail
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)

# File rows the upload form offers at first; "add another file" offers more.
FILE_ROWS = 3


async def _case(applicant: ApplicantDep, case_id: str) -> dict[str, Any]:
    case: dict[str, Any] = (await applicant.case(case_id)).body
    if case["status"] == DRAFT:
        raise NotFound()
    return case


def _documents_home(request: Request, case_id: str) -> str:
    return f"{applications_home(request)}/{case_id}/documents"


@router.get("/{authority}/applications/{case_id}/documents")
async def documents_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """What the housing service asked for, and every document sent, with its state."""
    case = await _case(applicant, case_id)
    documents = CaseDocuments(applicant, case_id)
    trail = Trail.of(request)
    asked, supplied, total = await documents.requests()
    found, following = await documents.page(trail.cursor)
    home = _documents_home(request, case_id)
    context = {
        **journey(case),
        "asked": [shown_request(item) for item in asked],
        "supplied": supplied,
        "total": total,
        "documents": [
            {
                **shown_document(document),
                # The applicant's own cases only reach these pages.
                "withdrawable": document.get("uploaded_by") == case.get("applicant_id")
                and document["state"] == "uploaded",
            }
            for document in found
        ],
        "paging": trail.links(home, following),
        "sent": request.query_params.get("sent", "").isdigit(),
        "withdrawn": request.query_params.get("withdrawn"),
    }
    return page(request, "documents/documents.html", context)


def _open_requests(asked: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(item["id"]): item for item in asked if item["status"] == "open"}


def _rows_wanted(request: Request, limits: Limits) -> int:
    """How many files the form offers: a few, or more when the person asked for another."""
    wanted = request.query_params.get("rows", "")
    rows = int(wanted) if wanted.isdigit() else FILE_ROWS
    return max(1, min(rows, limits.max_files))


def _more_rows(rows: list[FileRow]) -> str:
    """The form again with one more file (what was chosen is chosen again: files cannot be)."""
    query = {"rows": str(len(rows) + 1)}
    if rows[0].request_id:
        query["request"] = rows[0].request_id
    return "?" + urlencode(query)


def _upload_context(
    case: dict[str, Any],
    limits: Limits,
    open_requests: dict[str, dict[str, Any]],
    rows: list[FileRow],
    errors: dict[str, str],
    *,
    key: str,
) -> dict[str, Any]:
    people = people_of(case)
    requests = [shown_request(item) for item in open_requests.values()]
    return {
        **journey(case),
        "limits": limits,
        "max_size": megabytes(limits.max_bytes),
        "accept": ",".join(["image/*", *limits.extensions]),
        "rows": [
            row.shown(people=people, classifications=limits.classifications, requests=requests)
            for row in rows
        ],
        "more_rows": _more_rows(rows) if len(rows) < limits.max_files else None,
        "key": key,
        "errors": errors,
        "error_links": {name: f"#{name}" for name in errors},
    }


@router.get("/{authority}/applications/{case_id}/documents/upload")
async def upload_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """A few files, each with what it is and, if asked for, which request it answers."""
    case = await _case(applicant, case_id)
    documents = CaseDocuments(applicant, case_id)
    open_requests = _open_requests((await documents.requests())[0])
    request_id = request.query_params.get("request", "")
    if request_id and request_id not in open_requests:
        return see_other(_documents_home(request, case_id))
    limits = await documents.limits()
    rows = [FileRow(number) for number in range(1, _rows_wanted(request, limits) + 1)]
    rows[0].request_id = request_id
    context = _upload_context(case, limits, open_requests, rows, {}, key=uuid.uuid4().hex)
    return page(request, "documents/upload.html", context)


@router.post("/{authority}/applications/{case_id}/documents/upload")
async def upload(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form: CheckedForm
) -> Response:
    """Send every chosen file with what it is; any refused (too large, a type not accepted)
    is named on its own field and none of them is kept."""
    case = await _case(applicant, case_id)
    documents = CaseDocuments(applicant, case_id)
    limits = await documents.limits()
    open_requests = _open_requests((await documents.requests())[0])
    count = text_of(form, "rows")
    offered = max(1, min(int(count) if count.isdigit() else 1, limits.max_files))
    rows = [FileRow.read(form, number) for number in range(1, offered + 1)]
    errors = checked_rows(rows, people=people_of(case), limits=limits, open_requests=open_requests)
    key = text_of(form, "key")
    if not (key.isalnum() and len(key) <= 64):
        errors.setdefault(f"file-{rows[0].number}", _("Select a file to upload"))
    if not errors:
        chosen = [row for row in rows if row.file is not None]
        answer = await documents.upload(
            [row.item(open_requests) for row in chosen],
            [row.file for row in chosen if row.file is not None],
            key=key,
        )
        if answer.status == 201:
            return see_other(f"{_documents_home(request, case_id)}?sent={len(chosen)}")
        row = chosen[refused_index(answer, len(chosen))]
        errors[f"file-{row.number}"] = upload_refusal(
            answer, row.file_name, limits, max_size=megabytes(limits.max_bytes)
        )
    context = _upload_context(case, limits, open_requests, rows, errors, key=uuid.uuid4().hex)
    return page(request, "documents/upload.html", context, status=400)


@router.get("/{authority}/applications/{case_id}/documents/{document_id}/withdraw")
async def withdraw_page(
    request: Request, applicant: ApplicantDep, case_id: CaseId, document_id: DocumentId
) -> Response:
    """Are you sure? Withdrawing removes the document and its file."""
    case = await _case(applicant, case_id)
    answer = await CaseDocuments(applicant, case_id).call("GET", f"/documents/{document_id}")
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise NotFound()
    context = {**journey(case), "document": answer.body, "version": answer.etag or ""}
    return page(request, "documents/withdraw.html", context)


@router.post("/{authority}/applications/{case_id}/documents/{document_id}/withdraw")
async def withdraw(
    request: Request,
    applicant: ApplicantDep,
    case_id: CaseId,
    document_id: DocumentId,
    form: CheckedForm,
) -> Response:
    """Withdraw the document, as it was when the page showed it."""
    await _case(applicant, case_id)
    documents = CaseDocuments(applicant, case_id)
    answer = await documents.call(
        "DELETE", f"/documents/{document_id}", if_match=text_of(form, "version") or '""'
    )
    if answer.status == 404:
        raise NotFound()
    if answer.status != 204:
        # Verified meanwhile, or changed: the list shows how it stands now.
        return see_other(f"{_documents_home(request, case_id)}?withdrawn=no")
    return see_other(f"{_documents_home(request, case_id)}?withdrawn=yes")


@router.get("/{authority}/applications/{case_id}/documents/{document_id}/file")
async def download(
    request: Request, applicant: ApplicantDep, case_id: CaseId, document_id: DocumentId
) -> Response:
    """The file as it was sent, with its name, passed on as it arrives."""
    file = await applicant.download(f"/documents/cases/{case_id}/documents/{document_id}/file")
    return file.as_attachment()

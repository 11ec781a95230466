"""The applicant's documents pages: the list with what is asked for, uploading, withdrawing,
downloading."""

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from kit.errors import NotFound
from web.cases.applications import DRAFT, ApplicantDep, CaseId, day_of
from web.cases.forms import text_of
from web.cases.rendering import applications_home, journey, page, see_other
from web.cases.words import document_type_label
from web.documents.api import CaseDocuments, DocumentId, Limits
from web.documents.refusals import upload_refusal
from web.i18n import format_moment
from web.i18n import gettext as _
from web.paging import Trail
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)

STATES = {"uploaded": "blue", "verified": "green", "rejected": "red"}
DESCRIPTION_LIMIT = 500


def state_text(state: str) -> str:
    """A document's state as the applicant reads it."""
    texts = {
        "uploaded": _("Waiting to be checked"),
        "verified": _("Verified"),
        "rejected": _("Not accepted"),
    }
    return texts.get(state, state)


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
        "asked": [{**item, "due": day_of(item.get("due_on"))} for item in asked],
        "supplied": supplied,
        "total": total,
        "documents": [
            {
                **document,
                **_typed(document),
                "uploaded": format_moment(str(document["created_at"])),
                "state_text": state_text(str(document["state"])),
                "state_colour": STATES.get(str(document["state"]), "grey"),
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


def _typed(record: dict[str, Any]) -> dict[str, str]:
    """A document's or request's classification named in the page's language."""
    code = str(record.get("classification", ""))
    return {
        "classification_label": document_type_label(
            code, str(record.get("classification_label", code))
        )
    }


def _people(case: dict[str, Any]) -> list[str]:
    return [str(member["name"]) for member in case.get("household", []) if member.get("name")]


def _open_request(asked: list[dict[str, Any]], request_id: str) -> dict[str, Any] | None:
    return next(
        (item for item in asked if item["id"] == request_id and item["status"] == "open"), None
    )


def _upload_context(
    case: dict[str, Any],
    limits: Limits,
    asked: dict[str, Any] | None,
    values: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    people = _people(case)
    return {
        **journey(case),
        "limits": limits,
        "max_size": _size(limits.max_bytes),
        "accept": ",".join(["image/*", *limits.extensions]),
        "people": [
            {"value": name, "text": name, "checked": values.get("person") == name}
            for name in people
        ],
        "classifications": [{"value": "", "text": _("Choose a type of document")}]
        + [
            {
                "value": code,
                "text": document_type_label(code, label),
                "selected": values.get("classification") == code,
            }
            for code, label in limits.classifications.items()
        ],
        "asked": {**asked, **_typed(asked)} if asked else None,
        "values": values,
        "key": values.get("key") or uuid.uuid4().hex,
        "errors": errors,
    }


def _size(size: int) -> str:
    """A number of bytes as people read a file's size: 10 MB."""
    return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.0f}"}


@router.get("/{authority}/applications/{case_id}/documents/upload")
async def upload_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """Choose files and say what they are; for a document asked for, what it is is known."""
    case = await _case(applicant, case_id)
    documents = CaseDocuments(applicant, case_id)
    asked = None
    request_id = request.query_params.get("request", "")
    if request_id:
        asked = _open_request((await documents.requests())[0], request_id)
        if asked is None:
            return see_other(_documents_home(request, case_id))
    context = _upload_context(case, await documents.limits(), asked, {}, {})
    return page(request, "documents/upload.html", context)


def _files_of(form: FormData) -> list[UploadFile]:
    return [
        value
        for value in form.getlist("files")
        if isinstance(value, UploadFile) and value.filename and (value.size or 0) > 0
    ]


def _checked(
    form: FormData, files: list[UploadFile], case: dict[str, Any], limits: Limits, asked: Any
) -> dict[str, str]:
    """What is wrong with the form, by field, before anything is sent."""
    errors: dict[str, str] = {}
    people = _people(case)
    if asked is None:
        if people and text_of(form, "person") not in people:
            errors["person"] = _("Select who the document is about")
        if text_of(form, "classification") not in limits.classifications:
            errors["classification"] = _("Select the type of document")
    if len(text_of(form, "description")) > DESCRIPTION_LIMIT:
        errors["description"] = _("The description must be %(count)s characters or fewer") % {
            "count": DESCRIPTION_LIMIT
        }
    if not files:
        errors["files"] = _("Select a file to upload")
    elif len(files) > limits.max_files:
        errors["files"] = _("Select %(count)s files or fewer at a time") % {
            "count": limits.max_files
        }
    else:
        too_large = [file.filename for file in files if (file.size or 0) > limits.max_bytes]
        if too_large:
            errors["files"] = _("%(name)s is larger than %(size)s") % {
                "name": too_large[0],
                "size": _size(limits.max_bytes),
            }
    return errors


@router.post("/{authority}/applications/{case_id}/documents/upload")
async def upload(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form: CheckedForm
) -> Response:
    """Send the files; any refused (too large, a type not accepted) is named on the page and
    none of them is kept."""
    case = await _case(applicant, case_id)
    documents = CaseDocuments(applicant, case_id)
    limits = await documents.limits()
    request_id = text_of(form, "request")
    asked = _open_request((await documents.requests())[0], request_id) if request_id else None
    if request_id and asked is None:
        return see_other(_documents_home(request, case_id))
    values: dict[str, Any] = {
        name: text_of(form, name) for name in ("person", "description", "classification", "key")
    }
    values["sensitive"] = text_of(form, "sensitive") == "yes"
    files = _files_of(form)
    errors = _checked(form, files, case, limits, asked)
    key = str(values["key"])
    if not errors and not (key.isalnum() and len(key) <= 64):
        errors["files"] = _("Select a file to upload")
    if not errors:
        about = {
            "person": (asked or {}).get("person") or values["person"] or None,
            "description": values["description"],
            "classification": (asked or {}).get("classification") or values["classification"],
            "sensitive": values["sensitive"],
        }
        items = [
            {**about, **({"request_id": asked["id"]} if asked and index == 0 else {})}
            for index in range(len(files))
        ]
        answer = await documents.upload(items, files, key=key)
        if answer.status == 201:
            return see_other(f"{_documents_home(request, case_id)}?sent={len(files)}")
        errors["files"] = upload_refusal(answer, files, limits, max_size=_size(limits.max_bytes))
    values["key"] = uuid.uuid4().hex
    context = _upload_context(case, limits, asked, values, errors)
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
    headers = {
        "Content-Disposition": file.headers.get("Content-Disposition", "attachment"),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    return file.passed_on(file.headers.get("Content-Type", "application/octet-stream"), headers)

"""The documents of a case as officers work them (ask for one, verify or reject what was sent,
share one with a complaint's landlord) and as a landlord's users see what was shared with them."""

import datetime
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from kit.errors import NotFound
from web.cases import words
from web.cases.forms import text_of
from web.casework import reading, views
from web.casework.desks import LANDLORDS, OFFICERS, CaseId, Desk, LandlordUser, Officer
from web.casework.forms import DateField
from web.documents.api import DocumentId
from web.documents.views import people_of, shown_document, shown_request, type_of
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.paging import Trail
from web.roles import RoleHolder
from web.sessions.dependencies import CheckedForm, session_service

router = APIRouter(include_in_schema=False)
NOTICE = "documents:"
NOTE_LIMIT = 2000
REASON_LIMIT = 2000
PAGE_SIZE = "20"


def _home(request: Request, desk: Desk, case_id: str) -> str:
    return f"{authority_base(request)}/{desk.path}/{case_id}/documents"


def _done(notice: str) -> str:
    texts = {
        "asked": _("The document was asked for"),
        "verified": _("The document was verified"),
        "rejected": _("The document was rejected: the applicant is asked for it again"),
        "changed": _("The document had changed since you opened the page: check it again"),
        "shared": _("The document was shared with the landlord"),
        "unshared": _("The document is no longer shared with the landlord"),
    }
    return texts.get(notice, "")


async def _classifications(holder: RoleHolder) -> dict[str, str]:
    answer = await holder.call("GET", "/documents/limits")
    found = answer.body.get("classifications", []) if isinstance(answer.body, dict) else []
    return {
        str(item["code"]): type_of(
            {"classification": item["code"], "classification_label": item["label"]}
        )
        for item in found
    }


class RequestForm:
    """Asking for a document: whom it is about, what it is, by when, and a note."""

    def __init__(self, people: list[str], classifications: dict[str, str]) -> None:
        self.people = people
        self.classifications = classifications
        self.values: dict[str, str] = {"key": uuid.uuid4().hex}
        self.due = DateField("due_on")
        self.errors: dict[str, str] = {}

    def read(self, form: FormData, *, today: datetime.date) -> dict[str, Any] | None:
        """The request's body, or None with the errors noted."""
        self.values = {
            name: text_of(form, name) for name in ("person", "classification", "note", "key")
        }
        self.due.read(form)
        body: dict[str, Any] = {"classification": self.values["classification"]}
        if self.values["classification"] not in self.classifications:
            self.errors["classification"] = _("Select the type of document")
        if self.values["person"]:
            if self.values["person"] not in self.people:
                self.errors["person"] = _("Select who the document is about")
            body["person"] = self.values["person"]
        if len(self.values["note"]) > NOTE_LIMIT:
            self.errors["note"] = _("The note must be %(count)s characters or fewer") % {
                "count": NOTE_LIMIT
            }
        body["note"] = self.values["note"]
        if any((self.due.day, self.due.month, self.due.year)):
            due = self.due.value()
            if due is None:
                self.errors["due_on"] = _("The date must be a real date, like 27 3 2026")
            elif due < today:
                self.due.wrong = ["day", "month", "year"]
                self.errors["due_on"] = _("The date must be today or in the future")
            else:
                body["due_on"] = due.isoformat()
        key = self.values["key"]
        if not (key.isalnum() and len(key) <= 64):
            self.values["key"] = uuid.uuid4().hex
            self.errors.setdefault("classification", _("Select the type of document"))
        return None if self.errors else body

    def person_items(self) -> list[dict[str, Any]]:
        """The household, and nobody in particular."""
        chosen = self.values.get("person", "")
        return [{"value": "", "text": _("Not about one person"), "selected": not chosen}] + [
            {"value": name, "text": name, "selected": name == chosen} for name in self.people
        ]

    def type_items(self) -> list[dict[str, Any]]:
        """The housing service's classifications."""
        chosen = self.values.get("classification", "")
        return [{"value": "", "text": _("Choose a type of document")}] + [
            {"value": code, "text": label, "selected": code == chosen}
            for code, label in self.classifications.items()
        ]


async def _documents_page(
    request: Request,
    holder: RoleHolder,
    desk: Desk,
    case_id: str,
    *,
    form: RequestForm | None = None,
) -> HTMLResponse:
    case = (await reading.read_case(holder, case_id)).body
    base = f"/documents/cases/{case_id}"
    trail = Trail.of(request)
    params = {"limit": PAGE_SIZE, **({"cursor": trail.cursor} if trail.cursor else {})}
    listed = await holder.call("GET", f"{base}/documents", params=params)
    if trail.cursor and listed.status == 400:
        listed = await holder.call("GET", f"{base}/documents", params={"limit": PAGE_SIZE})
    documents = listed.body if listed.status == 200 and isinstance(listed.body, dict) else {}
    asked = await holder.call("GET", f"{base}/requests")
    requests = asked.body if asked.status == 200 and isinstance(asked.body, dict) else {}
    if desk.staff and form is None:
        form = RequestForm(people_of(case), await _classifications(holder))
    notice = await session_service(request).take_notice(holder.person.session)
    home = _home(request, desk, case_id)
    context = {
        "desk": desk,
        "case": case,
        "case_path": f"{authority_base(request)}/{desk.path}/{case_id}",
        "home": home,
        "kind_title": words.kind_title(str(case["kind"])),
        "applicant": views.applicant_name(case),
        "asked": [shown_request(item) for item in requests.get("items", [])],
        "supplied": requests.get("supplied", 0),
        "total": requests.get("total", 0),
        "documents": [shown_document(document) for document in documents.get("items", [])],
        # Only a complaint names a landlord whose users may be shown documents.
        "has_landlord": bool(case.get("organisation_id")),
        "paging": trail.links(home, documents.get("next_cursor")),
        "form": form,
        "errors": form.errors if form else {},
        "error_list": [
            {"text": text, "href": f"#{name}" if name != "due_on" else "#due_on-day"}
            for name, text in (form.errors if form else {}).items()
        ],
        "notice": _done(notice[len(NOTICE) :]) if notice and notice.startswith(NOTICE) else None,
    }
    return render(
        request, "casework/documents.html", context, status=400 if form and form.errors else 200
    )


async def _noted(request: Request, holder: RoleHolder, notice: str, to: str) -> Response:
    await session_service(request).note(holder.person.session, NOTICE + notice)
    return RedirectResponse(to, status_code=303)


@router.get("/{authority}/caseload/{case_id}/documents")
async def officer_documents(request: Request, officer: Officer, case_id: CaseId) -> HTMLResponse:
    """What was asked for and sent on the case; asking for more; verifying what was sent."""
    return await _documents_page(request, officer, OFFICERS, case_id)


@router.post("/{authority}/caseload/{case_id}/documents")
async def ask_for_document(
    request: Request, officer: Officer, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Ask the applicant for a document (sent twice, asked once)."""
    case = (await reading.read_case(officer, case_id)).body
    form = RequestForm(people_of(case), await _classifications(officer))
    body = form.read(form_data, today=datetime.date.today())
    if body is None:
        return await _documents_page(request, officer, OFFICERS, case_id, form=form)
    answer = await officer.call(
        "POST",
        f"/documents/cases/{case_id}/requests",
        body=body,
        headers={"Idempotency-Key": form.values["key"]},
    )
    if answer.status != 201:
        form.errors["classification"] = _("The document could not be asked for. Try again")
        return await _documents_page(request, officer, OFFICERS, case_id, form=form)
    return await _noted(request, officer, "asked", _home(request, OFFICERS, case_id))


async def _document(
    holder: RoleHolder, case_id: str, document_id: str
) -> tuple[dict[str, Any], str]:
    answer = await holder.call("GET", f"/documents/cases/{case_id}/documents/{document_id}")
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise NotFound()
    return answer.body, answer.etag or ""


async def _change_document(
    request: Request,
    officer: RoleHolder,
    case_id: str,
    document_id: str,
    form_data: FormData,
    *,
    method: str,
    action: str,
    done: str,
    body: dict[str, Any] | None = None,
) -> Response:
    """Change the document as the page showed it (the form's version), then show the
    documents with a notice: `done`, or "changed" if it had changed meanwhile."""
    answer = await officer.call(
        method,
        f"/documents/cases/{case_id}/documents/{document_id}/{action}",
        body=body,
        if_match=text_of(form_data, "version") or '""',
    )
    if answer.status == 404:
        raise NotFound()
    notice = done if answer.status == 200 else "changed"
    return await _noted(request, officer, notice, _home(request, OFFICERS, case_id))


@router.post("/{authority}/caseload/{case_id}/documents/{document_id}/verify")
async def verify_document(
    request: Request,
    officer: Officer,
    case_id: CaseId,
    document_id: DocumentId,
    form_data: CheckedForm,
) -> Response:
    """Mark the document verified, as it was when the page showed it."""
    return await _change_document(
        request,
        officer,
        case_id,
        document_id,
        form_data,
        method="POST",
        action="verify",
        done="verified",
    )


def _reject_page(
    request: Request,
    case_id: str,
    document: dict[str, Any],
    version: str,
    errors: dict[str, str],
    reason: str = "",
) -> HTMLResponse:
    context = {
        "document": shown_document(document),
        "version": version,
        "reason": reason,
        "home": _home(request, OFFICERS, case_id),
        "errors": errors,
        "error_list": [{"text": text, "href": f"#{name}"} for name, text in errors.items()],
    }
    return render(request, "casework/reject_document.html", context, status=400 if errors else 200)


@router.get("/{authority}/caseload/{case_id}/documents/{document_id}/reject")
async def reject_page(
    request: Request, officer: Officer, case_id: CaseId, document_id: DocumentId
) -> HTMLResponse:
    """Why the document is not accepted: the applicant reads it and is asked again."""
    document, version = await _document(officer, case_id, document_id)
    return _reject_page(request, case_id, document, version, {})


@router.post("/{authority}/caseload/{case_id}/documents/{document_id}/reject")
async def reject_document(
    request: Request,
    officer: Officer,
    case_id: CaseId,
    document_id: DocumentId,
    form_data: CheckedForm,
) -> Response:
    """Reject the document with the reason given."""
    reason = text_of(form_data, "reason")
    version = text_of(form_data, "version") or '""'
    errors = {}
    if not reason:
        errors["reason"] = _("Enter why the document is not accepted")
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = _("The reason must be %(count)s characters or fewer") % {
            "count": REASON_LIMIT
        }
    if errors:
        document, _version = await _document(officer, case_id, document_id)
        return _reject_page(request, case_id, document, version, errors, reason)
    return await _change_document(
        request,
        officer,
        case_id,
        document_id,
        form_data,
        method="POST",
        action="reject",
        done="rejected",
        body={"reason": reason},
    )


@router.post("/{authority}/caseload/{case_id}/documents/{document_id}/sharing")
async def share_document(
    request: Request,
    officer: Officer,
    case_id: CaseId,
    document_id: DocumentId,
    form_data: CheckedForm,
) -> Response:
    """Share the document with the complaint's landlord, or stop, as the page showed it."""
    shared = text_of(form_data, "shared") == "yes"
    return await _change_document(
        request,
        officer,
        case_id,
        document_id,
        form_data,
        method="PUT",
        action="sharing",
        done="shared" if shared else "unshared",
        body={"shared_with_landlord": shared},
    )


@router.get("/{authority}/complaints/{case_id}/documents")
async def landlord_documents(
    request: Request, landlord: LandlordUser, case_id: CaseId
) -> HTMLResponse:
    """The documents of the complaint shared with the landlord."""
    return await _documents_page(request, landlord, LANDLORDS, case_id)


async def _file(holder: RoleHolder, case_id: str, document_id: str) -> Response:
    file = await holder.download(f"/documents/cases/{case_id}/documents/{document_id}/file")
    return file.as_attachment()


@router.get("/{authority}/caseload/{case_id}/documents/{document_id}/file")
async def officer_file(officer: Officer, case_id: CaseId, document_id: DocumentId) -> Response:
    """The file as it was sent."""
    return await _file(officer, case_id, document_id)


@router.get("/{authority}/complaints/{case_id}/documents/{document_id}/file")
async def landlord_file(
    landlord: LandlordUser, case_id: CaseId, document_id: DocumentId
) -> Response:
    """A file shared with the landlord."""
    return await _file(landlord, case_id, document_id)

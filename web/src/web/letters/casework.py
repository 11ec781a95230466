"""The officer's letter pages on a case: the letters sent, with when each was opened and
acknowledged, and writing one from a template (post-redirect-get, sent once per form)."""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from contracts import words as vocabulary
from kit.errors import NotFound
from web.account.identity import items_of
from web.account.registration_forms import Errors
from web.cases import words
from web.casework import reading
from web.casework.desks import CaseId, Officer
from web.gateway import GatewayUnavailable
from web.i18n import current_language, format_moment
from web.i18n import gettext as _
from web.letters.routes import shown
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm
from web.staff.forms import text_of

router = APIRouter(include_in_schema=False)

LetterId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
TEMPLATES = ("decision", "general_advice", "appointment", "request_for_information")
TITLE_MAX = 200
BODY_MAX = 10000
NAME_MAX = 120


@dataclass
class LetterForm(Errors):
    """A letter to write: its template, title, the officer's words and signature."""

    template: str = ""
    title: str = ""
    body: str = ""
    signed_by: str = ""
    key: str = ""

    def read(self, form: FormData) -> dict[str, Any] | None:
        """The API's body when every field is right, else None with the errors set."""
        self.template = text_of(form, "template")
        self.title = text_of(form, "title")
        self.body = text_of(form, "body")
        self.signed_by = text_of(form, "signed_by")
        self.key = text_of(form, "key")
        if self.template not in TEMPLATES:
            self.errors["template"] = _("Select the kind of letter")
        if not self.title:
            self.errors["title"] = _("Enter the letter's title")
        elif len(self.title) > TITLE_MAX:
            self.errors["title"] = _("The title must be %(count)s characters or fewer") % {
                "count": TITLE_MAX
            }
        if not self.body:
            self.errors["body"] = _("Write what the letter says")
        elif len(self.body) > BODY_MAX:
            self.errors["body"] = _("The letter must be %(count)s characters or fewer") % {
                "count": BODY_MAX
            }
        if not self.signed_by or len(self.signed_by) > NAME_MAX:
            self.errors["signed_by"] = _("Enter the name the letter is signed with")
        if self.errors:
            return None
        return {
            "template": self.template,
            "title": self.title,
            "body": self.body,
            "signed_by": self.signed_by,
        }

    def template_items(self) -> list[dict[str, Any]]:
        """The kinds of letter to choose from."""
        language = current_language.get()
        return [
            {
                "value": name,
                "text": vocabulary.letter_template(name, language),
                "checked": name == self.template,
            }
            for name in TEMPLATES
        ]


def _home(request: Request, case_id: str) -> str:
    return f"{authority_base(request)}/caseload/{case_id}/letters"


def _about(request: Request, case: dict[str, Any]) -> dict[str, Any]:
    return {
        "case": case,
        "kind_title": words.kind_title(str(case["kind"])),
        "case_path": f"{authority_base(request)}/caseload/{case['id']}",
        "home": _home(request, str(case["id"])),
    }


@router.get("/{authority}/caseload/{case_id}/letters")
async def case_letters(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """The case's letters, newest first: who wrote each, when, opened and acknowledged."""
    case: dict[str, Any] = (await reading.read_case(officer, case_id)).body
    answer = await officer.call("GET", f"/cases/cases/{case_id}/letters", params={"limit": "100"})
    if answer.status != 200:
        raise GatewayUnavailable(f"letters answered {answer.status}")
    letters = [
        {
            **shown(letter),
            "viewed_text": format_moment(letter["viewed_at"]) if letter.get("viewed_at") else "",
        }
        for letter in items_of(answer)
    ]
    context = {
        **_about(request, case),
        "letters": letters,
        "sent": request.query_params.get("sent") == "yes",
    }
    return render(request, "letters/case_letters.html", context)


def _form_page(
    request: Request, case: dict[str, Any], form: LetterForm, *, status: int = 200
) -> HTMLResponse:
    context = {**_about(request, case), "form": form, "error_list": form.error_list()}
    return render(request, "letters/write.html", context, status=status)


@router.get("/{authority}/caseload/{case_id}/letters/write")
async def write_page(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """Choose the kind of letter and write it."""
    case: dict[str, Any] = (await reading.read_case(officer, case_id)).body
    names = await reading.staff_names(officer)
    form = LetterForm(signed_by=names.get(officer.user_id, ""), key=uuid.uuid4().hex)
    return _form_page(request, case, form)


@router.post("/{authority}/caseload/{case_id}/letters/write")
async def write(
    request: Request, officer: Officer, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Send the letter: rendered in the applicant's language, kept with the case's documents."""
    case: dict[str, Any] = (await reading.read_case(officer, case_id)).body
    form = LetterForm()
    body = form.read(form_data)
    if not (form.key.isalnum() and len(form.key) <= 64):
        form.key = uuid.uuid4().hex
    if body is None:
        return _form_page(request, case, form, status=400)
    answer = await officer.call(
        "POST",
        f"/cases/cases/{case_id}/letters",
        body=body,
        headers={"Idempotency-Key": form.key},
    )
    if answer.status == 201:
        return RedirectResponse(f"{_home(request, case_id)}?sent=yes", status_code=303)
    if answer.status == 404:
        raise NotFound()
    form.errors["body"] = _("The letter could not be sent just now: try again")
    return _form_page(request, case, form, status=400 if answer.status < 500 else 503)


@router.get("/{authority}/caseload/{case_id}/letters/{letter_id}/pdf")
async def letter_pdf(
    request: Request, officer: Officer, case_id: CaseId, letter_id: LetterId
) -> Response:
    """The letter as the applicant received it."""
    download = await officer.download(f"/cases/cases/{case_id}/letters/{letter_id}/pdf")
    return download.as_pdf("letter.pdf", shown=True)

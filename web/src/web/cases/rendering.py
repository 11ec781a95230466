"""What the pages of one application share: where they are, how they are rendered, and
the parts of a case several of them show."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from kit.errors import NotFound
from web.cases.applications import DRAFT, ApplicantDep, day_of
from web.cases.questions import Question
from web.cases.words import contact_method_label, kind_title, relationship_label
from web.i18n import gettext as _
from web.pages import authority_base, render

HOMELESSNESS = "homelessness"
# The script that makes Exit this page replace the page it leaves.
EXIT_SCRIPT = "exit-this-page.js"


def applications_home(request: Request) -> str:
    """Where the person's list of applications is."""
    return f"{authority_base(request)}/applications"


def page(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """The page, with its error summary's entries each linking to the field in error."""
    form = context.get("form")
    errors: dict[str, str] = context.get("errors") or (form.errors if form is not None else {})
    links: dict[str, str] = context.get("error_links", {})
    entries = [{"text": text, "href": links.get(name, f"#{name}")} for name, text in errors.items()]
    return render(request, template, {**context, "error_list": entries}, status=status)


def see_other(path: str) -> RedirectResponse:
    """Go on to the next page (post-redirect-get)."""
    return RedirectResponse(path, status_code=303)


def journey(case: dict[str, Any]) -> dict[str, Any]:
    """What every page of an application's journey shows besides its own form."""
    return {
        "case": case,
        "kind_title": kind_title(str(case.get("kind"))),
        "exit_this_page": case.get("kind") == HOMELESSNESS,
    }


async def draft_of(applicant: ApplicantDep, case_id: str) -> tuple[dict[str, Any], str]:
    """A draft of the person's and its version; not found once it is no longer a draft."""
    answer = await applicant.case(case_id)
    if answer.body.get("status") != DRAFT:
        raise NotFound()
    return answer.body, answer.etag or ""


def members_shown(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The household as the pages show it."""
    return [
        {
            **member,
            "relationship_text": relationship_label(str(member.get("relationship"))),
            "born": day_of(member.get("date_of_birth")),
        }
        for member in case.get("household", [])
    ]


def answer_rows(
    case: dict[str, Any], questions: list[Question], *, base: str | None
) -> list[dict[str, Any]]:
    """Each question with its answer, and where to change it if it still can be."""
    answers = case.get("answers", {})
    return [
        {
            "id": question.id,
            "question": question.text,
            "answer": question.shown(answers.get(question.id)) or _("Not answered"),
            "href": f"{base}/questions/{question.id}" if base else None,
        }
        for question in questions
    ]


def contact_rows(contact: dict[str, Any] | None) -> list[dict[str, str]]:
    """The contact details as the pages list them."""
    if not contact:
        return []
    yes, no = _("Yes"), _("No")
    ok_to_call, ok_to_email = _("OK to call"), _("OK to email")
    rows = []
    for phone, label in (
        ("home_phone", _("Home phone")),
        ("mobile_phone", _("Mobile phone")),
        ("work_phone", _("Work phone")),
    ):
        if contact.get(phone):
            ok = yes if contact.get(f"{phone}_ok_to_call") else no
            rows.append({"key": label, "value": f"{contact[phone]} ({ok_to_call}: {ok})"})
    if contact.get("email"):
        ok = yes if contact.get("email_ok_to_email") else no
        rows.append({"key": _("Email"), "value": f"{contact['email']} ({ok_to_email}: {ok})"})
    if contact.get("preferred_contact_method"):
        rows.append(
            {
                "key": _("Preferred contact method"),
                "value": contact_method_label(str(contact["preferred_contact_method"])),
            }
        )
    return rows

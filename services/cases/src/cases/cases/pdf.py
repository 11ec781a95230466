"""Any application as an accessible PDF: tagged, with its language and title set."""

import asyncio
from datetime import date, datetime
from pathlib import Path
from typing import Any

import weasyprint
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cases.cases.kinds import KINDS
from cases.cases.schemas import CaseView

TEMPLATES = Path(__file__).resolve().parent / "templates"
CONTACT_LABELS = {
    "home_phone": "Home phone number",
    "mobile_phone": "Mobile phone number",
    "work_phone": "Work phone number",
    "email": "Email address",
    "preferred_contact_method": "Preferred contact method",
}


def uk_date(value: date | datetime) -> str:
    """A date as people in the UK write it: 25 April 2018."""
    return f"{value.day} {value:%B %Y}"


_environment = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False
)
_environment.filters["uk_date"] = uk_date


def _answer(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return (
        str(value).replace("_", " ") if isinstance(value, str) and " " not in value else str(value)
    )


def _answers(case: CaseView) -> list[tuple[str, str]]:
    model = KINDS[case.kind].answers
    return [
        (str(field.description or name), _answer(case.answers[name]))
        for name, field in model.model_fields.items()
        if name in case.answers
    ]


def _contact(case: CaseView) -> list[tuple[str, str]]:
    if case.contact is None:
        return []
    contact = case.contact.model_dump()
    shown = []
    for field, label in CONTACT_LABELS.items():
        value = contact.get(field)
        if value is None:
            continue
        text = _answer(value)
        permission = contact.get(f"{field}_ok_to_call", contact.get(f"{field}_ok_to_email"))
        if permission is not None and field != "preferred_contact_method":
            text += " (OK to contact)" if permission else " (do not contact)"
        shown.append((label, text))
    return shown


def render_html(case: CaseView, *, authority_name: str) -> str:
    """The application as an HTML document."""
    return _environment.get_template("application.html").render(
        case=case,
        authority_name=authority_name,
        answers=_answers(case),
        contact=_contact(case),
    )


def render_pdf(case: CaseView, *, authority_name: str) -> bytes:
    """The application as a tagged PDF in English."""
    html = weasyprint.HTML(string=render_html(case, authority_name=authority_name))
    pdf: bytes = html.write_pdf(pdf_tags=True)
    return pdf


async def application_pdf(case: CaseView, *, authority_name: str) -> bytes:
    """Render in a worker thread: layout takes a while and must not hold up other requests."""
    return await asyncio.to_thread(render_pdf, case, authority_name=authority_name)

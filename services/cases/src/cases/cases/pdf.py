"""Any application as an accessible PDF, in English or Welsh: tagged, with its language and
title set."""

import asyncio
from datetime import date, datetime
from pathlib import Path
from typing import Any

import weasyprint
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cases.cases.kinds import KINDS
from cases.cases.schemas import CaseView
from contracts import words
from contracts.fields import LANGUAGES, Language
from kit.i18n import load_catalogues

TEMPLATES = Path(__file__).resolve().parent / "templates"
CATALOGUES = load_catalogues(Path(__file__).resolve().parents[1] / "translations")
# The contact details a case may hold, in the order shown, with what each answer is called.
CONTACT_FIELDS = ("home_phone", "mobile_phone", "work_phone", "email", "preferred_contact_method")
# The answers chosen from a list, and the words for each choice.
CHOICES = {
    "tenure": words.tenure_label,
    "topic": words.advice_topic_label,
    "case_type": words.case_type_label,
}


def _environment(language: Language) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(CATALOGUES[language], newstyle=True)  # type: ignore[attr-defined]
    environment.filters["uk_date"] = lambda value: uk_date(value, language)
    return environment


def uk_date(value: date | datetime, language: Language = "en") -> str:
    """A date as people in the UK write it: 25 April 2018, 25 Ebrill 2018."""
    return format_date(value, "d MMMM y", locale=language)


_ENVIRONMENTS = {language: _environment(language) for language in LANGUAGES}


def _answer(name: str, value: Any, language: Language) -> str:
    gettext = CATALOGUES[language].gettext
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if name in CHOICES and isinstance(value, str):
        return CHOICES[name](value, language)
    return str(value)


def _answers(case: CaseView, language: Language) -> list[tuple[str, str]]:
    model = KINDS[case.kind].answers
    return [
        (
            words.question_label(name, language, str(field.description or name)),
            _answer(name, case.answers[name], language),
        )
        for name, field in model.model_fields.items()
        if name in case.answers
    ]


def _contact(case: CaseView, language: Language) -> list[tuple[str, str]]:
    if case.contact is None:
        return []
    gettext = CATALOGUES[language].gettext
    names = {
        "home_phone": gettext("Home phone number"),
        "mobile_phone": gettext("Mobile phone number"),
        "work_phone": gettext("Work phone number"),
        "email": gettext("Email address"),
        "preferred_contact_method": gettext("Preferred contact method"),
    }
    contact = case.contact.model_dump()
    shown = []
    for field in CONTACT_FIELDS:
        value = contact.get(field)
        if value is None:
            continue
        if field == "preferred_contact_method":
            shown.append((names[field], words.contact_method_label(value, language)))
            continue
        allowed = contact.get(f"{field}_ok_to_call", contact.get(f"{field}_ok_to_email"))
        permission = gettext("OK to contact") if allowed else gettext("do not contact")
        shown.append((names[field], f"{value} ({permission})"))
    return shown


def render_html(case: CaseView, *, authority_name: str, language: Language = "en") -> str:
    """The application as an HTML document in the language."""
    return (
        _ENVIRONMENTS[language]
        .get_template("application.html")
        .render(
            case=case,
            language=language,
            title=words.kind_title(case.kind, language),
            status=words.status_label(case.status, language),
            stage=words.stage_label(case.stage, language) if case.stage else None,
            clocks=[(words.clock_label(clock.name, language), clock) for clock in case.clocks],
            relationship=lambda name: words.relationship_label(name, language),
            authority_name=authority_name,
            answers=_answers(case, language),
            contact=_contact(case, language),
        )
    )


def render_pdf(case: CaseView, *, authority_name: str, language: Language = "en") -> bytes:
    """The application as a tagged PDF in the language."""
    html = weasyprint.HTML(
        string=render_html(case, authority_name=authority_name, language=language)
    )
    pdf: bytes = html.write_pdf(pdf_tags=True)
    return pdf


async def application_pdf(
    case: CaseView, *, authority_name: str, language: Language = "en"
) -> bytes:
    """Render in a worker thread: layout takes a while and must not hold up other requests."""
    return await asyncio.to_thread(
        render_pdf, case, authority_name=authority_name, language=language
    )

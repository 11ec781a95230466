"""A Personal Housing Plan as an accessible PDF in the case's language: tagged, with its
language and title set, from the authority, with the case's reference, the plan's progress,
the assessment and a table of the actions."""

import asyncio
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import weasyprint
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cases.cases.pdf import CATALOGUES, uk_date
from cases.plans.schemas import PlanView
from contracts import words
from contracts.fields import LANGUAGES, Language
from kit.authorities import Authority

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class PlanDocument:
    """The plan as its reader sees it, in the case's language, on the day it is made."""

    plan: PlanView
    language: Language
    issued_on: date


def _environment(language: Language) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(CATALOGUES[language], newstyle=True)  # type: ignore[attr-defined]
    environment.filters["uk_date"] = lambda value: uk_date(value, language)
    environment.filters["category"] = lambda value: words.plan_action_category(value, language)
    environment.filters["progress"] = lambda value: words.plan_action_progress(value, language)
    environment.filters["by_whom"] = lambda value: words.plan_action_by_whom(value, language)
    environment.filters["plan_status"] = lambda value: words.plan_status(value, language)
    return environment


_ENVIRONMENTS = {language: _environment(language) for language in LANGUAGES}


def render_html(document: PlanDocument, *, authority: Authority) -> str:
    """The plan as an HTML document in its language."""
    return (
        _ENVIRONMENTS[document.language]
        .get_template("plan.html")
        .render(
            plan=document.plan,
            language=document.language,
            authority=authority,
            made_on=document.issued_on,
            title=words.generated_document("housing_plan", document.language),
        )
    )


def render_pdf(document: PlanDocument, *, authority: Authority) -> bytes:
    """The plan as a tagged PDF."""
    pdf: bytes = weasyprint.HTML(string=render_html(document, authority=authority)).write_pdf(
        pdf_tags=True
    )
    return pdf


async def plan_pdf(document: PlanDocument, *, authority: Authority) -> bytes:
    """Render in a worker thread: layout takes a while and must not hold up other requests."""
    return await asyncio.to_thread(render_pdf, document, authority=authority)

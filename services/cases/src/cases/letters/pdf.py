"""A letter as an accessible PDF in the applicant's language: tagged, with its language and
title set, from the authority with its contact details, to the applicant at their address."""

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import weasyprint
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cases.cases.pdf import CATALOGUES, uk_date
from contracts import words
from contracts.events.casework_meetings import LetterTemplate
from contracts.fields import LANGUAGES, Language
from kit.authorities import Authority

TEMPLATES = Path(__file__).resolve().parent / "templates"
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class LetterContent:
    """What a letter says and to whom."""

    template: LetterTemplate
    title: str
    body: str
    signed_by: str
    reference: str
    recipient_name: str | None
    recipient_address: str | None
    issued_at: datetime
    language: Language


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


_ENVIRONMENTS = {language: _environment(language) for language in LANGUAGES}


def render_html(letter: LetterContent, *, authority: Authority) -> str:
    """The letter as an HTML document in its language."""
    language = letter.language
    paragraphs = [" ".join(part.split()) for part in letter.body.split("\n\n") if part.strip()]
    return (
        _ENVIRONMENTS[language]
        .get_template("letter.html")
        .render(
            letter=letter,
            language=language,
            kind=words.letter_template(letter.template, language),
            authority=authority,
            paragraphs=paragraphs,
            address_lines=[
                line.strip()
                for line in (letter.recipient_address or "").replace("\n", ",").split(",")
                if line.strip()
            ],
            issued_on=letter.issued_at.astimezone(LONDON).date(),
        )
    )


def render_pdf(letter: LetterContent, *, authority: Authority) -> bytes:
    """The letter as a tagged PDF."""
    pdf: bytes = weasyprint.HTML(string=render_html(letter, authority=authority)).write_pdf(
        pdf_tags=True
    )
    return pdf


async def letter_pdf(letter: LetterContent, *, authority: Authority) -> bytes:
    """Render in a worker thread: layout takes a while and must not hold up other requests."""
    return await asyncio.to_thread(render_pdf, letter, authority=authority)

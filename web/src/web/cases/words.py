"""The cases API's names for kinds, statuses, stages and answers, in the page's language.

The words themselves, English and Welsh, are the portal's one vocabulary in `contracts.words`.
"""

from collections.abc import Callable

from contracts import words
from web.i18n import current_language

# Each function takes the API's name for something and gives the words for it.
Label = Callable[[str], str]


def kind_title(kind: str) -> str:
    """What an application of this kind is called."""
    return words.kind_title(kind, current_language.get())


def status_label(status: str) -> str:
    """A case's status as people see it (the same name means the same in every kind)."""
    return words.status_label(status, current_language.get())


def action_label(action: str) -> str:
    """The button or choice that makes a move from one status to another."""
    return words.action_label(action, current_language.get())


def stage_label(stage: str) -> str:
    """A complaint's stage."""
    return words.stage_label(stage, current_language.get())


def case_type_label(case_type: str) -> str:
    """The type of an ombudsman case."""
    return words.case_type_label(case_type, current_language.get())


def tenure_label(tenure: str) -> str:
    """How someone lives at their current address."""
    return words.tenure_label(tenure, current_language.get())


def advice_topic_label(topic: str) -> str:
    """What someone needs housing advice about."""
    return words.advice_topic_label(topic, current_language.get())


def relationship_label(relationship: str) -> str:
    """How a household member is related to the applicant."""
    return words.relationship_label(relationship, current_language.get())


def contact_method_label(method: str) -> str:
    """How someone prefers to be contacted."""
    return words.contact_method_label(method, current_language.get())


def question_label(question: str, fallback: str | None = None) -> str:
    """A kind's question as the applicant is asked it; the API's words (`fallback`) for one
    unknown here."""
    return words.question_label(question, current_language.get(), fallback)


def clock_label(clock: str) -> str:
    """A statutory period's last day."""
    return words.clock_label(clock, current_language.get())


def history_label(action: str) -> str:
    """What happened to a case, as its history lists it."""
    return words.history_label(action, current_language.get())


def document_type_label(code: str, fallback: str) -> str:
    """What a document is; the API's words (`fallback`) for an authority's own classification."""
    for names in (words.document_type, words.generated_document):
        if code in names.words:
            return names(code, current_language.get())
    return fallback

"""A kind's questions as the cases API describes them, turned into the fields a page asks."""

from dataclasses import dataclass, field
from typing import Any, Literal

from web.cases.words import (
    Label,
    advice_topic_label,
    case_type_label,
    question_label,
    tenure_label,
)
from web.i18n import gettext as _

# How a question is asked: yes or no, one of some choices, a whole number, or in words.
Control = Literal["yes_no", "choice", "number", "text"]
YES = "yes"
NO = "no"


# The words for each choice of the questions answered by choosing.
CHOICE_LABELS: dict[str, Label] = {
    "tenure": tenure_label,
    "topic": advice_topic_label,
    "case_type": case_type_label,
}


@dataclass(frozen=True)
class Question:
    """One question of a kind, and how its page asks it."""

    id: str
    text: str
    required: bool
    control: Control
    choices: list[tuple[str, str]] = field(default_factory=list)
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None

    def shown(self, answer: Any) -> str:
        """An answer given, as the page shows it; nothing when unanswered."""
        if answer is None:
            return ""
        if self.control == "yes_no":
            return _("Yes") if answer is True else _("No")
        if self.control == "choice":
            return dict(self.choices).get(str(answer), str(answer))
        return str(answer)

    def form_value(self, answer: Any) -> str:
        """An answer given, as its field holds it."""
        if answer is None:
            return ""
        if self.control == "yes_no":
            return YES if answer is True else NO
        return str(answer)

    def read(self, value: str) -> tuple[Any, str | None]:
        """The answer a field's value gives (None when left empty), or the error it shows."""
        value = value.strip()
        if not value:
            return None, None
        if self.control == "yes_no":
            if value not in (YES, NO):
                return None, _("Select yes or no")
            return value == YES, None
        if self.control == "choice":
            if value not in dict(self.choices):
                return None, _("Select one of the answers")
            return value, None
        if self.control == "number":
            return self._number(value)
        if self.max_length is not None and len(value) > self.max_length:
            return None, _("Your answer must be %(count)s characters or fewer") % {
                "count": self.max_length
            }
        return value, None

    def _number(self, value: str) -> tuple[Any, str | None]:
        low, high = self.minimum or 0, self.maximum or 99
        wrong = _("Enter a whole number from %(low)s to %(high)s") % {"low": low, "high": high}
        if not value.isdigit():
            return None, wrong
        number = int(value)
        if not low <= number <= high:
            return None, wrong
        return number, None

    def missing(self) -> str:
        """The error when a required question is left unanswered."""
        if self.control in ("yes_no", "choice"):
            return _("Select an answer to “%(question)s”") % {"question": self.text}
        return _("Answer “%(question)s”") % {"question": self.text}


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of an answer given: an optional answer's `anyOf` without its null."""
    for option in schema.get("anyOf", []):
        if isinstance(option, dict) and option.get("type") != "null":
            return option
    return schema


def question_of(described: dict[str, Any]) -> Question:
    """One of the questions of the API's kind, with the control its answer's schema asks for."""
    question_id = str(described["id"])
    schema = _plain(described.get("schema", {}))
    text = question_label(question_id, str(described.get("text", question_id)))
    required = bool(described.get("required"))
    if schema.get("type") == "boolean":
        return Question(question_id, text, required, "yes_no")
    if "enum" in schema:
        label = CHOICE_LABELS.get(question_id)
        choices = [
            (str(value), label(str(value)) if label else str(value)) for value in schema["enum"]
        ]
        return Question(question_id, text, required, "choice", choices=choices)
    if schema.get("type") == "integer":
        return Question(
            question_id,
            text,
            required,
            "number",
            minimum=schema.get("minimum"),
            maximum=schema.get("maximum"),
        )
    return Question(question_id, text, required, "text", max_length=schema.get("maxLength"))


def questions_of(kind: dict[str, Any]) -> list[Question]:
    """Every question of a kind, in the order the API gives them."""
    return [question_of(described) for described in kind.get("questions", [])]

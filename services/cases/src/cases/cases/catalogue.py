"""The kinds of case as the API describes them: questions, statuses and transitions."""

from cases.cases.kinds import Kind
from cases.cases.schemas import KindView, Question, StatusView, TransitionView


def kind_view(kind: Kind) -> KindView:
    """A kind with its questions (from its answers' model), statuses and transitions."""
    schema = kind.answers.model_json_schema()
    questions = [
        Question(
            id=name,
            text=str(field.description or name),
            required=name in kind.answers.required,
            schema=schema["properties"][name],
        )
        for name, field in kind.answers.model_fields.items()
    ]
    return KindView(
        kind=kind.name,
        title=kind.title,
        questions=questions,
        statuses=[StatusView(name=name, label=label) for name, label in kind.statuses.items()],
        transitions=[
            TransitionView(
                action=t.action,
                sources=sorted(t.sources),
                target=t.target,
                by=sorted(t.by),
                needs_reason=t.needs_reason,
                needs_date=t.needs_date,
                needs_register=t.needs_register,
            )
            for t in kind.transitions
            if "system" not in t.by
        ],
        stages=list(kind.stages),
    )

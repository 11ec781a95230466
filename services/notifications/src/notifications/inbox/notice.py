"""What one person is told of one event, and the kinds of thing people are told of."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, get_args

from contracts.fields import LANGUAGES, Language

# Who a notice is shown to: staff notices only to staff, a landlord's user's only to
# landlords' users, so that nobody sees what they were told in a role they no longer hold.
Audience = Literal["applicant", "staff", "landlord"]
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
NoticeKind = Literal[
    "application_received",
    "application_accepted",
    "status_changed",
    "change_verified",
    "change_rejected",
    "case_closed",
    "change_submitted",
    "details_changed",
    "case_withdrawn",
    "case_assigned",
    "task_assigned",
    "task_reopened",
    "task_unable_to_complete",
    "message_received",
    "reply_received",
    "appointment_booked",
    "appointment_changed",
    "appointment_cancelled",
    "letter_issued",
    "plan_issued",
    "plan_action_assigned",
    "plan_disagreed",
    "plan_submitted_for_review",
    "document_requested",
    "document_verified",
    "document_rejected",
    "document_uploaded",
    "survey_requested",
    # Reminders, told when their time comes rather than when an event happens.
    "appointment_reminder",
    "document_due_soon",
    "plan_action_due_soon",
    "task_overdue",
]
# Every kind a person may hear of, in the order the preferences list them.
NOTICE_KINDS: tuple[NoticeKind, ...] = get_args(NoticeKind)
# The kinds of casework, documents and reminders: their events name no email address, so an
# applicant is emailed of them at the address the case's own events last gave, in one plain
# email that says only what the notice says.
CASEWORK_KINDS = frozenset(NOTICE_KINDS[NOTICE_KINDS.index("task_assigned") :])
# Whom each kind is told to: the one place that says it. A notice of a kind to anyone else
# is refused where it is made, and the email choices offer a person only the kinds told to
# the audiences they are in.
KIND_AUDIENCES: dict[NoticeKind, frozenset[Audience]] = {
    "application_received": frozenset({"applicant"}),
    "application_accepted": frozenset({"applicant"}),
    "status_changed": frozenset({"applicant"}),
    "change_verified": frozenset({"applicant"}),
    "change_rejected": frozenset({"applicant"}),
    "case_closed": frozenset({"applicant"}),
    "change_submitted": frozenset({"staff"}),
    "details_changed": frozenset({"staff"}),
    "case_withdrawn": frozenset({"staff"}),
    "case_assigned": frozenset({"staff"}),
    "task_assigned": frozenset({"applicant", "landlord"}),
    "task_reopened": frozenset({"applicant", "landlord"}),
    "task_unable_to_complete": frozenset({"staff"}),
    "message_received": frozenset({"applicant", "staff", "landlord"}),
    "reply_received": frozenset({"applicant", "staff", "landlord"}),
    "appointment_booked": frozenset({"applicant"}),
    "appointment_changed": frozenset({"applicant"}),
    "appointment_cancelled": frozenset({"applicant"}),
    "letter_issued": frozenset({"applicant"}),
    "plan_issued": frozenset({"applicant"}),
    "plan_action_assigned": frozenset({"applicant"}),
    "plan_disagreed": frozenset({"staff"}),
    "plan_submitted_for_review": frozenset({"staff"}),
    "document_requested": frozenset({"applicant"}),
    "document_verified": frozenset({"applicant"}),
    "document_rejected": frozenset({"applicant"}),
    "document_uploaded": frozenset({"staff"}),
    "survey_requested": frozenset({"applicant"}),
    "appointment_reminder": frozenset({"applicant"}),
    "document_due_soon": frozenset({"applicant"}),
    "plan_action_due_soon": frozenset({"applicant"}),
    "task_overdue": frozenset({"applicant", "landlord", "staff"}),
}


def kinds_told_to(audiences: Iterable[Audience]) -> tuple[NoticeKind, ...]:
    """The kinds of notice people in these audiences can be told of, in the usual order."""
    among = set(audiences)
    return tuple(kind for kind in NOTICE_KINDS if KIND_AUDIENCES[kind] & among)


# The language of an officer's or a landlord's user's notice where one language must be chosen
# (a notice read without naming one, or recorded before notices held every language): they
# read the portal in either, and it shows each notice in the language of the page.
STAFF_LANGUAGE: Language = "en"


def in_every_language(say: Callable[[Language], str]) -> dict[Language, str]:
    """What a notice says in each of the portal's languages: a person reads it in the language
    of the page they are on, whatever the language the notice was told in."""
    return {language: say(language) for language in LANGUAGES}


@dataclass(frozen=True)
class Notice:
    """What one person is told of one event."""

    kind: NoticeKind
    user_id: str
    audience: Audience
    language: Language
    activity: str
    # What it says in each of the portal's languages, `activity` among them.
    activities: dict[Language, str]
    # The portal page about the thing, as a path under the portal's address.
    link: str
    case_id: str | None
    # Where the person may be emailed about it, when the event gives an address they said
    # is OK to email; None: in-app only.
    email_to: str | None = None
    # What the email may show: never the case's content, only that there is something new.
    email_facts: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.audience not in KIND_AUDIENCES[self.kind]:
            raise ValueError(f"a {self.kind} notice is not told to the {self.audience} audience")
        if self.activities.get(self.language) != self.activity:
            raise ValueError(f"a {self.kind} notice's activity is not its {self.language} text")

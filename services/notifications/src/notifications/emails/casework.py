"""What an email about casework says for each kind of notice: its subject, what to do next and
the button to the portal page. Never what the task, message, letter, plan or document says:
the email says only that there is something new and where to see it."""

from dataclasses import dataclass
from gettext import NullTranslations


@dataclass(frozen=True)
class CaseworkWording:
    """The words of one kind of casework email, in its language."""

    subject: str
    next_step: str
    button: str


def casework_wording(kind: str | None, *, catalogue: NullTranslations) -> CaseworkWording:
    """The words of an email of this kind of notice; general words for a kind not listed."""
    _ = catalogue.gettext
    tasks = _("See your tasks")
    appointments = _("See your appointments")
    what_to_do = _("Sign in to see what to do and by when.")
    asked_for = _("Sign in to see what we need and send it to us.")
    wordings = {
        "task_assigned": CaseworkWording(_("You have a new task"), what_to_do, tasks),
        "task_reopened": CaseworkWording(_("A task has been set for you again"), what_to_do, tasks),
        "message_received": CaseworkWording(
            _("You have a new message about your case"),
            _("Sign in to read it and reply."),
            _("Read the message"),
        ),
        "reply_received": CaseworkWording(
            _("There is a new reply to your message"),
            _("Sign in to read it."),
            _("Read the reply"),
        ),
        "appointment_booked": CaseworkWording(
            _("An appointment has been booked"),
            _("Sign in to see when and where it is."),
            appointments,
        ),
        "appointment_changed": CaseworkWording(
            _("Your appointment has changed"),
            _("Sign in to see its new time and place."),
            appointments,
        ),
        "appointment_cancelled": CaseworkWording(
            _("Your appointment has been cancelled"),
            _("Sign in to see your appointments."),
            appointments,
        ),
        "letter_issued": CaseworkWording(
            _("You have a new letter"), _("Sign in to read it."), _("Read the letter")
        ),
        "plan_issued": CaseworkWording(
            _("Your Personal Housing Plan has been issued"),
            _("Sign in to read it and say whether you agree to it."),
            _("See your plan"),
        ),
        "plan_action_assigned": CaseworkWording(
            _("You have a new action in your Personal Housing Plan"),
            what_to_do,
            _("See the action"),
        ),
        "document_requested": CaseworkWording(
            _("A document has been asked for"), asked_for, _("See the documents asked for")
        ),
        "document_verified": CaseworkWording(
            _("A document has been accepted"),
            _("Sign in to see your documents."),
            _("See your documents"),
        ),
        "document_rejected": CaseworkWording(
            _("A document was not accepted"),
            _("Sign in to see why and send another."),
            _("See your documents"),
        ),
        "survey_requested": CaseworkWording(
            _("Tell us what you think of our service"),
            _("Sign in to answer a few short questions."),
            _("Answer the survey"),
        ),
        "appointment_reminder": CaseworkWording(
            _("Reminder: you have an appointment soon"),
            _("Sign in to see when and where it is."),
            appointments,
        ),
        "document_due_soon": CaseworkWording(
            _("Reminder: a document is due soon"), asked_for, _("See the documents asked for")
        ),
        "plan_action_due_soon": CaseworkWording(
            _("Reminder: an action in your Personal Housing Plan is due soon"),
            _("Sign in to see what to do."),
            _("See the action"),
        ),
        "task_overdue": CaseworkWording(
            _("A task is overdue"), _("Sign in to see what to do."), tasks
        ),
    }
    general = CaseworkWording(
        _("There is something new on your case"),
        _("Sign in to see it."),
        _("See your application"),
    )
    return wordings.get(kind or "", general)

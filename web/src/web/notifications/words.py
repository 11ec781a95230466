"""Notifications' and emails' words as people read them, in the page's language."""

from web.i18n import gettext as _


def kind_label(kind: str) -> str:
    """A kind of event, as the email choices name it."""
    labels = {
        "application_received": _("An application is received"),
        "application_accepted": _("An application is accepted"),
        "status_changed": _("An application's status changes"),
        "change_verified": _("A change of circumstances is verified"),
        "change_rejected": _("A change of circumstances is not accepted"),
        "case_closed": _("A case is closed"),
        "change_submitted": _("An applicant tells us of a change of circumstances"),
        "details_changed": _("An applicant changes a case's details"),
        "case_withdrawn": _("An applicant withdraws a case"),
        "case_assigned": _("A case is assigned to me"),
        "task_assigned": _("A task is set for me"),
        "task_reopened": _("A task is set for me again"),
        "task_unable_to_complete": _("Someone cannot complete a task"),
        "message_received": _("A new message"),
        "reply_received": _("A reply to a message"),
        "appointment_booked": _("An appointment is booked"),
        "appointment_changed": _("An appointment is changed"),
        "appointment_cancelled": _("An appointment is cancelled"),
        "letter_issued": _("A new letter"),
        "plan_issued": _("A Personal Housing Plan is issued"),
        "plan_action_assigned": _("A plan action is assigned to me"),
        "plan_disagreed": _("An applicant disagrees with a plan"),
        "plan_submitted_for_review": _("A plan is sent for review"),
        "document_requested": _("A document is asked for"),
        "document_verified": _("A document is accepted"),
        "document_rejected": _("A document is not accepted"),
        "document_uploaded": _("A document is uploaded"),
        "survey_requested": _("A satisfaction survey to complete"),
        "appointment_reminder": _("A reminder the day before an appointment"),
        "document_due_soon": _("A reminder that a document is due soon"),
        "plan_action_due_soon": _("A reminder that a plan action is due soon"),
        "task_overdue": _("A reminder that a task is overdue"),
    }
    return labels.get(kind, kind)


def email_title(template: str) -> str:
    """An email sent about a case, as the officer's list names it."""
    titles = {
        "case_application_received": _("Application received"),
        "case_application_accepted": _("Application accepted"),
        "case_status_changed": _("Status changed"),
        "case_change_verified": _("Change of circumstances verified"),
        "case_change_rejected": _("Change of circumstances not accepted"),
        "case_case_closed": _("Case closed"),
        "case_news": _("Something new on the case"),
        "draft_expiring": _("Draft about to be removed"),
    }
    return titles.get(template, template)


def delivery_status(status: str) -> tuple[str, str]:
    """An email's delivery status and the colour of its tag."""
    shown = {
        "queued": (_("Queued"), "govuk-tag--grey"),
        "sending": (_("Sending"), "govuk-tag--blue"),
        "sent": (_("Sent"), "govuk-tag--green"),
        "failed": (_("Failed"), "govuk-tag--red"),
    }
    return shown.get(status, (status, "govuk-tag--grey"))

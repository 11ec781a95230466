"""The notice asking an applicant for a survey: in the portal, and emailed where allowed."""

from urllib.parse import quote

from contracts.envelope import Envelope
from contracts.events.notifications import SurveyRequested
from contracts.payload import EventPayload
from notifications.emails.rendering import CATALOGUES
from notifications.inbox.notice import Notice, in_every_language


def survey_notices(envelope: Envelope, payload: EventPayload) -> list[Notice]:
    """A survey asked for tells its applicant, with a link to the survey page."""
    if not isinstance(payload, SurveyRequested):
        return []
    activities = in_every_language(
        lambda language: CATALOGUES[language].gettext(
            "You have a new customer satisfaction survey to complete"
        )
    )
    activity = activities[payload.language]
    return [
        Notice(
            kind="survey_requested",
            user_id=payload.applicant_id,
            audience="applicant",
            language=payload.language,
            activity=activity,
            activities=activities,
            link=f"/{quote(envelope.authority, safe='')}/surveys/{quote(payload.case_id, safe='')}",
            case_id=payload.case_id,
            email_to=payload.email,
            email_facts={"news": activity},
        )
    ]

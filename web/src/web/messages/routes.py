"""The pages of messages: the signed-in person's messages across their cases, one message
with its replies and the reply form; and the officer's page that sends a message."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from kit.errors import NotFound
from web.cases.forms import text_of
from web.cases.rendering import page, see_other
from web.cases.words import kind_title
from web.casework import reading
from web.casework.desks import CaseId, Officer
from web.gateway import GatewayUnavailable
from web.i18n import format_moment
from web.i18n import gettext as _
from web.pages import authority_base
from web.paging import Trail
from web.roles import RoleHolder, holding
from web.sessions.dependencies import CheckedForm, session_service
from web.tasks.views import character_count_texts

router = APIRouter(include_in_schema=False)

MessageId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
Reader = Annotated[RoleHolder, Depends(holding("applicant", "landlord_user", "landlord_admin"))]
BODY_LIMIT = 2000
SUBJECT_LIMIT = 120
PAGE_SIZE = "20"


def sender_text(sender: str, *, staff: bool = False) -> str:
    """Who sent a message or reply, as the person (or, `staff`, an officer) reads it."""
    texts = {
        "staff": _("Housing officer"),
        "applicant": _("Applicant") if staff else _("You"),
        "landlord": _("Landlord"),
    }
    return texts.get(sender, sender)


def shown_message(message: dict[str, Any], *, staff: bool = False) -> dict[str, Any]:
    """A message as a list or its own page shows it."""
    return {
        **message,
        "kind_title": kind_title(str(message.get("case_kind"))),
        "sent": format_moment(str(message.get("sent_at"))),
        "sender_text": sender_text(str(message.get("sender", "staff")), staff=staff),
        "thread": [
            {
                **reply,
                "sender_text": sender_text(str(reply.get("sender")), staff=staff),
                "when": format_moment(str(reply.get("at"))),
            }
            for reply in message.get("thread", [])
        ],
    }


def _messages_home(request: Request) -> str:
    return f"{authority_base(request)}/messages"


@router.get("/{authority}/messages")
async def my_messages(request: Request, person: Reader) -> Response:
    """The messages sent to me on every case, newest first, the unread ones marked."""
    trail = Trail.of(request)
    params = {"limit": PAGE_SIZE, **({"cursor": trail.cursor} if trail.cursor else {})}
    answer = await person.call("GET", "/cases/messages", params=params)
    if answer.status == 400 and trail.cursor:
        return see_other(_messages_home(request))
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"messages answered {answer.status}")
    unread = await person.call("GET", "/cases/messages/unread")
    context = {
        "messages": [shown_message(message) for message in answer.body.get("items", [])],
        "unread": unread.body.get("unread", 0) if isinstance(unread.body, dict) else 0,
        "paging": trail.links(_messages_home(request), answer.body.get("next_cursor")),
    }
    return page(request, "messages/messages.html", context)


def _message_context(
    request: Request,
    message: dict[str, Any],
    body: str,
    errors: dict[str, str],
    *,
    staff: bool = False,
) -> dict[str, Any]:
    case_path = f"{authority_base(request)}/caseload/{message['case_id']}"
    return {
        "message": shown_message(message, staff=staff),
        "back_href": f"{case_path}/messages" if staff else _messages_home(request),
        "back_text": _("Back to the case's messages") if staff else _("Back to my messages"),
        "staff": staff,
        "body": body,
        "key": uuid.uuid4().hex,
        "limit": BODY_LIMIT,
        "count_texts": character_count_texts(),
        "errors": errors,
        "replied": False,
    }


async def _message(person: RoleHolder, case_id: str, message_id: str) -> dict[str, Any]:
    answer = await person.call("GET", f"/cases/cases/{case_id}/messages/{message_id}")
    if answer.status == 404:
        raise NotFound()
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"message answered {answer.status}")
    return answer.body


@router.get("/{authority}/messages/{case_id}/{message_id}")
async def read_message(
    request: Request, person: Reader, case_id: CaseId, message_id: MessageId
) -> Response:
    """The message in full with its replies; opening it marks it read."""
    message = await _message(person, case_id, message_id)
    context = _message_context(request, message, "", {})
    context["replied"] = request.query_params.get("replied") == "yes"
    return page(request, "messages/message.html", context)


@router.post("/{authority}/messages/{case_id}/{message_id}")
async def reply(
    request: Request, person: Reader, case_id: CaseId, message_id: MessageId, form: CheckedForm
) -> Response:
    """Send a reply; where the authority takes one reply per message, a second is refused."""
    return await _reply(request, person, case_id, message_id, form, staff=False)


@router.post("/{authority}/caseload/{case_id}/messages/{message_id}")
async def officer_reply(
    request: Request, officer: Officer, case_id: CaseId, message_id: MessageId, form: CheckedForm
) -> Response:
    """An officer's reply: the person sees it unread."""
    return await _reply(request, officer, case_id, message_id, form, staff=True)


async def _reply(
    request: Request,
    person: RoleHolder,
    case_id: str,
    message_id: str,
    form: Any,
    *,
    staff: bool,
) -> Response:
    body = text_of(form, "body")
    key = text_of(form, "key")
    errors: dict[str, str] = {}
    if not body:
        errors["body"] = _("Enter your reply")
    elif len(body) > BODY_LIMIT:
        errors["body"] = _("Your reply must be %(count)s characters or fewer") % {
            "count": BODY_LIMIT
        }
    elif key.isalnum() and len(key) <= 64:
        answer = await person.call(
            "POST",
            f"/cases/cases/{case_id}/messages/{message_id}/replies",
            body={"body": body},
            headers={"Idempotency-Key": key},
        )
        if answer.status == 404:
            raise NotFound()
        if answer.status == 201:
            where = (
                f"{authority_base(request)}/caseload/{case_id}/messages/{message_id}"
                if staff
                else f"{_messages_home(request)}/{case_id}/{message_id}"
            )
            return see_other(f"{where}?replied=yes")
        if answer.error_code == "already_replied":
            errors["body"] = _("You have already replied to this message")
        else:
            errors["body"] = _("Your reply could not be sent. Try again.")
    else:
        errors["body"] = _("Your reply could not be sent. Try again.")
    message = await _message(person, case_id, message_id)
    context = _message_context(request, message, body, errors, staff=staff)
    return page(request, "messages/message.html", context, status=400)


# The officer's form on a case


def _send_context(
    request: Request, case: dict[str, Any], values: dict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "case": case,
        "kind_title": kind_title(str(case.get("kind"))),
        "case_path": f"{authority_base(request)}/caseload/{case['id']}",
        "values": values,
        "key": uuid.uuid4().hex,
        "limit": BODY_LIMIT,
        "count_texts": character_count_texts(),
        "errors": errors,
    }


@router.get("/{authority}/caseload/{case_id}/send-message")
async def send_message_page(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """Write to the applicant about their case."""
    case = (await reading.read_case(officer, case_id)).body
    return page(request, "messages/send_message.html", _send_context(request, case, {}, {}))


@router.post("/{authority}/caseload/{case_id}/send-message")
async def send_message(
    request: Request, officer: Officer, case_id: CaseId, form: CheckedForm
) -> Response:
    """Send the message; the case's page says so."""
    case = (await reading.read_case(officer, case_id)).body
    values = {name: text_of(form, name) for name in ("subject", "body", "key")}
    errors: dict[str, str] = {}
    if not values["subject"]:
        errors["subject"] = _("Enter a subject")
    elif len(values["subject"]) > SUBJECT_LIMIT:
        errors["subject"] = _("The subject must be %(count)s characters or fewer") % {
            "count": SUBJECT_LIMIT
        }
    if not values["body"]:
        errors["body"] = _("Enter the message")
    elif len(values["body"]) > BODY_LIMIT:
        errors["body"] = _("The message must be %(count)s characters or fewer") % {
            "count": BODY_LIMIT
        }
    key = values["key"]
    if not errors and key.isalnum() and len(key) <= 64:
        answer = await officer.call(
            "POST",
            f"/cases/cases/{case_id}/messages",
            body={"recipient": "applicant", "subject": values["subject"], "body": values["body"]},
            headers={"Idempotency-Key": key},
        )
        if answer.status == 201:
            await session_service(request).note(officer.person.session, "casework:message_sent")
            return see_other(f"{authority_base(request)}/caseload/{case_id}")
        errors["subject"] = _("The message could not be sent: the case is no longer open")
    return page(
        request,
        "messages/send_message.html",
        _send_context(request, case, values, errors),
        status=400,
    )


# The officer's view of a case's messages, and of one with its replies


@router.get("/{authority}/caseload/{case_id}/messages")
async def case_messages(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """Every message on the case, newest first."""
    case = (await reading.read_case(officer, case_id)).body
    trail = Trail.of(request)
    path = f"{authority_base(request)}/caseload/{case_id}/messages"
    params = {"limit": PAGE_SIZE, **({"cursor": trail.cursor} if trail.cursor else {})}
    answer = await officer.call("GET", f"/cases/cases/{case_id}/messages", params=params)
    if answer.status == 400 and trail.cursor:
        return see_other(path)
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"case messages answered {answer.status}")
    context = {
        "case": case,
        "kind_title": kind_title(str(case.get("kind"))),
        "case_path": f"{authority_base(request)}/caseload/{case_id}",
        "messages": [
            shown_message(message, staff=True) for message in answer.body.get("items", [])
        ],
        "paging": trail.links(path, answer.body.get("next_cursor")),
    }
    return page(request, "messages/case_messages.html", context)


@router.get("/{authority}/caseload/{case_id}/messages/{message_id}")
async def officer_message(
    request: Request, officer: Officer, case_id: CaseId, message_id: MessageId
) -> Response:
    """A message on the case with its replies, and the officer's reply form."""
    message = await _message(officer, case_id, message_id)
    context = _message_context(request, message, "", {}, staff=True)
    context["replied"] = request.query_params.get("replied") == "yes"
    return page(request, "messages/message.html", context)

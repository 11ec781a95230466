"""The survey an applicant is asked when their case closes, the managers' list of answers,
and the administrators' page that turns surveys on or off."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kit.errors import NotFound
from web.cases.forms import text_of
from web.cases.rendering import page, see_other
from web.cases.words import kind_title
from web.gateway import GatewayUnavailable
from web.i18n import gettext as _
from web.pages import authority_base
from web.paging import Trail
from web.roles import AuthorityAdmin, RecordId, RoleHolder, holding
from web.sessions.dependencies import CheckedForm
from web.tasks.views import character_count_texts

router = APIRouter(include_in_schema=False)

Applicant = Annotated[RoleHolder, Depends(holding("applicant"))]
Manager = Annotated[RoleHolder, Depends(holding("manager"))]
COMMENT_LIMIT = 1000
PAGE_SIZE = "20"
RATINGS = ("1", "2", "3", "4", "5")
CASE_KINDS = ("homelessness", "housing_register", "housing_advice", "complaint")


def rating_label(rating: object) -> str:
    """A rating as people read it, in the page's language."""
    labels = {
        "1": _("Very dissatisfied"),
        "2": _("Dissatisfied"),
        "3": _("Neither satisfied nor dissatisfied"),
        "4": _("Satisfied"),
        "5": _("Very satisfied"),
    }
    return labels.get(str(rating), str(rating))


# The administrator's setting


def _settings_path(request: Request) -> str:
    return f"{authority_base(request)}/surveys/settings"


async def _settings(admin: RoleHolder) -> tuple[dict[str, Any], str]:
    answer = await admin.call("GET", "/notifications/surveys/settings")
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"survey settings answered {answer.status}")
    return answer.body, answer.etag or ""


def _settings_context(
    settings: dict[str, Any], version: str, *, errors: dict[str, str], notice: str = ""
) -> dict[str, Any]:
    return {
        "enabled": bool(settings.get("enabled")),
        "version": version,
        "errors": errors,
        "error_links": {"enabled": "#enabled"},
        "notice": notice,
    }


@router.get("/{authority}/surveys/settings")
async def settings_page(request: Request, admin: AuthorityAdmin) -> Response:
    """Whether applicants are asked for a satisfaction survey when their case closes."""
    settings, version = await _settings(admin)
    notice = request.query_params.get("notice", "")
    context = _settings_context(settings, version, errors={}, notice=notice)
    return page(request, "surveys/settings.html", context)


@router.post("/{authority}/surveys/settings")
async def save_settings(request: Request, admin: AuthorityAdmin, form: CheckedForm) -> Response:
    """Save the setting, as it was when the page showed it."""
    enabled = text_of(form, "enabled") == "yes"
    settings, version = await _settings(admin)
    answer = await admin.call(
        "PUT",
        "/notifications/surveys/settings",
        body={"enabled": enabled, "case_kinds": settings.get("case_kinds", [])},
        if_match=text_of(form, "version") or '""',
    )
    if answer.status == 200:
        return see_other(f"{_settings_path(request)}?notice=saved")
    if answer.status not in (412, 428):
        raise GatewayUnavailable(f"saving survey settings answered {answer.status}")
    settings, version = await _settings(admin)
    errors = {
        "enabled": _(
            "Someone else changed this setting since you opened the page. "
            "It is shown as it is now: check it and save again."
        )
    }
    context = _settings_context(settings, version, errors=errors)
    return page(request, "surveys/settings.html", context, status=409)


# The managers' list of answers


def _answers_path(request: Request) -> str:
    return f"{authority_base(request)}/surveys"


@router.get("/{authority}/surveys")
async def answers_page(request: Request, manager: Manager) -> Response:
    """Answered surveys, newest first, with how many gave each rating; of every kind of case,
    or of the one chosen."""
    chosen = request.query_params.get("case_kind", "")
    chosen = chosen if chosen in CASE_KINDS else ""
    trail = Trail.of(request, keep=("case_kind",) if chosen else ())
    params = {"limit": PAGE_SIZE, **({"cursor": trail.cursor} if trail.cursor else {})}
    if chosen:
        params["case_kind"] = chosen
    answer = await manager.call("GET", "/notifications/surveys", params=params)
    if answer.status == 400 and trail.cursor:
        return see_other(_answers_path(request))
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"survey answers answered {answer.status}")
    summary = answer.body.get("summary", {})
    context = {
        "answers": [
            {
                **item,
                "kind_title": kind_title(str(item.get("case_kind"))),
                "rating_text": rating_label(item.get("rating")),
            }
            for item in answer.body.get("items", [])
        ],
        "summary": summary,
        "rating_counts": [
            (rating, rating_label(rating), summary.get("ratings", {}).get(rating, 0))
            for rating in RATINGS
        ],
        "kinds": [
            {"value": "", "text": _("All kinds of case"), "selected": not chosen},
            *(
                {"value": kind, "text": kind_title(kind), "selected": kind == chosen}
                for kind in CASE_KINDS
            ),
        ],
        "paging": trail.links(_answers_path(request), answer.body.get("next_cursor")),
    }
    return page(request, "surveys/answers.html", context)


# The applicant's survey


async def _survey(applicant: RoleHolder, case_id: str) -> dict[str, Any]:
    answer = await applicant.call("GET", f"/notifications/surveys/{case_id}")
    if answer.status == 404:
        raise NotFound()
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"survey answered {answer.status}")
    return answer.body


def _survey_context(
    survey: dict[str, Any],
    values: dict[str, str],
    *,
    errors: dict[str, str],
    sent: bool = False,
) -> dict[str, Any]:
    return {
        "survey": survey,
        "kind_title": kind_title(str(survey.get("case_kind"))),
        "ratings": [(rating, rating_label(rating)) for rating in reversed(RATINGS)],
        "rating_text": rating_label(survey.get("rating")),
        "values": values,
        "key": values.get("key") or uuid.uuid4().hex,
        "limit": COMMENT_LIMIT,
        "count_texts": character_count_texts(),
        "errors": errors,
        "error_links": {"rating": "#rating"},
        "sent": sent,
    }


@router.get("/{authority}/surveys/{case_id}")
async def survey_page(request: Request, applicant: Applicant, case_id: RecordId) -> Response:
    """How satisfied the applicant is with how their case was handled; once answered, their
    answer."""
    survey = await _survey(applicant, case_id)
    sent = request.query_params.get("notice") == "sent"
    return page(request, "surveys/survey.html", _survey_context(survey, {}, errors={}, sent=sent))


@router.post("/{authority}/surveys/{case_id}")
async def answer_survey(
    request: Request, applicant: Applicant, case_id: RecordId, form: CheckedForm
) -> Response:
    """Send the answer once; a repeated send is the same answer."""
    values = {name: text_of(form, name) for name in ("rating", "comment", "key")}
    errors: dict[str, str] = {}
    if values["rating"] not in RATINGS:
        errors["rating"] = _("Select how satisfied you are with the service you received")
    if len(values["comment"]) > COMMENT_LIMIT:
        errors["comment"] = _("Your comments must be %(count)s characters or fewer") % {
            "count": COMMENT_LIMIT
        }
    key = values["key"]
    here = f"{authority_base(request)}/surveys/{case_id}"
    if not errors and key.isalnum() and len(key) <= 64:
        body: dict[str, Any] = {"rating": int(values["rating"])}
        if values["comment"]:
            body["comment"] = values["comment"]
        answer = await applicant.call(
            "POST",
            f"/notifications/surveys/{case_id}/answer",
            body=body,
            headers={"Idempotency-Key": key},
        )
        if answer.status == 404:
            raise NotFound()
        if answer.status == 201:
            return see_other(f"{here}?notice=sent")
        if answer.status == 409:
            return see_other(here)
        errors["rating"] = _("Select how satisfied you are with the service you received")
    survey = await _survey(applicant, case_id)
    return page(
        request, "surveys/survey.html", _survey_context(survey, values, errors=errors), status=400
    )

"""Surveys within one authority: the applicant's own, the managers' list of answers and the
administrators' settings."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from contracts.events.cases import CaseKind
from kit.app import RuntimeDep
from kit.auth import CurrentPrincipal, Principal, require_roles
from kit.authorities import ActiveAuthority
from kit.concurrency import IF_MATCH, require_match, set_etag
from kit.idempotency import IdempotencyStore, create_once
from kit.pagination import Position
from kit.responses import declared
from notifications.surveys.errors import SurveyNotFound
from notifications.surveys.models import Survey
from notifications.surveys.repository import (
    SurveyRepository,
    SurveySettingsRepository,
    TallyRepository,
)
from notifications.surveys.schemas import (
    AnswerPage,
    AnswerSummary,
    AnswerView,
    SurveyAnswer,
    SurveySettingsChange,
    SurveySettingsView,
    SurveyView,
)
from notifications.surveys.service import Answering, newest_answers


def survey_repository(runtime: RuntimeDep) -> SurveyRepository:
    """Surveys of the running service."""
    return SurveyRepository(runtime.mongo)


def settings_repository(runtime: RuntimeDep) -> SurveySettingsRepository:
    """Survey settings of the running service."""
    return SurveySettingsRepository(runtime.mongo)


def tally_repository(runtime: RuntimeDep) -> TallyRepository:
    """Tallies of answers of the running service."""
    return TallyRepository(runtime.mongo)


Surveys = Annotated[SurveyRepository, Depends(survey_repository)]
SettingsStore = Annotated[SurveySettingsRepository, Depends(settings_repository)]
Tallies = Annotated[TallyRepository, Depends(tally_repository)]
Manager = Annotated[Principal, Depends(require_roles("manager"))]
Administrator = Annotated[Principal, Depends(require_roles("authority_admin"))]
CaseId = Annotated[str, Path(min_length=1, max_length=64)]


async def own_survey(
    case_id: CaseId, authority: ActiveAuthority, principal: CurrentPrincipal, surveys: Surveys
) -> Survey:
    """The survey about the case, asked of the caller; anyone else's is not found."""
    survey = await surveys.of_case(authority.slug, case_id)
    if survey is None or survey.applicant_id != principal.user_id:
        raise SurveyNotFound()
    return survey


OwnSurvey = Annotated[Survey, Depends(own_survey)]

router = APIRouter(tags=["surveys"])


@router.get(
    "/surveys/settings",
    response_model=SurveySettingsView,
    summary="Whether the authority asks for a survey when a case closes",
    responses=declared(401, 403, 404),
)
async def get_settings(
    authority: ActiveAuthority,
    _admin: Administrator,
    settings: SettingsStore,
    response: Response,
) -> SurveySettingsView:
    """The settings; their ETag is the version to change."""
    current = SurveySettingsView.of(await settings.get(authority.slug))
    set_etag(response, current.version)
    return current


@router.put(
    "/surveys/settings",
    response_model=SurveySettingsView,
    summary="Turn surveys on or off when cases close (If-Match)",
    openapi_extra=IF_MATCH,
    responses=declared(401, 403, 404, 412, 428),
)
async def put_settings(
    body: SurveySettingsChange,
    request: Request,
    response: Response,
    authority: ActiveAuthority,
    _admin: Administrator,
    settings: SettingsStore,
) -> SurveySettingsView:
    """Replace the settings, if nobody changed them since they were read."""
    current = await settings.get(authority.slug)
    require_match(request, current.version)
    saved = SurveySettingsView.of(
        await settings.save(
            authority.slug,
            enabled=body.enabled,
            case_kinds=body.case_kinds,
            expected_version=current.version,
            now=datetime.now(UTC),
        )
    )
    set_etag(response, saved.version)
    return saved


@router.get(
    "/surveys",
    response_model=AnswerPage,
    summary="The authority's survey answers, newest first (managers)",
    responses=declared(400, 401, 403, 404),
)
async def list_answers(
    authority: ActiveAuthority,
    _manager: Manager,
    surveys: Surveys,
    tallies: Tallies,
    case_kind: Annotated[CaseKind | None, Query(description="Only this kind of case.")] = None,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the page before.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> AnswerPage:
    """Answered surveys with the count of every answer per rating and their average."""
    after = Position.decode(cursor) if cursor is not None else None
    tally = await tallies.get(authority.slug, case_kind=case_kind)
    found = await newest_answers(
        surveys, tally, authority=authority.slug, case_kind=case_kind, after=after, limit=limit
    )
    items = [AnswerView.of(survey) for survey in found.answers]
    next_cursor = None
    if found.more:
        last = items[-1]
        next_cursor = Position(at=last.answered_at, id=found.answers[-1].id).encode()
    ratings = [item.rating for item in items]
    return AnswerPage(
        items=items,
        next_cursor=next_cursor,
        page_average=round(sum(ratings) / len(ratings), 2) if ratings else None,
        summary=AnswerSummary.of(tally),
    )


@router.get(
    "/surveys/{case_id}",
    response_model=SurveyView,
    summary="The caller's survey about one of their closed cases",
    responses=declared(401, 404),
)
async def get_survey(survey: OwnSurvey) -> SurveyView:
    """The survey, with the answer once given."""
    return SurveyView.of(survey)


@router.post(
    "/surveys/{case_id}/answer",
    response_model=SurveyView,
    status_code=201,
    summary="Answer the caller's survey, once (Idempotency-Key honoured)",
    responses=declared(401, 404, 409),
)
async def answer_survey(
    body: SurveyAnswer,
    survey: OwnSurvey,
    request: Request,
    authority: ActiveAuthority,
    principal: CurrentPrincipal,
    surveys: Surveys,
    tallies: Tallies,
    runtime: RuntimeDep,
) -> SurveyView | JSONResponse:
    """Keep the answer; a repeat with the same Idempotency-Key gets the first answer."""
    answering = Answering(runtime.mongo, surveys, tallies)
    return await create_once(
        request,
        IdempotencyStore(runtime.mongo),
        caller=principal.user_id,
        authority=authority.slug,
        body={"case_id": survey.case_id, **body.model_dump(mode="json")},
        create=lambda once: answering.answer(
            authority.slug,
            survey.case_id,
            applicant_id=principal.user_id,
            answer=body,
            now=datetime.now(UTC),
            once=once,
        ),
    )

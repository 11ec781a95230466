"""Authority administration for platform administrators."""

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from contracts.fields import AUTHORITY_SLUG_PATTERN
from gateway.config import SERVICES
from gateway.registry.models import Authority
from gateway.registry.schemas import AuthorityChanges, AuthorityPage
from gateway.registry.service import RegistryService, UnknownAuthority, UnknownService
from gateway.routing import WEB
from kit.app import RuntimeDep
from kit.auth import Principal, require_roles
from kit.concurrency import IF_MATCH, require_match, set_etag
from kit.errors import ErrorBody
from kit.idempotency import IdempotencyStore, StoredAnswer, idempotent_request
from kit.mongo import Session
from kit.pagination import InvalidCursor, decode_cursor, encode_cursor

router = APIRouter(prefix="/authorities", tags=["authorities"])
PlatformAdmin = Annotated[Principal, Depends(require_roles("platform_admin"))]

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "Not a platform administrator"},
}


def _registry(runtime: RuntimeDep) -> RegistryService:
    return RegistryService(runtime.mongo, runtime.outbox)


Registry = Annotated[RegistryService, Depends(_registry)]


def _check_routes(routes: dict[str, list[object]] | None) -> None:
    unknown = sorted(set(routes or {}) - {*SERVICES, WEB})
    if unknown:
        raise UnknownService(details={"services": unknown})


def _after(cursor: str) -> str:
    """The slug a page ended on."""
    (slug,) = decode_cursor(cursor, parts=1)
    if not re.fullmatch(AUTHORITY_SLUG_PATTERN, slug):
        raise InvalidCursor()
    return slug


@router.get(
    "",
    response_model=AuthorityPage,
    summary="List authorities",
    responses={**ERRORS, 400: {"model": ErrorBody, "description": "The cursor is not valid"}},
)
async def list_authorities(
    _: PlatformAdmin,
    registry: Registry,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AuthorityPage:
    """Every authority in slug order, a page at a time."""
    after = _after(cursor) if cursor else None
    items = await registry.store.page(after=after, limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return AuthorityPage(items=items, next_cursor=encode_cursor([items[-1].slug]) if more else None)


@router.post(
    "",
    status_code=201,
    response_model=Authority,
    summary="Create an authority",
    responses={
        **ERRORS,
        409: {"model": ErrorBody, "description": "Slug or host name taken"},
        422: {"model": ErrorBody, "description": "Invalid authority or reused key"},
    },
)
async def create_authority(
    authority: Authority,
    request: Request,
    principal: PlatformAdmin,
    registry: Registry,
    runtime: RuntimeDep,
) -> Response:
    """Add an authority; every service hears of it. Honours `Idempotency-Key`."""
    _check_routes(authority.routes)  # type: ignore[arg-type]
    body = authority.model_dump(mode="json")
    key = idempotent_request(
        request, caller=principal.user_id, authority=principal.authority, body=body
    )
    answers = IdempotencyStore(runtime.mongo)
    if key is not None:
        earlier = await answers.earlier_answer(key)
        if earlier is not None:
            return _created(earlier.body, status=earlier.status)
    created_body = {**body, "revision": 1}

    async def remember(session: Session, created: Authority) -> None:
        if key is not None:
            await answers.remember(key, StoredAnswer(201, created_body), session=session)

    created = await registry.create(
        authority.model_copy(update={"revision": 1}), actor=principal.user_id, remember=remember
    )
    return _created(created.model_dump(mode="json"), status=201)


def _created(body: dict[str, object], *, status: int) -> JSONResponse:
    response = JSONResponse(body, status_code=status)
    response.headers["Location"] = f"authorities/{body['slug']}"
    set_etag(response, int(str(body["revision"])))
    return response


@router.get(
    "/{slug}",
    response_model=Authority,
    summary="Read an authority",
    responses={**ERRORS, 404: {"model": ErrorBody, "description": "No such authority"}},
)
async def read_authority(
    slug: str, _: PlatformAdmin, registry: Registry, response: Response
) -> Authority:
    """One authority, with its version as the ETag."""
    authority = await registry.store.get(slug)
    if authority is None:
        raise UnknownAuthority()
    set_etag(response, authority.revision)
    return authority


@router.patch(
    "/{slug}",
    response_model=Authority,
    summary="Change or disable an authority",
    responses={
        **ERRORS,
        404: {"model": ErrorBody, "description": "No such authority"},
        409: {"model": ErrorBody, "description": "Host name taken"},
        412: {"model": ErrorBody, "description": "Changed since it was read"},
        428: {"model": ErrorBody, "description": "If-Match missing"},
    },
    openapi_extra=IF_MATCH,
)
async def change_authority(
    slug: str,
    changes: AuthorityChanges,
    request: Request,
    response: Response,
    principal: PlatformAdmin,
    registry: Registry,
) -> Authority:
    """Change an authority (`status: disabled` takes it off the air); needs `If-Match`."""
    current = await registry.store.get(slug)
    if current is None:
        raise UnknownAuthority()
    require_match(request, current.revision)
    _check_routes(changes.routes)  # type: ignore[arg-type]
    changed = await registry.update(
        slug,
        changes.model_dump(exclude_unset=True),
        expected_revision=current.revision,
        actor=principal.user_id,
    )
    set_etag(response, changed.revision)
    return changed

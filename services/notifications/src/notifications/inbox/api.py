"""A person's own notifications and email preferences, within one authority."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from contracts.fields import Language
from kit.app import RuntimeDep
from kit.auth import CurrentPrincipal
from kit.authorities import ActiveAuthority
from kit.concurrency import IF_MATCH, require_match, set_etag
from kit.pagination import Position
from kit.responses import declared
from notifications.inbox.activity import Audience
from notifications.inbox.errors import KindNotOffered, NotificationNotFound
from notifications.inbox.notice import NoticeKind, kinds_told_to
from notifications.inbox.repository import NotificationRepository, PreferenceRepository
from notifications.inbox.schemas import (
    MarkedSeen,
    NotificationPage,
    NotificationView,
    Preferences,
    PreferencesChange,
    UnreadCount,
)

STAFF_ROLES = ("officer", "manager")
LANDLORD_ROLES = ("landlord_user", "landlord_admin")


def notification_repository(runtime: RuntimeDep) -> NotificationRepository:
    """Notices of the running service."""
    return NotificationRepository(runtime.mongo)


def preference_repository(runtime: RuntimeDep) -> PreferenceRepository:
    """Preferences of the running service."""
    return PreferenceRepository(runtime.mongo)


def audiences(principal: CurrentPrincipal) -> tuple[Audience, ...]:
    """The notices the caller may see as the roles they hold now: a person who no longer
    works cases is not shown what they were told as staff."""
    shown: list[Audience] = []
    if "applicant" in principal.roles:
        shown.append("applicant")
    if principal.has_any(*STAFF_ROLES):
        shown.append("staff")
    if principal.has_any(*LANDLORD_ROLES):
        shown.append("landlord")
    return tuple(shown)


Notifications = Annotated[NotificationRepository, Depends(notification_repository)]
PreferenceStore = Annotated[PreferenceRepository, Depends(preference_repository)]
Shown = Annotated[tuple[Audience, ...], Depends(audiences)]


def offered_kinds(shown: Shown) -> tuple[NoticeKind, ...]:
    """The kinds of event the caller can be told of as the roles they hold now: the only
    ones their email choices offer."""
    return kinds_told_to(shown)


Offered = Annotated[tuple[NoticeKind, ...], Depends(offered_kinds)]
# A person reads their notices in the language of the page they are on, whatever the language
# a notice was told in: officers and landlords' users too read the portal in either.
ShownIn = Annotated[
    Language | None,
    Query(
        description="English or Welsh: what happened, in this language; by default the "
        "language each notice was told in."
    ),
]

router = APIRouter(tags=["notifications"], responses=declared(401, 404))


@router.get(
    "/notifications",
    response_model=NotificationPage,
    summary="The caller's notifications, newest first",
    responses=declared(400),
)
async def list_notifications(
    authority: ActiveAuthority,
    principal: CurrentPrincipal,
    shown: Shown,
    notifications: Notifications,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the page before.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    language: ShownIn = None,
) -> NotificationPage:
    """The caller's own notices in this authority, seen and unseen, in the language asked for."""
    after = Position.decode(cursor) if cursor is not None else None
    records = await notifications.page(
        authority.slug, user_id=principal.user_id, audiences=shown, after=after, limit=limit + 1
    )
    items = [NotificationView.from_record(record, language=language) for record in records[:limit]]
    next_cursor = None
    if len(records) > limit:
        last = records[limit - 1]
        next_cursor = Position(at=last["created_at"], id=last["_id"]).encode()
    return NotificationPage(items=items, next_cursor=next_cursor)


@router.get(
    "/notifications/unread",
    response_model=UnreadCount,
    summary="How many of the caller's notifications are unseen",
)
async def count_unread(
    authority: ActiveAuthority,
    principal: CurrentPrincipal,
    shown: Shown,
    notifications: Notifications,
) -> UnreadCount:
    """The number to show beside the notifications link."""
    unread = await notifications.unread(authority.slug, user_id=principal.user_id, audiences=shown)
    return UnreadCount(unread=unread)


@router.post(
    "/notifications/seen",
    response_model=MarkedSeen,
    summary="Mark all the caller's notifications seen",
)
async def mark_all_seen(
    authority: ActiveAuthority,
    principal: CurrentPrincipal,
    shown: Shown,
    notifications: Notifications,
) -> MarkedSeen:
    """Every unseen notice of the caller is seen now; doing it again marks none."""
    marked = await notifications.mark_all_seen(
        authority.slug, user_id=principal.user_id, audiences=shown, now=datetime.now(UTC)
    )
    return MarkedSeen(marked=marked)


@router.post(
    "/notifications/{notification_id}/seen",
    response_model=NotificationView,
    summary="Mark one of the caller's notifications seen",
)
async def mark_seen(
    notification_id: Annotated[str, Path(max_length=64)],
    authority: ActiveAuthority,
    principal: CurrentPrincipal,
    shown: Shown,
    notifications: Notifications,
    language: ShownIn = None,
) -> NotificationView:
    """The notice, seen from now (the first time it was opened is kept); another person's
    notice is not found."""
    record = await notifications.mark_seen(
        authority.slug,
        notification_id,
        user_id=principal.user_id,
        audiences=shown,
        now=datetime.now(UTC),
    )
    if record is None:
        raise NotificationNotFound()
    return NotificationView.from_record(record, language=language)


@router.get(
    "/preferences",
    response_model=Preferences,
    summary="Which kinds of event the caller is emailed about",
)
async def get_preferences(
    authority: ActiveAuthority,
    principal: CurrentPrincipal,
    offered: Offered,
    preferences: PreferenceStore,
    response: Response,
) -> Preferences:
    """Every kind of event the caller can be told of, with their choice; its ETag is the
    version to change."""
    stored = await preferences.get(authority.slug, principal.user_id)
    chosen = Preferences.from_record(stored, offered=offered)
    set_etag(response, chosen.version)
    return chosen


@router.put(
    "/preferences",
    response_model=Preferences,
    summary="Choose which kinds of event the caller is emailed about (If-Match)",
    openapi_extra=IF_MATCH,
    responses=declared(403, 412, 428),
)
async def put_preferences(
    body: PreferencesChange,
    request: Request,
    response: Response,
    authority: ActiveAuthority,
    principal: CurrentPrincipal,
    offered: Offered,
    preferences: PreferenceStore,
) -> Preferences:
    """Replace the caller's choices of the kinds they can be told of, if nobody changed them
    since they were read."""
    refused = body.not_offered(offered)
    if refused:
        raise KindNotOffered(details={"kinds": refused})
    stored = await preferences.get(authority.slug, principal.user_id)
    current = Preferences.from_record(stored, offered=offered)
    require_match(request, current.version)
    saved = Preferences.from_record(
        await preferences.save(
            authority.slug,
            principal.user_id,
            email_off=body.turned_off(offered, before=stored),
            expected_version=current.version,
            now=datetime.now(UTC),
        ),
        offered=offered,
    )
    set_etag(response, saved.version)
    return saved

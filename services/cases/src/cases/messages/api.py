"""Routes for messages on a case: officers write, the person reads and replies."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse

from cases.cases.api import CaseForUser
from cases.messages.attachments import CaseDocuments
from cases.messages.errors import MessageNotFound
from cases.messages.models import MessageRecord
from cases.messages.repository import Messages
from cases.messages.schemas import (
    MessageList,
    MessageRequest,
    MessageView,
    ReplyRequest,
    UnreadCount,
)
from cases.messages.service import MessageService, summary_of
from cases.wiring import StoresDep
from kit.auth import CurrentPrincipal
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.idempotency import create_once
from kit.pagination import Position
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["messages"], dependencies=AUTHORITY_SCOPED)

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(min_length=1, max_length=400)]


def message_service(
    request: Request,
    stores: StoresDep,
    authority: ActiveAuthority,
    client: Client,
    principal: CurrentPrincipal,
) -> MessageService:
    """Messages of this request's authority, as its caller works on them."""
    return MessageService(
        authority=authority,
        client=client,
        principal=principal,
        mongo=stores.mongo,
        outbox=stores.outbox,
        messages=Messages(stores.mongo),
        history=stores.history,
        documents=CaseDocuments(stores.settings.documents_url),
        authorization=request.headers.get("authorization", ""),
    )


MessageServiceDep = Annotated[MessageService, Depends(message_service)]


async def message_for_user(
    message_id: str, case: CaseForUser, service: MessageServiceDep
) -> MessageRecord:
    """The message of the case, if the caller may see it."""
    message = (
        await service.messages.get(service.slug, case.id, message_id)
        if len(message_id) <= 64
        else None
    )
    if message is None or not service.sees(case, message):
        raise MessageNotFound()
    return message


MessageForUser = Annotated[MessageRecord, Depends(message_for_user)]


@router.post(
    "/cases/{case_id}/messages",
    response_model=MessageView,
    status_code=status.HTTP_201_CREATED,
    summary="Send a message on a case to its applicant or a landlord's user (Idempotency-Key)",
    responses=declared(401, 403, 404, 409),
)
async def send_message(
    body: MessageRequest,
    case: CaseForUser,
    request: Request,
    principal: CurrentPrincipal,
    stores: StoresDep,
    service: MessageServiceDep,
) -> MessageView | JSONResponse:
    """Officers only; attachments name documents of the case by id, each checked with the
    documents service (one the sender may not see there is a 422)."""
    return await create_once(
        request,
        stores.idempotency,
        caller=principal.user_id,
        authority=principal.authority,
        body=body.model_dump(mode="json"),
        create=lambda once: service.send(case, body, once=once),
    )


@router.get(
    "/cases/{case_id}/messages",
    response_model=MessageList,
    summary="A case's messages, newest first",
    responses=declared(400, 401, 404),
)
async def case_messages(
    case: CaseForUser,
    service: MessageServiceDep,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> MessageList:
    """Officers see every message; the applicant and the landlord's users their side's."""
    party = service.party(case)
    page = await service.messages.of_case(
        service.slug,
        case.id,
        recipient=None if party == "staff" else party,
        limit=limit,
        after=Position.decode(cursor) if cursor else None,
    )
    caller = service.principal.user_id
    return MessageList(
        items=[summary_of(message, caller_id=caller) for message in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/messages",
    response_model=MessageList,
    summary="My messages across all my cases, newest first",
    responses=declared(400, 401),
)
async def my_messages(
    principal: CurrentPrincipal,
    service: MessageServiceDep,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> MessageList:
    """With the application type, subject, sender, time and whether I have read each."""
    page = await service.messages.of_person(
        service.slug,
        principal.user_id,
        limit=limit,
        after=Position.decode(cursor) if cursor else None,
    )
    return MessageList(
        items=[summary_of(message, caller_id=principal.user_id) for message in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/messages/unread",
    response_model=UnreadCount,
    summary="How many of my messages I have not read",
    responses=declared(401),
)
async def unread_messages(principal: CurrentPrincipal, service: MessageServiceDep) -> UnreadCount:
    """Counted over the caller's own messages."""
    return UnreadCount(unread=await service.messages.unread_of(service.slug, principal.user_id))


@router.get(
    "/cases/{case_id}/messages/{message_id}",
    response_model=MessageView,
    summary="Open one message with its replies",
    responses=declared(401, 404),
)
async def open_message(
    case: CaseForUser, message: MessageForUser, service: MessageServiceDep
) -> MessageView:
    """Opening it marks it read when the caller is the person it is for."""
    return await service.open(case, message)


@router.post(
    "/cases/{case_id}/messages/{message_id}/replies",
    response_model=MessageView,
    status_code=status.HTTP_201_CREATED,
    summary="Reply to a message (Idempotency-Key)",
    responses=declared(401, 403, 404, 409),
)
async def reply_to_message(
    body: ReplyRequest,
    case: CaseForUser,
    message: MessageForUser,
    request: Request,
    principal: CurrentPrincipal,
    stores: StoresDep,
    service: MessageServiceDep,
) -> MessageView | JSONResponse:
    """Where the authority takes one reply per message, a second one is a 409."""
    return await create_once(
        request,
        stores.idempotency,
        caller=principal.user_id,
        authority=principal.authority,
        body=body.model_dump(mode="json"),
        create=lambda once: service.reply(case, message, body, once=once),
    )

"""The app factory: every service gets health, readiness, metrics, errors, logs and its bus."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kit import logs
from kit.auth import JwksCache, TokenVerifier
from kit.authorities import Authorities, authority_subscription
from kit.errors import ErrorBody, install_error_handlers
from kit.events.broadcast import Broadcast, MemoryCopy
from kit.events.broker import Broker
from kit.events.consumer import PROCESSED_INDEXES, EventConsumer, Subscription
from kit.events.outbox import OUTBOX_INDEXES, Outbox
from kit.events.relay import OutboxRelay
from kit.idempotency import FORGET_EVERY, IDEMPOTENCY_INDEXES, forget_old_answers
from kit.loops import keep_working
from kit.metrics import render
from kit.middleware import RequestMiddleware
from kit.mongo import Index, Mongo
from kit.sessions import ENDED_SESSIONS_INDEXES, EndedSessionsStore
from kit.settings import ServiceSettings

log = logs.get_logger("kit.app")

READINESS_TIMEOUT_SECONDS = 2.0
# A store that answered this recently counts as reachable: readiness is asked every few
# seconds by every gateway worker, and each ping is work for the one store every service shares.
STORE_SEEN_FOR_SECONDS = 10.0

ReadinessCheck = Callable[["Runtime"], Awaitable[object]]
StartHook = Callable[["Runtime"], Awaitable[None]]
SubscriptionFactory = Callable[["Runtime"], Sequence[Subscription]]
MemoryFactory = Callable[["Runtime"], Sequence[MemoryCopy]]


@dataclass
class Runtime:
    """The connections and loops a running service owns."""

    settings: ServiceSettings
    mongo: Mongo
    broker: Broker
    outbox: Outbox
    verifier: TokenVerifier
    authorities: Authorities
    consumers: list[EventConsumer] = field(default_factory=list)
    relay: OutboxRelay | None = None
    broadcast: Broadcast | None = None
    store_seen_at: float = float("-inf")
    started: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)


def get_runtime(request: Request) -> Runtime:
    """The running service's connections."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


class Health(BaseModel):
    """Liveness answer."""

    status: str


class Readiness(BaseModel):
    """Readiness answer, one entry per dependency."""

    status: str
    checks: dict[str, str]


@dataclass(frozen=True)
class ServiceParts:
    """What a service plugs into the factory."""

    routers: Sequence[APIRouter] = ()
    indexes: Sequence[Index] = ()
    subscriptions: SubscriptionFactory | None = None
    memory: MemoryFactory | None = None
    verifier: TokenVerifier | None = None
    readiness: dict[str, ReadinessCheck] = field(default_factory=dict)
    on_start: StartHook | None = None
    on_stop: StartHook | None = None
    keeps_authority_copy: bool = True
    # A durable queue of its own stores ended sessions for workers that start later.
    keeps_ended_sessions: bool = True


async def _boot(runtime: Runtime, parts: ServiceParts) -> None:
    """Wait for the store and broker, create indexes, start consumers and the outbox relay."""
    settings = runtime.settings
    delay = 0.5
    while True:
        try:
            await runtime.mongo.ping()
            await runtime.mongo.ensure_indexes(
                [
                    *OUTBOX_INDEXES,
                    *PROCESSED_INDEXES,
                    *IDEMPOTENCY_INDEXES,
                    *ENDED_SESSIONS_INDEXES,
                    *parts.indexes,
                ]
            )
            break
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("store not ready, retrying", extra={"reason": repr(exc)})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
    await runtime.broker.connect()
    ended_sessions = EndedSessionsStore(runtime.mongo, runtime.verifier.ended)
    copies: list[MemoryCopy] = [ended_sessions]
    if parts.keeps_authority_copy:
        copies.append(runtime.authorities)
    if parts.memory is not None:
        copies.extend(parts.memory(runtime))
    broadcast = Broadcast(runtime.broker, copies, service=settings.service_name)
    await broadcast.start()
    runtime.broadcast = broadcast
    runtime.tasks.append(asyncio.create_task(broadcast.keep_reloading(), name="memory-reload"))
    subscriptions: list[Subscription] = []
    if parts.keeps_ended_sessions:
        subscriptions.append(ended_sessions.subscription())
    if parts.keeps_authority_copy:
        subscriptions.append(authority_subscription(runtime.mongo))
    if parts.subscriptions is not None:
        subscriptions.extend(parts.subscriptions(runtime))
    for subscription in subscriptions:
        consumer = EventConsumer(
            runtime.mongo,
            runtime.broker,
            subscription,
            service=settings.service_name,
            retry_delays=settings.retry_delays_seconds,
            prefetch=settings.consumer_prefetch,
        )
        await consumer.start()
        runtime.consumers.append(consumer)
    if parts.on_start is not None:
        await parts.on_start(runtime)
    relay = OutboxRelay(
        runtime.mongo,
        runtime.broker,
        runtime.outbox,
        service=settings.service_name,
        batch_size=settings.outbox_batch_size,
        poll_seconds=settings.outbox_poll_seconds,
    )
    runtime.relay = relay
    runtime.tasks.append(asyncio.create_task(relay.run(), name="outbox-relay"))

    async def forget_answers() -> bool:
        await forget_old_answers(runtime.mongo, now=datetime.now(UTC))
        return False

    runtime.tasks.append(
        asyncio.create_task(
            keep_working(
                forget_answers,
                name="forgetting old idempotency answers",
                wake=asyncio.Event(),
                poll_seconds=FORGET_EVERY.total_seconds(),
            ),
            name="idempotency-forgetting",
        )
    )
    runtime.started.set()
    log.info("service started", extra={"consumers": [c.queue for c in runtime.consumers]})


async def _check(name: str, probe: Awaitable[Any]) -> tuple[str, str]:
    try:
        result = await asyncio.wait_for(probe, READINESS_TIMEOUT_SECONDS)
    except Exception as exc:
        return name, f"failed: {type(exc).__name__}"
    return name, "ok" if result is not False else "failed"


def _document_unreadable_bodies(app: FastAPI) -> None:
    """Declare the 400 every operation with a body gives when the body is not readable JSON."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()
        for item in document.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and "requestBody" in operation:
                    operation["responses"].setdefault(
                        "400",
                        {
                            "description": "The body cannot be read (it is not valid JSON)",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ErrorBody"}
                                }
                            },
                        },
                    )
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    version: str = "0.1.0",
    parts: ServiceParts | None = None,
) -> FastAPI:
    """Build a service's FastAPI app with everything every service shares."""
    parts = parts or ServiceParts()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.configure(settings.service_name, settings.log_level)
        mongo = Mongo(settings.mongo_url, settings.mongo_db)
        runtime = Runtime(
            settings=settings,
            mongo=mongo,
            broker=Broker(settings.amqp_url, service=settings.service_name),
            outbox=Outbox(mongo),
            verifier=parts.verifier
            or TokenVerifier(JwksCache(settings.jwks_url), issuer=settings.token_issuer),
            authorities=Authorities(mongo),
        )
        app.state.runtime = runtime
        boot = asyncio.create_task(_boot(runtime, parts), name="boot")
        try:
            yield
        finally:
            boot.cancel()
            for task in runtime.tasks:
                task.cancel()
            for task in [boot, *runtime.tasks]:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if parts.on_stop is not None:
                with contextlib.suppress(Exception):
                    await parts.on_stop(runtime)
            for consumer in runtime.consumers:
                await consumer.stop()
            if runtime.broadcast is not None:
                await runtime.broadcast.stop()
            await runtime.broker.close()
            await mongo.close()

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        # A redirect to the slash-less path would be built from the Host header, which behind
        # the gateway names this service's internal address: a wrong slash is a 404 instead.
        redirect_slashes=False,
        responses={
            422: {"model": ErrorBody, "description": "Invalid input"},
            500: {"model": ErrorBody, "description": "Unexpected error"},
        },
    )
    install_error_handlers(app)
    _document_unreadable_bodies(app)
    app.add_middleware(RequestMiddleware, service=settings.service_name)

    operations = APIRouter(tags=["operations"])

    @operations.get("/healthz", response_model=Health, summary="Liveness")
    async def healthz() -> Health:
        return Health(status="ok")

    @operations.get(
        "/readyz",
        response_model=Readiness,
        summary="Readiness: store, broker and other dependencies reachable",
        responses={503: {"model": Readiness, "description": "Not ready"}},
    )
    async def readyz(runtime: RuntimeDep) -> JSONResponse:
        probes: list[Awaitable[tuple[str, str]]] = [
            _check("store", _store_reachable(runtime)),
            _check("broker", _broker_open(runtime)),
            _check("started", _started(runtime)),
        ]
        probes += [_check(name, check(runtime)) for name, check in parts.readiness.items()]
        checks = dict(await asyncio.gather(*probes))
        ready = all(value == "ok" for value in checks.values())
        body = Readiness(status="ready" if ready else "not_ready", checks=checks)
        return JSONResponse(body.model_dump(), status_code=200 if ready else 503)

    app.include_router(operations)
    app.get("/metrics", include_in_schema=False)(render)
    for router in parts.routers:
        app.include_router(router)
    return app


async def _store_reachable(runtime: Runtime) -> None:
    now = time.monotonic()
    if now - runtime.store_seen_at < STORE_SEEN_FOR_SECONDS:
        return
    await runtime.mongo.ping()
    runtime.store_seen_at = now


async def _broker_open(runtime: Runtime) -> bool:
    return runtime.broker.is_open()


async def _started(runtime: Runtime) -> bool:
    return runtime.started.is_set()

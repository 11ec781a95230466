"""The cases service's ASGI app."""

import asyncio

from cases.appointments.api import router as appointments_router
from cases.appointments.repository import INDEXES as APPOINTMENT_INDEXES
from cases.caseload.api import router as caseload_router
from cases.cases.api import router as cases_router
from cases.cases.copies import application_copies_subscription
from cases.cases.documents_history import documents_history_subscription
from cases.cases.drafts import DraftKeeping
from cases.cases.repository import INDEXES as CASE_INDEXES
from cases.cases.service import today
from cases.config import settings
from cases.letters.api import router as letters_router
from cases.letters.repository import INDEXES as LETTER_INDEXES
from cases.messages.api import router as messages_router
from cases.messages.repository import INDEXES as MESSAGE_INDEXES
from cases.plans.api import router as plans_router
from cases.plans.repository import INDEXES as PLAN_INDEXES
from cases.tasks.api import router as tasks_router
from cases.tasks.repository import INDEXES as TASK_INDEXES
from cases.wiring import EXTRAS_KEY, CaseStores
from kit.app import Runtime, ServiceParts, create_app
from kit.events.consumer import Subscription
from kit.lease import Lease
from kit.loops import keep_working


async def _start(runtime: Runtime) -> None:
    stores = CaseStores.on(runtime.mongo, runtime.outbox, settings=settings)
    runtime.extras[EXTRAS_KEY] = stores
    keeping = DraftKeeping(
        mongo=stores.mongo,
        outbox=stores.outbox,
        cases=stores.cases,
        history=stores.history,
        lease=Lease(stores.mongo, "cases-drafts", seconds=max(60.0, settings.draft_sweep_seconds)),
        warning_days=settings.draft_warning_days,
        portal_url=settings.portal_url.rstrip("/"),
    )
    runtime.tasks.append(
        asyncio.create_task(
            keep_working(
                lambda: keeping.step(today()),
                name="draft keeping",
                wake=asyncio.Event(),
                poll_seconds=settings.draft_sweep_seconds,
            ),
            name="draft-keeping",
        )
    )


def _subscriptions(runtime: Runtime) -> list[Subscription]:
    return [
        documents_history_subscription(runtime.mongo),
        application_copies_subscription(
            runtime.mongo,
            documents_url=settings.documents_url,
            internal_key=settings.documents_internal_key,
        ),
    ]


app = create_app(
    settings,
    title="Housing Portal: cases",
    description="Applications of every kind, their lifecycle and the casework on them.",
    parts=ServiceParts(
        routers=[
            cases_router,
            caseload_router,
            tasks_router,
            messages_router,
            appointments_router,
            letters_router,
            plans_router,
        ],
        indexes=[
            *CASE_INDEXES,
            *TASK_INDEXES,
            *MESSAGE_INDEXES,
            *APPOINTMENT_INDEXES,
            *LETTER_INDEXES,
            *PLAN_INDEXES,
        ],
        subscriptions=_subscriptions,
        on_start=_start,
    ),
)

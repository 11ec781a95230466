"""Events that come faster than a transaction each are told together: each person once, the
copies a broker may deliver making nothing new."""

import uuid

from tests.support.bus import Publish
from tests.support.metrics import counted
from tests.support.polling import eventually

from contracts.events.casework_tasks import MessageSent
from kit.mongo import Mongo
from notifications.inbox.models import NOTIFICATIONS
from portalstack.endpoints import Stack

OFFICER = "burst-officer"


def message_to(person: str, case_id: str) -> MessageSent:
    return MessageSent(
        case_id=case_id,
        reference="8080",
        applicant_id=person,
        language="en",
        message_id=uuid.uuid4().hex,
        subject="About your case",
        sender_id=OFFICER,
        recipient_ids=[person],
        recipient="applicant",
    )


async def handled(stack: Stack) -> float:
    return await counted(
        stack.service_urls["notifications"],
        "portal_events_consumed_total",
        consumer="notifications.notices",
    )


async def batches(stack: Stack) -> float:
    return await counted(
        stack.service_urls["notifications"],
        "portal_event_batches_total",
        consumer="notifications.notices",
    )


async def test_a_burst_tells_each_person_once(
    publish: Publish, service_mongo: Mongo, stack: Stack
) -> None:
    run = uuid.uuid4().hex[:8]
    before, batches_before = await handled(stack), await batches(stack)
    people = [f"burst-{run}-{n}" for n in range(60)]
    sent = [
        await publish(message_to(person, f"case-{run}-{n}"), actor=OFFICER)
        for n, person in enumerate(people)
    ]
    # Copies of the first ten, as a broker may deliver.
    for envelope in sent[:10]:
        await publish(message_to(people[0], "unused"), envelope=envelope)

    async def all_handled() -> bool:
        return await handled(stack) >= before + 70

    await eventually(all_handled, within=30, what="the burst handled")
    stored = (
        await service_mongo.db[NOTIFICATIONS]
        .find({"authority": "watford", "event_id": {"$in": [str(e.id) for e in sent]}})
        .to_list()
    )
    assert sorted(notice["user_id"] for notice in stored) == sorted(people)
    # The events did not wait their turn one transaction each.
    assert await batches(stack) > batches_before

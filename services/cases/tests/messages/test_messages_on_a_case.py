"""Messages on a case: sent by officers, read and replied to by their person, counted unread."""

import uuid

from tests.support.bus import heard
from tests.support.cases import Caller, CasesApi, Json
from tests.support.documents import DocumentsApi, copy_kept
from tests.support.tasks_and_messages import complaint, message_body, referral, send_message

from contracts.events.casework_tasks import MessageReplied, MessageSent
from portalstack.endpoints import Stack


async def unread(api: CasesApi, caller: Caller) -> int:
    answer = await api.call("GET", caller, "/messages/unread")
    assert answer.status_code == 200, answer.text
    count: int = answer.json()["unread"]
    return count


async def reply(api: CasesApi, caller: Caller, message: Json, text: str = "Sent it today.") -> Json:
    answer = await api.call(
        "POST",
        caller,
        f"/cases/{message['case_id']}/messages/{message['id']}/replies",
        json={"body": text},
    )
    return {"status": answer.status_code, **answer.json()}


class TestReading:
    async def test_the_person_sees_it_unread_until_they_open_it(self, api: CasesApi) -> None:
        work = await referral(api)
        message = await send_message(api, work.officer, work.case)
        assert await unread(api, work.applicant) == 1
        [listed] = (await api.call("GET", work.applicant, "/messages")).json()["items"]
        assert (
            listed["application_type"],
            listed["subject"],
            listed["sender_id"],
            listed["unread"],
            listed["reference"],
        ) == (
            "Homelessness referral",
            "Your tenancy agreement",
            work.officer.user_id,
            True,
            work.case["reference"],
        )
        # The officer reading it leaves it unread for the person.
        path = f"/cases/{work.case['id']}/messages/{message['id']}"
        as_officer = await api.call("GET", work.officer, path)
        assert as_officer.json()["unread"] is False
        assert await unread(api, work.applicant) == 1
        opened = (await api.call("GET", work.applicant, path)).json()
        assert opened["body"] == "Please send us a copy of your tenancy agreement."
        assert await unread(api, work.applicant) == 0
        [listed] = (await api.call("GET", work.applicant, "/messages")).json()["items"]
        assert listed["unread"] is False

    async def test_my_messages_newest_first_page_by_page(self, api: CasesApi) -> None:
        work = await referral(api)
        sent = [
            (await send_message(api, work.officer, work.case, subject=f"Letter {n}"))["id"]
            for n in range(5)
        ]
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await api.call("GET", work.applicant, "/messages", params=params)).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == list(reversed(sent))
        assert await unread(api, work.applicant) == 5


class TestReplies:
    async def test_a_council_takes_any_number_of_replies(self, api: CasesApi) -> None:
        work = await referral(api)
        message = await send_message(api, work.officer, work.case)
        first = await reply(api, work.applicant, message)
        second = await reply(api, work.applicant, message, "And another thing.")
        assert (first["status"], second["status"]) == (201, 201)
        assert [r["body"] for r in second["thread"]] == ["Sent it today.", "And another thing."]
        assert second["may_reply"] is True
        assert second["reply_rule"] == "free"

    async def test_the_ombudsman_takes_one_reply_per_message(self, api: CasesApi) -> None:
        work = await complaint(api)
        message = await send_message(api, work.officer, work.case)
        opened = (
            await api.call(
                "GET", work.applicant, f"/cases/{work.case['id']}/messages/{message['id']}"
            )
        ).json()
        assert (opened["reply_rule"], opened["may_reply"]) == ("once", True)
        first = await reply(api, work.applicant, message)
        assert first["status"] == 201
        assert first["may_reply"] is False
        second = await reply(api, work.applicant, message, "One more.")
        assert second["status"] == 409
        assert second["error"]["code"] == "already_replied"
        assert "already replied" in second["error"]["message"]
        # Officers reply as often as they need, and what they send is unread again.
        assert await unread(api, work.applicant) == 0
        officer_reply = await reply(api, work.officer, message, "Thank you.")
        assert officer_reply["status"] == 201
        assert await unread(api, work.applicant) == 1
        assert [r["sender"] for r in officer_reply["thread"]] == ["applicant", "staff"]

    async def test_a_retried_reply_is_made_once(self, api: CasesApi) -> None:
        work = await referral(api)
        message = await send_message(api, work.officer, work.case)
        path = f"/cases/{work.case['id']}/messages/{message['id']}/replies"
        key = {"Idempotency-Key": uuid.uuid4().hex}
        for _ in range(2):
            answer = await api.call(
                "POST", work.applicant, path, json={"body": "Once only"}, headers=key
            )
            assert answer.status_code == 201, answer.text
        assert len(answer.json()["thread"]) == 1

    async def test_bad_messages_and_replies_are_refused(self, api: CasesApi) -> None:
        work = await referral(api)
        path = f"/cases/{work.case['id']}/messages"
        for body, field in (
            (message_body(body="x" * 2001), "body"),
            (message_body(subject=""), "subject"),
            (message_body(attachments=["../../etc/passwd"]), "attachments"),
            (message_body(attachments=[uuid.uuid4().hex] * 11), "attachments"),
        ):
            answer = await api.call("POST", work.officer, path, json=body)
            assert answer.status_code == 422, answer.text
            assert field in str(answer.json()["error"]["details"])
        attached = await send_message(api, work.officer, work.case, body="y" * 2000)
        too_long = await api.call(
            "POST",
            work.applicant,
            f"{path}/{attached['id']}/replies",
            json={"body": "z" * 2001},
        )
        assert too_long.status_code == 422, too_long.text
        bad_cursor = await api.call("GET", work.applicant, "/messages", params={"cursor": "x"})
        assert bad_cursor.status_code == 400, bad_cursor.text


class TestAttachments:
    async def test_only_documents_of_the_case_the_sender_sees_are_attached(
        self, api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        work = await referral(api)
        other = await referral(api)
        path = f"/cases/{work.case['id']}/messages"
        copy = await copy_kept(documents_api, work.officer, work.case["id"])
        elsewhere = await copy_kept(documents_api, other.officer, other.case["id"])
        unknown = uuid.uuid4().hex
        refused = await api.call(
            "POST",
            work.officer,
            path,
            json=message_body(attachments=[copy["id"], unknown, elsewhere["id"]]),
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "attachment_not_found"
        assert refused.json()["error"]["details"] == {"missing": [unknown, elsewhere["id"]]}
        attached = await send_message(api, work.officer, work.case, attachments=[copy["id"]])
        assert attached["attachments"] == [copy["id"]]
        replies = f"{path}/{attached['id']}/replies"
        not_theirs = await api.call(
            "POST",
            work.applicant,
            replies,
            json={"body": "Here it is", "attachments": [elsewhere["id"]]},
        )
        assert not_theirs.status_code == 422, not_theirs.text
        answered = await api.call(
            "POST",
            work.applicant,
            replies,
            json={"body": "Here it is", "attachments": [copy["id"]]},
        )
        assert answered.status_code == 201, answered.text
        assert answered.json()["thread"][0]["attachments"] == [copy["id"]]


class TestLandlords:
    async def test_a_landlords_message_is_theirs_and_not_the_applicants(
        self, api: CasesApi
    ) -> None:
        work = await complaint(api)
        assert work.landlord is not None
        assert work.other_landlord is not None
        for_landlord = await send_message(
            api,
            work.officer,
            work.case,
            recipient="landlord",
            landlord_user_id=work.landlord.user_id,
            subject="Repair records",
        )
        for_applicant = await send_message(api, work.officer, work.case)
        path = f"/cases/{work.case['id']}/messages"

        async def ids(caller: Caller) -> list[str]:
            answer = await api.call("GET", caller, path)
            return [item["id"] for item in answer.json()["items"]] if answer.is_success else []

        assert await ids(work.officer) == [for_applicant["id"], for_landlord["id"]]
        assert await ids(work.applicant) == [for_applicant["id"]]
        assert await ids(work.landlord) == [for_landlord["id"]]
        assert await ids(work.other_landlord) == []
        hidden = await api.call("GET", work.applicant, f"{path}/{for_landlord['id']}")
        assert hidden.status_code == 404
        assert hidden.json()["error"]["code"] == "message_not_found"
        assert await unread(api, work.landlord) == 1
        answered = await reply(api, work.landlord, for_landlord, "Attached.")
        assert answered["status"] == 201


class TestHistoryAndEvents:
    async def test_sent_and_replied_are_on_the_history_and_the_broker(
        self, api: CasesApi, stack: Stack
    ) -> None:
        async with heard(stack, "cases.message.#") as hear:
            work = await complaint(api)
            assert work.landlord is not None
            message = await send_message(api, work.officer, work.case)
            await send_message(
                api,
                work.officer,
                work.case,
                recipient="landlord",
                landlord_user_id=work.landlord.user_id,
                subject="Repair records",
            )
            await reply(api, work.applicant, message)
            events = await hear(work.case["id"], 3)
        sent, to_landlord, replied = (payload for _, payload in events)
        assert isinstance(sent, MessageSent)
        assert (sent.message_id, sent.recipient_ids, sent.sender_id, sent.subject) == (
            message["id"],
            [work.applicant.user_id],
            work.officer.user_id,
            "Your tenancy agreement",
        )
        assert isinstance(to_landlord, MessageSent)
        assert to_landlord.recipient_ids == [work.landlord.user_id]
        assert isinstance(replied, MessageReplied)
        assert (replied.sender_id, replied.recipient_ids) == (
            work.applicant.user_id,
            [work.officer.user_id],
        )
        assert "body" not in replied.model_dump()

        async def actions(caller: Caller) -> list[tuple[str, str]]:
            answer = await api.call("GET", caller, f"/cases/{work.case['id']}/history")
            return [
                (entry["action"], entry["details"].get("subject"))
                for entry in answer.json()["items"]
                if entry["action"].startswith("message_")
            ]

        subject = "Your tenancy agreement"
        opened = f"/cases/{work.case['id']}/messages/{message['id']}"
        # Opened by its sender, then twice by its person: read once.
        for caller in (work.officer, work.applicant, work.applicant):
            assert (await api.call("GET", caller, opened)).status_code == 200
        assert await actions(work.officer) == [
            ("message_sent", subject),
            ("message_sent", "Repair records"),
            ("message_replied", subject),
            ("message_read", subject),
        ]
        assert await actions(work.applicant) == [
            ("message_sent", subject),
            ("message_replied", subject),
            ("message_read", subject),
        ]
        assert await actions(work.landlord) == [("message_sent", "Repair records")]

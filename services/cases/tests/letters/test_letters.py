"""Letters: issued from a template as a tagged PDF in the applicant's language, kept with the
case's documents, NEW until the applicant opens it, acknowledged once; each step in the
case's history and the issuing and acknowledging on the broker."""

import uuid

import pypdf
from services.cases.tests.cases.test_cases_pdf import opened, structure_tags
from tests.support.bus import heard
from tests.support.cases import HOUSEHOLD, REFERRAL, REGISTER, Caller, CasesApi, CasesStore, Json
from tests.support.meetings import issue, referral

from portalstack.endpoints import Stack


async def letters_of(api: CasesApi, caller: Caller, case: Json) -> list[Json]:
    response = await api.call("GET", caller, f"/cases/{case['id']}/letters")
    assert response.status_code == 200, response.text
    items: list[Json] = response.json()["items"]
    return items


async def pdf_of(api: CasesApi, caller: Caller, letter: Json) -> bytes:
    response = await api.call(
        "GET", caller, f"/cases/{letter['case_id']}/letters/{letter['id']}/pdf"
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    return response.content


class TestIssuing:
    async def test_the_letter_is_a_tagged_pdf_kept_with_the_case_s_documents(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await api.create(
            applicant,
            {
                "kind": "housing_register",
                "answers": REGISTER,
                "household": HOUSEHOLD,
                "submit": True,
            },
        )
        letter = await issue(
            api,
            officer,
            case,
            template="decision",
            title="Your housing register application",
            body="We have placed you in band 2.\n\nYou can ask for a review within 21 days.",
        )
        assert letter["new"] is True
        assert letter["signed_by"] == "Dawn Price"
        assert letter["created_by"] == officer.user_id
        assert letter["person_id"] == applicant.user_id
        assert letter["viewed_at"] is None
        assert letter["acknowledged_at"] is None

        documents = await api.http.get(
            f"/watford/api/documents/cases/{case['id']}/documents", headers=applicant.headers
        )
        assert documents.status_code == 200, documents.text
        kept = [item for item in documents.json()["items"] if item["id"] == letter["document_id"]]
        assert len(kept) == 1
        assert kept[0]["classification"] == "letter"

        text, root, _ = opened(await pdf_of(api, applicant, letter))
        expected = [
            "Your housing register application",
            "We have placed you in band 2.",
            "You can ask for a review within 21 days.",
            "Watford",
            "01923 226400",
            case["reference"],
            "Julia Jules",
            "1 High Street",
            "Decision",
            "Yours sincerely",
            "Dawn Price",
        ]
        assert [words for words in expected if words not in text] == []
        assert str(root["/Lang"]) == "en"
        mark_info = root["/MarkInfo"].get_object()
        assert isinstance(mark_info, pypdf.generic.DictionaryObject)
        assert bool(mark_info["/Marked"])
        assert {"/H1", "/P", "/Table"} <= structure_tags(root["/StructTreeRoot"], set())

    async def test_a_welsh_applicant_s_letter_is_in_welsh(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await api.create(
            applicant,
            {
                "kind": "homelessness",
                "answers": REFERRAL,
                "household": HOUSEHOLD,
                "submit": True,
                "language": "cy",
            },
        )
        letter = await issue(api, officer, case, title="Cyngor am eich opsiynau tai")
        assert letter["language"] == "cy"
        text, root, _ = opened(await pdf_of(api, applicant, letter))
        assert str(root["/Lang"]) == "cy"
        for words in ("Cyngor cyffredinol", "Yn gywir", "Annwyl Julia Jules", "Ein cyfeirnod"):
            assert words in text, words

    async def test_a_repeated_issue_with_one_idempotency_key_sends_one_letter(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await referral(api, applicant)
        body = {
            "template": "request_for_information",
            "title": "We need your payslips",
            "body": "Send us your last three payslips.",
            "signed_by": "Dawn Price",
        }
        key = {"Idempotency-Key": uuid.uuid4().hex}
        path = f"/cases/{case['id']}/letters"
        first = await api.call("POST", officer, path, json=body, headers=key)
        again = await api.call("POST", officer, path, json=body, headers=key)
        assert first.status_code == again.status_code == 201, again.text
        assert first.json() == again.json()
        assert len(await letters_of(api, officer, case)) == 1

    async def test_bad_letters_are_refused_with_the_error_body(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await referral(api, applicant)
        for changes in (
            {"template": "threat"},
            {"body": "   "},
            {"title": ""},
            {"signed_by": "x" * 500},
            {"colour": "red"},
        ):
            refused = await issue(api, officer, case, status=422, **changes)
            assert set(refused["error"]) >= {"code", "message"}, changes
        assert await letters_of(api, officer, case) == []
        for path in (
            f"/cases/{case['id']}/letters/{uuid.uuid4().hex}",
            f"/cases/{case['id']}/letters/nonsense/pdf",
        ):
            response = await api.call("GET", officer, path)
            assert response.status_code == 404, response.text
            assert response.json()["error"]["code"] == "letter_not_found"
        bad_cursor = await api.call("GET", applicant, "/letters", params={"cursor": "x"})
        assert bad_cursor.status_code == 400, bad_cursor.text


class TestOpeningAndAcknowledging:
    async def test_new_until_the_applicant_opens_it_and_acknowledged_once(
        self, api: CasesApi, stack: Stack, cases_store: CasesStore
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await referral(api, applicant)
        async with heard(stack, "cases.letter.*") as hear:
            letter = await issue(api, officer, case)

            await pdf_of(api, officer, letter)
            [listed] = await letters_of(api, applicant, case)
            assert listed["new"] is True, "an officer's opening is not the applicant's"

            await pdf_of(api, applicant, letter)
            [listed] = await letters_of(api, applicant, case)
            assert listed["new"] is False
            viewed_at = listed["viewed_at"]
            assert viewed_at is not None
            await pdf_of(api, applicant, letter)
            [listed] = await letters_of(api, officer, case)
            assert listed["viewed_at"] == viewed_at

            path = f"/cases/{case['id']}/letters/{letter['id']}/acknowledge"
            first = await api.call("POST", applicant, path)
            assert first.status_code == 200, first.text
            again = await api.call("POST", applicant, path)
            assert again.status_code == 200, again.text
            assert first.json()["acknowledged_at"] is not None
            assert again.json()["acknowledged_at"] == first.json()["acknowledged_at"]
            [seen_by_officer] = await letters_of(api, officer, case)
            assert seen_by_officer["acknowledged_at"] == first.json()["acknowledged_at"]

            events = await hear(case["id"], 2)
        assert [envelope.type for envelope, _ in events] == [
            "cases.letter.issued",
            "cases.letter.acknowledged",
        ]
        issued = events[0][1].model_dump()
        assert issued["letter_id"] == letter["id"]
        assert issued["person_id"] == applicant.user_id
        assert issued["document_id"] == letter["document_id"]
        assert "body" not in issued
        assert "title" not in issued
        outbox = [event["type"] for event in await cases_store.events(case["id"])]
        assert outbox.count("cases.letter.acknowledged") == 1

        history = await api.call("GET", officer, f"/cases/{case['id']}/history")
        actions = [entry["action"] for entry in history.json()["items"]]
        assert [a for a in actions if a.startswith("letter_")] == [
            "letter_issued",
            "letter_viewed",
            "letter_acknowledged",
        ]

    async def test_my_letters_across_cases_newest_first_a_page_at_a_time(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        first_case = await referral(api, applicant)
        second_case = await referral(api, applicant)
        sent = [
            (await issue(api, officer, case, title=f"Letter {n}"))["id"]
            for n, case in enumerate((first_case, second_case, first_case))
        ]
        seen: list[str] = []
        cursor = None
        for _ in range(10):
            params: dict[str, object] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = await api.call("GET", applicant, "/letters", params=params)
            assert page.status_code == 200, page.text
            seen += [item["id"] for item in page.json()["items"]]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == list(reversed(sent))
        assert (await api.call("GET", officer, "/letters")).json()["items"] == []

"""Starting an application, answering its questions one page at a time, checking the answers
and submitting it, as a browser without JavaScript would."""

import re

import httpx
from tests.support.portal import Person
from tests.support.web_pages import send_form

from web.cases.applications import DRAFT

HOME = "/watford/applications"
KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]+)"')
VERSION = re.compile(r'name="version" value="([^"]*)"')
REFERRAL = {
    "reason_for_approach": "Fell out with my mate",
    "steps_taken": "Nothing, been sleeping in the park but its really cold",
    "assistance_wanted": "A house",
    "homeless_before": "no",
}


async def start(portal: httpx.AsyncClient, kind: str) -> str:
    """Start a draft of the kind from the start page; its id."""
    page = await portal.get(f"{HOME}/start")
    found = KEY.search(page.text)
    assert found is not None, page.text
    started = await send_form(
        portal, f"{HOME}/start", {"kind": kind, "idempotency_key": found.group(1)}
    )
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    assert location.endswith("/tasks")
    return location.split("/")[-2]


async def version_on(portal: httpx.AsyncClient, path: str) -> str:
    """The case version a page's form was filled from."""
    found = VERSION.search((await portal.get(path)).text)
    assert found is not None
    return found.group(1).replace("&#34;", '"')


async def answer(
    portal: httpx.AsyncClient, case_id: str, question: str, value: str, *, then: str = "continue"
) -> httpx.Response:
    """Answer one question from its page."""
    path = f"{HOME}/{case_id}/questions/{question}"
    version = await version_on(portal, path)
    return await send_form(portal, path, {"answer": value, "version": version, "then": then})


class TestStartingAnApplication:
    async def test_the_start_page_offers_the_kinds_the_council_offers(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        page = await portal.get(f"{HOME}/start")
        assert page.status_code == 200
        for title in ("Homelessness referral", "Housing register application", "Housing advice"):
            assert title in page.text
        assert "Complaint" not in page.text

    async def test_the_same_form_sent_twice_starts_one_draft(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        page = await portal.get(f"{HOME}/start")
        found = KEY.search(page.text)
        assert found is not None
        fields = {"kind": "homelessness", "idempotency_key": found.group(1)}
        first = await send_form(portal, f"{HOME}/start", fields)
        second = await send_form(portal, f"{HOME}/start", fields)
        assert first.status_code == second.status_code == 303
        assert first.headers["location"] == second.headers["location"]
        listed = await portal.get(HOME)
        assert listed.text.count("Homelessness referral") == 1

    async def test_choosing_nothing_is_an_error_on_the_choice(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        page = await send_form(portal, f"{HOME}/start", {"idempotency_key": "abc123"})
        assert page.status_code == 400
        assert "govuk-error-summary" in page.text
        assert 'href="#kind"' in page.text
        assert 'id="kind-error"' in page.text
        assert "Select what you are applying for" in page.text


class TestTheHomelessnessReferral:
    async def test_answered_checked_and_submitted_it_is_pending_with_its_reference(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await start(portal, "homelessness")
        tasks = await portal.get(f"{HOME}/{case_id}/tasks")
        assert tasks.status_code == 200
        assert "govuk-task-list" in tasks.text
        assert "You have 4 questions left to answer." in tasks.text
        assert "govuk-exit-this-page" in tasks.text
        assert 'href="https://www.bbc.co.uk/weather"' in tasks.text

        questions = list(REFERRAL)
        for index, question in enumerate(questions):
            saved = await answer(portal, case_id, question, REFERRAL[question])
            assert saved.status_code == 303, saved.text
            following = (
                f"{HOME}/{case_id}/questions/{questions[index + 1]}"
                if index + 1 < len(questions)
                else f"{HOME}/{case_id}/tasks"
            )
            assert saved.headers["location"] == following

        check = await portal.get(f"{HOME}/{case_id}/check")
        assert check.status_code == 200
        assert "govuk-summary-list" in check.text
        assert "Nothing, been sleeping in the park but its really cold" in check.text
        assert f'href="{HOME}/{case_id}/questions/homeless_before"' in check.text
        version = await version_on(portal, f"{HOME}/{case_id}/check")
        sent = await send_form(portal, f"{HOME}/{case_id}/check", {"version": version})
        assert sent.status_code == 303, sent.text
        assert sent.headers["location"] == f"{HOME}/{case_id}/submitted"
        done = await portal.get(f"{HOME}/{case_id}/submitted")
        assert "govuk-panel--confirmation" in done.text
        assert "Pending" in done.text
        case = await portal.get(f"{HOME}/{case_id}")
        assert "Fell out with my mate" in case.text
        assert "Pending" in case.text
        # Submitted, its questions can no longer be answered from the journey.
        again = await portal.get(f"{HOME}/{case_id}/questions/steps_taken")
        assert again.status_code == 404

    async def test_a_required_answer_left_empty_is_an_error_on_its_field_and_nothing_is_lost(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await start(portal, "homelessness")
        saved = await answer(portal, case_id, "reason_for_approach", "Fell out with my mate")
        assert saved.status_code == 303
        refused = await answer(portal, case_id, "steps_taken", "   ")
        assert refused.status_code == 400
        assert 'href="#steps_taken"' in refused.text
        assert 'id="steps_taken-error"' in refused.text
        page = await portal.get(f"{HOME}/{case_id}/questions/reason_for_approach")
        assert "Fell out with my mate" in page.text

    async def test_submitting_with_questions_unanswered_shows_each_on_the_check_page(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await start(portal, "homelessness")
        await answer(portal, case_id, "reason_for_approach", "Fell out with my mate")
        version = await version_on(portal, f"{HOME}/{case_id}/check")
        refused = await send_form(portal, f"{HOME}/{case_id}/check", {"version": version})
        assert refused.status_code == 400
        assert "govuk-error-summary" in refused.text
        assert f'href="{HOME}/{case_id}/questions/steps_taken"' in refused.text
        assert (
            f'href="{HOME}/{case_id}/questions/reason_for_approach"'
            not in refused.text.split("govuk-error-summary__list")[1].split("</ul>")[0]
        )
        tasks = await portal.get(f"{HOME}/{case_id}/tasks")
        assert "You have 3 questions left to answer." in tasks.text

    async def test_a_check_page_older_than_the_answers_does_not_submit_them_unseen(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await start(portal, "homelessness")
        for question, value in REFERRAL.items():
            await answer(portal, case_id, question, value)
        seen = await version_on(portal, f"{HOME}/{case_id}/check")
        await answer(portal, case_id, "assistance_wanted", "A flat near my work")
        refused = await send_form(portal, f"{HOME}/{case_id}/check", {"version": seen})
        assert refused.status_code == 400
        assert "changed in another window" in refused.text
        assert "A flat near my work" in refused.text
        assert (await portal.get(f"{HOME}/{case_id}/tasks")).status_code == 200
        fresh = await version_on(portal, f"{HOME}/{case_id}/check")
        sent = await send_form(portal, f"{HOME}/{case_id}/check", {"version": fresh})
        assert sent.status_code == 303


class TestSavingToComeBackLater:
    async def test_the_draft_is_kept_and_the_page_says_until_when(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await start(portal, "housing_register")
        saved = await answer(portal, case_id, "current_address", "1 High Street", then="later")
        assert saved.status_code == 303
        assert saved.headers["location"] == f"{HOME}/{case_id}/saved"
        page = await portal.get(f"{HOME}/{case_id}/saved")
        assert "We will keep your application until" in page.text
        # The register application has no Exit this page.
        assert "govuk-exit-this-page" not in page.text
        listed = await portal.get(HOME)
        assert f'href="{HOME}/{case_id}/tasks"' in listed.text
        assert DRAFT.title() in listed.text

    async def test_a_number_out_of_range_is_an_error_on_the_field(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await start(portal, "housing_register")
        for wrong in ("eleven", "11", "0"):
            refused = await answer(portal, case_id, "bedrooms_needed", wrong)
            assert refused.status_code == 400
            assert "Enter a whole number from 1 to 10" in refused.text
            assert 'id="bedrooms_needed-error"' in refused.text
        saved = await answer(portal, case_id, "bedrooms_needed", "3")
        assert saved.status_code == 303
        page = await portal.get(f"{HOME}/{case_id}/questions/bedrooms_needed")
        assert 'value="3"' in page.text

"""Tasks and messages in Chromium, in English and Welsh: the applicant's tasks completed or
not possible with a reason, their messages read and answered, and an officer setting a task
and writing a message from the case's page. Every page: axe finds nothing at 1024 CSS
pixels, nothing scrolls sideways at 320."""

import datetime
import re
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Browser
from tests.support.browser import PageChecker, main_text, new_profile, press
from tests.support.cases import OMBUDSMAN, REFERRAL, Caller, CasesApi
from tests.support.casework import complaint_about
from tests.support.people import identity_api
from tests.support.stack import MintToken
from tests.support.tasks_and_messages import send_message, set_task, task_change
from tests.support.web_pages import NewApplicant
from tests.support.web_sessions import SESSION_COOKIE, demo_session

from portalstack.endpoints import Stack

COUNCIL = "watford"
TODAY = datetime.datetime.now(ZoneInfo("Europe/London")).date()
WORDS = {
    "en": {
        "my_tasks": "My tasks",
        "next_tasks": "Your next tasks",
        "my_messages": "My messages",
        "new": "New",
        "overdue": "Overdue",
        "complete": "Mark as complete",
        "completed": "The task has been marked as complete",
        "unable": "Unable to complete",
        "send": "Send",
        "why": "Tell us why you are not able to complete this task",
        "too_long": "The reason must be 280 characters or fewer",
        "reviewed": "A caseworker will review it",
        "done": "Show tasks done",
        "unread": "Unread",
        "read": "Read",
        "send_reply": "Send reply",
        "enter_reply": "Enter your reply",
        "replied": "Your reply has been sent",
        "remaining": "You have 270 characters remaining",
        "set_task": "Set a task for the applicant",
        "set_it": "Set the task",
        "title_missing": "Enter the task's title",
        "send_message": "Send a message to the applicant",
        "send_it": "Send the message",
        "subject_missing": "Enter a subject",
        "updated": "The case has been updated.",
        "case_tasks": "Tasks on this case",
        "review": "Review",
        "save_review": "Save the review",
        "choose": "Select whether to accept the reason or set the task again",
        "reopen": "Set the task again with a note",
        "why_again": "Say why the task is set again",
        "set_again": "The task has been set again",
        "case_messages": "Messages on this case",
        "applicant": "Applicant",
    },
    "cy": {
        "my_tasks": "Fy nhasgau",
        "next_tasks": "Eich tasgau nesaf",
        "my_messages": "Fy negeseuon",
        "new": "Newydd",
        "overdue": "Yn hwyr",
        "complete": "Nodi ei bod wedi'i chwblhau",
        "completed": "Mae'r dasg wedi'i nodi fel un wedi'i chwblhau",
        "unable": "Methu cwblhau",
        "send": "Anfon",
        "why": "Dywedwch wrthym pam na allwch gwblhau'r dasg hon",
        "too_long": "Rhaid i\u2019r rheswm fod yn 280 nod neu lai",
        "reviewed": "Bydd gweithiwr achos yn ei adolygu",
        "done": "Dangos tasgau a wnaed",
        "unread": "Heb ei darllen",
        "read": "Wedi'i darllen",
        "send_reply": "Anfon ateb",
        "enter_reply": "Rhowch eich ateb",
        "replied": "Mae eich ateb wedi'i anfon",
        "remaining": "Mae gennych 270 nod ar ôl",
        "set_task": "Gosod tasg i'r ymgeisydd",
        "set_it": "Gosod y dasg",
        "title_missing": "Rhowch deitl y dasg",
        "send_message": "Anfon neges at yr ymgeisydd",
        "send_it": "Anfon y neges",
        "subject_missing": "Rhowch bwnc",
        "updated": "Mae'r achos wedi'i ddiweddaru.",
        "case_tasks": "Tasgau ar yr achos hwn",
        "review": "Adolygu",
        "save_review": "Cadw'r adolygiad",
        "choose": "Dewiswch a ydych am dderbyn y rheswm neu osod y dasg eto",
        "reopen": "Gosod y dasg eto gyda nodyn",
        "why_again": "Dywedwch pam mae'r dasg yn cael ei gosod eto",
        "set_again": "Mae'r dasg wedi'i gosod eto",
        "case_messages": "Negeseuon ar yr achos hwn",
        "applicant": "Ymgeisydd",
    },
}


@pytest.fixture
async def cases_api(gateway: httpx.AsyncClient, mint_token: MintToken) -> CasesApi:
    """The cases API, for the officers who set tasks and write."""
    return CasesApi(gateway, mint_token)


@pytest.mark.parametrize("language", ["en", "cy"])
class TestTheApplicantsTasksAndMessages:
    async def test_tasks_done_or_not_possible_and_a_message_answered(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        cases_api: CasesApi,
        language: str,
    ) -> None:
        words = WORDS[language]
        person = await new_applicant(COUNCIL)
        token = await cases_api.mint(
            authority=COUNCIL, roles=("applicant",), user=person.user_id, lifetime=600
        )
        applicant = Caller(user_id=person.user_id, authority=COUNCIL, token=token)
        case = await cases_api.create(
            applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        )
        officer = await cases_api.person("officer", authority=COUNCIL)
        await set_task(api=cases_api, officer=officer, case=case, title="Send your payslips")
        late = (TODAY - datetime.timedelta(days=2)).isoformat()
        await set_task(cases_api, officer, case, title="Call your landlord", target_date=late)
        await send_message(cases_api, officer, case, subject="Your payslips")
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="tasks")
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/account/sign-in?lang={language}")
        await page.locator("#email").fill(person.email)
        await page.locator("#password").fill(person.password)
        await page.locator("main form button[type=submit]").click()
        await page.wait_for_url(re.compile(rf"/{COUNCIL}/account/$"))

        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications/{case['id']}")
        # The case's overview shows the tasks due soonest, the overdue one first.
        overview = await main_text(page)
        assert words["next_tasks"] in overview
        assert overview.index("Call your landlord") < overview.index("Send your payslips")
        await check("case-next-tasks")
        await page.get_by_role("link", name=words["my_tasks"], exact=True).click()
        await page.wait_for_url(re.compile(r"/tasks$"))
        rows = page.locator("main table tbody tr")
        assert await rows.count() == 2
        # Soonest target date first: the overdue one.
        assert "Call your landlord" in await rows.nth(0).inner_text()
        assert words["overdue"] in await rows.nth(0).inner_text()
        assert words["new"] in await rows.nth(1).inner_text()
        assert case["reference"] in await rows.nth(1).inner_text()
        await check("my-tasks")

        await rows.nth(1).get_by_role("button", name=re.compile(words["complete"])).click()
        await page.wait_for_url(re.compile(r"/tasks\?notice=completed$"))
        assert words["completed"] in await main_text(page)
        await check("my-tasks-completed")

        await (
            page.locator("main table").get_by_role("link", name=re.compile(words["unable"])).click()
        )
        await page.wait_for_url(re.compile(r"/unable$"))
        await check("unable")
        await press(page, words["send"])
        assert words["why"] in await page.locator(".govuk-error-summary").inner_text()
        await check("unable-empty")
        await page.locator("#reason").fill("x" * 281)
        await press(page, words["send"])
        assert words["too_long"] in await page.locator("#reason-error").inner_text()
        await page.locator("#reason").fill("My landlord does not answer")
        assert words["remaining"].replace("270", str(280 - 27)) in await main_text(page)
        await press(page, words["send"])
        await page.wait_for_url(re.compile(r"/tasks\?notice=unable$"))
        assert words["reviewed"] in await main_text(page)
        assert await page.locator("main table").count() == 0
        await page.get_by_role("link", name=words["done"]).click()
        await page.wait_for_url(re.compile(r"/tasks\?state=done$"))
        assert await page.locator("main table tbody tr").count() == 2
        await check("my-tasks-done")

        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications/{case['id']}")
        await page.get_by_role("link", name=words["my_messages"], exact=True).click()
        await page.wait_for_url(re.compile(r"/messages$"))
        assert words["unread"] in await page.locator("main table").inner_text()
        await check("my-messages")
        await page.get_by_role("link", name="Your payslips").click()
        await page.wait_for_url(re.compile(r"/messages/[0-9a-f]{32}/[0-9a-f]{32}$"))
        await check("message")
        await press(page, words["send_reply"])
        assert words["enter_reply"] in await page.locator("#body-error").inner_text()
        await check("message-empty-reply")
        await page.locator("#body").fill("I sent them today.")
        await press(page, words["send_reply"])
        await page.wait_for_url(re.compile(r"\?replied=yes$"))
        text = await main_text(page)
        assert words["replied"] in text
        assert "I sent them today." in text
        await check("message-replied")
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/messages")
        assert words["read"] in await page.locator("main table").inner_text()
        await context.close()


@pytest.mark.parametrize("language", ["en", "cy"])
class TestTheOfficersForms:
    async def test_an_officer_sets_a_task_and_writes_to_the_applicant(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        cases_api: CasesApi,
        language: str,
    ) -> None:
        words = WORDS[language]
        applicant = await cases_api.person("applicant", authority="kingston")
        case = await cases_api.create(
            applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        )
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        session = await demo_session("officer", "kingston")
        await context.add_cookies(
            [{"name": SESSION_COOKIE, "value": session, "url": stack.gateway_url}]
        )
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="tasks")
        await page.goto(f"{stack.gateway_url}/kingston/caseload/{case['id']}?lang={language}")
        await page.get_by_role("link", name=words["set_task"]).click()
        await page.wait_for_url(re.compile(r"/set-task$"))
        await check("officer-set-task")
        await press(page, words["set_it"])
        assert words["title_missing"] in await page.locator(".govuk-error-summary").inner_text()
        await check("officer-set-task-errors")
        await page.locator("#title").fill("Send your payslips")
        await page.locator("#description").fill("The last three months.")
        due = TODAY + datetime.timedelta(days=7)
        await page.locator("#target_date-day").fill(str(due.day))
        await page.locator("#target_date-month").fill(str(due.month))
        await page.locator("#target_date-year").fill(str(due.year))
        await press(page, words["set_it"])
        await page.wait_for_url(re.compile(f"/caseload/{case['id']}$"))
        assert words["updated"] in await main_text(page)

        await page.get_by_role("link", name=words["send_message"]).click()
        await page.wait_for_url(re.compile(r"/send-message$"))
        await check("officer-send-message")
        await press(page, words["send_it"])
        assert words["subject_missing"] in await page.locator("#subject-error").inner_text()
        await check("officer-send-message-errors")
        await page.locator("#subject").fill("Your payslips")
        await page.locator("#body").fill("Please send your last three payslips.")
        await press(page, words["send_it"])
        await page.wait_for_url(re.compile(f"/caseload/{case['id']}$"))
        tasks = (await cases_api.call("GET", applicant, "/tasks")).json()["items"]
        assert [(t["title"], t["target_date"]) for t in tasks] == [
            ("Send your payslips", due.isoformat())
        ]

        # The applicant cannot do the task and answers the message; the officer reviews.
        [task] = (await cases_api.call("GET", applicant, "/tasks")).json()["items"]
        told = await task_change(
            cases_api, applicant, task, "unable-to-complete", {"reason": "I have no payslips"}
        )
        assert told.status_code == 200, told.text
        [message] = (await cases_api.call("GET", applicant, "/messages")).json()["items"]
        answered = await cases_api.call(
            "POST",
            applicant,
            f"/cases/{case['id']}/messages/{message['id']}/replies",
            json={"body": "I am self-employed."},
        )
        assert answered.status_code == 201, answered.text
        await page.get_by_role("link", name=words["case_tasks"]).click()
        await page.wait_for_url(re.compile(r"/tasks$"))
        assert "I have no payslips" in await main_text(page)
        await check("officer-case-tasks")
        await (
            page.locator("main table").get_by_role("link", name=re.compile(words["review"])).click()
        )
        await page.wait_for_url(re.compile(r"/review$"))
        await check("officer-review")
        await press(page, words["save_review"])
        assert words["choose"] in await page.locator(".govuk-error-summary").inner_text()
        await page.locator("main form").get_by_label(words["reopen"]).check()
        await press(page, words["save_review"])
        assert words["why_again"] in await page.locator("#note-error").inner_text()
        await check("officer-review-errors")
        await page.locator("#note").fill("Send your bank statements instead.")
        await press(page, words["save_review"])
        await page.wait_for_url(re.compile(r"/tasks\?notice=reopen$"))
        assert words["set_again"] in await main_text(page)

        await page.goto(f"{stack.gateway_url}/kingston/caseload/{case['id']}")
        await page.get_by_role("link", name=words["case_messages"]).click()
        await page.wait_for_url(re.compile(r"/messages$"))
        await check("officer-case-messages")
        await page.get_by_role("link", name="Your payslips").click()
        await page.wait_for_url(re.compile(r"/messages/[0-9a-f]{32}$"))
        text = await main_text(page)
        assert "I am self-employed." in text
        assert words["applicant"] in text
        await check("officer-message")
        await page.locator("#body").fill("Thank you, noted.")
        await press(page, words["send_reply"])
        await page.wait_for_url(re.compile(r"\?replied=yes$"))
        assert "Thank you, noted." in await main_text(page)
        await context.close()

        [reopened] = (await cases_api.call("GET", applicant, "/tasks")).json()["items"]
        assert (reopened["status"], reopened["review_note"]) == (
            "new",
            "Send your bank statements instead.",
        )
        assert (await cases_api.call("GET", applicant, "/messages/unread")).json()["unread"] == 1


@pytest.mark.parametrize("language", ["en", "cy"])
class TestALandlordsTasks:
    async def test_a_landlord_user_finds_and_completes_their_task_from_the_complaint(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        cases_api: CasesApi,
        language: str,
    ) -> None:
        words = WORDS[language]
        async with identity_api() as identity:
            landlord = await identity.demo("landlord_user", OMBUDSMAN)
            me = (await identity.get(OMBUDSMAN, "/me", person=landlord)).json()
        case = await complaint_about(cases_api, str(me["organisation_id"]))
        officer = await cases_api.person("officer", authority=OMBUDSMAN)
        title = f"Send the repair records {uuid.uuid4().hex[:6]}"
        await set_task(
            cases_api,
            officer,
            case,
            title=title,
            assignee="landlord",
            landlord_user_id=landlord.user_id,
        )
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        session = await demo_session("landlord_user", OMBUDSMAN)
        await context.add_cookies(
            [{"name": SESSION_COOKIE, "value": session, "url": stack.gateway_url}]
        )
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="tasks")
        await page.goto(f"{stack.gateway_url}/{OMBUDSMAN}/complaints/{case['id']}?lang={language}")
        await page.get_by_role("link", name=words["my_tasks"], exact=True).click()
        await page.wait_for_url(re.compile(r"/tasks$"))
        row = page.locator("main table tbody tr", has_text=title)
        assert case["reference"] in await row.inner_text()
        await check("landlord-tasks")
        await row.get_by_role("button", name=re.compile(words["complete"])).click()
        await page.wait_for_url(re.compile(r"/tasks\?notice=completed$"))
        assert await page.locator("main table tbody tr", has_text=title).count() == 0

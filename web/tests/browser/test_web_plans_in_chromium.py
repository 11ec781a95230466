"""The Personal Housing Plan in Chromium, in English and Welsh: the officer starts the plan,
writes the assessment, adds actions and issues it; the applicant disagrees (told first that a
reason is needed), updates an action's progress, adds one of their own and submits the plan for
review; the officer sees it in review with the reason and issues it again; the PDF link answers
a PDF. Every page: axe finds nothing at 1024 CSS pixels, nothing scrolls sideways at 320, and a
picture of each width is kept."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page
from tests.support.browser import (
    PageChecker,
    main_text,
    new_profile,
    press,
    sign_in,
)
from tests.support.cases import CasesApi
from tests.support.plan_pages import PlanMaker
from tests.support.stack import MintToken
from tests.support.web_pages import NewApplicant
from tests.support.web_sessions import SESSION_COOKIE, demo_session

from portalstack.endpoints import Stack

COUNCIL = "kingston"
WORDS = {
    "en": {
        "plan_link": "Personal Housing Plan: assessment, actions, and whether the applicant agrees",
        "start": "Start the plan",
        "change_assessment": "Change the assessment",
        "save_assessment": "Save the assessment",
        "add_action": "Add an action",
        "add_it": "Add the action",
        "issue": "Issue the plan",
        "issue_again": "Issue the plan again",
        "issued": "The plan has been issued to the applicant",
        "being_reviewed": "Being reviewed",
        "my_plan": "Your Personal Housing Plan",
        "send_answer": "Send your answer",
        "reason_missing": "Tell us why you do not agree with the plan",
        "disagreed": "You told your caseworker you do not agree with the plan",
        "update_progress": "Update progress",
        "save": "Save",
        "in_progress": "In progress",
        "submit_plan": "Submit the plan for review",
        "submit": "Submit for review",
        "reviewing": "Your caseworker is reviewing your plan",
        "pdf": "Download your plan as a PDF",
        "progress": "Plan progress:",
        "issue_2": "Issue 2",
        "plans": "Your Personal Housing Plans",
        "not_yet": "Your caseworker has not issued your plan yet",
        "view": "View plan",
        "version_1": "Personal Housing Plan, issue 1",
    },
    "cy": {
        "plan_link": (
            "Cynllun Tai Personol: asesiad, camau gweithredu, ac a yw'r ymgeisydd yn cytuno"
        ),
        "start": "Dechrau'r cynllun",
        "change_assessment": "Newid yr asesiad",
        "save_assessment": "Cadw'r asesiad",
        "add_action": "Ychwanegu cam gweithredu",
        "add_it": "Ychwanegu'r cam gweithredu",
        "issue": "Cyhoeddi'r cynllun",
        "issue_again": "Cyhoeddi'r cynllun eto",
        "issued": "Mae'r cynllun wedi'i gyhoeddi i'r ymgeisydd",
        "being_reviewed": "Wrthi'n cael ei adolygu",
        "my_plan": "Eich Cynllun Tai Personol",
        "send_answer": "Anfon eich ateb",
        "reason_missing": "Dywedwch wrthym pam nad ydych yn cytuno â'r cynllun",
        "disagreed": "Rydych wedi dweud wrth eich gweithiwr achos nad ydych yn cytuno â'r cynllun",
        "update_progress": "Diweddaru'r cynnydd",
        "save": "Cadw",
        "in_progress": "Ar waith",
        "submit_plan": "Cyflwyno'r cynllun i'w adolygu",
        "submit": "Cyflwyno i'w adolygu",
        "reviewing": "Mae eich gweithiwr achos yn adolygu eich cynllun",
        "pdf": "Lawrlwytho eich cynllun fel PDF",
        "progress": "Cynnydd y cynllun:",
        "issue_2": "Fersiwn 2",
        "plans": "Eich Cynlluniau Tai Personol",
        "not_yet": "Nid yw eich gweithiwr achos wedi cyhoeddi eich cynllun eto",
        "view": "Gweld y cynllun",
        "version_1": "Cynllun Tai Personol, fersiwn 1",
    },
}
REASON = "The flats offered are too far from my children's school."


@pytest.fixture
async def plans(gateway: httpx.AsyncClient, mint_token: MintToken) -> PlanMaker:
    """Cases made over the cases API, for the plan to be written on."""
    return PlanMaker(CasesApi(gateway, mint_token))


async def follow(page: Page, name: str, *, exact: bool = True) -> None:
    """Follow a link (or a link drawn as a button) in the page's main part."""
    link = page.locator("main").get_by_role("link", name=name, exact=exact)
    if await link.count() == 0:
        link = page.locator("main").get_by_role("button", name=name, exact=True)
    await link.first.click()
    await page.wait_for_load_state()


async def fill_action(page: Page, *, category: str, text: str, days: str) -> None:
    """An action's fields; its date is left as today."""
    await page.locator(f"input[name=category][value={category}]").check()
    await page.locator("#text").fill(text)
    if await page.locator("input[name=by_whom]").count():
        await page.locator("input[name=by_whom][value=applicant]").check()
    await page.locator("#complete_within_days").fill(days)
    await page.locator("input[name=required][value=yes]").check()


@pytest.mark.parametrize("language", ["en", "cy"])
class TestThePlanJourney:
    async def test_written_issued_answered_worked_on_reviewed_and_issued_again(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        plans: PlanMaker,
        language: str,
    ) -> None:
        words = WORDS[language]
        person = await new_applicant(COUNCIL)
        on = await plans.case_of(person, language=language)
        case_id = on.case["id"]

        # The officer starts the plan, writes the assessment, adds an action and issues it.
        officer_context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        await officer_context.add_cookies(
            [
                {
                    "name": SESSION_COOKIE,
                    "value": await demo_session("officer", COUNCIL),
                    "url": stack.gateway_url,
                }
            ]
        )
        officer = await officer_context.new_page()
        check_officer = PageChecker(officer, axe_source, screenshots, language, prefix="plans")
        await officer.goto(f"{stack.gateway_url}/{COUNCIL}/caseload/{case_id}?lang={language}")
        await follow(officer, words["plan_link"])
        await officer.wait_for_url(re.compile(r"/plan$"))
        await check_officer("officer-no-plan")
        await press(officer, words["start"])
        await officer.wait_for_url(re.compile(r"/plan\?done=started$"))
        await check_officer("officer-draft")
        await follow(officer, words["change_assessment"])
        await check_officer("officer-assessment")
        await officer.locator("#circumstances").fill("A section 21 notice ends the tenancy.")
        await officer.locator("#housing_needs").fill("Two bedrooms.")
        await officer.locator("#housing_wishes").fill("Near the children's school.")
        await officer.locator("#support_needs").fill("Help with a deposit.")
        await press(officer, words["save_assessment"])
        await officer.wait_for_url(re.compile(r"done=assessment"))
        await follow(officer, words["add_action"])
        await officer.wait_for_url(re.compile(r"/actions/add$"))
        await press(officer, words["add_it"])
        assert await officer.locator(".govuk-error-summary").count() == 1
        await check_officer("officer-action-errors")
        await fill_action(
            officer,
            category="generic",
            text="Make an application to join the housing register",
            days="10",
        )
        await press(officer, words["add_it"])
        await officer.wait_for_url(re.compile(r"done=added"))
        assert "Make an application to join the housing register" in await main_text(officer)
        await press(officer, words["issue"])
        await officer.wait_for_url(re.compile(r"done=issued"))
        assert words["issued"] in await main_text(officer)
        await check_officer("officer-issued")

        # The applicant finds the plan, and is told a disagreement needs its reason.
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="plans")
        await sign_in(page, stack, person, language)
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/")
        await follow(page, words["my_plan"])
        await page.wait_for_url(re.compile(rf"/plans/{case_id}$"))
        await check("applicant-plan")
        assert words["progress"] in await main_text(page)
        assert await page.locator("main .govuk-summary-card").count() == 1
        await page.locator("input[name=agrees][value=no]").check()
        assert await page.locator("#reason").is_visible()
        await press(page, words["send_answer"])
        summary = await page.locator(".govuk-error-summary").inner_text()
        assert words["reason_missing"] in summary
        assert words["reason_missing"] in await page.locator("#reason-error").inner_text()
        await check("applicant-reason-missing")
        await page.locator("#reason").fill(REASON)
        await press(page, words["send_answer"])
        await page.wait_for_url(re.compile(r"done=disagreed"))
        assert words["disagreed"] in await main_text(page)

        # Their action's progress, an action of their own, and the plan sent for review.
        await follow(page, words["update_progress"], exact=False)
        await page.wait_for_url(re.compile(r"/actions/[0-9a-f]{32}$"))
        await check("applicant-progress")
        await page.locator("input[name=progress][value=in_progress]").check()
        await page.locator("#notes").fill("Applied online on Monday.")
        await press(page, words["save"])
        await page.wait_for_url(re.compile(r"done=updated"))
        card = page.locator("main .govuk-summary-card").first
        assert words["in_progress"] in await card.inner_text()
        assert "Applied online on Monday." in await card.inner_text()
        await follow(page, words["add_action"])
        await page.wait_for_url(re.compile(r"/actions/add$"))
        await check("applicant-add-action")
        await fill_action(
            page, category="financial", text="Ask the credit union about a deposit loan", days="7"
        )
        await press(page, words["add_it"])
        await page.wait_for_url(re.compile(r"done=added"))
        assert await page.locator("main .govuk-summary-card").count() == 2
        await check("applicant-plan-worked-on")
        await follow(page, words["submit_plan"])
        await page.wait_for_url(re.compile(r"/submit$"))
        await check("applicant-submit")
        await press(page, words["submit"])
        await page.wait_for_url(re.compile(r"done=submitted"))
        assert words["reviewing"] in await main_text(page)
        assert (
            await page.locator("main").get_by_role("link", name=words["update_progress"]).count()
            == 0
        )
        await check("applicant-in-review")

        # The PDF link answers a PDF.
        href = (
            await page.locator("main").get_by_role("link", name=words["pdf"]).get_attribute("href")
        )
        assert href is not None
        pdf = await page.request.get(f"{stack.gateway_url}{href}")
        assert pdf.status == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert (await pdf.body()).startswith(b"%PDF")

        # The officer sees the plan in review with the reason, and issues it again.
        await officer.goto(f"{stack.gateway_url}/{COUNCIL}/caseload/{case_id}/plan")
        shown = await main_text(officer)
        assert words["being_reviewed"] in shown
        assert REASON in shown
        assert "Ask the credit union about a deposit loan" in shown
        await check_officer("officer-in-review")
        await press(officer, words["issue_again"])
        await officer.wait_for_url(re.compile(r"done=issued"))
        assert words["issue_2"] in await main_text(officer)
        await page.reload()
        assert words["reviewing"] not in await main_text(page)
        assert (
            await page.locator("main").get_by_role("link", name=words["update_progress"]).count()
            == 2
        )
        await context.close()
        await officer_context.close()

    async def test_the_list_of_plans_a_plan_not_issued_yet_and_an_earlier_issue(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        plans: PlanMaker,
        language: str,
    ) -> None:
        words = WORDS[language]
        person = await new_applicant(COUNCIL)
        first = await plans.case_of(person, language=language)
        second = await plans.case_of(person, language=language)
        waiting = await plans.case_of(person, language=language)
        await plans.issued(first)
        await plans.issued(second)
        await plans.started(waiting)
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="plans")
        await sign_in(page, stack, person, language)
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/plans")
        assert words["plans"] in await page.locator("h1").inner_text()
        assert await page.locator("main .govuk-summary-card").count() == 2
        await check("applicant-plans")
        await page.locator("main").get_by_role("link", name=words["view"]).first.click()
        await page.wait_for_url(re.compile(r"/plans/[0-9a-f]{32}$"))
        assert words["progress"] in await main_text(page)
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/plans/{waiting.case['id']}")
        assert words["not_yet"] in await main_text(page)
        await check("applicant-no-plan")
        await context.close()

        officer_context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        await officer_context.add_cookies(
            [
                {
                    "name": SESSION_COOKIE,
                    "value": await demo_session("officer", COUNCIL),
                    "url": stack.gateway_url,
                }
            ]
        )
        officer = await officer_context.new_page()
        check_officer = PageChecker(officer, axe_source, screenshots, language, prefix="plans")
        await officer.goto(
            f"{stack.gateway_url}/{COUNCIL}/caseload/{first.case['id']}/plan/versions/1"
            f"?lang={language}"
        )
        assert words["version_1"] in await officer.locator("h1").inner_text()
        await check_officer("officer-version")
        await officer_context.close()

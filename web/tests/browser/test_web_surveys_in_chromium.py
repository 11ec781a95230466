"""Satisfaction surveys in Chromium, in English and Welsh: the applicant follows the emailed
link to the survey of their closed case, is told to choose a rating, sends a rating and a
comment and sees the confirmation, then their answer; a manager lists it; an administrator
turns surveys on and is told when someone else saved first. Every page: axe finds nothing
at 1024 CSS pixels, nothing scrolls sideways at 320."""

import random
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser
from tests.support.browser import PageChecker, demo_profile, main_text, new_profile, press, sign_in
from tests.support.bus import Publish
from tests.support.cases import Caller, CasesApi
from tests.support.polling import eventually
from tests.support.web_pages import NewApplicant
from tests.support.web_sessions import local_address

from contracts.events.cases import CaseClosed
from portalstack.endpoints import Stack

# Rugby's portal asked for these surveys; no other test closes Rugby's cases, so surveys
# being on there changes no other test's notices.
COUNCIL = "rugby"
SETTINGS = f"/{COUNCIL}/api/notifications/surveys/settings"
ReadMail = Any
WORDS = {
    "en": {
        "notice": "You have a new customer satisfaction survey to complete",
        "title": "Customer satisfaction survey",
        "send": "Send survey",
        "choose": "Select how satisfied you are with the service you received",
        "satisfied": "Satisfied",
        "sent": "Survey sent",
        "already": "You have already answered this survey",
        "list": "Customer satisfaction surveys",
        "answers_link": "Survey answers",
        "show": "Show answers",
        "save": "Save",
        "saved": "The survey setting has been saved",
        "stale": "Someone else changed this setting since you opened the page",
        "ask": "Ask applicants for a satisfaction survey when their case closes",
    },
    "cy": {
        "notice": "Mae gennych arolwg boddhad cwsmeriaid newydd i\u2019w lenwi",
        "title": "Arolwg boddhad cwsmeriaid",
        "send": "Anfon yr arolwg",
        "choose": "Dewiswch pa mor fodlon ydych chi \u00e2\u2019r gwasanaeth a gawsoch",
        "satisfied": "Bodlon",
        "sent": "Arolwg wedi\u2019i anfon",
        "already": "Rydych chi eisoes wedi ateb yr arolwg hwn",
        "list": "Arolygon boddhad cwsmeriaid",
        "answers_link": "Atebion arolygon",
        "show": "Dangos atebion",
        "save": "Cadw",
        "saved": "Mae gosodiad yr arolwg wedi\u2019i gadw",
        "stale": "Mae rhywun arall wedi newid y gosodiad hwn ers i chi agor y dudalen",
        "ask": "Gofyn i ymgeiswyr lenwi arolwg boddhad pan fydd eu hachos yn cau",
    },
}


async def surveys_on(gateway: httpx.AsyncClient, admin: Caller) -> None:
    """Turn Rugby's surveys on through the API, whoever saved last."""

    async def saved() -> bool | None:
        current = await gateway.get(SETTINGS, headers=admin.headers)
        assert current.status_code == 200, current.text
        if current.json()["enabled"]:
            return True
        changed = await gateway.put(
            SETTINGS,
            json={"enabled": True},
            headers={**admin.headers, "If-Match": current.headers["ETag"]},
        )
        return True if changed.status_code == 200 else None

    await eventually(saved, within=20, what="surveys on at Rugby")


@pytest.mark.parametrize("language", ["en", "cy"])
class TestTheApplicantsSurvey:
    async def test_asked_answered_and_listed(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        read_mail: ReadMail,
        language: str,
    ) -> None:
        words = WORDS[language]
        await surveys_on(gateway, await cases_api.person("authority_admin", authority=COUNCIL))
        person = await new_applicant(COUNCIL)
        officer = await cases_api.person("officer", authority=COUNCIL)
        reference = str(random.randint(100000, 999999))
        event = CaseClosed.model_validate(
            {
                "case_id": uuid.uuid4().hex,
                "reference": reference,
                "kind": "homelessness",
                "status": "closed",
                "applicant_id": person.user_id,
                "language": language,
                "email": person.email,
                "closed_at": datetime.now(UTC).isoformat(),
            }
        )
        await publish(event, authority=COUNCIL, actor=officer.user_id)

        # Told in the portal and by email, with the link to the survey.
        token = await cases_api.mint(
            authority=COUNCIL, roles=("applicant",), user=person.user_id, lifetime=600
        )
        applicant = Caller(user_id=person.user_id, authority=COUNCIL, token=token)

        async def noticed() -> dict[str, Any] | None:
            answer = await gateway.get(
                f"/{COUNCIL}/api/notifications/notifications", headers=applicant.headers
            )
            found = [n for n in answer.json()["items"] if n["kind"] == "survey_requested"]
            return found[0] if found else None

        notice = await eventually(noticed, within=20, what="the survey notice")
        assert notice["activity"] == words["notice"]
        link = re.compile(rf"https?://\S+/{COUNCIL}/surveys/{event.case_id}")

        async def emailed() -> str | None:
            for message in await read_mail(person.email):
                found = link.search(str(message["text"]))
                if found is not None:
                    return found.group(0)
            return None

        survey_link = await eventually(emailed, within=20, what="the survey email")

        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="surveys")
        await sign_in(page, stack, person, language)
        await page.goto(local_address(stack.gateway_url, survey_link))
        assert words["title"] in await main_text(page)
        assert reference in await main_text(page)
        await check("survey")

        await press(page, words["send"])
        assert words["choose"] in await page.locator(".govuk-error-summary").inner_text()
        assert words["choose"] in await page.locator("#rating-error").inner_text()
        await check("survey-no-rating")

        await page.get_by_label(words["satisfied"], exact=True).check()
        await page.locator("#comment").fill("Kind and quick, thank you.")
        await press(page, words["send"])
        await page.wait_for_url(re.compile(r"\?notice=sent$"))
        assert words["sent"] in await page.locator(".govuk-panel").inner_text()
        assert "Kind and quick, thank you." in await main_text(page)
        await check("survey-sent")

        await page.goto(local_address(stack.gateway_url, survey_link))
        assert words["already"] in await main_text(page)
        assert await page.locator("main form").count() == 0
        await check("survey-answered")
        await context.close()

        # The authority's manager lists it, newest first.
        context = await demo_profile(browser, stack, "manager", COUNCIL)
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="surveys")
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/?lang={language}")
        await page.get_by_role("link", name=words["answers_link"]).click()
        await page.wait_for_url(re.compile(rf"/{COUNCIL}/surveys$"))
        assert words["list"] in await main_text(page)
        row = page.locator("main table tbody tr", has_text=reference)
        assert "Kind and quick, thank you." in await row.inner_text()
        assert words["satisfied"] in await row.inner_text()
        await check("answers")
        # Only one kind of case's answers: the register's do not include this referral's.
        await page.locator("#case_kind").select_option("housing_register")
        await press(page, words["show"])
        await page.wait_for_url(re.compile(r"\?case_kind=housing_register$"))
        assert await page.locator("main table tbody tr", has_text=reference).count() == 0
        await page.locator("#case_kind").select_option("homelessness")
        await press(page, words["show"])
        assert await page.locator("main table tbody tr", has_text=reference).count() == 1
        await context.close()


class TestTheAdministratorsSetting:
    async def test_turned_on_and_a_stale_save_refused(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
    ) -> None:
        # English then Welsh in one test, so that no two saves of this test's own race.
        admin = await cases_api.person("authority_admin", authority=COUNCIL)
        context = await demo_profile(browser, stack, "authority_admin", COUNCIL)
        page = await context.new_page()
        for language in ("en", "cy"):
            words = WORDS[language]
            check = PageChecker(page, axe_source, screenshots, language, prefix="surveys")
            await page.goto(f"{stack.gateway_url}/{COUNCIL}/?lang={language}")
            await page.get_by_role("link", name=words["list"]).click()
            await page.wait_for_url(re.compile(rf"/{COUNCIL}/surveys/settings$"))
            await check("settings")
            await page.get_by_label(words["ask"]).check()
            await press(page, words["save"])
            await page.wait_for_url(re.compile(r"\?notice=saved$"))
            assert words["saved"] in await main_text(page)
            assert await page.get_by_label(words["ask"]).is_checked()
            await check("settings-saved")

            # Someone else saves while the page is open: this save is refused, not lost.
            current = await gateway.get(SETTINGS, headers=admin.headers)
            changed = await gateway.put(
                SETTINGS,
                json={"enabled": True},
                headers={**admin.headers, "If-Match": current.headers["ETag"]},
            )
            assert changed.status_code == 200, changed.text
            await press(page, words["save"])
            assert words["stale"] in await page.locator(".govuk-error-summary").inner_text()
            await check("settings-stale")
            await press(page, words["save"])
            await page.wait_for_url(re.compile(r"\?notice=saved$"))
        await context.close()

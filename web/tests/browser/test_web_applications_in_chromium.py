"""The applicant's applications in Chromium, in English and Welsh: a homelessness referral
sent with Exit this page at hand, and a housing register application saved, left, and
finished after signing in again. Every page: axe finds nothing at 1024 CSS pixels, nothing
scrolls sideways at 320, the CSP blocks nothing of ours."""

import datetime
import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, FilePayload, Page
from tests.support.browser import PageChecker, new_profile, press, sign_in
from tests.support.cases import Caller, CasesApi
from tests.support.documents import DocumentsApi, pdf, png, program, submitted_case
from tests.support.portal import Person
from tests.support.stack import MintToken
from tests.support.web_pages import NewApplicant

from portalstack.endpoints import Stack

COUNCIL = "watford"
NEUTRAL_SITE = "https://www.bbc.co.uk/weather"
WORDS = {
    "en": {
        "applications": "Your applications",
        "start_new": "Start a new application",
        "homelessness": "Homelessness referral",
        "register": "Housing register application",
        "start": "Start application",
        "continue": "Save and continue",
        "later": "Save and come back later",
        "check": "Check your answers",
        "send": "Accept and send",
        "sent": "Application sent",
        "no": "No",
        "yes": "Yes",
        "carry_on": "Continue",
        "add_person": "Add a person",
        "add_this": "Add this person",
        "save_contact": "Save contact details",
        "sign_out": "Sign out",
        "report_change": "Tell us about a change of circumstances",
        "send_change": "Send the change",
        "suspended": "Suspended",
        "household": "People in your household",
        "contact": "Contact details",
        "child": "Child",
        "living_with_family": "Living with family or friends",
        "email": "Email",
        "documents": "Documents: what to supply, and what you have sent",
        "none_supplied": "0 of 3 supplied",
        "one_supplied": "1 of 3 supplied",
        "two_supplied": "2 of 3 supplied",
        "send_asked": "Send",
        "upload_more": "Upload documents",
        "upload": "Upload",
        "add_file": "Add another file",
        "sent_files": "Your documents were sent",
        "identity": "Proof of identity",
        "withdraw": "Withdraw",
        "withdraw_it": "Withdraw the document",
        "withdrawn": "The document was withdrawn",
    },
    "cy": {
        "applications": "Eich ceisiadau",
        "start_new": "Dechrau cais newydd",
        "homelessness": "Atgyfeiriad digartrefedd",
        "register": "Cais am y gofrestr tai",
        "start": "Dechrau'r cais",
        "continue": "Cadw a pharhau",
        "later": "Cadw a dod yn ôl yn nes ymlaen",
        "check": "Gwirio eich atebion",
        "send": "Derbyn ac anfon",
        "sent": "Cais wedi'i anfon",
        "no": "Na",
        "yes": "Ie",
        "carry_on": "Parhau",
        "add_person": "Ychwanegu person",
        "add_this": "Ychwanegu'r person hwn",
        "save_contact": "Cadw'r manylion cyswllt",
        "sign_out": "Allgofnodi",
        "report_change": "Rhoi gwybod i ni am newid amgylchiadau",
        "send_change": "Anfon y newid",
        "suspended": "Wedi'i atal",
        "household": "Pobl yn eich aelwyd",
        "contact": "Manylion cyswllt",
        "child": "Plentyn",
        "living_with_family": "Byw gyda theulu neu ffrindiau",
        "email": "E-bost",
        "documents": "Dogfennau: beth i\u2019w ddarparu, a beth rydych wedi\u2019i anfon",
        "none_supplied": "0 o 3 wedi\u2019u darparu",
        "one_supplied": "1 o 3 wedi\u2019u darparu",
        "two_supplied": "2 o 3 wedi\u2019u darparu",
        "send_asked": "Anfon",
        "upload_more": "Uwchlwytho dogfennau",
        "upload": "Uwchlwytho",
        "add_file": "Ychwanegu ffeil arall",
        "sent_files": "Mae eich dogfennau wedi\u2019u hanfon",
        "identity": "Proof of identity",
        "withdraw": "Tynnu\u2019n ôl",
        "withdraw_it": "Tynnu\u2019r ddogfen yn ôl",
        "withdrawn": "Mae\u2019r ddogfen wedi\u2019i thynnu\u2019n ôl",
    },
}


@pytest.fixture
async def cases_api(gateway: httpx.AsyncClient, mint_token: MintToken) -> CasesApi:
    """The cases API, for the officers who move the applications on."""
    return CasesApi(gateway, mint_token)


async def answer_text(page: Page, text: str, words: dict[str, str]) -> None:
    """Answer the question in words and go on."""
    await page.locator("main form textarea, main form input[name=answer]").fill(text)
    await press(page, words["continue"])


async def choose(page: Page, label: str, words: dict[str, str]) -> None:
    """Choose an answer and go on."""
    await page.locator("main form").get_by_label(label, exact=True).check()
    await press(page, words["continue"])


@pytest.mark.parametrize("language", ["en", "cy"])
class TestTheHomelessnessReferral:
    async def test_sent_with_exit_this_page_working_by_keys_and_leaving_no_way_back(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        language: str,
    ) -> None:
        words = WORDS[language]
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        # The neutral site stands in for itself: the test machine reaches no other site.
        await context.route(
            f"{NEUTRAL_SITE}**",
            lambda route: route.fulfill(
                body="<!doctype html><title>Weather</title>", content_type="text/html"
            ),
        )
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="applications")
        person = await new_applicant(COUNCIL)
        await sign_in(page, stack, person, language)

        await page.goto(f"{stack.gateway_url}/{COUNCIL}/")
        await page.locator("main").get_by_role("link", name=words["applications"]).click()
        await page.wait_for_url(re.compile(r"/applications$"))
        await check("list-empty")
        await page.get_by_role("button", name=words["start_new"]).click()
        await page.wait_for_url(re.compile(r"/applications/start$"))
        await check("start")
        await press(page, words["start"])
        await check("start-error")
        await page.locator("main form").get_by_label(words["homelessness"]).check()
        await press(page, words["start"])
        await page.wait_for_url(re.compile(r"/tasks$"))
        await check("referral-tasks")
        exit_button = page.locator(".govuk-exit-this-page__button")
        assert await exit_button.get_attribute("href") == NEUTRAL_SITE

        await page.locator(".govuk-task-list__link").first.click()
        await page.wait_for_url(re.compile(r"/questions/reason_for_approach$"))
        await check("referral-question-text")
        await press(page, words["continue"])
        assert await page.locator(".govuk-error-summary").is_visible()
        await check("referral-question-error")
        await answer_text(page, "Fell out with my mate", words)
        await answer_text(page, "Nothing, been sleeping in the park", words)
        await answer_text(page, "A house", words)
        await check("referral-question-yes-no")
        await choose(page, words["no"], words)
        await page.wait_for_url(re.compile(r"/tasks$"))
        await page.get_by_role("button", name=words["check"]).click()
        await page.wait_for_url(re.compile(r"/check$"))
        await check("referral-check")
        await press(page, words["send"])
        await page.wait_for_url(re.compile(r"/submitted$"))
        assert words["sent"] in await page.locator(".govuk-panel").inner_text()
        await check("referral-submitted")

        # From the list to the case page, then out by Shift pressed three times: the case page
        # is replaced, so Back returns to the list.
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications/closed")
        await check("list-closed")
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications")
        await check("list")
        list_url = page.url
        await page.locator(".govuk-summary-card__action a").first.click()
        await page.wait_for_load_state()
        await check("referral-case")
        case_url = page.url
        for _ in range(3):
            await page.keyboard.press("Shift")
        await page.wait_for_url(f"{NEUTRAL_SITE}**")
        await page.go_back()
        await page.wait_for_load_state()
        assert page.url == list_url
        assert page.url != case_url
        await context.close()

    async def test_exit_this_page_is_a_plain_link_without_javascript(
        self,
        browser: Browser,
        stack: Stack,
        new_applicant: NewApplicant,
        language: str,
    ) -> None:
        context = await new_profile(browser, java_script_enabled=False)
        await context.route(
            f"{NEUTRAL_SITE}**",
            lambda route: route.fulfill(
                body="<!doctype html><title>Weather</title>", content_type="text/html"
            ),
        )
        page = await context.new_page()
        person = await new_applicant(COUNCIL)
        await sign_in(page, stack, person, language)
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications/start")
        await page.locator("main form").get_by_label(WORDS[language]["homelessness"]).check()
        await press(page, WORDS[language]["start"])
        await page.wait_for_url(re.compile(r"/tasks$"))
        await page.locator(".govuk-exit-this-page__button").click()
        await page.wait_for_url(f"{NEUTRAL_SITE}**")
        await context.close()


@pytest.mark.parametrize("language", ["en", "cy"])
class TestTheRegisterApplication:
    async def test_saved_signed_out_signed_in_finished_then_a_change_told(
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
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="applications")
        person = await new_applicant(COUNCIL)
        await sign_in(page, stack, person, language)
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications/start")
        await page.locator("main form").get_by_label(words["register"]).check()
        await press(page, words["start"])
        await page.wait_for_url(re.compile(r"/tasks$"))
        await check("register-tasks")
        assert await page.locator(".govuk-exit-this-page").count() == 0
        await page.locator(".govuk-task-list__link").first.click()
        await page.locator("main form textarea").fill("1 High Street, Watford WD17 1AA")
        await press(page, words["later"])
        await page.wait_for_url(re.compile(r"/saved$"))
        await check("register-saved")

        await page.goto(f"{stack.gateway_url}/{COUNCIL}/account/")
        await press(page, words["sign_out"])
        await page.wait_for_url(re.compile(r"/signed-out$"))
        await sign_in(page, stack, person, language)
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications")
        await check("list-draft")
        await page.locator(".govuk-summary-card__action a").first.click()
        await page.wait_for_url(re.compile(r"/tasks$"))

        await page.locator(".govuk-task-list__link").nth(1).click()
        await page.wait_for_url(re.compile(r"/questions/tenure$"))
        await check("register-question-choice")
        await choose(page, words["living_with_family"], words)
        await check("register-question-number")
        await page.locator("main form input[name=answer]").fill("12")
        await press(page, words["continue"])
        assert await page.locator(".govuk-error-summary").is_visible()
        await check("register-question-number-error")
        await answer_text(page, "2", words)
        await choose(page, words["no"], words)
        # The details of a medical need are optional.
        await answer_text(page, "", words)
        await choose(page, words["yes"], words)
        await page.wait_for_url(re.compile(r"/tasks$"))

        await page.get_by_role("link", name=words["household"]).click()
        await page.wait_for_url(re.compile(r"/household$"))
        await check("household-empty")
        await page.get_by_role("button", name=words["add_person"]).click()
        await check("member")
        await press(page, words["add_this"])
        assert await page.locator(".govuk-error-summary").is_visible()
        await check("member-error")
        await page.locator("#name").fill("Jo Jules")
        await page.locator("#date_of_birth-day").fill("1")
        await page.locator("#date_of_birth-month").fill("2")
        await page.locator("#date_of_birth-year").fill("2012")
        await page.locator("main form").get_by_label(words["child"], exact=True).check()
        await press(page, words["add_this"])
        await page.wait_for_url(re.compile(r"/household$"))
        await check("household")
        await page.goto(page.url.replace("/household", "/contact"))
        await check("contact")
        await page.locator("#mobile_phone").fill("not a number")
        await press(page, words["save_contact"])
        await check("contact-error")
        await page.locator("#mobile_phone").fill("07700 900982")
        await page.locator("main form").get_by_label(words["email"], exact=True).check()
        await page.locator("#email").fill("jo@example.com")
        await press(page, words["save_contact"])
        await page.wait_for_url(re.compile(r"/tasks$"))
        await page.get_by_role("button", name=words["check"]).click()
        await check("register-check")
        await press(page, words["send"])
        await page.wait_for_url(re.compile(r"/submitted$"))
        await check("register-submitted")

        # An officer sets it live; the applicant tells of a change and sees it suspended.
        case_id = page.url.split("/")[-2]
        officer = await cases_api.person("officer", authority=COUNCIL)
        case = await cases_api.act(officer, await cases_api.read(officer, case_id), "assess")
        today = datetime.date.today()
        register = {
            "bidding_reference": "BID-1700119",
            "registration_date": today.isoformat(),
            "band": 3,
            "review_date": (today + datetime.timedelta(days=365)).isoformat(),
        }
        await cases_api.act(officer, case, "set_live", register_details=register)
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications/{case_id}")
        await check("register-case-live")
        await page.locator("main").get_by_role("link", name=words["report_change"]).click()
        await check("circumstances")
        await press(page, words["send_change"])
        await check("circumstances-error")
        await page.locator("#note").fill("My partner moved in")
        await press(page, words["send_change"])
        await page.wait_for_url(re.compile(rf"/applications/{case_id}$"))
        assert words["suspended"] in await page.locator("main").inner_text()
        await check("register-case-suspended")
        await context.close()


async def choose_file(page: Page, field: str, file: FilePayload) -> None:
    """Press a file field's button and pick the file in the chooser that opens."""
    async with page.expect_file_chooser() as chooser:
        await page.locator(f"#{field}").click()
    await (await chooser.value).set_files([file])


async def drop_file(page: Page, field: str, file: FilePayload) -> None:
    """Drop a file on a file field's drop zone, as dragging it from the desktop does."""
    await page.evaluate(
        """([id, name, type, bytes]) => {
            const dropped = new DataTransfer();
            dropped.items.add(new File([new Uint8Array(bytes)], name, {type}));
            document.getElementById(id).dispatchEvent(
                new DragEvent("drop", {dataTransfer: dropped, bubbles: true, cancelable: true}));
        }""",
        [field, file["name"], file["mimeType"], list(file["buffer"])],
    )


async def three_asked_for(
    cases_api: CasesApi, documents_api: DocumentsApi, person: Person
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The person's submitted referral, on which an officer asks for a payslip, a proof of
    address and a proof of identity."""
    token = await cases_api.mint(
        authority=COUNCIL, roles=("applicant",), user=person.user_id, lifetime=600
    )
    case = await submitted_case(
        cases_api, Caller(user_id=person.user_id, authority=COUNCIL, token=token)
    )
    case_id = str(case["id"])
    officer = await cases_api.person("officer", authority=COUNCIL)
    return case, [
        await documents_api.request(officer, case_id, person="Julia Jules"),
        await documents_api.request(officer, case_id, classification="proof_of_address"),
        await documents_api.request(officer, case_id, classification="proof_of_identity"),
    ]


@pytest.mark.parametrize("language", ["en", "cy"])
class TestTheDocuments:
    async def test_asked_for_sent_refused_and_withdrawn(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        cases_api: CasesApi,
        documents_api: DocumentsApi,
        language: str,
    ) -> None:
        words = WORDS[language]
        person = await new_applicant(COUNCIL)
        case, asked = await three_asked_for(cases_api, documents_api, person)
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="applications")
        await sign_in(page, stack, person, language)

        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications/{case['id']}")
        await page.get_by_role("link", name=words["documents"]).click()
        await page.wait_for_url(re.compile(r"/documents$"))
        assert words["none_supplied"] in await page.locator("main").inner_text()
        await check("documents")
        await page.locator("main table").get_by_role("link", name=words["send_asked"]).first.click()
        await page.wait_for_url(re.compile(r"/documents/upload\?request="))
        assert await page.locator("#request-1").input_value() == asked[0]["id"]
        await check("documents-upload-asked")
        await choose_file(
            page,
            "file-1",
            {"name": "payslip.pdf", "mimeType": "application/pdf", "buffer": pdf(4000)},
        )
        await page.locator("#request-2").select_option(str(asked[1]["id"]))
        await drop_file(
            page,
            "file-2",
            {"name": "bill.pdf", "mimeType": "application/pdf", "buffer": pdf(4000, seed="bill")},
        )
        await press(page, words["upload"])
        await page.wait_for_url(re.compile(r"/documents\?sent=2$"))
        shown = await page.locator("main").inner_text()
        assert words["sent_files"] in shown
        assert words["two_supplied"] in shown
        assert "payslip.pdf" in shown
        assert "bill.pdf" in shown
        await check("documents-sent")

        await page.get_by_role("button", name=words["upload_more"]).click()
        await page.wait_for_url(re.compile(r"/documents/upload$"))
        chosen: list[tuple[int, FilePayload]] = [
            (1, {"name": "photo.png", "mimeType": "image/png", "buffer": png(3000)}),
            (2, {"name": "setup.pdf", "mimeType": "application/pdf", "buffer": program(3000)}),
        ]
        for row, file in chosen:
            await page.locator(f"#person-{row}").check()
            await page.locator(f"#classification-{row}").select_option("proof_of_identity")
            await choose_file(page, f"file-{row}", file)
        await press(page, words["upload"])
        summary = page.locator(".govuk-error-summary")
        assert "setup.pdf" in await summary.inner_text()
        assert "setup.pdf" in await page.locator("#file-2-error").inner_text()
        await check("documents-upload-refused")
        await summary.get_by_role("link").first.click()
        assert await page.evaluate("document.activeElement.id") == "file-2"

        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications/{case['id']}/documents")
        await page.locator("main table").get_by_role("link", name=words["withdraw"]).first.click()
        await page.wait_for_url(re.compile(r"/withdraw$"))
        await check("documents-withdraw")
        await press(page, words["withdraw_it"])
        await page.wait_for_url(re.compile(r"withdrawn=yes$"))
        shown = await page.locator("main").inner_text()
        assert words["withdrawn"] in shown
        assert words["one_supplied"] in shown
        await context.close()

    async def test_two_files_sent_at_once_without_javascript(
        self,
        browser: Browser,
        stack: Stack,
        new_applicant: NewApplicant,
        cases_api: CasesApi,
        documents_api: DocumentsApi,
        language: str,
    ) -> None:
        words = WORDS[language]
        person = await new_applicant(COUNCIL)
        case, asked = await three_asked_for(cases_api, documents_api, person)
        context = await new_profile(browser, java_script_enabled=False)
        page = await context.new_page()
        await sign_in(page, stack, person, language)
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/applications/{case['id']}/documents/upload")
        await page.get_by_role("link", name=words["add_file"]).click()
        await page.wait_for_url(re.compile(r"/documents/upload\?rows=4$"))
        assert await page.locator("input[type=file]").count() == 4
        for row, request, name in ((2, asked[1], "bill.pdf"), (4, asked[2], "passport.pdf")):
            await page.locator(f"#request-{row}").select_option(str(request["id"]))
            await page.locator(f"#file-{row}").set_input_files(
                {"name": name, "mimeType": "application/pdf", "buffer": pdf(3000, seed=name)}
            )
        await press(page, words["upload"])
        await page.wait_for_url(re.compile(r"/documents\?sent=2$"))
        assert words["two_supplied"] in await page.locator("main").inner_text()
        await context.close()

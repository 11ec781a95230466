"""The casework pages in Chromium: every page in English and Welsh (axe finds nothing at 1024
CSS pixels, nothing scrolls sideways at 320), and an officer and a landlord user at work."""

import datetime
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page
from tests.support.browser import axe_violations, keep_screenshot, new_profile
from tests.support.cases import OMBUDSMAN, CasesApi
from tests.support.casework import complaint_about, referral, register_application
from tests.support.documents import DocumentsApi, item, pdf
from tests.support.people import identity_api
from tests.support.stack import MintToken, client_address
from tests.support.web_sessions import SESSION_COOKIE, demo_session

from portalstack.endpoints import Stack

KINGSTON = "kingston"
TODAY = datetime.datetime.now(ZoneInfo("Europe/London")).date()
# Each demo account's portal session, signed in once for the whole run.
SESSIONS: dict[tuple[str, str], str] = {}
# Opens a page of the casework as the setup's person: its path from the gateway's address.
PageSetup = Callable[[Page, CasesApi], Awaitable[None]]


@pytest.fixture
async def cases(stack: Stack, mint_token: MintToken) -> AsyncIterator[CasesApi]:
    """The cases API through the gateway, with minted tokens for applicants and officers."""
    headers = {"X-Forwarded-For": client_address()}
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=15.0, headers=headers) as http:
        yield CasesApi(http, mint_token)


async def as_demo(context: BrowserContext, base: str, role: str, authority: str) -> None:
    """Put the demo account's portal session in the browser profile."""
    key = (role, authority)
    if key not in SESSIONS:
        SESSIONS[key] = await demo_session(role, authority)
    await context.add_cookies([{"name": SESSION_COOKIE, "value": SESSIONS[key], "url": base}])


async def landlord_organisation() -> str:
    """The organisation of the ombudsman's demo landlord users."""
    async with identity_api() as api:
        landlord = await api.demo("landlord_user", OMBUDSMAN)
        me = (await api.get(OMBUDSMAN, "/me", person=landlord)).json()
    return str(me["organisation_id"])


def origin(page: Page) -> str:
    """The scheme, host and port of the page's address."""
    return "/".join(page.url.split("/", 3)[:3])


async def go(page: Page, path: str) -> None:
    """Open a path of the portal."""
    await page.goto(origin(page) + path)


async def press(page: Page, name: str) -> None:
    """Press a button of the page's main content, and wait for the next page."""
    await page.locator("main form").get_by_role("button", name=name).click()
    await page.wait_for_load_state()


def at(path: str) -> PageSetup:
    """Open a fixed path."""

    async def setup(page: Page, _: CasesApi) -> None:
        await go(page, path)

    return setup


def at_referral(suffix: str = "", *, accepted: bool = False, started: bool = False) -> PageSetup:
    """Open a new referral's page (or one of its moves' pages), accepted or its duty started."""

    async def setup(page: Page, cases: CasesApi) -> None:
        case = await referral(cases)
        officer = await cases.person("officer", authority=KINGSTON)
        if accepted or started:
            case = await cases.act(officer, case, "accept")
        if started:
            case = await cases.act(officer, case, "start_prevention", on=TODAY.isoformat())
            case = await cases.change("PUT", officer, case, "/owner", {"owner_id": officer.user_id})
        await go(page, f"/kingston/caseload/{case['id']}{suffix}")

    return setup


def at_register(suffix: str, *, change: bool = False) -> PageSetup:
    """Open a move's page of a register application, assessed (live, with a change waiting)."""

    async def setup(page: Page, cases: CasesApi) -> None:
        applicant = await cases.person("applicant", authority=KINGSTON)
        case = await register_application(cases, applicant)
        officer = await cases.person("officer", authority=KINGSTON)
        case = await cases.act(officer, case, "assess")
        if change:
            details = {
                "bidding_reference": "KIN-1",
                "registration_date": TODAY.isoformat(),
                "band": 3,
                "review_date": TODAY.replace(year=TODAY.year + 1).isoformat(),
            }
            case = await cases.act(officer, case, "set_live", register_details=details)
            case = await cases.read(applicant, case["id"])
            await cases.change("POST", applicant, case, "/circumstances", {"note": "A new baby"})
        await go(page, f"/kingston/caseload/{case['id']}{suffix}")

    return setup


def at_a_stale_accept() -> PageSetup:
    """Press Accept on a referral's page after another officer took the case meanwhile."""

    async def setup(page: Page, cases: CasesApi) -> None:
        case = await referral(cases)
        await go(page, f"/kingston/caseload/{case['id']}/accept")
        other = await cases.person("officer", authority=KINGSTON)
        await cases.change("PUT", other, case, "/owner", {"owner_id": other.user_id})
        await send_empty(page)
        assert await page.locator(".govuk-error-summary").is_visible()

    return setup


def then(first: PageSetup, action: Callable[[Page], Awaitable[None]]) -> PageSetup:
    """A setup followed by something done on its page."""

    async def setup(page: Page, cases: CasesApi) -> None:
        await first(page, cases)
        await action(page)

    return setup


async def send_empty(page: Page) -> None:
    """Send the page's form as it is."""
    await page.locator("main form button[type=submit]").first.click()
    await page.wait_for_load_state()


def at_complaint(desk: str, suffix: str = "") -> PageSetup:
    """Open a new complaint about the demo landlord's organisation on a desk's pages."""

    async def setup(page: Page, cases: CasesApi) -> None:
        case = await complaint_about(cases, await landlord_organisation())
        await go(page, f"/housing-ombudsman/{desk}/{case['id']}{suffix}")

    return setup


def at_documents(suffix: str = "") -> PageSetup:
    """Open a referral's documents (or a page about the document sent), one asked for and one
    sent by the applicant."""

    async def setup(page: Page, cases: CasesApi) -> None:
        applicant = await cases.person("applicant", authority=KINGSTON)
        case = await referral(cases, applicant)
        documents = DocumentsApi(cases.http)
        officer = await cases.person("officer", authority=KINGSTON)
        await documents.request(officer, str(case["id"]), person="Julia Jules", note="Payslips")
        (sent,) = await documents.upload(
            applicant, str(case["id"]), [("tenancy.pdf", pdf(2000), item())]
        )
        path = f"/kingston/caseload/{case['id']}/documents"
        await go(page, path + suffix.replace("{document}", str(sent["id"])))

    return setup


def at_shared_documents() -> PageSetup:
    """Open the documents of a complaint shared with the landlord, one of them shared."""

    async def setup(page: Page, cases: CasesApi) -> None:
        case = await complaint_about(cases, await landlord_organisation())
        officer = await cases.person("officer", authority=OMBUDSMAN)
        await DocumentsApi(cases.http).upload(
            officer,
            str(case["id"]),
            [("landlord-letter.pdf", pdf(2000), item(shared_with_landlord=True))],
        )
        await go(page, f"/housing-ombudsman/complaints/{case['id']}/documents")

    return setup


async def share_first(page: Page) -> None:
    """Press the first document's button that shares it with the landlord."""
    await page.locator("main form[action$='/sharing'] button").first.click()
    await page.wait_for_load_state()
    assert await page.locator(".govuk-notification-banner").is_visible()


def at_officers_complaint_documents() -> PageSetup:
    """Open a complaint's documents on the officers' pages, one of them not shared yet."""

    async def setup(page: Page, cases: CasesApi) -> None:
        case = await complaint_about(cases, await landlord_organisation())
        officer = await cases.person("officer", authority=OMBUDSMAN)
        await DocumentsApi(cases.http).upload(
            officer, str(case["id"]), [("inspection.pdf", pdf(2000), item())]
        )
        await go(page, f"/housing-ombudsman/caseload/{case['id']}/documents")

    return setup


# (name, role, authority, setup)
PAGES: list[tuple[str, str, str, PageSetup]] = [
    ("caseload", "officer", KINGSTON, at("/kingston/caseload")),
    ("caseload-errors", "officer", KINGSTON, at("/kingston/caseload?due_within=soon&status=x")),
    ("case-pending", "officer", KINGSTON, at_referral()),
    ("case-with-clocks", "officer", KINGSTON, at_referral(started=True)),
    ("move-accept", "officer", KINGSTON, at_referral("/accept")),
    ("move-accept-stale", "officer", KINGSTON, at_a_stale_accept()),
    ("move-assign", "officer", KINGSTON, at_referral("/assign", started=True)),
    ("move-prevention", "officer", KINGSTON, at_referral("/start_prevention", accepted=True)),
    (
        "move-prevention-errors",
        "officer",
        KINGSTON,
        then(at_referral("/start_prevention", accepted=True), send_empty),
    ),
    ("move-decide", "officer", KINGSTON, at_referral("/decide", accepted=True)),
    ("move-close", "officer", KINGSTON, at_referral("/close")),
    ("move-set-live", "officer", KINGSTON, at_register("/set_live")),
    ("move-set-live-errors", "officer", KINGSTON, then(at_register("/set_live"), send_empty)),
    ("case-change-waiting", "officer", KINGSTON, at_register("", change=True)),
    ("move-reject", "officer", KINGSTON, at_register("/reject", change=True)),
    ("complaint-case", "officer", OMBUDSMAN, at_complaint("caseload")),
    ("move-stage", "officer", OMBUDSMAN, at_complaint("caseload", "/stage")),
    ("complaints", "landlord_user", OMBUDSMAN, at("/housing-ombudsman/complaints")),
    (
        "complaints-closed",
        "landlord_user",
        OMBUDSMAN,
        at("/housing-ombudsman/complaints?state=closed"),
    ),
    ("complaint", "landlord_user", OMBUDSMAN, at_complaint("complaints")),
    ("documents", "officer", KINGSTON, at_documents()),
    ("documents-errors", "officer", KINGSTON, then(at_documents(), send_empty)),
    ("document-reject", "officer", KINGSTON, at_documents("/{document}/reject")),
    (
        "document-reject-errors",
        "officer",
        KINGSTON,
        then(at_documents("/{document}/reject"), send_empty),
    ),
    ("complaint-documents", "landlord_user", OMBUDSMAN, at_shared_documents()),
    ("complaint-documents-officer", "officer", OMBUDSMAN, at_officers_complaint_documents()),
    (
        "complaint-document-shared",
        "officer",
        OMBUDSMAN,
        then(at_officers_complaint_documents(), share_first),
    ),
    (
        "move-determine",
        "landlord_user",
        OMBUDSMAN,
        then(at_complaint("complaints", "/investigate"), send_empty),
    ),
]


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize(("name", "role", "authority", "setup"), PAGES, ids=[p[0] for p in PAGES])
class TestEveryCaseworkPage:
    async def test_axe_finds_nothing_and_it_reflows_at_320_css_pixels(
        self,
        browser: Browser,
        stack: Stack,
        cases: CasesApi,
        axe_source: str,
        screenshots: Path,
        language: str,
        name: str,
        role: str,
        authority: str,
        setup: PageSetup,
    ) -> None:
        context = await new_profile(browser, viewport={"width": 1024, "height": 900})
        await as_demo(context, stack.gateway_url, role, authority)
        page = await context.new_page()
        await page.goto(f"{stack.gateway_url}/{authority}/?lang={language}")
        await setup(page, cases)
        assert await page.get_attribute("html", "lang") == language
        assert await axe_violations(page, axe_source) == []
        await keep_screenshot(page, screenshots / f"casework-{name}-{language}.png")
        await page.set_viewport_size({"width": 320, "height": 900})
        await page.wait_for_function("document.documentElement.clientWidth === 320", timeout=10_000)
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        await keep_screenshot(page, screenshots / f"casework-{name}-{language}-320.png")
        await context.close()


# The journeys' links and buttons, by their names in each language.
WORDS = {
    "en": {
        "caseload": "Caseload",
        "show": "Show cases",
        "accept": "Accept",
        "assign_to_me": "Assign to me",
        "assess": "Mark as assessed",
        "set_live": "Set live on the register",
        "you": "You",
        "approach": "Approach",
        "live": "Live",
        "complaints": "Complaints about your organisation",
        "share": "Share with the landlord",
        "shared": "The document was shared with the landlord",
    },
    "cy": {
        "caseload": "Llwyth achosion",
        "show": "Dangos achosion",
        "accept": "Derbyn",
        "assign_to_me": "Ei neilltuo i mi",
        "assess": "Nodi ei fod wedi'i asesu",
        "set_live": "Gwneud yn fyw ar y gofrestr",
        "you": "Chi",
        "approach": "Cyswllt",
        "live": "Byw",
        "complaints": "Cwynion am eich sefydliad",
        "share": "Rhannu \u00e2\u2019r landlord",
        "shared": "Mae\u2019r ddogfen wedi\u2019i rhannu \u00e2\u2019r landlord",
    },
}


async def checked(page: Page, axe_source: str, screenshots: Path, name: str) -> None:
    """axe finds nothing on the page; its screenshot is kept."""
    assert await axe_violations(page, axe_source) == []
    await keep_screenshot(page, screenshots / f"casework-journey-{name}.png")


@pytest.mark.parametrize("language", ["en", "cy"])
class TestCaseworkInTheBrowser:
    async def test_an_officer_filters_accepts_and_assigns_a_referral_then_sets_an_application_live(
        self,
        browser: Browser,
        stack: Stack,
        cases: CasesApi,
        axe_source: str,
        screenshots: Path,
        language: str,
    ) -> None:
        words = WORDS[language]
        case = await referral(cases)
        applicant = await cases.person("applicant", authority=KINGSTON)
        application = await register_application(cases, applicant)
        context = await new_profile(browser, viewport={"width": 1024, "height": 900})
        await as_demo(context, stack.gateway_url, "officer", KINGSTON)
        page = await context.new_page()
        await page.goto(f"{stack.gateway_url}/kingston/?lang={language}")
        await page.get_by_role("link", name=words["caseload"], exact=True).click()
        await page.wait_for_url(re.compile(r"/kingston/caseload$"))
        await page.locator("main form #kind").select_option("homelessness")
        await page.locator("main form #status").select_option("pending")
        await page.locator("main form input[name=owner][value=unassigned]").check()
        await press(page, words["show"])
        assert "kind=homelessness" in page.url
        await checked(page, axe_source, screenshots, f"filtered-{language}")
        await page.get_by_role("link", name=case["reference"]).click()
        await page.wait_for_url(re.compile(f"/kingston/caseload/{case['id']}$"))
        await press(page, words["accept"])
        await page.wait_for_url(re.compile(f"/kingston/caseload/{case['id']}$"))
        assert await page.locator(".govuk-notification-banner").is_visible()
        assert words["approach"] in await page.locator("main h1 + p").inner_text()
        await press(page, words["assign_to_me"])
        await checked(page, axe_source, screenshots, f"accepted-and-assigned-{language}")
        officer = await cases.person("officer", authority=KINGSTON)
        read = await cases.read(officer, case["id"])
        assert read["status"] == "approach"
        assert read["owner_id"]

        await page.goto(f"{stack.gateway_url}/kingston/caseload/{application['id']}")
        await press(page, words["assess"])
        await page.get_by_role("link", name=words["set_live"]).click()
        await page.wait_for_url(re.compile(r"/set_live$"))
        await page.locator("#bidding_reference").fill("KIN-2026-7")
        for name, day in (
            ("registration_date", TODAY),
            ("review_date", TODAY.replace(year=TODAY.year + 1)),
        ):
            await page.locator(f"#{name}-day").fill(str(day.day))
            await page.locator(f"#{name}-month").fill(str(day.month))
            await page.locator(f"#{name}-year").fill(str(day.year))
        await page.locator("main form input[name=band][value='2']").check()
        await press(page, words["set_live"])
        await page.wait_for_url(re.compile(f"/kingston/caseload/{application['id']}$"))
        assert "KIN-2026-7" in await page.locator("main").inner_text()
        await checked(page, axe_source, screenshots, f"live-{language}")
        read = await cases.read(officer, application["id"])
        assert (read["status"], read["register_details"]["band"]) == ("live", 2)
        await context.close()

    async def test_a_landlord_user_finds_their_complaint(
        self,
        browser: Browser,
        stack: Stack,
        cases: CasesApi,
        axe_source: str,
        screenshots: Path,
        language: str,
    ) -> None:
        words = WORDS[language]
        case = await complaint_about(cases, await landlord_organisation())
        context = await new_profile(browser, viewport={"width": 1024, "height": 900})
        await as_demo(context, stack.gateway_url, "landlord_user", OMBUDSMAN)
        page = await context.new_page()
        await page.goto(f"{stack.gateway_url}/housing-ombudsman/?lang={language}")
        await page.get_by_role("link", name=words["complaints"]).click()
        await page.wait_for_url(re.compile(r"/housing-ombudsman/complaints$"))
        await page.get_by_role("link", name=case["reference"]).click()
        await page.wait_for_url(re.compile(f"/complaints/{case['id']}$"))
        assert "Christopher Harrison" in await page.locator("main").inner_text()
        await checked(page, axe_source, screenshots, f"landlord-complaint-{language}")
        await context.close()

    async def test_an_officer_shares_a_document_with_the_landlord_without_javascript(
        self, browser: Browser, stack: Stack, cases: CasesApi, language: str
    ) -> None:
        words = WORDS[language]
        case = await complaint_about(cases, await landlord_organisation())
        officer = await cases.person("officer", authority=OMBUDSMAN)
        await DocumentsApi(cases.http).upload(
            officer, str(case["id"]), [("inspection.pdf", pdf(2000, seed="i"), item())]
        )
        officers = await new_profile(
            browser, viewport={"width": 1024, "height": 900}, java_script_enabled=False
        )
        await as_demo(officers, stack.gateway_url, "officer", OMBUDSMAN)
        page = await officers.new_page()
        await page.goto(f"{stack.gateway_url}/housing-ombudsman/?lang={language}")
        await go(page, f"/housing-ombudsman/caseload/{case['id']}/documents")
        landlords = await new_profile(browser, viewport={"width": 1024, "height": 900})
        await as_demo(landlords, stack.gateway_url, "landlord_user", OMBUDSMAN)
        landlord_page = await landlords.new_page()
        await landlord_page.goto(
            f"{stack.gateway_url}/housing-ombudsman/complaints/{case['id']}/documents"
        )
        assert "inspection.pdf" not in await landlord_page.locator("main").inner_text()

        row = page.locator("main tr", has_text="inspection.pdf")
        await row.get_by_role("button", name=words["share"]).click()
        await page.wait_for_url(re.compile(f"/caseload/{case['id']}/documents$"))
        assert words["shared"] in await page.locator("main").inner_text()
        await landlord_page.reload()
        assert "inspection.pdf" in await landlord_page.locator("main").inner_text()
        await officers.close()
        await landlords.close()

"""The applicant's applications once submitted: the list, the case page with its deadlines,
the PDF, the contact details and a change of circumstances."""

import datetime
import html
import io
import re

import httpx
from pypdf import PdfReader
from tests.support.cases import Caller, CasesApi
from tests.support.portal import Person
from tests.support.web_pages import send_form

HOME = "/watford/applications"


async def own_caller(cases_api: CasesApi, applicant: Person) -> Caller:
    """The signed-in applicant as a caller of the cases API, to set up their cases."""
    token = await cases_api.mint(
        authority="watford", roles=("applicant",), user=applicant.user_id, lifetime=600
    )
    return Caller(user_id=applicant.user_id, authority="watford", token=token)


def pdf_text(content: bytes) -> str:
    """The words of a PDF, whatever lines they were wrapped onto."""
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
    )


KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]+)"')
NEXT_PAGE = re.compile(r'govuk-pagination__next">\s*<a[^>]*href="([^"]+)"')
VERSION = re.compile(r'name="version" value="([^"]*)"')
REGISTER = {
    "current_address": "1 High Street, Watford WD17 1AA",
    "tenure": "living_with_family",
    "bedrooms_needed": "2",
    "medical_needs": "no",
    "local_connection": "yes",
}
REFERRAL = {
    "reason_for_approach": "Fell out with my mate",
    "steps_taken": "Nothing, been sleeping in the park",
    "assistance_wanted": "A house",
    "homeless_before": "yes",
}


async def version_on(portal: httpx.AsyncClient, path: str) -> str:
    """The case version a page's form was filled from."""
    found = VERSION.search((await portal.get(path)).text)
    assert found is not None, path
    return found.group(1).replace("&#34;", '"')


async def submitted(portal: httpx.AsyncClient, kind: str, answers: dict[str, str]) -> str:
    """An application of the kind, answered and submitted from its pages; its id."""
    key = KEY.search((await portal.get(f"{HOME}/start")).text)
    assert key is not None
    started = await send_form(
        portal, f"{HOME}/start", {"kind": kind, "idempotency_key": key.group(1)}
    )
    case_id = started.headers["location"].split("/")[-2]
    for question, value in answers.items():
        path = f"{HOME}/{case_id}/questions/{question}"
        fields = {"answer": value, "version": await version_on(portal, path)}
        assert (await send_form(portal, path, fields)).status_code == 303
    check = f"{HOME}/{case_id}/check"
    sent = await send_form(portal, check, {"version": await version_on(portal, check)})
    assert sent.status_code == 303, sent.text
    return case_id


async def live_on_the_register(portal: httpx.AsyncClient, cases_api: CasesApi) -> str:
    """A register application submitted from the pages and set live by an officer; its id."""
    case_id = await submitted(portal, "housing_register", REGISTER)
    officer = await cases_api.person("officer", authority="watford")
    case = await cases_api.act(officer, await cases_api.read(officer, case_id), "assess")
    today = datetime.date.today()
    details = {
        "bidding_reference": "BID-1700119",
        "registration_date": today.isoformat(),
        "band": 3,
        "review_date": (today + datetime.timedelta(days=365)).isoformat(),
    }
    await cases_api.act(officer, case, "set_live", register_details=details)
    return case_id


class TestTheListOfApplications:
    async def test_open_and_closed_applications_are_listed_apart_with_their_links(
        self, portal: httpx.AsyncClient, applicant: Person, cases_api: CasesApi
    ) -> None:
        empty = await portal.get(HOME)
        assert empty.status_code == 200
        assert "You have no open applications." in empty.text
        open_id = await submitted(portal, "homelessness", REFERRAL)
        closed_id = await submitted(
            portal, "housing_advice", {"topic": "repairs", "question": "Boiler"}
        )
        officer = await cases_api.person("officer", authority="watford")
        closed = await cases_api.read(officer, closed_id)
        await cases_api.act(officer, closed, "close", reason="Advice given by phone")
        open_part = (await portal.get(HOME)).text
        closed_part = (await portal.get(f"{HOME}/closed")).text
        assert f'href="{HOME}/{open_id}"' in open_part
        assert f'href="{HOME}/{open_id}/pdf"' in open_part
        assert f'href="{HOME}/{open_id}/contact"' in open_part
        assert f'href="{HOME}/{closed_id}"' not in open_part
        assert f'href="{HOME}/{closed_id}"' in closed_part
        assert f'href="{HOME}/{open_id}"' not in closed_part
        assert "Closed date" in closed_part
        assert f'href="{HOME}/{closed_id}/contact"' not in closed_part
        assert "Pending" in open_part
        assert f'href="{HOME}/closed"' in open_part

    async def test_many_are_shown_a_page_at_a_time(
        self, portal: httpx.AsyncClient, applicant: Person, cases_api: CasesApi
    ) -> None:
        own = await own_caller(cases_api, applicant)
        for _ in range(21):
            await cases_api.create(own, {"kind": "housing_advice"})
        first = await portal.get(HOME)
        assert first.text.count("govuk-summary-card__title-wrapper") == 20
        found = NEXT_PAGE.search(first.text)
        assert found is not None
        second = await portal.get(html.unescape(found.group(1)))
        assert second.status_code == 200
        assert second.text.count("govuk-summary-card__title-wrapper") == 1
        assert "govuk-pagination__prev" in second.text
        # A cursor changed by hand shows the first page.
        changed = await portal.get(f"{HOME}?page=not-a-cursor")
        assert changed.text.count("govuk-summary-card__title-wrapper") == 20

    async def test_the_home_page_links_to_them_once_signed_in(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        home = await portal.get("/watford/")
        assert f'href="{HOME}"' in home.text

    async def test_the_pdf_is_in_the_page_s_language(
        self, portal: httpx.AsyncClient, applicant: Person, cases_api: CasesApi
    ) -> None:
        own = await own_caller(cases_api, applicant)
        case = await cases_api.create(own, {"kind": "homelessness"})
        english = await portal.get(f"{HOME}/{case['id']}/pdf")
        portal.cookies.set("portal_language", "cy")
        welsh = await portal.get(f"{HOME}/{case['id']}/pdf")

        assert english.headers["content-type"] == "application/pdf"
        assert "Homelessness referral" in pdf_text(english.content)
        assert "Atgyfeiriad digartrefedd" in pdf_text(welsh.content)

    async def test_someone_else_s_application_is_not_found(
        self, portal: httpx.AsyncClient, applicant: Person, cases_api: CasesApi
    ) -> None:
        other = await cases_api.person("applicant", authority="watford")
        theirs = await cases_api.create(other, {"kind": "homelessness"})
        for path in ("", "/tasks", "/pdf", "/contact", "/questions/steps_taken"):
            assert (await portal.get(f"{HOME}/{theirs['id']}{path}")).status_code == 404


class TestTheCasePage:
    async def test_it_shows_the_status_answers_deadlines_and_history(
        self, portal: httpx.AsyncClient, applicant: Person, cases_api: CasesApi
    ) -> None:
        case_id = await submitted(portal, "homelessness", REFERRAL)
        officer = await cases_api.person("officer", authority="watford")
        case = await cases_api.act(officer, await cases_api.read(officer, case_id), "accept")
        began = datetime.date.today() - datetime.timedelta(days=6)
        await cases_api.act(officer, case, "start_prevention", on=began.isoformat())
        page = await portal.get(f"{HOME}/{case_id}")
        assert page.status_code == 200
        assert "Prevention duty" in page.text
        assert "Prevention duty ends" in page.text
        due = began + datetime.timedelta(days=56)
        assert f"{due.day} {due:%B %Y}" in page.text
        assert "50 days left" in page.text
        assert "Nothing, been sleeping in the park" in page.text
        assert "Not assigned yet" in page.text
        # Its history: the draft's answers, given one question at a time, show once.
        assert "Application started" in page.text
        assert page.text.count("Answers changed") == 1
        assert "Accept" in page.text
        assert "govuk-exit-this-page" in page.text

    async def test_the_pdf_is_passed_on_as_a_download(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await submitted(portal, "homelessness", REFERRAL)
        pdf = await portal.get(f"{HOME}/{case_id}/pdf")
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"].startswith("attachment;")
        assert pdf.headers["x-content-type-options"] == "nosniff"
        assert pdf.headers["cache-control"] == "private, no-store"
        assert pdf.content.startswith(b"%PDF")


class TestContactDetails:
    async def test_changed_on_a_live_application_it_stays_live(
        self, portal: httpx.AsyncClient, applicant: Person, cases_api: CasesApi
    ) -> None:
        case_id = await live_on_the_register(portal, cases_api)
        path = f"{HOME}/{case_id}/contact"
        fields = {
            "version": await version_on(portal, path),
            "mobile_phone": "07700 900982",
            "mobile_phone_ok_to_call": "yes",
            "email": "julia@example.com",
            "preferred_contact_method": "mobile_phone",
        }
        saved = await send_form(portal, path, fields)
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"] == f"{HOME}/{case_id}"
        page = await portal.get(f"{HOME}/{case_id}")
        assert "07700 900982" in page.text
        assert "Live" in page.text
        assert "BID-1700119" in page.text

    async def test_a_wrong_phone_number_is_an_error_on_its_field_and_nothing_changes(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await submitted(portal, "homelessness", REFERRAL)
        path = f"{HOME}/{case_id}/contact"
        fields = {"version": await version_on(portal, path), "home_phone": "call me maybe"}
        refused = await send_form(portal, path, fields)
        assert refused.status_code == 400
        assert 'href="#home_phone"' in refused.text
        assert 'id="home_phone-error"' in refused.text
        assert "call me maybe" in refused.text
        assert "Not given" in (await portal.get(f"{HOME}/{case_id}")).text

    async def test_a_form_filled_from_an_older_version_is_refused(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await submitted(portal, "homelessness", REFERRAL)
        path = f"{HOME}/{case_id}/contact"
        old = await version_on(portal, path)
        first = await send_form(portal, path, {"version": old, "home_phone": "01923 226400"})
        assert first.status_code == 303
        second = await send_form(portal, path, {"version": old, "home_phone": "01923 000000"})
        assert second.status_code == 400
        assert "changed in another window" in second.text
        assert "01923 226400" in (await portal.get(f"{HOME}/{case_id}")).text


class TestChangeOfCircumstances:
    async def test_told_the_application_is_suspended_until_an_officer_verifies_it(
        self, portal: httpx.AsyncClient, applicant: Person, cases_api: CasesApi
    ) -> None:
        case_id = await live_on_the_register(portal, cases_api)
        listed = await portal.get(HOME)
        path = f"{HOME}/{case_id}/change-of-circumstances"
        assert f'href="{path}"' in listed.text
        empty = await send_form(portal, path, {"version": await version_on(portal, path)})
        assert empty.status_code == 400
        assert 'id="note-error"' in empty.text
        form = await portal.get(path)
        # The form is filled in with the answers held.
        assert re.search(r'<input[^>]*id="bedrooms_needed"[^>]*value="2"', form.text)
        wrong = {**REGISTER, "version": await version_on(portal, path), "note": "Moved in"}
        refused = await send_form(portal, path, {**wrong, "bedrooms_needed": "twelve"})
        assert refused.status_code == 400
        assert 'id="bedrooms_needed-error"' in refused.text
        assert "Moved in" in refused.text
        fields = {
            **REGISTER,
            "bedrooms_needed": "3",
            "version": await version_on(portal, path),
            "note": "My partner moved in",
        }
        sent = await send_form(portal, path, fields)
        assert sent.status_code == 303, sent.text
        officer = await cases_api.person("officer", authority="watford")
        held = await cases_api.read(officer, case_id)
        assert held["change"]["note"] == "My partner moved in"
        assert held["change"]["answers"]["bedrooms_needed"] == 3
        assert held["answers"]["bedrooms_needed"] == 2
        page = await portal.get(f"{HOME}/{case_id}")
        assert "Suspended" in page.text
        assert "Your application is suspended until a housing officer has checked it." in page.text
        # Suspended, there is no second change to tell until this one is checked.
        assert (await portal.get(path)).status_code == 404
        assert f'href="{path}"' not in (await portal.get(HOME)).text

    async def test_not_offered_on_an_application_that_is_not_live(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await submitted(portal, "housing_register", REGISTER)
        assert (await portal.get(f"{HOME}/{case_id}/change-of-circumstances")).status_code == 404
        listed = await portal.get(HOME)
        assert f'href="{HOME}/{case_id}"' in listed.text
        assert f'href="{HOME}/{case_id}/change-of-circumstances"' not in listed.text

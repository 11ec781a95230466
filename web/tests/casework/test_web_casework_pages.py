"""The officers' caseload and case screen, and the landlord users' complaints, against the
running stack: every move, a stale form, bad input, and who sees what."""

import datetime
import html
import re
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from tests.support.cases import OMBUDSMAN, CasesApi
from tests.support.casework import (
    Signed,
    complaint_about,
    referral,
    register_application,
    version_on,
)
from tests.support.portal import Portal
from tests.support.web_sessions import send_form

from web.casework.forms import DUE_WITHIN_MAX

KINGSTON = "kingston"
TODAY = datetime.datetime.now(ZoneInfo("Europe/London")).date()
Json = dict[str, Any]


async def move(
    browser: httpx.AsyncClient, desk: str, case_id: str, name: str, fields: Json | None = None
) -> httpx.Response:
    """Send a move's form as its page filled it (the case's version, the CSRF token)."""
    page = f"/{KINGSTON if desk == 'caseload' else OMBUDSMAN}/{desk}/{case_id}/{name}"
    opened = await browser.get(page)
    assert opened.status_code == 200, opened.text
    return await send_form(browser, page, {"version": version_on(opened.text), **(fields or {})})


def date_fields(name: str, day: datetime.date) -> Json:
    """A date input's three boxes."""
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}


class TestWhoSeesWhat:
    async def test_an_officer_sees_a_new_referral_in_the_caseload_and_the_home_page_links_it(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        case = await referral(cases)
        _, browser = await signed_in("officer", KINGSTON)
        page = await browser.get("/kingston/caseload?owner=unassigned&kind=homelessness")
        assert page.status_code == 200
        assert f'href="/kingston/caseload/{case["id"]}"' in page.text
        assert "Julia Jules" in page.text
        home = await browser.get("/kingston/")
        assert 'href="/kingston/caseload"' in home.text
        assert 'href="/kingston/complaints"' not in home.text

    async def test_an_applicant_finds_no_caseload_nor_case_screen(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        case = await referral(cases)
        _, browser = await signed_in("applicant", KINGSTON)
        for path in (
            "/kingston/caseload",
            f"/kingston/caseload/{case['id']}",
            f"/kingston/caseload/{case['id']}/accept",
            "/kingston/complaints",
        ):
            answer = await browser.get(path)
            assert answer.status_code == 404, path
            assert "Page not found" in answer.text

    async def test_someone_not_signed_in_is_asked_to_sign_in(
        self, portal: httpx.AsyncClient
    ) -> None:
        answer = await portal.get("/kingston/caseload")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/kingston/account/sign-in"

    async def test_the_case_screen_shows_the_household_in_full_the_answers_and_contact(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        applicant = await cases.person("applicant", authority=KINGSTON)
        case = await referral(cases, applicant)
        contact = {
            "mobile_phone": "01234 567890",
            "mobile_phone_ok_to_call": True,
            "email": "julia@example.org",
            "preferred_contact_method": "mobile_phone",
        }
        await cases.change("PUT", applicant, case, "/contact", {"contact": contact})
        _, browser = await signed_in("officer", KINGSTON)
        page = await browser.get(f"/kingston/caseload/{case['id']}")
        assert page.status_code == 200
        assert case["reference"] in page.text
        assert "NS819834D" in page.text
        assert "Fell out with my mate" in page.text
        assert "Have you been homeless before?" in page.text
        assert "Unassigned" in page.text
        assert "01234 567890" in page.text
        assert "OK to call: Yes" in page.text
        assert "julia@example.org" in page.text
        assert "OK to email: No" in page.text

    async def test_a_case_that_is_not_there_is_not_found(self, signed_in: Signed) -> None:
        _, browser = await signed_in("officer", KINGSTON)
        for path in ("/kingston/caseload/" + "0" * 32, "/kingston/caseload/not-a-case"):
            answer = await browser.get(path)
            assert answer.status_code == 404, path

    async def test_a_landlord_user_sees_complaints_about_their_organisation_only(
        self, cases: CasesApi, signed_in: Signed, landlord_organisation: str
    ) -> None:
        _, browser = await signed_in("landlord_user", OMBUDSMAN)
        ours = await complaint_about(cases, landlord_organisation)
        theirs = await complaint_about(cases, "another-landlord")
        listing = await browser.get("/housing-ombudsman/complaints")
        assert listing.status_code == 200
        assert f'href="/housing-ombudsman/complaints/{ours["id"]}"' in listing.text
        assert theirs["id"] not in listing.text
        assert "Complaint about a member landlord" in listing.text
        page = await browser.get(f"/housing-ombudsman/complaints/{ours['id']}")
        assert page.status_code == 200
        assert "Christopher Harrison" in page.text
        assert (
            await browser.get(f"/housing-ombudsman/complaints/{theirs['id']}")
        ).status_code == 404
        assert (await browser.get("/housing-ombudsman/caseload")).status_code == 404
        broken = await browser.get("/housing-ombudsman/complaints?state=closed&page=nonsense")
        assert broken.status_code == 303
        assert broken.headers["location"] == "/housing-ombudsman/complaints?state=closed"
        home = await browser.get("/housing-ombudsman/")
        assert 'href="/housing-ombudsman/complaints"' in home.text


class TestCaseloadFilters:
    async def test_owner_kind_status_and_deadline_narrow_the_caseload(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        case = await referral(cases)
        _, browser = await signed_in("officer", KINGSTON)
        link = f'href="/kingston/caseload/{case["id"]}"'
        unassigned = await browser.get("/kingston/caseload?owner=unassigned&status=pending")
        assert link in unassigned.text
        other_status = await browser.get("/kingston/caseload?owner=unassigned&status=approach")
        assert link not in other_status.text
        other_kind = await browser.get("/kingston/caseload?kind=housing_advice&owner=unassigned")
        assert link not in other_kind.text
        assert (await move(browser, "caseload", case["id"], "accept")).status_code == 303
        assert (
            await move(browser, "caseload", case["id"], "assign", {"owner": "me"})
        ).status_code == 303
        # A newer case of another officer's, in the same status, is not "mine".
        colleague = await cases.person("officer", authority=KINGSTON)
        theirs = await cases.act(colleague, await referral(cases), "accept")
        await cases.change("PUT", colleague, theirs, "/owner", {"owner_id": colleague.user_id})
        mine = await browser.get("/kingston/caseload?owner=me&status=approach")
        assert link in mine.text
        assert theirs["id"] not in mine.text
        assert theirs["id"] in (await browser.get("/kingston/caseload?status=approach")).text
        assert link not in (await browser.get("/kingston/caseload?owner=unassigned")).text
        started = await move(
            browser, "caseload", case["id"], "start_prevention", date_fields("on", TODAY)
        )
        assert started.status_code == 303, started.text
        due = await browser.get("/kingston/caseload?owner=me&due_within=56")
        assert link in due.text
        assert "56 days left" in due.text
        assert link not in (await browser.get("/kingston/caseload?owner=me&due_within=55")).text

    async def test_a_filter_out_of_range_is_an_error_on_its_field(self, signed_in: Signed) -> None:
        _, browser = await signed_in("officer", KINGSTON)
        for query, field in (
            ("due_within=soon", "due_within"),
            (f"due_within={DUE_WITHIN_MAX + 1}", "due_within"),
            ("status=asleep", "status"),
            ("kind=complaint", "kind"),
            ("owner=everyone", "owner"),
        ):
            answer = await browser.get(f"/kingston/caseload?{query}")
            assert answer.status_code == 400, query
            assert f'href="#{field}"' in answer.text
            assert "There is a problem" in answer.text

    async def test_the_caseload_is_shown_a_page_at_a_time(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        applicant = await cases.person("applicant", authority=KINGSTON)
        for _ in range(21):
            await referral(cases, applicant)
        _, browser = await signed_in("officer", KINGSTON)
        first = await browser.get("/kingston/caseload?status=pending")
        assert "Next page" in first.text
        assert "Previous page" not in first.text
        following = first.text.split('class="govuk-pagination__next"')[1].split('href="')[1]
        second = await browser.get(following.split('"')[0].replace("&amp;", "&"))
        assert second.status_code == 200
        assert "Previous page" in second.text
        assert "status=pending" in following
        # A cursor changed by hand starts again from the first page.
        broken = await browser.get("/kingston/caseload?status=pending&page=nonsense")
        assert broken.status_code == 303
        assert broken.headers["location"] == "/kingston/caseload?status=pending"


async def officer_read(cases: CasesApi, case_id: str) -> Json:
    """The case as an officer reads it over the API."""
    officer = await cases.person("officer", authority=KINGSTON)
    return await cases.read(officer, case_id)


class TestHomelessnessMoves:
    async def test_accept_assign_prevention_relief_decision_and_close(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        case = await referral(cases)
        officer, browser = await signed_in("officer", KINGSTON)
        accepted = await move(browser, "caseload", case["id"], "accept")
        assert accepted.status_code == 303
        assert accepted.headers["location"] == f"/kingston/caseload/{case['id']}"
        page = await browser.get(accepted.headers["location"])
        assert "The referral has been accepted." in page.text
        assert (await officer_read(cases, case["id"]))["status"] == "approach"
        # The notice is shown once.
        assert (
            "The referral has been accepted."
            not in (await browser.get(accepted.headers["location"])).text
        )

        assigned = await move(browser, "caseload", case["id"], "assign", {"owner": "me"})
        assert assigned.status_code == 303
        assert (await officer_read(cases, case["id"]))["owner_id"] == officer.user_id

        began = TODAY - datetime.timedelta(days=3)
        await move(browser, "caseload", case["id"], "start_prevention", date_fields("on", began))
        relief = await move(
            browser, "caseload", case["id"], "start_relief", date_fields("on", TODAY)
        )
        assert relief.status_code == 303
        read = await officer_read(cases, case["id"])
        assert read["status"] == "relief"
        assert read["stages"]["prevention_started_on"] == began.isoformat()
        page = await browser.get(f"/kingston/caseload/{case['id']}")
        assert "Relief duty ends" in page.text
        assert "56 days" in page.text

        decided = await move(
            browser,
            "caseload",
            case["id"],
            "decide",
            {**date_fields("on", TODAY), "reason": "Main duty owed"},
        )
        assert decided.status_code == 303
        assert (await officer_read(cases, case["id"]))["status"] == "decision"
        assert (
            "Last day to ask for a review"
            in (await browser.get(f"/kingston/caseload/{case['id']}")).text
        )

        closed = await move(browser, "caseload", case["id"], "close", {"reason": "Housed"})
        assert closed.status_code == 303
        read = await officer_read(cases, case["id"])
        assert read["status"] == "closed"
        assert read["closure_reason"] == "Housed"
        page = await browser.get(f"/kingston/caseload/{case['id']}")
        assert "Housed" in page.text
        assert f"/kingston/caseload/{case['id']}/close" not in page.text

    async def test_a_date_in_the_future_or_not_a_date_is_an_error_on_the_date(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        case = await referral(cases)
        _, browser = await signed_in("officer", KINGSTON)
        await move(browser, "caseload", case["id"], "accept")
        tomorrow = TODAY + datetime.timedelta(days=1)
        future = await move(
            browser, "caseload", case["id"], "start_prevention", date_fields("on", tomorrow)
        )
        assert future.status_code == 400
        assert 'href="#on-day"' in future.text
        assert "The date must be today or in the past" in future.text
        nonsense = await move(
            browser,
            "caseload",
            case["id"],
            "start_prevention",
            {"on-day": "31", "on-month": "2", "on-year": "x"},
        )
        assert nonsense.status_code == 400
        assert 'href="#on-year"' in nonsense.text
        assert (await officer_read(cases, case["id"]))["status"] == "approach"

    async def test_closing_needs_a_reason(self, cases: CasesApi, signed_in: Signed) -> None:
        case = await referral(cases)
        _, browser = await signed_in("officer", KINGSTON)
        answer = await move(browser, "caseload", case["id"], "close", {"reason": "  "})
        assert answer.status_code == 400
        assert 'href="#reason"' in answer.text
        assert "Enter the reason" in answer.text
        assert (await officer_read(cases, case["id"]))["status"] == "pending"

    async def test_a_move_the_status_does_not_allow_is_not_offered(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        case = await referral(cases)
        _, browser = await signed_in("officer", KINGSTON)
        assert (await browser.get(f"/kingston/caseload/{case['id']}/decide")).status_code == 404
        page = await browser.get(f"/kingston/caseload/{case['id']}")
        answer = await send_form(
            browser,
            f"/kingston/caseload/{case['id']}/start_relief",
            {"version": version_on(page.text), **date_fields("on", TODAY)},
            page=f"/kingston/caseload/{case['id']}",
        )
        assert answer.status_code == 409
        assert "This cannot be done to the case as it stands" in answer.text
        assert (await officer_read(cases, case["id"]))["status"] == "pending"


def form_fields(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the page's form that posts to `action`, as the browser sends them."""
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    return {name: html.unescape(value) for name, value in fields}


class TestTheCasePagesOwnButtons:
    async def test_accept_and_assign_to_me_are_pressed_on_the_case_page(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        case = await referral(cases)
        officer, browser = await signed_in("officer", KINGSTON)
        path = f"/kingston/caseload/{case['id']}"
        origin = {"Origin": str(browser.base_url).rstrip("/")}
        page = await browser.get(path)
        fields = form_fields(page.text, f"{path}/accept")
        assert fields["csrf_token"]
        accepted = await browser.post(f"{path}/accept", data=fields, headers=origin)
        assert accepted.status_code == 303
        page = await browser.get(path)
        fields = form_fields(page.text, f"{path}/assign")
        assert fields["owner"] == "me"
        assigned = await browser.post(f"{path}/assign", data=fields, headers=origin)
        assert assigned.status_code == 303
        read = await officer_read(cases, case["id"])
        assert (read["status"], read["owner_id"]) == ("approach", officer.user_id)
        assert f'action="{path}/assign"' not in (await browser.get(path)).text


class TestStaleForms:
    async def test_a_form_filled_before_someone_else_changed_the_case_says_so(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        case = await referral(cases)
        _, browser = await signed_in("officer", KINGSTON)
        path = f"/kingston/caseload/{case['id']}"
        opened = await browser.get(path)
        old_version = version_on(opened.text)
        # Another officer takes the case meanwhile.
        other = await cases.person("officer", authority=KINGSTON)
        await cases.change("PUT", other, case, "/owner", {"owner_id": other.user_id})
        stale = await send_form(browser, f"{path}/accept", {"version": old_version}, page=path)
        assert stale.status_code == 409
        assert "The case was changed by someone else after you opened this page" in stale.text
        assert 'href="#move"' in stale.text
        assert (await officer_read(cases, case["id"]))["status"] == "pending"
        # The page now carries the case's new version: sent again, it works.
        again = await send_form(
            browser, f"{path}/accept", {"version": version_on(stale.text)}, page=path
        )
        assert again.status_code == 303
        assert (await officer_read(cases, case["id"]))["status"] == "approach"

    async def test_a_form_without_a_version_changes_nothing(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        case = await referral(cases)
        _, browser = await signed_in("officer", KINGSTON)
        path = f"/kingston/caseload/{case['id']}"
        answer = await send_form(browser, f"{path}/accept", {"version": "latest"}, page=path)
        assert answer.status_code == 409
        assert (await officer_read(cases, case["id"]))["status"] == "pending"


class TestRegisterMoves:
    async def test_assess_set_live_then_verify_and_reject_changes_of_circumstances(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        applicant = await cases.person("applicant", authority=KINGSTON)
        case = await register_application(cases, applicant)
        _, browser = await signed_in("manager", KINGSTON)
        assert (await move(browser, "caseload", case["id"], "assess")).status_code == 303
        live_fields = {
            "bidding_reference": "KIN-2026-0042",
            "band": "2",
            **date_fields("registration_date", TODAY),
            **date_fields("review_date", TODAY.replace(year=TODAY.year + 1)),
        }
        bad = await move(
            browser,
            "caseload",
            case["id"],
            "set_live",
            {**live_fields, "bidding_reference": "KIN 42!", "band": "6"},
        )
        assert bad.status_code == 400
        assert 'href="#bidding_reference"' in bad.text
        assert 'href="#band"' in bad.text
        assert 'value="KIN 42!"' in bad.text
        assert (await officer_read(cases, case["id"]))["status"] == "assessed"
        live = await move(browser, "caseload", case["id"], "set_live", live_fields)
        assert live.status_code == 303, live.text
        read = await officer_read(cases, case["id"])
        assert read["status"] == "live"
        assert read["register_details"]["band"] == 2
        assert read["register_details"]["bidding_reference"] == "KIN-2026-0042"
        page = await browser.get(f"/kingston/caseload/{case['id']}")
        assert "KIN-2026-0042" in page.text

        read = await cases.read(applicant, case["id"])
        await cases.change("POST", applicant, read, "/circumstances", {"note": "A baby was born"})
        page = await browser.get(f"/kingston/caseload/{case['id']}")
        assert "A baby was born" in page.text
        assert "Waiting to be checked" in page.text
        assert (await move(browser, "caseload", case["id"], "verify")).status_code == 303
        read = await officer_read(cases, case["id"])
        assert (read["status"], read["change"]["status"]) == ("live", "verified")

        read = await cases.read(applicant, case["id"])
        await cases.change(
            "POST", applicant, read, "/circumstances", {"note": "Moved in with a friend"}
        )
        empty = await move(browser, "caseload", case["id"], "reject", {"reason": ""})
        assert empty.status_code == 400
        assert 'href="#reason"' in empty.text
        rejected = await move(
            browser, "caseload", case["id"], "reject", {"reason": "No evidence sent"}
        )
        assert rejected.status_code == 303
        read = await officer_read(cases, case["id"])
        assert (read["status"], read["change"]["status"]) == ("live", "rejected")
        assert read["change"]["reason"] == "No evidence sent"

    async def test_a_case_is_given_to_a_colleague_named_on_the_form(
        self, cases: CasesApi, signed_in: Signed, identity_api: Portal
    ) -> None:
        case = await referral(cases)
        _officer, browser = await signed_in("officer", KINGSTON)
        manager = await identity_api.demo("manager", KINGSTON)
        me = (await identity_api.get(KINGSTON, "/me", person=manager)).json()
        name = f"{me['first_name']} {me['last_name']}"
        form = await browser.get(f"/kingston/caseload/{case['id']}/assign")
        assert f'value="{manager.user_id}"' in form.text
        assert name in form.text
        given = await move(browser, "caseload", case["id"], "assign", {"owner": manager.user_id})
        assert given.status_code == 303
        assert (await officer_read(cases, case["id"]))["owner_id"] == manager.user_id
        # Who has it is named on the case page, for any officer.
        assert name in (await browser.get(f"/kingston/caseload/{case['id']}")).text

    async def test_assigning_to_nobody_leaves_the_case_unassigned(
        self, cases: CasesApi, signed_in: Signed
    ) -> None:
        applicant = await cases.person("applicant", authority=KINGSTON)
        case = await register_application(cases, applicant)
        _, browser = await signed_in("officer", KINGSTON)
        await move(browser, "caseload", case["id"], "assign", {"owner": "me"})
        nobody = await move(browser, "caseload", case["id"], "assign", {"owner": "unassigned"})
        assert nobody.status_code == 303
        assert (await officer_read(cases, case["id"]))["owner_id"] is None
        wrong = await move(browser, "caseload", case["id"], "assign", {"owner": "someone-else"})
        assert wrong.status_code == 400
        assert 'href="#owner"' in wrong.text


class TestComplaintMoves:
    async def test_the_landlord_investigates_determines_and_closes(
        self, cases: CasesApi, signed_in: Signed, landlord_organisation: str
    ) -> None:
        _, browser = await signed_in("landlord_user", OMBUDSMAN)
        case = await complaint_about(cases, landlord_organisation)
        ombudsman = await cases.person("officer", authority=OMBUDSMAN)
        path = f"/housing-ombudsman/complaints/{case['id']}"
        assert f"{path}/assign" not in (await browser.get(path)).text
        assert (await browser.get(f"{path}/stage")).status_code == 404
        assert (await move(browser, "complaints", case["id"], "investigate")).status_code == 303
        assert (await cases.read(ombudsman, case["id"]))["status"] == "investigation"
        empty = await move(browser, "complaints", case["id"], "determine", {"reason": ""})
        assert empty.status_code == 400
        determined = await move(
            browser, "complaints", case["id"], "determine", {"reason": "Maladministration found"}
        )
        assert determined.status_code == 303
        assert (await cases.read(ombudsman, case["id"]))["status"] == "determination"
        closed = await move(browser, "complaints", case["id"], "close", {"reason": "Remedy paid"})
        assert closed.status_code == 303
        assert (await cases.read(ombudsman, case["id"]))["status"] == "closed"
        listing = await browser.get("/housing-ombudsman/complaints?state=closed")
        assert f'href="{path}"' in listing.text
        assert f'href="{path}"' not in (await browser.get("/housing-ombudsman/complaints")).text

    async def test_an_ombudsman_officer_records_the_stage(
        self, cases: CasesApi, signed_in: Signed, landlord_organisation: str
    ) -> None:
        case = await complaint_about(cases, landlord_organisation)
        _, browser = await signed_in("officer", OMBUDSMAN)
        path = f"/housing-ombudsman/caseload/{case['id']}"
        opened = await browser.get(path)
        assert opened.status_code == 200
        nothing = await send_form(
            browser, f"{path}/stage", {"version": version_on(opened.text)}, page=f"{path}/stage"
        )
        assert nothing.status_code == 400
        assert 'href="#stage"' in nothing.text
        staged = await send_form(
            browser,
            f"{path}/stage",
            {"version": version_on(opened.text), "stage": "DR2 Review"},
            page=f"{path}/stage",
        )
        assert staged.status_code == 303
        officer = await cases.person("officer", authority=OMBUDSMAN)
        assert (await cases.read(officer, case["id"]))["stage"] == "DR2 Review"
        assert "DR2 Review" in (await browser.get(path)).text


@pytest.mark.parametrize("path", ["/kingston/caseload", "/kingston/caseload?owner=me"])
async def test_the_caseload_is_in_welsh(path: str, signed_in: Signed) -> None:
    _, browser = await signed_in("officer", KINGSTON)
    browser.cookies.set("portal_language", "cy")
    page = await browser.get(path)
    assert page.status_code == 200
    assert "Llwyth achosion" in page.text

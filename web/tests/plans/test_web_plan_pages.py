"""The Personal Housing Plan's pages against the running stack: the officer starts, writes and
issues it; the applicant reads it, answers it, updates and adds actions and submits it for
review; bad input, a stale form and a plan under review each get their message, never a 500."""

import html
import re

import httpx
from tests.support.cases import ADVICE, HOUSEHOLD, REFERRAL
from tests.support.plan_pages import APPLICANT_ACTION, OFFICER_ACTION, PlanMaker
from tests.support.portal import Person
from tests.support.web_sessions import send_form

COUNCIL = "kingston"
VERSION = re.compile(r'name="version" value="([^"]*)"')
DAY = {"action_date-day": "24", "action_date-month": "4", "action_date-year": "2026"}


def text_of(page: httpx.Response) -> str:
    """A page's text with its entities read, to look for what people see."""
    return html.unescape(page.text)


def version_on(page: httpx.Response) -> str:
    """The plan's version a page's first form holds."""
    found = VERSION.search(page.text)
    assert found is not None, page.text
    return html.unescape(found.group(1))


def error_summary(page: httpx.Response) -> str:
    """The error summary's text; fails when there is none."""
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', page.text, re.S)
    assert found is not None, page.text
    return html.unescape(found.group(0))


class TestTheApplicantsPlan:
    async def test_before_it_is_issued_the_applicant_is_told_it_is_coming(
        self, plans: PlanMaker, applicant: Person, applicant_browser: httpx.AsyncClient
    ) -> None:
        on = await plans.case_of(applicant)
        await plans.started(on, actions=(OFFICER_ACTION,))
        page = await applicant_browser.get(f"/{COUNCIL}/plans/{on.case['id']}")
        assert page.status_code == 200
        assert "Your caseworker has not issued your plan yet" in text_of(page)
        assert OFFICER_ACTION["text"] not in text_of(page)
        listing = await applicant_browser.get(f"/{COUNCIL}/plans")
        assert listing.status_code == 200
        assert "You do not have a Personal Housing Plan yet" in text_of(listing)

    async def test_the_issued_plan_shows_progress_assessment_and_every_action(
        self, plans: PlanMaker, applicant: Person, applicant_browser: httpx.AsyncClient
    ) -> None:
        on = await plans.case_of(applicant)
        await plans.issued(on)
        case_page = await applicant_browser.get(f"/{COUNCIL}/applications/{on.case['id']}")
        assert f'href="/{COUNCIL}/plans/{on.case["id"]}"' in case_page.text
        listing = await applicant_browser.get(f"/{COUNCIL}/plans")
        assert listing.status_code == 303
        assert listing.headers["location"] == f"/{COUNCIL}/plans/{on.case['id']}"
        page = await applicant_browser.get(listing.headers["location"])
        assert page.status_code == 200
        shown = text_of(page)
        assert re.search(r"Plan progress: \d+ of 56 days \(\d+%\)", shown)
        assert "0 of 2 actions complete" in shown
        assert "A section 21 notice to leave by the end of the month." in shown
        assert page.text.count('class="govuk-summary-card"') == 2
        assert OFFICER_ACTION["text"] in shown
        assert APPLICANT_ACTION["text"] in shown
        assert "Loss of rented accommodation" in shown
        assert "20 days" in shown
        assert f'href="/{COUNCIL}/plans/{on.case["id"]}/pdf"' in page.text
        # Only the applicant's own action can be updated.
        assert page.text.count(">Update progress<") == 1

    async def test_someone_elses_plan_is_not_found(
        self, plans: PlanMaker, applicant_browser: httpx.AsyncClient
    ) -> None:
        someone = await plans.api.person("applicant", authority=COUNCIL)
        theirs = await plans.api.create(
            someone,
            {"kind": "homelessness", "answers": REFERRAL, "household": HOUSEHOLD, "submit": True},
        )
        for path in (
            f"/{COUNCIL}/plans/{theirs['id']}",
            f"/{COUNCIL}/plans/{theirs['id']}/submit",
            f"/{COUNCIL}/plans/{theirs['id']}/pdf",
            f"/{COUNCIL}/plans/not-a-case",
        ):
            answer = await applicant_browser.get(path)
            assert answer.status_code == 404, path

    async def test_disagreeing_needs_a_reason_and_the_reason_is_kept(
        self, plans: PlanMaker, applicant: Person, applicant_browser: httpx.AsyncClient
    ) -> None:
        on = await plans.case_of(applicant)
        await plans.issued(on)
        home = f"/{COUNCIL}/plans/{on.case['id']}"
        page = await applicant_browser.get(home)
        version = version_on(page)
        missing = await send_form(
            applicant_browser, f"{home}/agreement", {"version": version, "agrees": "no"}, page=home
        )
        assert missing.status_code == 400
        assert "Tell us why you do not agree with the plan" in error_summary(missing)
        assert 'href="#reason"' in missing.text
        assert 'id="reason-error"' in missing.text
        sent = await send_form(
            applicant_browser,
            f"{home}/agreement",
            {"version": version, "agrees": "no", "reason": "The area is too far from school"},
            page=home,
        )
        assert sent.status_code == 303, sent.text
        after = await applicant_browser.get(sent.headers["location"])
        assert "You told your caseworker you do not agree with the plan" in text_of(after)
        assert "The area is too far from school" in text_of(after)

    async def test_a_stale_answer_is_told_and_the_latest_plan_shown(
        self, plans: PlanMaker, applicant: Person, applicant_browser: httpx.AsyncClient
    ) -> None:
        on = await plans.case_of(applicant)
        plan = await plans.issued(on)
        home = f"/{COUNCIL}/plans/{on.case['id']}"
        old = version_on(await applicant_browser.get(home))
        action = next(a for a in plan["actions"] if a["by_whom"] == "applicant")
        await plans.call(
            "PATCH",
            on.applicant,
            on.case,
            f"/actions/{action['id']}",
            {"progress": "in_progress", "notes": "Started"},
            version=plan["version"],
        )
        stale = await send_form(
            applicant_browser, f"{home}/agreement", {"version": old, "agrees": "yes"}, page=home
        )
        assert stale.status_code == 400
        assert "Someone else changed the plan" in error_summary(stale)
        assert version_on(stale) != old
        assert "Started" in text_of(stale)

    async def test_the_applicant_updates_progress_adds_an_action_and_submits_for_review(
        self, plans: PlanMaker, applicant: Person, applicant_browser: httpx.AsyncClient
    ) -> None:
        on = await plans.case_of(applicant)
        plan = await plans.issued(on)
        home = f"/{COUNCIL}/plans/{on.case['id']}"
        theirs = next(a for a in plan["actions"] if a["by_whom"] == "applicant")
        ours = next(a for a in plan["actions"] if a["by_whom"] == "officer")
        assert (await applicant_browser.get(f"{home}/actions/{ours['id']}")).status_code == 404

        action_page = f"{home}/actions/{theirs['id']}"
        opened = await applicant_browser.get(action_page)
        wrong = await send_form(
            applicant_browser,
            action_page,
            {"version": version_on(opened), "progress": "done", "notes": ""},
        )
        assert wrong.status_code == 400
        assert "Select how far the action has got" in error_summary(wrong)
        updated = await send_form(
            applicant_browser,
            action_page,
            {"version": version_on(opened), "progress": "in_progress", "notes": "Applied online"},
        )
        assert updated.status_code == 303, updated.text
        after = text_of(await applicant_browser.get(updated.headers["location"]))
        assert "The action has been updated" in after
        assert "Applied online" in after

        add_page = f"{home}/actions/add"
        blank = await applicant_browser.get(add_page)
        assert 'name="by_whom"' not in blank.text
        refused = await send_form(applicant_browser, add_page, {"version": version_on(blank)})
        assert refused.status_code == 400
        assert "Select the category of the action" in error_summary(refused)
        assert "Enter what is to be done" in error_summary(refused)
        added = await send_form(
            applicant_browser,
            add_page,
            {
                "version": version_on(await applicant_browser.get(add_page)),
                "key": "a" * 32,
                "category": "financial",
                "text": "Ask the bank about a deposit loan",
                "complete_within_days": "7",
                "required": "no",
                "notes": "",
                **DAY,
            },
        )
        assert added.status_code == 303, added.text
        after = text_of(await applicant_browser.get(added.headers["location"]))
        assert "Your action has been added to the plan" in after
        assert "Ask the bank about a deposit loan" in after
        assert "0 of 3 actions complete" in after

        confirm = await applicant_browser.get(f"{home}/submit")
        assert "Submit your plan for review" in text_of(confirm)
        submitted = await send_form(
            applicant_browser, f"{home}/submit", {"version": version_on(confirm)}
        )
        assert submitted.status_code == 303, submitted.text
        reviewing = text_of(await applicant_browser.get(submitted.headers["location"]))
        assert "You submitted your plan for review" in reviewing
        assert "Your caseworker is reviewing your plan" in reviewing
        assert "Update progress" not in reviewing
        assert 'name="agrees"' not in reviewing
        closed = await applicant_browser.get(action_page)
        assert "Your caseworker is reviewing your plan" in text_of(closed)
        late = await send_form(
            applicant_browser,
            action_page,
            {"version": version_on(confirm), "progress": "complete", "notes": ""},
            page=home + "/submit",
        )
        assert late.status_code == 400
        assert "Your caseworker is reviewing your plan" in text_of(late)

    async def test_the_applicant_removes_an_action_they_added_and_only_that(
        self, plans: PlanMaker, applicant: Person, applicant_browser: httpx.AsyncClient
    ) -> None:
        on = await plans.case_of(applicant)
        plan = await plans.issued(on)
        plan = await plans.call(
            "POST",
            on.applicant,
            on.case,
            "/actions",
            {**APPLICANT_ACTION, "text": "Ring the landlord"},
            version=plan["version"],
            status=201,
        )
        home = f"/{COUNCIL}/plans/{on.case['id']}"
        added = next(a for a in plan["actions"] if a["added_by"] == "applicant")
        set_for_them = next(
            a for a in plan["actions"] if a["by_whom"] == "applicant" and a["added_by"] == "officer"
        )
        assert (
            await applicant_browser.get(f"{home}/actions/{set_for_them['id']}/remove")
        ).status_code == 404
        confirm = await applicant_browser.get(f"{home}/actions/{added['id']}/remove")
        assert "Are you sure you want to remove this action?" in text_of(confirm)
        assert "Ring the landlord" in text_of(confirm)
        removed = await send_form(
            applicant_browser,
            f"{home}/actions/{added['id']}/remove",
            {"version": version_on(confirm)},
        )
        assert removed.status_code == 303, removed.text
        after = text_of(await applicant_browser.get(removed.headers["location"]))
        assert "Your action has been removed from the plan" in after
        assert "Ring the landlord" not in after

    async def test_someone_with_two_plans_chooses_from_a_list(
        self, plans: PlanMaker, applicant: Person, applicant_browser: httpx.AsyncClient
    ) -> None:
        first = await plans.case_of(applicant)
        second = await plans.case_of(applicant)
        await plans.issued(first)
        await plans.issued(second)
        listing = await applicant_browser.get(f"/{COUNCIL}/plans")
        assert listing.status_code == 200
        for on in (first, second):
            assert f'href="/{COUNCIL}/plans/{on.case["id"]}"' in listing.text
            assert on.case["reference"] in listing.text
        assert text_of(listing).count("0 of 2 actions complete") == 2

    async def test_the_pdf_is_passed_on_as_a_pdf(
        self, plans: PlanMaker, applicant: Person, applicant_browser: httpx.AsyncClient
    ) -> None:
        on = await plans.case_of(applicant)
        await plans.issued(on)
        answer = await applicant_browser.get(f"/{COUNCIL}/plans/{on.case['id']}/pdf")
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/pdf"
        assert "attachment" in answer.headers["content-disposition"]
        assert answer.content.startswith(b"%PDF")


class TestTheOfficersPlan:
    async def test_the_officer_starts_writes_and_issues_the_plan(
        self, plans: PlanMaker, applicant: Person, officer_browser: httpx.AsyncClient
    ) -> None:
        on = await plans.case_of(applicant)
        case_path = f"/{COUNCIL}/caseload/{on.case['id']}"
        case_page = await officer_browser.get(case_path)
        assert f'href="{case_path}/plan"' in case_page.text
        home = f"{case_path}/plan"
        empty = await officer_browser.get(home)
        assert empty.status_code == 200
        assert "This case has no plan yet" in text_of(empty)
        key = re.search(r'name="key" value="([0-9a-f]+)"', empty.text)
        assert key is not None
        started = await send_form(
            officer_browser, f"{home}/start", {"key": key.group(1)}, page=home
        )
        assert started.status_code == 303, started.text
        again = await send_form(officer_browser, f"{home}/start", {"key": key.group(1)}, page=home)
        assert again.status_code == 303

        form = await officer_browser.get(f"{home}/assessment")
        too_long = await send_form(
            officer_browser,
            f"{home}/assessment",
            {"version": version_on(form), "circumstances": "x" * 4001},
        )
        assert too_long.status_code == 400
        assert 'href="#circumstances"' in too_long.text
        saved = await send_form(
            officer_browser,
            f"{home}/assessment",
            {
                "version": version_on(form),
                "circumstances": "Notice to quit",
                "housing_needs": "Ground floor",
                "housing_wishes": "Near school",
                "support_needs": "Deposit",
            },
        )
        assert saved.status_code == 303, saved.text

        unissued = await send_form(
            officer_browser,
            f"{home}/issue",
            {"version": version_on(await officer_browser.get(home))},
            page=home,
        )
        assert unissued.status_code == 400
        assert "Add at least one action before you issue the plan" in error_summary(unissued)

        add_page = f"{home}/actions/add"
        blank = await officer_browser.get(add_page)
        bad = await send_form(
            officer_browser,
            add_page,
            {"version": version_on(blank), "complete_within_days": "400", "action_date-day": "40"},
        )
        assert bad.status_code == 400
        summary = error_summary(bad)
        assert "Select who is to do the action" in summary
        assert "a whole number from 1 to 365" in summary
        assert 'href="#action_date-day"' in bad.text
        added = await send_form(
            officer_browser,
            add_page,
            {
                "version": version_on(blank),
                "key": "b" * 32,
                "category": "financial",
                "text": "Make a referral to CAB for support",
                "by_whom": "officer",
                "complete_within_days": "5",
                "required": "yes",
                "notes": "",
                **DAY,
            },
        )
        assert added.status_code == 303, added.text
        plan_page = await officer_browser.get(home)
        shown = text_of(plan_page)
        assert "Make a referral to CAB for support" in shown
        assert "29 April 2026" in shown  # the target date: 24 April and 5 days
        assert "13 May 2026" in shown  # the review date: 14 days on
        assert "Being written" in shown

        issued = await send_form(
            officer_browser, f"{home}/issue", {"version": version_on(plan_page)}, page=home
        )
        assert issued.status_code == 303, issued.text
        after = await officer_browser.get(issued.headers["location"])
        assert "The plan has been issued to the applicant" in text_of(after)
        assert f'href="{home}/versions/1"' in after.text
        version = await officer_browser.get(f"{home}/versions/1")
        assert version.status_code == 200
        assert "Make a referral to CAB for support" in text_of(version)
        assert (await officer_browser.get(f"{home}/versions/9")).status_code == 404

    async def test_the_officer_changes_and_removes_actions_and_sees_the_answer(
        self, plans: PlanMaker, applicant: Person, officer_browser: httpx.AsyncClient
    ) -> None:
        on = await plans.case_of(applicant)
        plan = await plans.issued(on)
        plan = await plans.call(
            "POST",
            on.applicant,
            on.case,
            "/agreement",
            {"agrees": False, "reason": "I cannot afford a deposit"},
            version=plan["version"],
        )
        home = f"/{COUNCIL}/caseload/{on.case['id']}/plan"
        page = text_of(await officer_browser.get(home))
        assert "Does not agree with the plan" in page
        assert "I cannot afford a deposit" in page

        ours = next(a for a in plan["actions"] if a["by_whom"] == "officer")
        change_page = f"{home}/actions/{ours['id']}"
        opened = await officer_browser.get(change_page)
        assert 'value="loss_of_rented_accommodation" checked' in opened.text
        fields = {
            "version": version_on(opened),
            "category": "loss_of_rented_accommodation",
            "text": "Negotiate with the landlord",
            "by_whom": "officer",
            "complete_within_days": "10",
            "required": "yes",
            "progress": "complete",
            "notes": "Spoke to the landlord",
            **DAY,
        }
        changed = await send_form(officer_browser, change_page, fields)
        assert changed.status_code == 303, changed.text
        stale = await send_form(officer_browser, change_page, {**fields, "text": "Old"}, page=home)
        assert stale.status_code == 400
        assert "Someone else changed the plan" in error_summary(stale)
        assert "Negotiate with the landlord" in text_of(stale)

        remove_page = f"{home}/actions/{ours['id']}/remove"
        confirm = await officer_browser.get(remove_page)
        assert "Are you sure you want to remove this action?" in text_of(confirm)
        removed = await send_form(officer_browser, remove_page, {"version": version_on(confirm)})
        assert removed.status_code == 303, removed.text
        after = text_of(await officer_browser.get(home))
        assert "Negotiate with the landlord" not in after
        assert "Issue the plan again" in after

    async def test_a_closed_cases_plan_is_read_only_and_a_late_change_is_told(
        self, plans: PlanMaker, applicant: Person, officer_browser: httpx.AsyncClient
    ) -> None:
        on = await plans.case_of(applicant)
        await plans.issued(on)
        home = f"/{COUNCIL}/caseload/{on.case['id']}/plan"
        form = await officer_browser.get(f"{home}/assessment")
        case = await plans.api.act(on.officer, on.case, "accept")
        await plans.api.act(on.officer, case, "close", reason="Accommodation secured")
        late = await send_form(
            officer_browser,
            f"{home}/assessment",
            {"version": version_on(form), "circumstances": "Changed"},
            page=home,
        )
        assert late.status_code == 400
        assert "The case is closed: its plan can no longer be changed" in error_summary(late)
        page = text_of(await officer_browser.get(home))
        assert OFFICER_ACTION["text"] in page
        for offered in ("Add an action", "Change the assessment", ">Change<", "Issue the plan"):
            assert offered not in page, offered

    async def test_a_case_that_is_not_homelessness_has_no_plan_to_start(
        self, plans: PlanMaker, officer_browser: httpx.AsyncClient
    ) -> None:
        applicant = await plans.api.person("applicant", authority=COUNCIL)
        case = await plans.api.create(
            applicant,
            {
                "kind": "housing_advice",
                "answers": ADVICE,
                "submit": True,
            },
            status=201,
        )
        home = f"/{COUNCIL}/caseload/{case['id']}/plan"
        page = await officer_browser.get(home)
        assert page.status_code == 200
        assert "Only a homelessness case has a Personal Housing Plan" in text_of(page)
        assert "Start the plan" not in text_of(page)

"""The plan as its pages word it, and what its forms refuse, in English and Welsh."""

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.datastructures import FormData

from web.i18n import Language, current_language
from web.plans import words
from web.plans.forms import ActionForm, AgreementForm, AssessmentForm, ProgressForm
from web.plans.views import shown_plan

ACTION: dict[str, Any] = {
    "id": "a" * 32,
    "category": "financial",
    "text": "Make a referral to CAB for support",
    "by_whom": "officer",
    "complete_within_days": 5,
    "action_date": "2018-04-24",
    "required": True,
    "target_date": "2018-04-29",
    "review_date": "2018-05-13",
    "progress": "in_progress",
    "notes": "",
    "added_by": "officer",
}
PLAN: dict[str, Any] = {
    "id": "b" * 32,
    "case_id": "c" * 32,
    "reference": "HL-000001",
    "status": "issued",
    "version": 4,
    "issue_number": 1,
    "assessment": {
        "circumstances": "Section 21 notice",
        "housing_needs": "",
        "housing_wishes": "Stay in Watford",
        "support_needs": "",
    },
    "actions": [ACTION, {**ACTION, "id": "d" * 32, "progress": "complete", "by_whom": "applicant"}],
    "agreement": {"agrees": False, "reason": "Too far", "at": "2026-12-01T10:00:00Z"},
    "progress": {"day": 8, "of": 56, "percent": 14},
    "actions_complete": 1,
    "actions_total": 2,
    "issued_at": "2026-11-25T09:00:00Z",
}


@pytest.fixture(params=["en", "cy"])
def language(request: pytest.FixtureRequest) -> Iterator[Language]:
    """Each page language in turn."""
    token = current_language.set(request.param)
    yield request.param
    current_language.reset(token)


def form(**fields: str) -> FormData:
    """A form as a browser sends it."""
    return FormData(list(fields.items()))


class TestThePlanAsShown:
    def test_progress_days_and_actions_are_counted_in_words(self, language: Language) -> None:
        shown = shown_plan(PLAN, officer=False)
        expected = {
            "en": ("Plan progress: 8 of 56 days (14%)", "1 of 2 actions complete"),
            "cy": (
                "Cynnydd y cynllun: diwrnod 8 o 56 (14%)",
                "1 o 2 gam gweithredu wedi'u cwblhau",
            ),
        }[language]
        assert (shown["progress_text"], shown["actions_text"]) == expected
        assert shown["percent"] == 14

    def test_each_action_has_every_field_in_words(self, language: Language) -> None:
        first = shown_plan(PLAN, officer=True)["action_cards"][0]
        english = language == "en"
        assert first["number"] == 1
        assert first["category_text"] == (
            "Money and finances" if english else first["category_text"]
        )
        assert first["within_text"] == ("5 days" if english else "5 diwrnod")
        assert first["target_date_text"] == ("29 April 2018" if english else "29 Ebrill 2018")
        assert first["review_date_text"] == ("13 May 2018" if english else "13 Mai 2018")
        assert first["required_text"] == ("Yes" if english else "Ie")
        assert first["by_whom_text"] == ("Officer" if english else "Swyddog")
        assert first["progress_colour"] == "blue"

    def test_the_applicant_reads_who_does_an_action_as_you_or_your_caseworker(self) -> None:
        cards = shown_plan(PLAN, officer=False)["action_cards"]
        assert [card["by_whom_text"] for card in cards] == ["Your caseworker", "You"]

    def test_the_sections_come_in_order_empty_ones_too(self) -> None:
        sections = shown_plan(PLAN, officer=False)["sections"]
        assert [s["name"] for s in sections] == [
            "circumstances",
            "housing_needs",
            "housing_wishes",
            "support_needs",
        ]
        assert sections[1]["text"] == ""

    def test_the_disagreement_keeps_its_reason(self) -> None:
        agreement = shown_plan(PLAN, officer=True)["agreement_shown"]
        assert agreement["answer_text"] == "Does not agree with the plan"
        assert agreement["reason"] == "Too far"

    @pytest.mark.parametrize(
        "name",
        [*words.CATEGORIES, *words.PROGRESS, "draft", "issued", "in_review"],
    )
    def test_every_name_has_welsh_words(self, name: str) -> None:
        def said(language: Language) -> str:
            token = current_language.set(language)
            try:
                if name in words.CATEGORIES:
                    return words.action_category(name)
                if name in words.PROGRESS:
                    return words.action_progress(name)
                return words.plan_status(name)
            finally:
                current_language.reset(token)

        assert said("en") != name
        assert said("cy") not in (name, said("en"))


class TestTheAgreement:
    def test_no_without_a_reason_is_an_error_on_the_reason(self) -> None:
        agreement = AgreementForm()
        assert agreement.read(form(agrees="no", reason="  ")) is None
        assert list(agreement.errors) == ["reason"]
        assert agreement.error_list() == [
            {"text": "Tell us why you do not agree with the plan", "href": "#reason"}
        ]

    def test_no_answer_at_all_is_an_error_on_the_radios(self) -> None:
        agreement = AgreementForm()
        assert agreement.read(form()) is None
        assert agreement.error_list()[0]["href"] == "#agrees"

    def test_a_reason_too_long_is_refused(self) -> None:
        agreement = AgreementForm()
        assert agreement.read(form(agrees="no", reason="x" * 1001)) is None
        assert "1000" in agreement.errors["reason"]

    def test_yes_sends_no_reason_and_no_sends_it(self) -> None:
        assert AgreementForm().read(form(agrees="yes", reason="ignored")) == {
            "agrees": True,
            "reason": None,
        }
        assert AgreementForm().read(form(agrees="no", reason="Too far from school")) == {
            "agrees": False,
            "reason": "Too far from school",
        }


class TestTheActionForms:
    def test_an_officers_action_needs_every_field_and_links_each_error(self) -> None:
        action = ActionForm(officer=True)
        assert action.read(form(**{"action_date-day": "31", "action_date-month": "2"})) is None
        assert set(action.errors) == {
            "category",
            "text",
            "by_whom",
            "complete_within_days",
            "action_date",
            "required",
        }
        links = {entry["href"] for entry in action.error_list()}
        assert "#action_date-day" in links
        assert "#category" in links

    @pytest.mark.parametrize("days", ["0", "366", "-1", "2.5", "ten"])
    def test_complete_within_is_a_whole_number_of_days_up_to_a_year(self, days: str) -> None:
        action = ActionForm(officer=False)
        action.read(form(complete_within_days=days))
        assert "complete_within_days" in action.errors

    def test_an_applicants_action_is_theirs_to_do(self) -> None:
        action = ActionForm(officer=False)
        body = action.read(
            form(
                category="generic",
                text="Look for housing outside the borough",
                by_whom="officer",
                complete_within_days="20",
                required="yes",
                notes="",
                **{"action_date-day": "24", "action_date-month": "4", "action_date-year": "2018"},
            )
        )
        assert body == {
            "category": "generic",
            "text": "Look for housing outside the borough",
            "by_whom": "applicant",
            "complete_within_days": 20,
            "action_date": "2018-04-24",
            "required": True,
            "notes": "",
        }

    def test_a_changed_action_is_filled_from_the_action_and_sends_its_progress(self) -> None:
        filled = ActionForm.of(ACTION, version='"4"')
        assert (filled.action_date.day, filled.action_date.month, filled.action_date.year) == (
            "24",
            "4",
            "2018",
        )
        changing = ActionForm(changing=True)
        sent = changing.read(
            form(
                category="financial",
                text="Referral",
                by_whom="officer",
                complete_within_days="5",
                required="no",
                progress="complete",
                **{"action_date-day": "24", "action_date-month": "4", "action_date-year": "2018"},
            )
        )
        assert sent is not None
        assert sent["progress"] == "complete"
        assert sent["required"] is False

    def test_progress_must_be_one_of_the_three(self) -> None:
        progress = ProgressForm()
        assert progress.read(form(progress="finished", notes="")) is None
        assert progress.error_list() == [
            {"text": "Select how far the action has got", "href": "#progress"}
        ]

    def test_an_assessment_section_too_long_is_refused_on_that_section(self) -> None:
        assessment = AssessmentForm()
        assert assessment.read(form(circumstances="ok", support_needs="x" * 4001)) is None
        assert list(assessment.errors) == ["support_needs"]
        body = AssessmentForm().read(form(circumstances=" Notice served "))
        assert body == {
            "circumstances": "Notice served",
            "housing_needs": "",
            "housing_wishes": "",
            "support_needs": "",
        }

    def test_an_action_date_out_of_the_years_the_api_takes_is_refused(self) -> None:
        action = ActionForm(officer=False)
        action.read(
            form(**{"action_date-day": "1", "action_date-month": "1", "action_date-year": "1999"})
        )
        assert "from 2000 to 2099" in action.errors["action_date"]

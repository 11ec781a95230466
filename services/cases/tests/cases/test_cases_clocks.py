"""The statutory clocks against a hand count over bank holidays."""

from datetime import date

from tests.support.cases import REFERRAL, CasesApi

from cases.cases.clocks import clock, is_working_day


class TestHandCount:
    def test_prevention_over_christmas_and_new_year(self) -> None:
        # Begun Tue 1 Dec 2026: 56 calendar days later is Tue 26 Jan 2027. From Fri 18 Dec, the
        # working days are 21-24 Dec (4), 29-31 Dec (3; 25 Dec and the 28 Dec substitute for
        # Boxing Day are bank holidays), 4-22 Jan (15; 1 Jan is one) and 25-26 Jan (2): 24.
        prevention = clock("prevention", date(2026, 12, 1), today=date(2026, 12, 18))
        assert prevention.due_on == date(2027, 1, 26)
        assert prevention.days_remaining == 39
        assert prevention.working_days_remaining == 24

    def test_review_window_over_easter(self) -> None:
        # Notified Mon 22 Mar 2027: asked for by Mon 12 Apr. Working days: 23-25 Mar (3), Good
        # Friday 26 Mar and Easter Monday 29 Mar are not, 30 Mar-2 Apr (4), 5-9 Apr (5), 12 Apr.
        review = clock("review", date(2027, 3, 22), today=date(2027, 3, 22))
        assert review.due_on == date(2027, 4, 12)
        assert review.days_remaining == 21
        assert review.working_days_remaining == 13

    def test_a_passed_clock_counts_below_zero(self) -> None:
        relief = clock("relief", date(2026, 1, 5), today=date(2026, 3, 4))
        assert relief.due_on == date(2026, 3, 2)
        assert relief.days_remaining == -2
        assert relief.working_days_remaining == 0

    def test_bank_holidays_and_weekends_are_not_working_days(self) -> None:
        assert not is_working_day(date(2026, 12, 28))  # substitute for Boxing Day
        assert not is_working_day(date(2026, 8, 31))  # summer bank holiday
        assert not is_working_day(date(2026, 12, 5))  # a Saturday
        assert is_working_day(date(2026, 12, 29))


class TestClocksOverTheApi:
    async def test_the_officer_and_applicant_see_the_same_due_date(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await api.create(
            applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        )
        case = await api.act(officer, case, "accept")
        case = await api.act(officer, case, "start_prevention", on="2026-12-01")
        for person in (applicant, officer):
            [prevention] = (await api.read(person, case["id"]))["clocks"]
            assert prevention["due_on"] == "2027-01-26"
            assert prevention["period_days"] == 56
        assert case["next_deadline"] == "2027-01-26"
        future = await api.change(
            "POST",
            officer,
            case,
            "/actions",
            {"action": "start_relief", "on": "2100-01-01"},
            status=422,
        )
        assert future["error"]["code"] == "date_in_future"

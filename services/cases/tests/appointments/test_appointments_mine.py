"""A person's own appointments between two days of the London calendar, across clock
changes, a page at a time."""

from tests.support.cases import Caller, CasesApi, Json
from tests.support.meetings import book, referral


async def mine(api: CasesApi, caller: Caller, **params: object) -> Json:
    response = await api.call("GET", caller, "/appointments", params=params)
    assert response.status_code == 200, response.text
    page: Json = response.json()
    return page


async def at(api: CasesApi, officer: Caller, case: Json, start: str, end: str) -> str:
    booked = await book(api, officer, case, starts_at=start, ends_at=end)
    return str(booked["id"])


class TestMyAppointments:
    async def test_days_are_london_days_whichever_side_of_a_clock_change(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await referral(api, applicant)
        # 28 March 2027: the clocks go forward at 01:00 UTC; 31 October 2027: back.
        late_27_march = await at(api, officer, case, "2027-03-27T23:30:00Z", "2027-03-27T23:50Z")
        early_28_march = await at(api, officer, case, "2027-03-28T00:30:00Z", "2027-03-28T00:50Z")
        late_30_october = await at(
            api, officer, case, "2027-10-30T22:30:00Z", "2027-10-30T22:50:00Z"
        )
        early_31_october = await at(
            api, officer, case, "2027-10-30T23:30:00Z", "2027-10-30T23:50:00Z"
        )

        march = await mine(api, applicant, **{"from": "2027-03-28", "to": "2027-03-28"})
        assert [item["id"] for item in march["items"]] == [early_28_march]
        before = await mine(api, applicant, **{"from": "2027-03-27", "to": "2027-03-27"})
        assert [item["id"] for item in before["items"]] == [late_27_march]
        october = await mine(api, applicant, **{"from": "2027-10-31", "to": "2027-10-31"})
        assert [item["id"] for item in october["items"]] == [early_31_october]
        eve = await mine(api, applicant, **{"from": "2027-10-30", "to": "2027-10-30"})
        assert [item["id"] for item in eve["items"]] == [late_30_october]

        everything = await mine(api, applicant, **{"from": "2027-01-01", "to": "2027-12-31"})
        assert [item["id"] for item in everything["items"]] == [
            late_27_march,
            early_28_march,
            late_30_october,
            early_31_october,
        ]
        assert (await mine(api, officer, **{"from": "2027-01-01", "to": "2027-12-31"}))[
            "items"
        ] == []

    async def test_pages_follow_one_another_soonest_first(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await referral(api, applicant)
        same = "2027-06-01T10:00:00+01:00", "2027-06-01T11:00:00+01:00"
        booked = [await at(api, officer, case, *same) for _ in range(3)]
        booked.append(await at(api, officer, case, "2027-06-02T10:00+01:00", "2027-06-02T11:00Z"))
        expected = [*sorted(booked[:3]), booked[3]]

        seen: list[str] = []
        cursor = None
        for _ in range(10):
            params = {"from": "2027-06-01", "to": "2027-06-30", "limit": 1}
            page = await mine(api, applicant, **params, **({"cursor": cursor} if cursor else {}))
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == expected

    async def test_bad_ranges_and_cursors_are_refused(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        for params, status in (
            ({"from": "2027-03-28", "to": "2027-03-27"}, 400),
            ({"from": "2027-01-01", "to": "2030-01-01"}, 400),
            ({"from": "28/03/2027"}, 422),
            ({"from": "0001-01-01", "to": "0001-01-02"}, 400),
            ({"from": "9999-12-31", "to": "9999-12-31"}, 400),
            ({"cursor": "not-a-cursor"}, 400),
            ({"limit": 0}, 422),
        ):
            response = await api.call("GET", applicant, "/appointments", params=params)
            assert response.status_code == status, (params, response.text)
            assert "code" in response.json()["error"]

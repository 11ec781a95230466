"""Every change reaches the broker as an event that matches its contract."""

from tests.support.bus import heard
from tests.support.cases import REGISTER, CasesApi

from portalstack.endpoints import Stack

LIVE = {
    "bidding_reference": "WBC-1",
    "registration_date": "2026-11-02",
    "band": 2,
    "review_date": "2027-11-02",
}


class TestEventsOnTheBroker:
    async def test_a_register_application_s_events_arrive_valid_and_in_order(
        self, api: CasesApi, stack: Stack
    ) -> None:
        async with heard(stack, "cases.#") as hear:
            applicant = await api.person("applicant")
            officer = await api.person("officer")
            case = await api.create(
                applicant, {"kind": "housing_register", "answers": REGISTER, "submit": True}
            )
            case = await api.act(officer, case, "assess")
            case = await api.act(officer, case, "set_live", register_details=LIVE)
            case = await api.change(
                "POST", applicant, case, "/circumstances", {"note": "A new baby"}
            )
            case = await api.change("POST", officer, case, "/circumstances/verification")
            expected = [
                "cases.case.created",
                "cases.case.status_changed",
                "cases.case.submitted",
                "cases.case.status_changed",
                "cases.case.status_changed",
                "cases.case.status_changed",
                "cases.case.suspended",
                "cases.circumstances.submitted",
                "cases.case.status_changed",
                "cases.case.reinstated",
                "cases.circumstances.verified",
            ]
            events = await hear(case["id"], len(expected))
        for envelope, _ in events:
            assert envelope.authority == "watford"
            assert envelope.subject == case["id"]
        arrived = [envelope.type for envelope, _ in events]
        assert sorted(arrived) == sorted(expected)
        assert arrived.index("cases.case.submitted") < arrived.index("cases.case.suspended")

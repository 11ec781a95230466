"""An applicant sends their household back as they were shown it, National Insurance numbers
masked: the numbers held are kept, and a masked number held for no one is refused."""

from tests.support.cases import HOUSEHOLD, CasesApi, CasesStore

PARTNER = {
    "name": "Jo Jules",
    "national_insurance_number": "AB123456C",
    "date_of_birth": "1982-02-01",
    "relationship": "partner",
}


class TestSendingTheHouseholdBack:
    async def test_a_masked_number_keeps_the_one_held_for_that_person(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        applicant = await api.person("applicant")
        draft = await api.create(applicant, {"kind": "housing_register", "household": HOUSEHOLD})
        shown = draft["household"][0]
        assert shown["national_insurance_number"] == "******34D"
        changed = await api.change(
            "PUT", applicant, draft, "/household", {"household": [shown, PARTNER]}
        )
        assert [m["national_insurance_number"] for m in changed["household"]] == [
            "******34D",
            "******56C",
        ]
        held = await cases_store.held(draft["id"])
        assert [m["national_insurance_number"] for m in held["household"]] == [
            "NS819834D",
            "AB123456C",
        ]

    async def test_a_masked_number_held_for_no_one_is_refused_and_nothing_changes(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        applicant = await api.person("applicant")
        draft = await api.create(applicant, {"kind": "housing_register", "household": HOUSEHOLD})
        for member in (
            {**PARTNER, "national_insurance_number": "******34D"},
            {**draft["household"][0], "date_of_birth": "1981-08-11"},
        ):
            refused = await api.change(
                "PUT", applicant, draft, "/household", {"household": [member]}, status=422
            )
            assert refused["error"]["code"] == "validation_failed"
            assert refused["error"]["details"][0]["loc"] == [
                "household",
                0,
                "national_insurance_number",
            ]
        held = await cases_store.held(draft["id"])
        assert held["household"][0]["national_insurance_number"] == "NS819834D"
        assert held["version"] == draft["version"]

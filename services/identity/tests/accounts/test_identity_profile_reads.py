"""Reading my account costs the store only what the answer is made of."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.portal import Person, Portal, error_code

# The store's profiler records every operation on identity's database while it is on; the
# person's own ids pick out this request's reads however busy the rest of the suite is.
RECORD_EVERYTHING = 2


def about(entry: dict[str, Any], person: Person) -> bool:
    """Whether a profiled operation reads or writes something of this person's."""
    command = json.dumps(entry.get("command", {}), default=str)
    return person.user_id in command or person.tokens["session_id"] in command


class TestReadingMyAccount:
    async def test_reads_the_account_and_the_factors_once_each(self, portal: Portal) -> None:
        person = await portal.applicant("watford")
        db = portal.store.db
        since = datetime.now(UTC) - timedelta(seconds=1)
        level = int((await db.command("profile", -1))["was"])
        await db.command("profile", RECORD_EVERYTHING)
        try:
            response = await portal.get("watford", "/me", person=person)
        finally:
            await db.command("profile", level)

        assert response.status_code == 200, response.text
        entries = await db["system.profile"].find({"ts": {"$gte": since}}).to_list(length=None)
        reads = Counter(
            str(entry["ns"]).rpartition(".")[2] for entry in entries if about(entry, person)
        )
        # The token was verified already and carries the roles here, and an ended session is
        # noted on the account: neither the session nor the membership is read.
        assert reads == {"accounts": 1, "factors": 1}

    async def test_ending_a_session_leaves_the_etag_of_my_profile_as_it_was(
        self, portal: Portal
    ) -> None:
        person = await portal.applicant("watford")
        other = Person(email=person.email, password=person.password, authority="watford")
        await portal.sign_in(other)
        etag = (await portal.get("watford", "/me", person=person)).headers["etag"]

        ended = await portal.call("DELETE", "watford", "/sessions/current", person=other)
        assert ended.status_code == 204
        assert error_code(await portal.get("watford", "/me", person=other), 401) == "session_ended"

        response = await portal.call(
            "PATCH",
            "watford",
            "/me",
            json={"phone": "01923 226400"},
            person=person,
            headers={"If-Match": etag},
        )
        assert response.status_code == 200, response.text

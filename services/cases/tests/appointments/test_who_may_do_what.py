"""Who may do what with a case's appointments and letters: every role against every action.

On a complaint to the ombudsman, an officer books one appointment with the complainant and
one with a user of the landlord, and issues a letter to the complainant. Officers and
managers do everything but acknowledge; the complainant sees, downloads and acknowledges
what is theirs; the landlord's user sees only the appointment they are met in; anyone who
cannot see the case finds nothing.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from tests.support.cases import OMBUDSMAN, OTHER_COUNCIL, Caller, CasesApi, Json
from tests.support.meetings import INTERVIEW, book, complaint, issue

LATER = {"starts_at": "2027-04-01T14:00:00+01:00", "ends_at": "2027-04-01T15:00:00+01:00"}


@dataclass(frozen=True)
class Scene:
    """A complaint with its people, appointments and letter."""

    case: Json
    with_complainant: Json
    with_landlord: Json
    letter: Json


ROLES = [
    "complainant",
    "other applicant",
    "officer",
    "manager",
    "authority administrator",
    "landlord user met",
    "landlord user not met",
    "other landlord's user",
    "other authority's officer",
]

# What each role gets from each action; anything not listed is 404 (moving or cancelling an
# appointment the caller cannot see among them).
ALLOWED: dict[str, dict[str, int]] = {
    "complainant": {
        "book": 403,
        "list": 200,
        "read own": 200,
        "move": 403,
        "cancel": 403,
        "calendar own": 200,
        "issue": 403,
        "list letters": 200,
        "open letter": 200,
        "acknowledge": 200,
    },
    "officer": {
        "book": 201,
        "list": 200,
        "read own": 200,
        "read other": 200,
        "move": 200,
        "cancel": 200,
        "calendar own": 200,
        "calendar other": 200,
        "issue": 201,
        "list letters": 200,
        "open letter": 200,
        "acknowledge": 403,
    },
    "landlord user met": {
        "book": 403,
        "list": 200,
        "read other": 200,
        "calendar other": 200,
        "issue": 403,
        "list letters": 200,
    },
    "landlord user not met": {
        "book": 403,
        "list": 200,
        "issue": 403,
        "list letters": 200,
    },
}
ALLOWED["manager"] = ALLOWED["officer"]
# What each role's lists show: "own" the appointment with the complainant, "other" the one
# with the landlord's user, "letter" the letter.
LISTED: dict[str, set[str]] = {
    "complainant": {"own", "letter"},
    "officer": {"own", "other", "letter"},
    "manager": {"own", "other", "letter"},
    "landlord user met": {"other"},
    "landlord user not met": set(),
}


async def people(api: CasesApi, landlord: str) -> dict[str, Caller]:
    """Someone in every role, at the ombudsman unless they belong elsewhere."""
    return {
        "complainant": await api.person("applicant", authority=OMBUDSMAN),
        "other applicant": await api.person("applicant", authority=OMBUDSMAN),
        "officer": await api.person("officer", authority=OMBUDSMAN),
        "manager": await api.person("manager", authority=OMBUDSMAN),
        "authority administrator": await api.person("authority_admin", authority=OMBUDSMAN),
        "landlord user met": await api.person(
            "landlord_user", authority=OMBUDSMAN, organisation=landlord
        ),
        "landlord user not met": await api.person(
            "landlord_user", authority=OMBUDSMAN, organisation=landlord
        ),
        "other landlord's user": await api.person(
            "landlord_user", authority=OMBUDSMAN, organisation=uuid.uuid4().hex[:12]
        ),
        "other authority's officer": await api.person("officer", authority=OTHER_COUNCIL),
    }


async def scene(api: CasesApi, cast: dict[str, Caller], landlord: str) -> Scene:
    officer = cast["officer"]
    case = await complaint(api, cast["complainant"], landlord)
    return Scene(
        case=case,
        with_complainant=await book(api, officer, case),
        with_landlord=await book(
            api, officer, case, person_id=cast["landlord user met"].user_id, how="video"
        ),
        letter=await issue(api, officer, case),
    )


Action = Callable[[CasesApi, Caller, Scene], Awaitable[tuple[int, set[str]]]]


def _listed(body: Json, scene: Scene) -> set[str]:
    names = {
        scene.with_complainant["id"]: "own",
        scene.with_landlord["id"]: "other",
        scene.letter["id"]: "letter",
    }
    return {names[item["id"]] for item in body.get("items", []) if item["id"] in names}


def request(method: str, path: str, *, body: Json | None = None, if_match: bool = False) -> Action:
    async def act(api: CasesApi, caller: Caller, scene: Scene) -> tuple[int, set[str]]:
        filled = path.format(
            case=scene.case["id"],
            own=scene.with_complainant["id"],
            other=scene.with_landlord["id"],
            letter=scene.letter["id"],
        )
        headers = {"If-Match": f'"{scene.with_complainant["version"]}"'} if if_match else None
        response = await api.call(
            method, caller, filled, json=body, headers=headers, authority=OMBUDSMAN
        )
        if response.headers.get("content-type", "").startswith("application/json"):
            if response.status_code >= 400:
                assert set(response.json()["error"]) >= {"code", "message"}
                return response.status_code, set()
            return response.status_code, _listed(response.json(), scene)
        return response.status_code, set()

    return act


ACTIONS: dict[str, Action] = {
    "book": request("POST", "/cases/{case}/appointments", body=INTERVIEW),
    "list": request("GET", "/cases/{case}/appointments"),
    "read own": request("GET", "/cases/{case}/appointments/{own}"),
    "read other": request("GET", "/cases/{case}/appointments/{other}"),
    "move": request("PATCH", "/cases/{case}/appointments/{own}", body=LATER, if_match=True),
    "cancel": request(
        "POST", "/cases/{case}/appointments/{own}/cancellation", body={}, if_match=True
    ),
    "calendar own": request("GET", "/appointments/{own}.ics"),
    "calendar other": request("GET", "/appointments/{other}.ics"),
    "issue": request(
        "POST",
        "/cases/{case}/letters",
        body={
            "template": "decision",
            "title": "Our decision",
            "body": "We have decided to investigate.",
            "signed_by": "Dawn Price",
        },
    ),
    "list letters": request("GET", "/cases/{case}/letters"),
    "open letter": request("GET", "/cases/{case}/letters/{letter}/pdf"),
    "acknowledge": request("POST", "/cases/{case}/letters/{letter}/acknowledge"),
}


class TestWhoMayDoWhat:
    @pytest.mark.parametrize("role", ROLES)
    async def test_each_action(self, api: CasesApi, role: str) -> None:
        landlord = uuid.uuid4().hex[:12]
        cast = await people(api, landlord)
        caller = cast[role]
        outcome: dict[str, int] = {}
        for name, action in ACTIONS.items():
            # Each action on a fresh scene: a move or a cancellation changes what comes next.
            status, listed = await action(api, caller, await scene(api, cast, landlord))
            outcome[name] = status
            if name in ("list", "list letters") and status == 200:
                wanted = {"own", "other"} if name == "list" else {"letter"}
                assert listed == LISTED[role] & wanted, (role, name, listed)
        allowed = ALLOWED.get(role, {})
        if role == "other authority's officer":
            # Their token is not for this authority: the gateway turns them away.
            assert set(outcome.values()) <= {401, 403}, outcome
            return
        expected = {name: allowed.get(name, 404) for name in ACTIONS}
        assert outcome == expected

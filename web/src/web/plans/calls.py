"""The plan's API as the pages call it, as the applicant or as an officer, and what its refusals
mean for the person filling in a form."""

from dataclasses import dataclass
from typing import Any, Protocol

from kit.errors import NotFound
from web.gateway import ApiAnswer, GatewayUnavailable
from web.i18n import gettext as _


class Caller(Protocol):
    """Someone who calls the API as themselves: the applicant or an officer."""

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        if_match: str | None = None,
    ) -> ApiAnswer: ...


@dataclass(frozen=True)
class Plan:
    """A plan as the API gave it, and its version for an If-Match."""

    body: dict[str, Any]
    version: str


@dataclass(frozen=True)
class PlanCalls:
    """The calls about one case's plan, from `base` (the case's path on the API)."""

    caller: Caller
    base: str

    async def read(self) -> Plan | None:
        """The plan, or None when the case has none the caller may see; not found when the
        case itself is not theirs."""
        answer = await self.caller.call("GET", f"{self.base}/plan")
        if answer.status == 404 and answer.error_code == "plan_not_found":
            return None
        if answer.status in (403, 404):
            raise NotFound()
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise GatewayUnavailable(f"plan answered {answer.status}")
        return Plan(answer.body, answer.etag or "")

    async def must_read(self) -> Plan:
        """The plan; not found when there is none."""
        plan = await self.read()
        if plan is None:
            raise NotFound()
        return plan

    async def versions(self) -> list[dict[str, Any]]:
        """The plan's issued versions, newest first."""
        answer = await self.caller.call(
            "GET", f"{self.base}/plan/versions", params={"limit": "100"}
        )
        if answer.status != 200 or not isinstance(answer.body, dict):
            return []
        return [item for item in answer.body.get("items", []) if isinstance(item, dict)]

    async def version(self, issue_number: int) -> dict[str, Any]:
        """The plan as it was issued that time; not found when it never was."""
        answer = await self.caller.call("GET", f"{self.base}/plan/versions/{issue_number}")
        if answer.status in (403, 404, 422):
            raise NotFound()
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise GatewayUnavailable(f"plan version answered {answer.status}")
        return answer.body

    async def change(
        self,
        method: str,
        path: str,
        *,
        version: str,
        body: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> ApiAnswer:
        """A change to the plan, made from the version the form was filled from."""
        headers = {"Idempotency-Key": key} if key else None
        answer = await self.caller.call(
            method,
            f"{self.base}/plan{path}",
            body=body,
            headers=headers,
            if_match=version or '""',
        )
        if answer.status == 404 and answer.error_code != "plan_not_found":
            raise NotFound()
        return answer


def stale_message() -> str:
    """What a form says when the plan changed after the page showed it."""
    return _(
        "Someone else changed the plan after you opened this page. "
        "The page now shows the latest plan: check it and make your change again"
    )


def reviewing_message() -> str:
    """What the applicant hears when the caseworker has the plan."""
    return _(
        "Your caseworker is reviewing your plan. "
        "You can change it again once they send it back to you"
    )


def refusal(answer: ApiAnswer) -> str | None:
    """Why the API refused a change, in words for the person; None when it made it."""
    if answer.status in (200, 201, 204):
        return None
    code = answer.error_code
    if answer.status in (412, 428):
        return stale_message()
    if code == "plan_not_open_to_you":
        return reviewing_message()
    if code in ("case_not_open", "case_closed"):
        return _("The case is closed: its plan can no longer be changed")
    if code == "plan_incomplete":
        return _("Add at least one action before you issue the plan")
    if code == "plan_full":
        return _("The plan has as many actions as it can hold: remove one before adding another")
    if code == "plan_exists":
        return _("The case already has a plan")
    if code == "plan_not_for_this_case":
        return _("Only a homelessness case has a Personal Housing Plan")
    if answer.status == 403:
        return _("You cannot change this part of the plan")
    if answer.status == 422:
        return _("Check what you entered: the plan could not be saved with it")
    return _("The plan could not be saved just now: try again")


def field_of(answer: ApiAnswer, known: frozenset[str]) -> str | None:
    """The form field a validation answer names, if it names one the form has."""
    details = answer.error_details
    if not isinstance(details, list):
        return None
    for item in details:
        if not isinstance(item, dict):
            continue
        named = item.get("field")
        if isinstance(named, str) and named in known:
            return named
        where = item.get("loc")
        if isinstance(where, list) and where and str(where[-1]) in known:
            return str(where[-1])
    return None


def refuse_on(
    errors: dict[str, str], answer: ApiAnswer, *, first: str, known: frozenset[str]
) -> None:
    """Put the API's refusal on the field it names, else on the form's first field."""
    reason = refusal(answer)
    if reason is not None:
        errors[field_of(answer, known) or first] = reason


def is_stale(answer: ApiAnswer) -> bool:
    """Whether the plan changed after the form was filled."""
    return answer.status in (412, 428)

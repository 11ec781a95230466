"""The cases API as the applicant's pages call it: their applications, the kinds offered."""

import datetime
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request

from kit.errors import NotFound
from web.account.dependencies import Person, SignedInPerson
from web.account.identity import as_person, items_of
from web.cases.questions import Question, questions_of
from web.cases.words import kind_title, status_label
from web.gateway import ApiAnswer, Download, GatewayUnavailable, gateway_of
from web.i18n import format_date

# The ids the cases API gives cases: only such a value from an address reaches the API.
CaseId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
DRAFT = "draft"
PAGE_SIZE = "20"
ENDED = frozenset({"closed", "cancelled"})


@dataclass(frozen=True)
class Applicant:
    """The signed-in person, calling the cases API as themselves."""

    request: Request
    person: Person

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        if_match: str | None = None,
    ) -> ApiAnswer:
        """Call the cases API's `path` with the person's token."""
        return await as_person(
            self.request,
            self.person,
            method,
            path,
            body=body,
            params=params,
            headers=headers,
            if_match=if_match,
            service="cases",
        )

    async def download(self, path: str) -> Download:
        """A file from the API (`path` under `/{authority}/api`) for the person, to pass on as
        it arrives; not found unless the API sends it."""
        person = self.person
        download = await gateway_of(self.request).download(
            f"/{person.tokens.authority}/api{path}",
            token=person.access_token,
            forwarded_for=self.request.headers.get("x-forwarded-for"),
        )
        if download.status != 200:
            download.close()
            raise NotFound()
        return download

    async def kinds(self) -> list[dict[str, Any]]:
        """The kinds of application the authority offers."""
        answer = await self.call("GET", "/kinds")
        if answer.status != 200:
            raise GatewayUnavailable(f"kinds answered {answer.status}")
        return items_of(answer)

    async def questions(self, kind: str) -> list[Question]:
        """The questions of a kind the authority offers."""
        for offered in await self.kinds():
            if offered.get("kind") == kind:
                return questions_of(offered)
        raise NotFound()

    async def case(self, case_id: str) -> ApiAnswer:
        """One of the person's cases, with its ETag; not found when it is not theirs."""
        answer = await self.call("GET", f"/cases/{case_id}")
        if answer.status == 404:
            raise NotFound()
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise GatewayUnavailable(f"case answered {answer.status}")
        return answer

    async def cases(
        self, state: str, *, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the person's open or closed cases, newest first, and the next page's
        cursor; the first page when the cursor is not one the API gave."""
        params = {"state": state, "limit": PAGE_SIZE}
        paged = {**params, "cursor": cursor} if cursor else params
        answer = await self.call("GET", "/cases", params=paged)
        if cursor and answer.status == 400:
            answer = await self.call("GET", "/cases", params=params)
        following = answer.body.get("next_cursor") if isinstance(answer.body, dict) else None
        return items_of(answer), following if isinstance(following, str) else None


def applicant(request: Request, person: SignedInPerson) -> Applicant:
    """The signed-in person as an applicant."""
    return Applicant(request, person)


ApplicantDep = Annotated[Applicant, Depends(applicant)]


def day_of(value: Any) -> str:
    """An API date or time shown as its day, or nothing."""
    if not isinstance(value, str) or not value:
        return ""
    return format_date(datetime.date.fromisoformat(value[:10]))


def listed(case: dict[str, Any]) -> dict[str, Any]:
    """A case as the list of applications shows it, with what can be done with it."""
    status = str(case.get("status"))
    return {
        **case,
        "kind_title": kind_title(str(case.get("kind"))),
        "status_text": status_label(status),
        "started": day_of(case.get("created_at")),
        "submitted": day_of(case.get("submitted_at")),
        "closed": day_of(case.get("closed_at")),
        "is_draft": status == DRAFT,
        "is_open": status not in ENDED,
        "can_report_change": case.get("kind") == "housing_register" and status == "live",
    }

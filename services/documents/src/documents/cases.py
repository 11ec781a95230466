"""What the documents service knows of a case, asked of the cases service as the caller.

The cases service decides who may see a case (its own policy, with the caller's own token),
and holds the household and the complaint's landlord, which its events do not carry.
"""

from dataclasses import dataclass
from typing import Any

import httpx

from documents.errors import CaseNotFound
from kit import context, logs
from kit.errors import ServiceUnavailable

log = logs.get_logger("documents.cases")


@dataclass(frozen=True)
class CaseFacts:
    """A case as the caller may see it: who it is for and who is in its household."""

    id: str
    kind: str
    applicant_id: str
    organisation_id: str | None
    people: tuple[str, ...]

    def person(self, name: str) -> str | None:
        """The case's own spelling of a person named in it (any case, spaces trimmed)."""
        wanted = " ".join(name.split()).casefold()
        return next((p for p in self.people if " ".join(p.split()).casefold() == wanted), None)


def _facts(body: dict[str, Any]) -> CaseFacts:
    people: list[str] = [str(member["name"]) for member in body.get("household") or []]
    for name in (body.get("applicant_name"), body.get("complainant_name")):
        if name and str(name) not in people:
            people.append(str(name))
    return CaseFacts(
        id=str(body["id"]),
        kind=str(body["kind"]),
        applicant_id=str(body["applicant_id"]),
        organisation_id=body.get("organisation_id"),
        people=tuple(people),
    )


class CaseLookup:
    """Reads cases through the cases service's API, as the caller."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=httpx.Timeout(10.0, connect=2.0)
        )

    async def close(self) -> None:
        """Close the connections."""
        await self.http.aclose()

    async def visible(self, case_id: str, *, authority: str, authorization: str) -> CaseFacts:
        """The case, if the caller may see it; not found otherwise."""
        if len(case_id) != 32 or not all(c in "0123456789abcdef" for c in case_id):
            raise CaseNotFound()
        headers = {"Authorization": authorization, "X-Authority": authority}
        request_id = context.request_id.get()
        if request_id:
            headers["X-Request-ID"] = request_id
        try:
            response = await self.http.get(f"/cases/{case_id}", headers=headers)
        except httpx.HTTPError as exc:
            log.warning("cases service unreachable", extra={"reason": repr(exc)})
            raise ServiceUnavailable("Cases cannot be read right now; try again.") from exc
        if response.status_code in (401, 403, 404):
            raise CaseNotFound()
        if response.status_code != 200:
            raise ServiceUnavailable("Cases cannot be read right now; try again.")
        return _facts(response.json())

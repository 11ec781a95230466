"""The documents API as the applicant's pages call it, for one of their applications."""

import json
from dataclasses import dataclass
from typing import Annotated, Any

import aiohttp
from fastapi import Path
from starlette.datastructures import UploadFile

from web.account.identity import as_person, items_of
from web.cases.applications import Applicant
from web.gateway import ApiAnswer, GatewayUnavailable

# The ids the documents API gives documents and requests.
DocumentId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
PAGE_SIZE = "20"


@dataclass(frozen=True)
class Limits:
    """What the housing service accepts: the largest file, the file types, the classifications."""

    max_bytes: int
    max_files: int
    extensions: list[str]
    classifications: dict[str, str]


@dataclass(frozen=True)
class CaseDocuments:
    """The documents of one of the applicant's applications."""

    applicant: Applicant
    case_id: str

    async def call(
        self,
        method: str,
        path: str = "",
        *,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        if_match: str | None = None,
        form: aiohttp.FormData | None = None,
    ) -> ApiAnswer:
        """Call the documents API about this case (`path` under `/cases/{id}`)."""
        return await as_person(
            self.applicant.request,
            self.applicant.person,
            method,
            f"/cases/{self.case_id}{path}",
            params=params,
            headers=headers,
            if_match=if_match,
            form=form,
            service="documents",
        )

    async def limits(self) -> Limits:
        """What uploads the housing service accepts."""
        answer = await as_person(
            self.applicant.request, self.applicant.person, "GET", "/limits", service="documents"
        )
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise GatewayUnavailable(f"limits answered {answer.status}")
        body = answer.body
        return Limits(
            max_bytes=int(body["max_bytes"]),
            max_files=int(body["max_files"]),
            extensions=[str(extension) for extension in body["allowed_extensions"]],
            classifications={str(c["code"]): str(c["label"]) for c in body["classifications"]},
        )

    async def requests(self) -> tuple[list[dict[str, Any]], int, int]:
        """The documents asked for, oldest first, with how many of them were supplied."""
        answer = await self.call("GET", "/requests")
        body = answer.body if isinstance(answer.body, dict) else {}
        return items_of(answer), int(body.get("supplied", 0)), int(body.get("total", 0))

    async def page(self, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the case's documents, newest first, and the next page's cursor; the
        first page when the cursor is not one the API gave."""
        params = {"limit": PAGE_SIZE}
        answer = await self.call(
            "GET", "/documents", params={**params, "cursor": cursor} if cursor else params
        )
        if cursor and answer.status == 400:
            answer = await self.call("GET", "/documents", params=params)
        following = answer.body.get("next_cursor") if isinstance(answer.body, dict) else None
        return items_of(answer), following if isinstance(following, str) else None

    async def upload(
        self, items: list[dict[str, Any]], files: list[UploadFile], *, key: str
    ) -> ApiAnswer:
        """Send the files with what each is; each is read from where the form kept it."""
        form = aiohttp.FormData()
        form.add_field("documents", json.dumps(items), content_type="application/json")
        for file in files:
            file.file.seek(0)
            form.add_field(
                "files",
                file.file,
                filename=file.filename or "file",
                content_type=file.content_type or "application/octet-stream",
            )
        return await self.call("POST", "/documents", headers={"Idempotency-Key": key}, form=form)

"""The documents service as the cases service uses it: PDFs it makes (application copies,
letters) kept with a case's documents, and those PDFs read back as the caller.

Keeping goes through the documents service's internal route, with the portal's internal key;
reading goes through its public route with the caller's own token, so the documents service
decides, as for any document, whether the caller may have the file.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from kit import context
from kit.errors import ServiceUnavailable

INTERNAL_KEY_HEADER = "X-Internal-Key"


class DocumentNotKept(RuntimeError):
    """The documents service did not keep the PDF (away, or refused it)."""


@dataclass(frozen=True)
class OpenedFile:
    """A document's file as the documents service streams it."""

    chunks: AsyncIterator[bytes]
    content_type: str
    size: str | None


class GeneratedDocuments:
    """Keeps the cases service's PDFs with a case's documents, and reads them back."""

    def __init__(self, documents_url: str, *, internal_key: str) -> None:
        self.http = httpx.AsyncClient(
            base_url=documents_url.rstrip("/"), timeout=httpx.Timeout(30.0, connect=2.0)
        )
        self.internal_key = internal_key

    async def keep(
        self,
        pdf: bytes,
        *,
        authority: str,
        case_id: str,
        kind: str,
        file_name: str,
        description: str,
        idempotency_key: str,
    ) -> str:
        """Keep a PDF as a document of the case; its document id. The key makes a retry keep
        one copy."""
        try:
            answer = await self.http.post(
                f"/internal/cases/{case_id}/documents",
                content=pdf,
                params={"kind": kind, "file_name": file_name, "description": description},
                headers={
                    INTERNAL_KEY_HEADER: self.internal_key,
                    "X-Authority": authority,
                    "Content-Type": "application/pdf",
                    "Idempotency-Key": idempotency_key,
                    **_request_id(),
                },
            )
        except httpx.HTTPError as exc:
            raise DocumentNotKept(f"documents unreachable: {exc!r}") from exc
        if answer.status_code != 201:
            raise DocumentNotKept(f"documents answered {answer.status_code}: {answer.text[:200]}")
        return str(answer.json()["id"])

    async def open(
        self, *, authority: str, case_id: str, document_id: str, authorization: str
    ) -> OpenedFile:
        """A document's file, asked for as the caller; unavailable if it cannot be had."""
        request = self.http.build_request(
            "GET",
            f"/cases/{case_id}/documents/{document_id}/file",
            headers={"Authorization": authorization, "X-Authority": authority, **_request_id()},
        )
        try:
            response = await self.http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable("The letter cannot be read right now; try again.") from exc
        if response.status_code != 200:
            await response.aclose()
            raise ServiceUnavailable("The letter cannot be read right now; try again.")

        async def chunks() -> AsyncIterator[bytes]:
            try:
                async for chunk in response.aiter_bytes():
                    yield chunk
            finally:
                await response.aclose()

        return OpenedFile(
            chunks=chunks(),
            content_type=response.headers.get("content-type", "application/pdf"),
            size=response.headers.get("content-length"),
        )


def _request_id() -> dict[str, str]:
    request_id = context.request_id.get()
    return {"X-Request-ID": request_id} if request_id else {}

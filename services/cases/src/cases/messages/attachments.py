"""Attachments of messages: documents of the case, as the documents service tells the sender.

The documents service keeps the documents; it is asked, with the sender's own token, for each
document named, so an attachment is one of the case's documents that the sender may see."""

from dataclasses import dataclass

import httpx

from kit.authorities import AUTHORITY_HEADER
from kit.errors import AppError, ServiceUnavailable

# A few attachments per message: each is one read of the documents service.
TIMEOUT_SECONDS = 10.0


class AttachmentNotFound(AppError):
    """An attachment names no document of the case that the sender may see."""

    status = 422
    code = "attachment_not_found"
    message = "Attach only documents of this case."


@dataclass(frozen=True)
class CaseDocuments:
    """The documents service at its internal address."""

    base_url: str

    async def check(
        self, *, authority: str, case_id: str, document_ids: list[str], authorization: str
    ) -> None:
        """Refuse unless every document named is one of the case's that the sender may see."""
        if not document_ids:
            return
        missing: list[str] = []
        headers = {"Authorization": authorization, AUTHORITY_HEADER: authority}
        try:
            async with httpx.AsyncClient(
                base_url=self.base_url.rstrip("/"), timeout=TIMEOUT_SECONDS
            ) as http:
                for document_id in dict.fromkeys(document_ids):
                    answer = await http.get(
                        f"/cases/{case_id}/documents/{document_id}", headers=headers
                    )
                    if answer.status_code == 404:
                        missing.append(document_id)
                    elif answer.status_code != 200:
                        raise ServiceUnavailable(
                            "The attachments could not be checked; try again in a moment."
                        )
        except httpx.HTTPError as error:
            raise ServiceUnavailable(
                "The attachments could not be checked; try again in a moment."
            ) from error
        if missing:
            raise AttachmentNotFound(details={"missing": missing})

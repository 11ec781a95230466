"""Notices of documents, and the copy of each case's people they need.

Document events name only the case: who its applicant and owner are, and the applicant's
language and the case's reference, come from the case events this service already hears,
kept here as a small copy of each case. A document event of a case not heard of yet tells
nobody.
"""

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from pymongo.errors import DuplicateKeyError

from contracts.envelope import Envelope
from contracts.events.cases import CaseKind
from contracts.events.documents import (
    DocumentRejected,
    DocumentUploaded,
    DocumentVerified,
    RequestCreated,
)
from contracts.fields import Language
from contracts.payload import EventPayload
from kit.mongo import Document, Session
from kit.repository import AuthorityRepository, scoped
from notifications.inbox.casework import tell
from notifications.inbox.notice import STAFF_LANGUAGE, Notice, NoticeKind

CASE_COPIES = "case_copies"

# A case copy document, one per case:
#   _id           "{authority}:{case_id}"
#   authority, case_id, reference, kind, applicant_id, owner_id, language
#   email         the applicant's address, only when they said it is OK to email them
#   at            when the event it was copied from happened: an older event never
#                 overwrites a newer one's copy
#   removed       True on the tombstone of a case removed (a draft deleted): the rest of
#                 the copy is gone, and no event of the case tells anyone any more

DocumentEvent = RequestCreated | DocumentVerified | DocumentRejected | DocumentUploaded
DOCUMENT_EVENTS: tuple[type[DocumentEvent], ...] = (
    RequestCreated,
    DocumentVerified,
    DocumentRejected,
    DocumentUploaded,
)


@dataclass(frozen=True)
class KnownCase:
    """What a notice needs of a case that its event does not name."""

    case_id: str
    reference: str
    kind: CaseKind
    applicant_id: str
    owner_id: str | None
    language: Language
    # The applicant's address, only when they said it is OK to email them.
    email: str | None = None


class CaseCopies(AuthorityRepository):
    """The people of each case heard of, as the latest case event named them."""

    collection_name = CASE_COPIES

    async def remember(
        self, authority: str, case: KnownCase, *, at: datetime, session: Session
    ) -> None:
        """Keep the case's people as of `at`, unless a later event already told of them or
        the case was removed: one write, which a later copy or the case's tombstone refuses
        (the upsert then finds the id taken)."""
        copy_id = f"{authority}:{case.case_id}"
        with contextlib.suppress(DuplicateKeyError):
            await self.collection.replace_one(
                {"_id": copy_id, "removed": {"$ne": True}, "at": {"$lte": at}},
                {
                    "authority": authority,
                    "case_id": case.case_id,
                    "reference": case.reference,
                    "kind": case.kind,
                    "applicant_id": case.applicant_id,
                    "owner_id": case.owner_id,
                    "language": case.language,
                    "email": case.email,
                    "at": at,
                },
                upsert=True,
                session=session,
            )

    async def forget(self, authority: str, case_id: str, *, at: datetime, session: Session) -> None:
        """Leave a tombstone for a case that no longer exists: its events, should any come
        late or again, tell nobody."""
        await self.collection.replace_one(
            scoped(authority, {"_id": f"{authority}:{case_id}"}),
            {"authority": authority, "case_id": case_id, "removed": True, "at": at},
            upsert=True,
            session=session,
        )

    async def get(self, authority: str, case_id: str, *, session: Session) -> KnownCase | None:
        """The case's people, if any case event named them and the case was not removed."""
        found: Document | None = await self.collection.find_one(
            scoped(authority, {"_id": f"{authority}:{case_id}"}), session=session
        )
        return None if found is None else _known(found)

    async def get_all(
        self, authority: str, case_ids: Iterable[str], *, session: Session
    ) -> dict[str, KnownCase | None]:
        """The people of each of these cases that a case event named, in one read; None for
        a case that was removed."""
        found = self.collection.find(
            scoped(authority, {"_id": {"$in": [f"{authority}:{case}" for case in case_ids]}}),
            session=session,
        )
        return {copy["case_id"]: _known(copy) async for copy in found}


def _known(copy: Document) -> KnownCase | None:
    if copy.get("removed"):
        return None
    return KnownCase(
        case_id=copy["case_id"],
        reference=copy["reference"],
        kind=copy["kind"],
        applicant_id=copy["applicant_id"],
        owner_id=copy["owner_id"],
        language=copy["language"],
        email=copy.get("email"),
    )


APPLICANT_KINDS: dict[type[EventPayload], NoticeKind] = {
    RequestCreated: "document_requested",
    DocumentVerified: "document_verified",
    DocumentRejected: "document_rejected",
}


def document_notices(envelope: Envelope, payload: EventPayload, case: KnownCase) -> list[Notice]:
    """A document asked for, verified or rejected tells the applicant; one the applicant
    uploads tells the case's owner."""
    authority = quote(envelope.authority, safe="")
    case_id = quote(case.case_id, safe="")
    kind = APPLICANT_KINDS.get(type(payload))
    if kind is not None:
        if envelope.actor == case.applicant_id:
            return []
        return [
            tell(
                kind,
                user_id=case.applicant_id,
                audience="applicant",
                language=case.language,
                reference=case.reference,
                link=f"/{authority}/applications/{case_id}/documents",
                case_id=case.case_id,
            )
        ]
    if (
        isinstance(payload, DocumentUploaded)
        and payload.source == "upload"
        and payload.uploaded_by == case.applicant_id
        and case.owner_id is not None
        and case.owner_id != envelope.actor
    ):
        area = "complaints" if case.kind == "complaint" else "caseload"
        return [
            tell(
                "document_uploaded",
                user_id=case.owner_id,
                audience="staff",
                language=STAFF_LANGUAGE,
                reference=case.reference,
                link=f"/{authority}/{area}/{case_id}/documents",
                case_id=case.case_id,
            )
        ]
    return []

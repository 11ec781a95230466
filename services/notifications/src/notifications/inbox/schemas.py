"""What the notifications API answers and takes."""

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from contracts.fields import Language
from kit.mongo import Document
from notifications.inbox.activity import NOTICE_KINDS, NoticeKind


class NotificationView(BaseModel):
    """One notice as its person sees it."""

    id: str = Field(description="The notification id.")
    kind: NoticeKind = Field(description="Which kind of event it tells of.")
    activity: str = Field(
        description="What happened: in the language asked for, or else the person's."
    )
    language: Language = Field(description="The language `activity` is in.")
    link: str = Field(description="The portal path of the thing it is about.")
    case_id: str | None = Field(description="The case it is about, if any.")
    created_at: datetime
    seen_at: datetime | None = Field(
        default=None, description="When the person opened it; null while unseen."
    )

    @classmethod
    def from_record(
        cls, record: Document, *, language: Language | None = None
    ) -> "NotificationView":
        """The view of a stored notice: in the language asked for, when the notice holds its
        text in it; otherwise in the language it was told in."""
        texts: dict[str, str] = record.get("activities") or {}
        shown = {"activity": texts[language], "language": language} if language in texts else {}
        return cls.model_validate({**record, **shown, "id": record["_id"]})


class NotificationPage(BaseModel):
    """A page of the person's notices, newest first."""

    items: list[NotificationView]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class UnreadCount(BaseModel):
    """How many of the person's notices they have not opened."""

    unread: int = Field(ge=0)


class MarkedSeen(BaseModel):
    """How many notices were marked seen now."""

    marked: int = Field(ge=0)


def kinds_turned_off(record: Document | None) -> set[NoticeKind]:
    """The kinds a person's stored choices turn off."""
    return set(record.get("email_off", [])) if record is not None else set()


class Preferences(BaseModel):
    """Which kinds of event the person is emailed about (true: emailed, where the case's
    contact details allow email). Account emails are always sent."""

    email: dict[NoticeKind, bool] = Field(
        description="Every kind of event the person is told of in the roles they hold now, "
        "and the choice."
    )
    version: int = Field(ge=0, description="Send it back in If-Match to change the choices.")

    @classmethod
    def from_record(
        cls, record: Document | None, *, offered: Sequence[NoticeKind]
    ) -> "Preferences":
        """The choices stored of the kinds offered, every kind not turned off being on."""
        off = kinds_turned_off(record)
        version = int(record["version"]) if record is not None else 0
        return cls(email={kind: kind not in off for kind in offered}, version=version)


class PreferencesChange(BaseModel):
    """The person's choices; a kind left out is emailed."""

    model_config = ConfigDict(extra="forbid")

    email: dict[NoticeKind, StrictBool] = Field(
        description="Kinds of event and whether to email about them."
    )

    def not_offered(self, offered: Sequence[NoticeKind]) -> list[NoticeKind]:
        """The kinds chosen that the person is never told of, in the usual order."""
        return [kind for kind in NOTICE_KINDS if kind in self.email and kind not in offered]

    def turned_off(
        self, offered: Sequence[NoticeKind], *, before: Document | None
    ) -> list[NoticeKind]:
        """The kinds the person does not want emails about, in the usual order: their choices
        of the kinds offered, and what they chose before of the others (told to a role they
        do not hold now)."""
        kept = kinds_turned_off(before)
        return [
            kind
            for kind in NOTICE_KINDS
            if (self.email.get(kind) is False if kind in offered else kind in kept)
        ]

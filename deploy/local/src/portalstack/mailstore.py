"""Caught email kept on disk: one .eml file per message plus an append-only index."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path
from typing import Any

INDEX_NAME = "index.jsonl"
LISTED_HEADERS = ("From", "To", "Cc", "Reply-To", "Date", "Message-ID", "Content-Language")


@dataclass(frozen=True)
class Envelope:
    """SMTP delivery facts of one caught message, as written to the index."""

    id: str
    received_at: str
    mail_from: str
    rcpt_tos: tuple[str, ...]

    def as_record(self) -> dict[str, Any]:
        """Index line of this message."""
        return {
            "id": self.id,
            "received_at": self.received_at,
            "mail_from": self.mail_from,
            "rcpt_tos": list(self.rcpt_tos),
        }


def _body(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None:
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        # An unknown charset or broken transfer encoding: show what is there.
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            return None
        return payload.decode(errors="replace").replace("\r\n", "\n")
    # SMTP carries CRLF line ends; readers (and tests) expect plain newlines.
    return content.replace("\r\n", "\n") if isinstance(content, str) else None


def describe(envelope: Envelope, raw: bytes) -> dict[str, Any]:
    """JSON view of a message: envelope, main headers, text and html bodies, attachments."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    headers = {name: str(message[name]) for name in LISTED_HEADERS if message[name] is not None}
    attachments = [
        {
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "size": len(part.get_payload(decode=True) or b""),
        }
        for part in message.iter_attachments()
    ]
    return {
        "id": envelope.id,
        "from": envelope.mail_from,
        "to": list(envelope.rcpt_tos),
        "subject": str(message["Subject"] or ""),
        "date": envelope.received_at,
        "text": _body(message, "plain") or "",
        "html": _body(message, "html"),
        "headers": headers,
        "attachments": attachments,
        "size": len(raw),
    }


def addressed_to(summary: dict[str, Any], address: str) -> bool:
    """Whether a message was delivered to an address (envelope, To or Cc), ignoring case."""
    wanted = address.strip().lower()
    headers = summary["headers"]
    listed = [addr for _, addr in getaddresses([headers.get("To", ""), headers.get("Cc", "")])]
    return any(candidate.lower() == wanted for candidate in [*summary["to"], *listed])


class MailStore:
    """Every caught message, oldest first, persisted under one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index_path = folder / INDEX_NAME
        self._summaries: list[dict[str, Any]] = []
        self._by_id: dict[str, dict[str, Any]] = {}

    def load(self) -> int:
        """Read back the messages kept by earlier runs; returns how many."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._summaries.clear()
        self._by_id.clear()
        if not self.index_path.exists():
            return 0
        for line in self.index_path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                envelope = Envelope(
                    id=record["id"],
                    received_at=record["received_at"],
                    mail_from=record["mail_from"],
                    rcpt_tos=tuple(record["rcpt_tos"]),
                )
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash mid-write
            raw_path = self._raw_path(envelope.id)
            if raw_path is None or not raw_path.exists() or envelope.id in self._by_id:
                continue
            self._remember(describe(envelope, raw_path.read_bytes()))
        return len(self._summaries)

    def add(self, raw: bytes, *, mail_from: str, rcpt_tos: list[str]) -> dict[str, Any]:
        """Keep one message: write the .eml first, then index it."""
        envelope = Envelope(
            id=uuid.uuid4().hex,
            received_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            mail_from=mail_from,
            rcpt_tos=tuple(rcpt_tos),
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"{envelope.id}.eml"
        partial = self.folder / f"{envelope.id}.eml.tmp"
        partial.write_bytes(raw)
        partial.replace(final)
        with self.index_path.open("a", encoding="utf-8") as index:
            index.write(json.dumps(envelope.as_record()) + "\n")
        summary = describe(envelope, raw)
        self._remember(summary)
        return summary

    def messages(self, *, to: str | None = None) -> list[dict[str, Any]]:
        """Messages newest first, optionally only those addressed to one address."""
        newest_first = reversed(self._summaries)
        if to:
            return [summary for summary in newest_first if addressed_to(summary, to)]
        return list(newest_first)

    def get(self, message_id: str) -> dict[str, Any] | None:
        """One message, or None."""
        return self._by_id.get(message_id)

    def raw(self, message_id: str) -> bytes | None:
        """The message exactly as received, or None."""
        path = self._raw_path(message_id)
        if message_id not in self._by_id or path is None:
            return None
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def clear(self) -> int:
        """Forget every message, on disk too; returns how many there were."""
        count = len(self._summaries)
        # Empty the index first: a crash half-way leaves orphan files, never dangling entries.
        partial = self.folder / f"{INDEX_NAME}.tmp"
        partial.write_text("", encoding="utf-8")
        partial.replace(self.index_path)
        for path in self.folder.glob("*.eml*"):
            path.unlink(missing_ok=True)
        self._summaries.clear()
        self._by_id.clear()
        return count

    def _remember(self, summary: dict[str, Any]) -> None:
        self._summaries.append(summary)
        self._by_id[summary["id"]] = summary

    def _raw_path(self, message_id: str) -> Path | None:
        # Ids are uuid hex: anything else could point outside the folder.
        if len(message_id) != 32 or not all(c in "0123456789abcdef" for c in message_id):
            return None
        return self.folder / f"{message_id}.eml"

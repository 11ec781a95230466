"""Orphans removed: files whose upload never finished, and files without a record."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter

from documents.files.repository import Documents, UploadIntents
from documents.storage import FileStore
from kit import logs
from kit.lease import Lease
from kit.metrics import series

log = logs.get_logger("documents.sweep")

ORPHANS_REMOVED = Counter(
    "portal_documents_orphans_removed_total",
    "Files removed because no document record points at them.",
    ["kind"],
)


@dataclass(frozen=True)
class OrphanSweep:
    """Finds files no record points at, older than a grace period, and removes them."""

    files: FileStore
    documents: Documents
    intents: UploadIntents
    lease: Lease
    grace: timedelta

    async def step(self) -> bool:
        """One sweep; says whether more is waiting (never: the next sweep finds the rest)."""
        if not await self.lease.hold():
            return False
        await self.sweep(datetime.now(UTC) - self.grace)
        return False

    async def sweep(self, before: datetime) -> int:
        """Remove orphans written before a moment; how many were removed."""
        removed = 0
        for intent in await self.intents.older_than(before):
            known = await self.documents.known_ids(intent.authority, [intent.id])
            if not known:
                await self.files.remove(intent.key)
                series(ORPHANS_REMOVED, "unfinished_upload").inc()
                removed += 1
            await self.intents.finish([intent.id])
        by_authority: dict[str, list[str]] = defaultdict(list)
        for key, written_at in await self.files.listing():
            authority, _, document_id = key.partition("/")
            if not document_id or "/" in document_id:
                continue
            if written_at is None or written_at < before:
                by_authority[authority].append(document_id)
        for authority, ids in by_authority.items():
            for start in range(0, len(ids), 200):
                batch = ids[start : start + 200]
                known = await self.documents.known_ids(authority, batch)
                pending = await self.intents.pending_ids(batch)
                for document_id in set(batch) - known - pending:
                    await self.files.remove(self.files.key(authority, document_id))
                    series(ORPHANS_REMOVED, "without_record").inc()
                    removed += 1
        if removed:
            log.info("orphaned files removed", extra={"removed": removed})
        return removed

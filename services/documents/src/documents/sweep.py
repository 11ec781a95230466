"""Orphans removed: files whose upload never finished, and files without a record.

Each sweep lists a bounded slice of the bucket, in key order from where the last one stopped
(kept in the store), so its work does not grow with the bucket; after the last key the next
sweep starts again from the first."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter

from documents.files.repository import Documents, SweepPositions, UploadIntents
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
# Keys one sweep lists and judges at most.
KEYS_PER_SWEEP = 2000
# Document ids looked up in the store at once.
LOOKUP_BATCH = 200


@dataclass(frozen=True)
class OrphanSweep:
    """Finds files no record points at, older than a grace period, and removes them."""

    files: FileStore
    documents: Documents
    intents: UploadIntents
    positions: SweepPositions
    lease: Lease
    grace: timedelta
    keys_per_sweep: int = KEYS_PER_SWEEP
    prefix: str = ""

    async def step(self) -> bool:
        """One sweep; says whether more is waiting (never: the next sweep goes on from where
        this one stopped)."""
        if not await self.lease.hold():
            return False
        await self.sweep(datetime.now(UTC) - self.grace)
        return False

    async def sweep(self, before: datetime) -> int:
        """Remove orphans written before a moment, in the next slice of the bucket; how many
        were removed."""
        removed = await self.remove_unfinished(before) + await self.remove_without_record(before)
        if removed:
            log.info("orphaned files removed", extra={"removed": removed})
        return removed

    async def remove_without_record(self, before: datetime) -> int:
        """Remove the files no record points at in the next slice of the bucket."""
        removed = 0
        after = await self.positions.get(self.lease.name)
        listed = await self.files.listing(self.prefix, after=after, limit=self.keys_per_sweep)
        by_authority: dict[str, list[str]] = defaultdict(list)
        for key, written_at in listed:
            authority, _, document_id = key.partition("/")
            if not document_id or "/" in document_id:
                continue
            if written_at is None or written_at < before:
                by_authority[authority].append(document_id)
        for authority, ids in by_authority.items():
            for start in range(0, len(ids), LOOKUP_BATCH):
                removed += await self._without_record(authority, ids[start : start + LOOKUP_BATCH])
        # A short slice reached the end of the bucket: the next sweep starts again.
        last = listed[-1][0] if len(listed) >= self.keys_per_sweep else ""
        await self.positions.keep(self.lease.name, last)
        return removed

    async def remove_unfinished(self, before: datetime) -> int:
        """Remove the files of uploads started before a moment and never finished."""
        removed = 0
        for intent in await self.intents.older_than(before):
            known = await self.documents.known_ids(intent.authority, [intent.id])
            if not known:
                await self.files.remove(intent.key)
                series(ORPHANS_REMOVED, "unfinished_upload").inc()
                removed += 1
            await self.intents.finish([intent.id])
        return removed

    async def _without_record(self, authority: str, batch: list[str]) -> int:
        known = await self.documents.known_ids(authority, batch)
        pending = await self.intents.pending_ids(batch)
        removed = 0
        for document_id in set(batch) - known - pending:
            await self.files.remove(self.files.key(authority, document_id))
            series(ORPHANS_REMOVED, "without_record").inc()
            removed += 1
        return removed

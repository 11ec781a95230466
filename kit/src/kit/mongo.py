"""MongoDB access on PyMongo's native async API: client, indexes and transactions."""

from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

Document = dict[str, Any]
Session = AsyncClientSession
T = TypeVar("T")
HEARTBEAT_MS = 60_000
# The store's answers to dropping an index that is not there: IndexNotFound, NamespaceNotFound.
GONE = frozenset({27, 26})
# The store closes a connection left idle for 300 s; a pooled connection idle longer would
# fail the next operation that takes it ("connection is already closed"). The driver drops
# connections idle this long before using them, well inside the store's limit.
MAX_IDLE_MS = 240_000

# What to do once the surrounding transaction has committed (set by `Mongo.transaction`).
_after_commit: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "after_commit", default=None
)


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` once the transaction being written commits (at once outside of one)."""
    pending = _after_commit.get()
    if pending is None:
        action()
    elif action not in pending:
        pending.append(action)


@dataclass(frozen=True)
class Index:
    """An index a collection needs, declared next to the code that queries it."""

    collection: str
    keys: Sequence[tuple[str, int]]
    name: str
    unique: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    # An index no query uses any more: dropped where it exists, since every write pays for it.
    retired: bool = False

    def model(self) -> IndexModel:
        """The PyMongo index model."""
        return IndexModel(list(self.keys), name=self.name, unique=self.unique, **self.options)


class Mongo:
    """One client and one database per service."""

    def __init__(self, url: str, database: str) -> None:
        # PyMongo lets keyword arguments override the URL, so the defaults are passed only
        # when the URL does not set its own.
        options: dict[str, Any] = {}
        if "serverselectiontimeoutms=" not in url.lower():
            options["serverSelectionTimeoutMS"] = 5000
        if "heartbeatfrequencyms=" not in url.lower():
            # Every client checks the server this often, twice over (state and round-trip
            # time); at the driver's 10 s the checks of all workers were the idle store's
            # largest load. A failed operation makes the driver check again at once anyway.
            options["heartbeatFrequencyMS"] = HEARTBEAT_MS
        if "maxidletimems=" not in url.lower():
            options["maxIdleTimeMS"] = MAX_IDLE_MS
        self.client: AsyncMongoClient[Document] = AsyncMongoClient(
            url, tz_aware=True, uuidRepresentation="standard", **options
        )
        self.db: AsyncDatabase[Document] = self.client[database]

    async def ensure_indexes(self, indexes: Sequence[Index]) -> None:
        """Create every declared index (creating an existing one is a no-op) and drop the
        retired ones that still exist."""
        # Retired ones first: one may share its keys with a new one, which the store refuses
        # to create beside it.
        for index in indexes:
            if index.retired:
                try:
                    await self.db[index.collection].drop_index(index.name)
                except OperationFailure as exc:
                    # Gone already (another worker dropped it), or never made.
                    if exc.code not in GONE:
                        raise
        by_collection: dict[str, list[IndexModel]] = {}
        for index in indexes:
            if not index.retired:
                by_collection.setdefault(index.collection, []).append(index.model())
        for name, models in by_collection.items():
            await self.db[name].create_indexes(models)

    async def ping(self) -> None:
        """Raise unless the server answers."""
        await self.client.admin.command("ping")

    async def transaction(self, work: Callable[[Session], Awaitable[T]]) -> T:
        """Run work in one transaction, retried on transient errors, and return its result.

        Actions registered with `after_commit` while it runs are run once it has committed.
        """
        pending: list[Callable[[], None]] = []
        token = _after_commit.set(pending)
        try:
            async with self.client.start_session() as session:
                result = await session.with_transaction(
                    work,
                    read_concern=ReadConcern("majority"),
                    write_concern=WriteConcern("majority"),
                )
        finally:
            _after_commit.reset(token)
        for action in pending:
            action()
        return result

    async def close(self) -> None:
        """Close the client."""
        await self.client.close()

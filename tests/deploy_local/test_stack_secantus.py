"""SecantusDB started by the runner: ready on ping, transactions work, data kept on restart,
its oplog pruned a little at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from secantus import SecantusDBServer

from portalstack.processes import free_port, port_open, wait_until
from portalstack.settings import StackSettings
from portalstack.stack import Stack
from portalstack.store import Store

Client = MongoClient[dict[str, Any]]


@pytest.fixture(scope="module")
def mongo_stack(
    tmp_path_factory: pytest.TempPathFactory,
    make_settings: Callable[[Path], StackSettings],
) -> Iterator[Stack]:
    """One SecantusDB for the module: its stop takes seconds (it checkpoints)."""
    stack = Stack(make_settings(tmp_path_factory.mktemp("secantus")))
    stack.start(["mongo"])
    yield stack
    stack.stop(["mongo"])


@pytest.fixture
def client(mongo_stack: Stack) -> Iterator[Client]:
    """A client connected the way the services connect."""
    client: Client = MongoClient(mongo_stack.settings.mongo_url, serverSelectionTimeoutMS=5000)
    yield client
    client.close()


class TestSecantus:
    """The MongoDB-wire store behaves as the services need."""

    def test_reported_ready_and_answers_ping(self, mongo_stack: Stack, client: Client) -> None:
        assert mongo_stack.components["mongo"].state().endswith(", ready")
        assert client.admin.command("ping")["ok"] == 1

    def test_transaction_commits_both_writes_or_neither(self, client: Client) -> None:
        db = client["portal_cases"]
        with client.start_session() as session, session.start_transaction():
            db.cases.insert_one({"reference": "HP-1", "authority": "watford"}, session=session)
            db.outbox.insert_one({"type": "cases.case.submitted"}, session=session)

        with client.start_session() as session:
            session.start_transaction()
            db.cases.insert_one({"reference": "HP-2", "authority": "watford"}, session=session)
            db.outbox.insert_one({"type": "cases.case.submitted"}, session=session)
            session.abort_transaction()

        assert [c["reference"] for c in db.cases.find({}, {"_id": 0, "reference": 1})] == ["HP-1"]
        assert db.outbox.count_documents({}) == 1

    @pytest.mark.slow
    def test_data_survives_a_restart(self, mongo_stack: Stack) -> None:
        settings = mongo_stack.settings
        first: Client = MongoClient(settings.mongo_url, serverSelectionTimeoutMS=5000)
        first["portal_identity"].users.insert_one({"email": "ann@example.org"})
        first.close()

        mongo_stack.stop(["mongo"])
        assert not port_open(settings.connect_host, settings.mongo_port)
        assert not settings.pid_path("mongo").exists()
        mongo_stack.start(["mongo"])

        again: Client = MongoClient(settings.mongo_url, serverSelectionTimeoutMS=5000)
        try:
            assert again["portal_identity"].users.find_one({"email": "ann@example.org"})
        finally:
            again.close()


class TestOplogPruning:
    """The store's own pruning waits for a thousand writes and then deletes them all at once,
    stalling every operation meanwhile; the runner's prunes as it goes."""

    def test_the_oplog_is_kept_to_its_cap_between_the_stores_own_prunes(
        self, tmp_path: Path
    ) -> None:
        port = free_port()
        store = Store(
            SecantusDBServer(port=port, storage_path=str(tmp_path), oplog_max_entries=50),
            prune_every=0.05,
        )
        store.start()
        client: Client = MongoClient(
            f"mongodb://127.0.0.1:{port}/?retryWrites=false&directConnection=true",
            serverSelectionTimeoutMS=5000,
        )
        try:
            # Fewer writes than the thousand after which the store prunes by itself.
            for number in range(300):
                client["portal_cases"].cases.insert_one({"number": number})
            oplog = client["local"]["oplog.rs"]
            # Kept to its cap of 50 (and the store's own first entries), not the 300 written.
            assert wait_until(lambda: oplog.count_documents({}) < 60, timeout=10, interval=0.1)
            # The newest writes are those kept.
            newest = oplog.find({"op": "i", "ns": "portal_cases.cases"}).sort("$natural", -1)
            assert next(newest)["o"]["number"] == 299
        finally:
            client.close()
            store.stop()

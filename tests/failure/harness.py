"""The failure scenarios' moving parts: service processes, the broker's life, what to observe."""

import asyncio
import contextlib
import json
import os
import shutil
import signal
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import aio_pika
from pymongo import AsyncMongoClient
from tests.failure.bus_consumer import EFFECTS, PURPOSE, STATUS
from tests.failure.bus_publisher import ITEMS
from tests.support.polling import eventually

from kit.events.consumer import queue_names, retry_queue_name
from kit.events.outbox import OUTBOX
from portalstack.endpoints import Stack

REPO = Path(__file__).resolve().parents[2]
RETRY_DELAYS = (0.2, 0.4)
# Long enough for a store write or a broker acknowledgement already on the wire to land.
IN_FLIGHT_SECONDS = 0.3


def repo_python() -> str:
    """The repository's virtualenv interpreter (the running one when there is none)."""
    candidate = REPO / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


@dataclass
class Service:
    """One service process, started from a script that wires up real kit code."""

    name: str
    module: str
    arguments: list[str]
    log_path: Path
    process: asyncio.subprocess.Process | None = None
    starts: int = 0
    _log: IO[bytes] | None = None

    async def start(self) -> None:
        """Start the process (again), appending to its log."""
        self._log = self.log_path.open("ab")
        self.starts += 1
        self.process = await asyncio.create_subprocess_exec(
            repo_python(),
            "-m",
            self.module,
            *self.arguments,
            cwd=REPO,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    @property
    def pid(self) -> int:
        """The current process id."""
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.returncode is None

    async def kill(self) -> None:
        """`kill -9`: no chance to finish anything."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self._close_log()

    async def kill_while(
        self, risky: Callable[[], Awaitable[bool]], *, within: float, what: str
    ) -> None:
        """`kill -9` at a moment when `risky()` holds, shown while the process cannot move.

        The process is stopped (SIGSTOP), and what it had already sent is given time to land,
        before `risky` is asked, so what it says is still true when the kill lands; if not, the
        process goes on and is caught again shortly.
        """
        assert self.process is not None
        deadline = asyncio.get_running_loop().time() + within
        while True:
            self.process.send_signal(signal.SIGSTOP)
            # A write it sent just before stopping still lands at the store: let it, then look.
            await asyncio.sleep(IN_FLIGHT_SECONDS)
            if await risky():
                await self.kill()
                return
            self.process.send_signal(signal.SIGCONT)
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"never caught {self.name} with {what} in {within} s")
            await asyncio.sleep(0.02)

    async def stop(self, grace: float = 30.0) -> int:
        """SIGTERM, then the exit status; killed and failed if it does not stop in time."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
                raise AssertionError(f"{self.name} ignored SIGTERM for {grace} s") from None
        self._close_log()
        assert self.process.returncode is not None
        return self.process.returncode

    def log_tail(self, lines: int = 25) -> str:
        """The end of the process's output."""
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(text)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


@dataclass
class Scenario:
    """One publishing and one consuming service with databases and queues of their own."""

    stack: Stack
    logs_dir: Path
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    services: list[Service] = field(default_factory=list)
    client: AsyncMongoClient[dict[str, Any]] | None = None

    @property
    def authority(self) -> str:
        """The authority every event of this scenario belongs to."""
        return f"failure-{self.run}"

    @property
    def publisher_db(self) -> str:
        """The publishing service's database."""
        return f"failure_{self.run}_publisher"

    @property
    def consumer_db(self) -> str:
        """The consuming service's database."""
        return f"failure_{self.run}_consumer"

    @property
    def consumer_service(self) -> str:
        """The consuming service's name (its queues start with it)."""
        return f"failure-{self.run}-consumer"

    @property
    def queue(self) -> str:
        """The consumer's main queue."""
        return queue_names(self.consumer_service, PURPOSE)[0]

    @property
    def mongo(self) -> AsyncMongoClient[dict[str, Any]]:
        """A client for observing both services' databases."""
        if self.client is None:
            self.client = AsyncMongoClient(self.stack.mongo_url, tz_aware=True)
        return self.client

    def _common(self, service: str, database: str) -> list[str]:
        return [
            "--mongo-url",
            self.stack.mongo_url,
            "--amqp-url",
            self.stack.amqp_url,
            "--database",
            database,
            "--service",
            service,
            "--authority",
            self.authority,
        ]

    def publisher(self, *, count: int, per_transaction: int = 5, pause: float = 0.02) -> Service:
        """The publishing service (not started)."""
        service = Service(
            name="publisher",
            module="tests.failure.bus_publisher",
            arguments=[
                *self._common(f"failure-{self.run}-publisher", self.publisher_db),
                "--count",
                str(count),
                "--per-transaction",
                str(per_transaction),
                "--pause",
                str(pause),
            ],
            log_path=self.logs_dir / "publisher.log",
        )
        self.services.append(service)
        return service

    def consumer(self, *, fail_subjects: Sequence[str] = ()) -> Service:
        """The consuming service (not started)."""
        arguments = self._common(self.consumer_service, self.consumer_db)
        arguments += ["--retry-delays", ",".join(str(delay) for delay in RETRY_DELAYS)]
        for subject in fail_subjects:
            arguments += ["--fail-subject", subject]
        service = Service(
            name="consumer",
            module="tests.failure.bus_consumer",
            arguments=arguments,
            log_path=self.logs_dir / "consumer.log",
        )
        self.services.append(service)
        return service

    async def start_consumer(self, service: Service, *, within: float = 30.0) -> None:
        """Start the consumer and wait until it consumes (its queues exist from then on)."""
        await service.start()

        async def ready() -> bool:
            assert service.running(), f"consumer exited\n{service.log_tail()}"
            status = await self.mongo[self.consumer_db][STATUS].find_one({"_id": "consumer"})
            return status is not None and status["pid"] == service.pid

        await eventually(ready, within=within, what="consumer ready", details=self.details)

    async def effects(self) -> list[tuple[str, int]]:
        """Every effect record, one per event id that took effect: its subject and its count."""
        found = await self.mongo[self.consumer_db][EFFECTS].find({}).to_list()
        return sorted((str(doc["subject"]), int(doc["count"])) for doc in found)

    async def effect_count(self) -> int:
        """How many events have taken effect."""
        return await self.mongo[self.consumer_db][EFFECTS].count_documents({})

    async def items(self) -> int:
        """How many changes the publisher has committed."""
        return await self.mongo[self.publisher_db][ITEMS].count_documents({})

    async def item_numbers(self) -> list[int]:
        """The numbers of the committed changes, repeats included."""
        found = await self.mongo[self.publisher_db][ITEMS].find({}).to_list()
        return sorted(int(doc["number"]) for doc in found)

    async def outbox(self) -> tuple[int, int]:
        """Outbox records: all of them, and those not yet marked sent."""
        records = self.mongo[self.publisher_db][OUTBOX]
        return await records.count_documents({}), await records.count_documents({"sent_at": None})

    async def queue_state(self, queue: str) -> tuple[int, int]:
        """Messages ready in a queue and how many consumers it has."""
        connection = await aio_pika.connect(self.stack.amqp_url)
        try:
            channel = await connection.channel()
            declared = await channel.declare_queue(queue, passive=True)
            result = declared.declaration_result
            return result.message_count or 0, result.consumer_count or 0
        finally:
            await connection.close()

    async def queue_counts(self) -> dict[str, tuple[int, int]]:
        """Each of the consumer's queues: messages ready, and delivered but not acknowledged."""
        output = await control_broker(
            "list_queues",
            "--quiet",
            "--formatter",
            "json",
            "name",
            "messages_ready",
            "messages_unacknowledged",
        )
        mine = {self.queue, f"{self.queue}.dead", *self.retry_queues}
        return {
            str(row["name"]): (int(row["messages_ready"]), int(row["messages_unacknowledged"]))
            for row in json.loads(output)
            if row["name"] in mine
        }

    @property
    def retry_queues(self) -> list[str]:
        """Where the consumer's failed messages wait before they are tried again."""
        return [retry_queue_name(self.queue, n + 1) for n in range(len(RETRY_DELAYS))]

    async def settle(self, *, within: float, parked: int = 0) -> None:
        """Wait until every event is published and every message is settled.

        The outbox holds no unsent record (each one is in a queue once marked sent), then the
        main and retry queues hold nothing, ready or unacknowledged, so nothing can take
        effect after this returns; the dead-letter queue holds exactly `parked` messages.
        """

        async def published() -> bool:
            return (await self.outbox())[1] == 0

        await eventually(published, within=within, what="outbox drained", details=self.details)
        queues: dict[str, tuple[int, int]] = {}
        expected = {self.queue: (0, 0), f"{self.queue}.dead": (parked, 0)}
        expected |= dict.fromkeys(self.retry_queues, (0, 0))

        async def settled() -> bool:
            queues.update(await self.queue_counts())
            return queues == expected

        async def report() -> str:
            return f"queues (ready, unacked): {queues}\n{await self.details()}"

        await eventually(settled, within=within, what="queues settled", details=report)

    async def take_dead_letters(self) -> list[aio_pika.abc.AbstractIncomingMessage]:
        """Remove and return the consumer's parked messages."""
        connection = await aio_pika.connect(self.stack.amqp_url)
        taken = []
        try:
            channel = await connection.channel()
            dead = await channel.declare_queue(f"{self.queue}.dead", passive=True)
            while (message := await dead.get(no_ack=True, fail=False)) is not None:
                taken.append(message)
        finally:
            await connection.close()
        return taken

    async def details(self) -> str:
        """Where the scenario stands and every process's recent output, for failure messages."""
        total, pending = await self.outbox()
        lines = [
            f"items {await self.items()}, outbox {total} ({pending} pending), "
            f"effects {await self.effect_count()}"
        ]
        for service in self.services:
            lines.append(
                f"--- {service.name} (started {service.starts}x) running={service.running()}"
            )
            lines.append(service.log_tail())
        return "\n".join(lines)

    async def close(self) -> None:
        """Stop what still runs, delete the queues and drop both databases."""
        for service in self.services:
            if service.running():
                with contextlib.suppress(AssertionError):
                    await service.stop(grace=15.0)
        queues = [self.queue, f"{self.queue}.dead", *self.retry_queues]
        # A broker that stopped answering fails the clean-up instead of hanging it.
        connection = await aio_pika.connect(self.stack.amqp_url, timeout=30)
        try:
            channel = await connection.channel()
            for queue in queues:
                await channel.queue_delete(queue)
        finally:
            await connection.close()
        for database in (self.publisher_db, self.consumer_db):
            await self.mongo.drop_database(database)
        await self.mongo.close()


def amqp_address(stack: Stack) -> tuple[str, int]:
    """Host and port of the broker."""
    parts = urlsplit(stack.amqp_url)
    return parts.hostname or "127.0.0.1", parts.port or 5672


async def accepts_connections(host: str, port: int) -> bool:
    """Whether something listens on the port right now."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 2.0)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


def rabbitmqctl() -> str | None:
    """The broker's control command, when the broker runs on this machine."""
    return shutil.which("rabbitmqctl") or (
        "/usr/sbin/rabbitmqctl" if Path("/usr/sbin/rabbitmqctl").exists() else None
    )


async def control_broker(*arguments: str, limit: float = 60.0) -> str:
    """Run `rabbitmqctl` with arguments and return its output; fail if it does not succeed."""
    command = rabbitmqctl()
    assert command is not None, "rabbitmqctl is not installed"
    process = await asyncio.create_subprocess_exec(
        command,
        *arguments,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        output, errors = await asyncio.wait_for(process.communicate(), limit)
    except TimeoutError:
        # The command runs the CLI's own Erlang node under su: end all of it, not just the shell.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        raise AssertionError(f"rabbitmqctl {' '.join(arguments)}: no answer in {limit} s") from None
    assert process.returncode == 0, (
        f"rabbitmqctl {' '.join(arguments)}: {output.decode()}{errors.decode()}"
    )
    return output.decode()

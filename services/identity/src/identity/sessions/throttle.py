"""Lock-out: a growing wait after failed sign-ins, a lock after many, and a limit per address."""

# Failures are counted per email address whether or not an account has it, so the answers
# are the same for both and say nothing about who has an account. Wrong second-factor
# answers are counted per account, across sign-ins, and lock its email address the same way.

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo import ReturnDocument

from identity.credentials import digest
from identity.errors import AccountLocked, TooManyAttempts
from kit.mongo import Document, Index, Mongo

SIGN_IN_FAILURES = "sign_in_failures"
# Failures in a row that cost no wait; after more, each attempt waits, doubling up to the cap.
FREE_FAILURES = 4
LONGEST_WAIT_SECONDS = 4

INDEXES = [
    Index(
        SIGN_IN_FAILURES,
        [("purge_at", 1)],
        name="sign_in_failures_expiry",
        options={"expireAfterSeconds": 0},
    ),
]


@dataclass(frozen=True)
class Lock:
    """A lock just set: how many failures led to it and when it ends."""

    failures: int
    locked_until: datetime


def wait_after(failures: int) -> int:
    """Seconds an attempt must wait after this many failures in a row."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(2 ** (failures - FREE_FAILURES), LONGEST_WAIT_SECONDS))


def _seconds_until(moment: datetime, now: datetime) -> int:
    return int((moment - now).total_seconds()) + 1


class SignInThrottle:
    """Counts failed sign-ins per email address and per client address."""

    def __init__(
        self,
        mongo: Mongo,
        *,
        threshold: int,
        lock_for: timedelta,
        address_limit: int,
        second_factor_threshold: int,
        second_factor_window: timedelta,
    ) -> None:
        self.collection = mongo.db[SIGN_IN_FAILURES]
        self.threshold = threshold
        self.lock_for = lock_for
        self.address_limit = address_limit
        self.second_factor_threshold = second_factor_threshold
        self.second_factor_window = second_factor_window

    @staticmethod
    def _email_key(email: str) -> str:
        return f"email:{digest(email)}"

    @staticmethod
    def _address_key(address: str) -> str:
        return f"address:{address}"

    @staticmethod
    def _second_factor_key(user_id: str) -> str:
        return f"second_factor:{user_id}"

    async def check(self, *, email: str, address: str) -> None:
        """Refuse the attempt if the address is locked or must wait, or the client is over limit."""
        now = datetime.now(UTC)
        by_email = await self.collection.find_one({"_id": self._email_key(email)})
        if by_email is not None:
            locked_until = by_email.get("locked_until")
            if locked_until is not None and locked_until > now:
                raise AccountLocked(_seconds_until(locked_until, now))
            wait = wait_after(int(by_email.get("failures", 0)))
            ready_at = by_email["last_failure_at"] + timedelta(seconds=wait)
            if wait and ready_at > now:
                raise TooManyAttempts(_seconds_until(ready_at, now))
        by_address = await self.collection.find_one({"_id": self._address_key(address)})
        if by_address is not None and int(by_address.get("failures", 0)) >= self.address_limit:
            window_ends = by_address["window_started_at"] + self.lock_for
            if window_ends > now:
                raise TooManyAttempts(
                    _seconds_until(window_ends, now),
                    code="too_many_attempts_from_address",
                    message="Too many failed sign-ins from your network. Try again later.",
                )

    async def refuse_if_locked(self, *, email: str) -> None:
        """Refuse any step of signing in while the email address is locked."""
        now = datetime.now(UTC)
        by_email = await self.collection.find_one(
            {"_id": self._email_key(email)}, projection={"locked_until": 1}
        )
        locked_until = by_email.get("locked_until") if by_email is not None else None
        if locked_until is not None and locked_until > now:
            raise AccountLocked(_seconds_until(locked_until, now))

    async def failed(self, *, email: str, address: str) -> bool:
        """Count a failure; say whether it has just locked the email address."""
        now = datetime.now(UTC)
        record: Document | None = await self.collection.find_one_and_update(
            {"_id": self._email_key(email)},
            {
                "$inc": {"failures": 1},
                "$set": {"last_failure_at": now, "purge_at": now + self.lock_for * 4},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        locked = False
        if record is not None and int(record["failures"]) >= self.threshold:
            # The count starts again once the lock is over, so the next lock needs as many.
            result = await self.collection.update_one(
                {"_id": self._email_key(email), "failures": record["failures"]},
                {"$set": {"failures": 0, "locked_until": now + self.lock_for}},
            )
            locked = result.modified_count == 1
        await self._count_address(address, now)
        return locked

    async def _count_address(self, address: str, now: datetime) -> None:
        key = self._address_key(address)
        window_open_since = now - self.lock_for
        counted = await self.collection.update_one(
            {"_id": key, "window_started_at": {"$gt": window_open_since}},
            {"$inc": {"failures": 1}},
        )
        if counted.modified_count == 0:
            await self.collection.replace_one(
                {"_id": key},
                {"failures": 1, "window_started_at": now, "purge_at": now + self.lock_for * 2},
                upsert=True,
            )

    async def second_factor_failed(self, *, user_id: str, email: str) -> Lock | None:
        """Count a wrong second-factor answer; the lock if it has just locked the account."""
        # Counted apart from password failures, which a right password forgets: someone who
        # knows the password could otherwise guess codes for ever, a few per sign-in.
        now = datetime.now(UTC)
        key = self._second_factor_key(user_id)
        record: Document | None = await self.collection.find_one_and_update(
            {"_id": key, "window_started_at": {"$gt": now - self.second_factor_window}},
            {"$inc": {"failures": 1}},
            return_document=ReturnDocument.AFTER,
        )
        if record is None:
            await self.collection.replace_one(
                {"_id": key},
                {
                    "failures": 1,
                    "window_started_at": now,
                    "purge_at": now + self.second_factor_window,
                },
                upsert=True,
            )
            return None
        if int(record["failures"]) < self.second_factor_threshold:
            return None
        # Only the answer that takes the full count locks, so a burst of wrong answers locks
        # (and tells the owner) once; the count starts again for after the lock.
        taken: Document | None = await self.collection.find_one_and_update(
            {"_id": key, "failures": {"$gte": self.second_factor_threshold}},
            {"$set": {"failures": 0, "window_started_at": now}},
        )
        if taken is None:
            return None
        locked_until = now + self.lock_for
        await self.collection.update_one(
            {"_id": self._email_key(email)},
            {
                "$set": {"locked_until": locked_until, "purge_at": now + self.lock_for * 4},
                "$setOnInsert": {"failures": 0, "last_failure_at": now},
            },
            upsert=True,
        )
        return Lock(failures=int(taken["failures"]), locked_until=locked_until)

    async def second_factor_succeeded(self, *, user_id: str) -> None:
        """Forget wrong second-factor answers after a sign-in finished with a right one."""
        await self.collection.delete_one({"_id": self._second_factor_key(user_id)})

    async def succeeded(self, *, email: str) -> None:
        """Forget the email address's failures after a right password, but keep a lock."""
        # A lock set while this password was being checked (by wrong codes in another
        # sign-in) must outlast the right password.
        await self.collection.delete_one(
            {
                "_id": self._email_key(email),
                "$or": [
                    {"locked_until": None},
                    {"locked_until": {"$lte": datetime.now(UTC)}},
                ],
            }
        )

    async def release(self, *, email: str) -> None:
        """Lift a lock (after a password reset proves who the person is)."""
        await self.collection.delete_one({"_id": self._email_key(email)})

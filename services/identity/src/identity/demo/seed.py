"""Demo accounts for every role, made on start when IDENTITY_SEED_DEMO_ACCOUNTS is on."""

# Safe to run again and from several workers at once: every record is made only if missing.

import asyncio
import contextlib
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pymongo.errors import DuplicateKeyError

from identity.organisations.repository import name_key
from identity.passwords.hashing import hash_password
from identity.passwords.policy import broken_rules
from identity.wiring import Identity
from kit import logs
from kit.lease import Lease
from kit.mongo import Document, Session

log = logs.get_logger("identity.demo")

DEMO_AUTHORITIES = ("watford", "kingston", "rugby", "housing-ombudsman")
DEMO_PASSWORD = "Housing-Demo-2025!"
DEMO_DOMAIN = "demo.housing-portal.local"
AUTHORITY_ROLES = ("applicant", "officer", "manager", "authority_admin")
LANDLORD_AUTHORITY = "housing-ombudsman"
LANDLORD_NAME = "Harrison's Huts Limited"
PLATFORM_AUTHORITY = "housing-ombudsman"
SEEDED = "demo_seeded"
FAST_POLL_SECONDS = 2.0
SLOW_POLL_SECONDS = 30.0
FAST_POLL_FOR_SECONDS = 120.0


@dataclass(frozen=True)
class DemoAccount:
    """One demo account."""

    email: str
    first_name: str
    last_name: str
    role: str
    authority: str

    @property
    def staff(self) -> bool:
        """Whether the role signs in with a second factor where staff must."""
        return self.role != "applicant"


def demo_accounts() -> list[DemoAccount]:
    """Every demo account, by authority."""
    accounts = []
    for slug in DEMO_AUTHORITIES:
        for role in AUTHORITY_ROLES:
            label = role.replace("_", "-")
            accounts.append(
                DemoAccount(
                    email=f"{label}.{slug}@{DEMO_DOMAIN}",
                    first_name="Demo",
                    last_name=role.replace("_", " ").title(),
                    role=role,
                    authority=slug,
                )
            )
        if slug == LANDLORD_AUTHORITY:
            for role in ("landlord_admin", "landlord_user"):
                label = role.replace("_", "-")
                accounts.append(
                    DemoAccount(
                        email=f"{label}.{slug}@{DEMO_DOMAIN}",
                        first_name="Demo",
                        last_name=role.replace("_", " ").title(),
                        role=role,
                        authority=slug,
                    )
                )
    accounts.append(
        DemoAccount(
            email=f"platform-admin@{DEMO_DOMAIN}",
            first_name="Demo",
            last_name="Platform Admin",
            role="platform_admin",
            authority=PLATFORM_AUTHORITY,
        )
    )
    return accounts


def listing(accounts: list[DemoAccount]) -> str:
    """The demo accounts as lines for people, one account a line."""
    width = max(len(account.email) for account in accounts)
    lines = [
        "  demo accounts (staff sign in with a code emailed to them: see the mail catcher;",
        "  the platform admin signs in at any authority)",
    ]
    for account in accounts:
        lines.append(
            f"  {account.email:<{width}}  {DEMO_PASSWORD}  {account.role:<15}  {account.authority}"
        )
    return "\n".join(lines) + "\n"


def write_listing(path: str, accounts: list[DemoAccount]) -> None:
    """Write the listing atomically, so a reader never sees half of it."""
    if not path or not accounts:
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}")
    temporary.write_text(listing(accounts), encoding="utf-8")
    temporary.replace(target)


class DemoSeeder:
    """Makes the demo accounts of the demo authorities as they appear in the local copy."""

    def __init__(self, identity: Identity) -> None:
        self.identity = identity
        self.markers = identity.mongo.db[SEEDED]
        self.lease = Lease(identity.mongo, "identity-demo-seed", seconds=60)
        self._password_hash: str | None = None

    async def run(self) -> None:
        """Seed until every demo authority is done, then write the listing and stop."""
        assert not broken_rules(DEMO_PASSWORD, email=f"x@{DEMO_DOMAIN}")
        started = asyncio.get_running_loop().time()
        while True:
            try:
                if await self.lease.hold():
                    done = await self.seed_available()
                    if done:
                        await self.lease.release()
                        return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("demo accounts not seeded yet", extra={"reason": repr(exc)})
            elapsed = asyncio.get_running_loop().time() - started
            fast = elapsed < FAST_POLL_FOR_SECONDS
            await asyncio.sleep(FAST_POLL_SECONDS if fast else SLOW_POLL_SECONDS)

    async def seed_available(self) -> bool:
        """Seed the demo authorities present now; say whether all of them are done."""
        seeded: list[str] = []
        for slug in DEMO_AUTHORITIES:
            if await self.markers.find_one({"_id": slug}) is None:
                authority = self.identity.authorities.get(slug)
                if authority is None or authority.status != "active":
                    continue
                await self._seed_authority(slug)
                with contextlib.suppress(DuplicateKeyError):
                    await self.markers.insert_one({"_id": slug, "seeded_at": datetime.now(UTC)})
                log.info("demo accounts ready", extra={"demo_authority": slug})
            seeded.append(slug)
        accounts = [account for account in demo_accounts() if account.authority in seeded]
        write_listing(self.identity.settings.demo_accounts_file, accounts)
        return len(seeded) == len(DEMO_AUTHORITIES)

    async def _hash(self) -> str:
        if self._password_hash is None:
            self._password_hash = await hash_password(DEMO_PASSWORD)
        return self._password_hash

    async def _seed_authority(self, slug: str) -> None:
        organisation_id: str | None = None
        if slug == LANDLORD_AUTHORITY:
            organisation_id = await self._organisation(slug)
        for account in demo_accounts():
            if account.authority != slug:
                continue
            record = await self._account(account)
            user_id = str(record["_id"])
            if account.role != "platform_admin":
                landlord = account.role.startswith("landlord_")
                with contextlib.suppress(DuplicateKeyError):
                    await self.identity.memberships.create(
                        slug,
                        user_id=user_id,
                        roles=[account.role],
                        organisation_id=organisation_id if landlord else None,
                    )
            if account.staff:
                await self._email_factor(user_id, slug)

    async def _account(self, account: DemoAccount) -> Document:
        existing = await self.identity.accounts.by_email(account.email)
        if existing is not None:
            return existing
        try:
            record = await self.identity.accounts.create(
                email=account.email,
                first_name=account.first_name,
                last_name=account.last_name,
                password_hash=await self._hash(),
                registered_authority=account.authority,
                confirmed=True,
                platform_admin=account.role == "platform_admin",
            )
        except DuplicateKeyError:
            found = await self.identity.accounts.by_email(account.email)
            assert found is not None
            return found
        if not account.staff:
            # Demo applicants go straight in; the two-factor offer would only be in the way.
            await self.identity.accounts.update(
                str(record["_id"]), {"two_factor_offer_dismissed_at": datetime.now(UTC)}
            )
        return record

    async def _email_factor(self, user_id: str, slug: str) -> None:
        now = datetime.now(UTC)
        with contextlib.suppress(DuplicateKeyError):
            await self.identity.factors.collection.insert_one(
                {
                    "_id": uuid.uuid4().hex,
                    "user_id": user_id,
                    "kind": "email_code",
                    "status": "active",
                    "authority": slug,
                    "created_at": now,
                    "activated_at": now,
                    "last_used_at": None,
                    "attempts": 0,
                }
            )

    async def _organisation(self, slug: str) -> str:
        existing = await self.identity.organisations.find_one(
            slug, {"name_key": name_key(LANDLORD_NAME)}
        )
        if existing is not None:
            return str(existing["_id"])

        async def create(session: Session) -> Document:
            return await self.identity.organisations.create(
                slug, name=LANDLORD_NAME, kind="landlord", created_by="demo", session=session
            )

        try:
            record = await self.identity.mongo.transaction(create)
        except DuplicateKeyError:
            found = await self.identity.organisations.find_one(
                slug, {"name_key": name_key(LANDLORD_NAME)}
            )
            assert found is not None
            return str(found["_id"])
        return str(record["_id"])

"""Demo accounts: every role in every demo authority, made once however often it runs."""

import asyncio
from datetime import timedelta
from pathlib import Path

from tests.support.factories import authority
from tests.support.portal import Person, Portal

from identity.config import Settings
from identity.demo.seed import DEMO_AUTHORITIES, DEMO_PASSWORD, DemoSeeder, demo_accounts
from identity.keys import SigningKeys
from identity.main import INDEXES
from identity.wiring import Identity
from kit.authorities import Authorities
from kit.events.outbox import Outbox
from kit.mongo import Mongo, Session


class TestDemoAccountsOfTheRunningStack:
    async def test_applicants_sign_in_straight_away(self, portal: Portal) -> None:
        person = Person(
            email="applicant.kingston@demo.housing-portal.local",
            password=DEMO_PASSWORD,
            authority="kingston",
        )

        response = await portal.start_sign_in(person)

        assert response.status_code == 200, response.text
        assert response.json()["status"] == "signed_in"

    async def test_staff_are_sent_a_code(self, portal: Portal) -> None:
        person = Person(
            email="officer.rugby@demo.housing-portal.local",
            password=DEMO_PASSWORD,
            authority="rugby",
        )

        response = await portal.start_sign_in(person)

        assert response.json()["status"] == "second_factor_required"
        assert response.json()["challenge"]["code_sent_to"]

    async def test_the_landlord_users_belong_to_the_demo_landlord(self, portal: Portal) -> None:
        user = await portal.demo("landlord_user", "housing-ombudsman")
        admin = await portal.demo("landlord_admin", "housing-ombudsman")

        listed = await portal.get("housing-ombudsman", "/organisations", person=user)

        (organisation,) = listed.json()["items"]
        assert organisation["name"] == "Harrison's Huts Limited"
        users = await portal.get(
            "housing-ombudsman", f"/organisations/{organisation['id']}/users", person=admin
        )
        emails = {item["email"] for item in users.json()["items"]}
        assert {user.email, admin.email} <= emails


class TestSeeding:
    async def test_seeding_twice_at_once_makes_each_record_once_and_lists_them(
        self, mongo: Mongo, tmp_path: Path
    ) -> None:
        listing = tmp_path / "run" / "demo-accounts.txt"
        settings = Settings(
            mongo_db=mongo.db.name, seed_demo_accounts=True, demo_accounts_file=str(listing)
        )
        keys = SigningKeys(
            mongo, secret=settings.signing_key_secret, token_lifetime=timedelta(minutes=10)
        )
        authorities = Authorities(mongo)
        identity = Identity.on(
            mongo, Outbox(mongo), settings=settings, keys=keys, authorities=authorities
        )
        await mongo.ensure_indexes(INDEXES)
        for slug in DEMO_AUTHORITIES:

            async def add(session: Session, slug: str = slug) -> bool:
                return await authorities.copy.apply(authority(slug, name=slug.title()), session)

            await mongo.transaction(add)
        await authorities.load()
        done = await asyncio.gather(
            DemoSeeder(identity).seed_available(), DemoSeeder(identity).seed_available()
        )
        again = await DemoSeeder(identity).seed_available()

        assert list(done) == [True, True]
        assert again is True
        expected = demo_accounts()
        assert await mongo.db.accounts.count_documents({}) == len(expected) == 19
        assert await mongo.db.memberships.count_documents({}) == 18
        assert await mongo.db.organisations.count_documents({}) == 1
        staff = [account for account in expected if account.staff]
        assert await mongo.db.factors.count_documents({}) == len(staff) == 15
        lines = listing.read_text().splitlines()
        for account in expected:
            (line,) = [line for line in lines if account.email in line]
            assert line.split() == [
                account.email,
                DEMO_PASSWORD,
                account.role,
                account.authority,
            ]

"""Browser sessions: an opaque id in the cookie, the record in the web's own store."""

import datetime
import hashlib

import httpx
import pytest

from kit.mongo import Mongo
from portalstack.endpoints import Stack
from web.sessions.repository import COLLECTION, SessionRepository
from web.sessions.service import SessionService, id_hash

IDLE = datetime.timedelta(minutes=30)
ABSOLUTE = datetime.timedelta(hours=12)


@pytest.fixture
async def sessions_db(stack: Stack, scratch_db_name: str) -> Mongo:
    """A store of the test's own."""
    return Mongo(stack.mongo_url, scratch_db_name)


@pytest.fixture
def sessions(sessions_db: Mongo) -> SessionService:
    """The session rules over the test's store."""
    return SessionService(SessionRepository(sessions_db), idle=IDLE, absolute=ABSOLUTE)


async def age(mongo: Mongo, session_id: str, **changes: datetime.datetime) -> None:
    """Move a stored session's times, as if time had passed."""
    await mongo.db[COLLECTION].update_one({"_id": id_hash(session_id)}, {"$set": changes})


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class TestSessionRecords:
    async def test_a_started_session_resumes_by_its_id(self, sessions: SessionService) -> None:
        started = await sessions.start()
        resumed = await sessions.resume(started.session_id)
        assert resumed is not None
        assert resumed.record.csrf_token == started.record.csrf_token

    async def test_the_store_holds_only_a_hash_of_the_id(
        self, sessions: SessionService, sessions_db: Mongo
    ) -> None:
        started = await sessions.start()
        stored = await sessions_db.db[COLLECTION].find_one({})
        assert stored is not None
        assert stored["_id"] == hashlib.sha256(started.session_id.encode()).hexdigest()
        assert started.session_id not in str(stored)

    async def test_an_unknown_id_resumes_nothing(self, sessions: SessionService) -> None:
        assert await sessions.resume("not-a-session") is None

    async def test_a_session_idle_too_long_has_ended(
        self, sessions: SessionService, sessions_db: Mongo
    ) -> None:
        started = await sessions.start()
        await age(sessions_db, started.session_id, seen_at=now() - IDLE)
        assert await sessions.resume(started.session_id) is None
        assert await sessions_db.db[COLLECTION].count_documents({}) == 0

    async def test_a_session_past_its_absolute_limit_has_ended(
        self, sessions: SessionService, sessions_db: Mongo
    ) -> None:
        started = await sessions.start()
        await age(sessions_db, started.session_id, expires_at=now())
        assert await sessions.resume(started.session_id) is None

    async def test_use_keeps_an_idle_session_alive(
        self, sessions: SessionService, sessions_db: Mongo
    ) -> None:
        started = await sessions.start()
        await age(sessions_db, started.session_id, seen_at=now() - IDLE / 2)
        assert await sessions.resume(started.session_id) is not None
        stored = await sessions_db.db[COLLECTION].find_one({})
        assert stored is not None
        seen = stored["seen_at"].replace(tzinfo=datetime.UTC)
        assert now() - seen < IDLE / 2

    async def test_renewing_gives_a_new_id_and_token_and_ends_the_old_id(
        self, sessions: SessionService
    ) -> None:
        started = await sessions.start()
        renewed = await sessions.renew(started)
        assert renewed.session_id != started.session_id
        assert renewed.record.csrf_token != started.record.csrf_token
        assert await sessions.resume(started.session_id) is None
        assert await sessions.resume(renewed.session_id) is not None

    async def test_an_ended_session_does_not_resume(self, sessions: SessionService) -> None:
        started = await sessions.start()
        await sessions.end(started)
        assert await sessions.resume(started.session_id) is None


class TestSessionCookie:
    async def test_the_cookie_is_http_only_and_same_site_lax(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await portal.get("/")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("portal_session=")
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Path=/" in cookie
        assert "Secure" not in cookie

    async def test_over_tls_the_cookie_is_secure_with_the_host_prefix(self, web_url: str) -> None:
        # The gateway tells the web service how the browser reached it.
        async with httpx.AsyncClient(base_url=web_url) as web:
            page = await web.get(
                "/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "portal.example"}
            )
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("__Host-portal_session=")
        assert "Secure" in cookie
        assert "Domain" not in cookie

    async def test_a_browser_keeps_one_session_across_pages(
        self, portal: httpx.AsyncClient
    ) -> None:
        first = await portal.get("/")
        assert "set-cookie" in first.headers
        again = await portal.get("/")
        assert "set-cookie" not in again.headers

    async def test_an_id_the_portal_did_not_give_is_replaced_never_adopted(
        self, portal: httpx.AsyncClient
    ) -> None:
        portal.cookies.set("portal_session", "chosen-by-an-attacker")
        page = await portal.get("/")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("portal_session=")
        assert "chosen-by-an-attacker" not in cookie

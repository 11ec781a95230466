"""The idle limit: the page that explains a sign-out for it, the warning's script and staying."""

import datetime
import re

import httpx
from tests.support.web_pages import NewApplicant, form_token, send_form, sign_in

from kit.mongo import Mongo
from web.sessions.repository import COLLECTION
from web.sessions.service import id_hash

SECONDS_LEFT = re.compile(r'data-seconds-left="(\d+)"')
SCRIPT = re.compile(r'<script type="module" src="(/assets/portal/[0-9a-f]+/idle-warning\.js)"')


async def idle_for(
    portal: httpx.AsyncClient, web_store: Mongo, how_long: datetime.timedelta
) -> None:
    """Move the browser's stored session back, as if nothing had been done for `how_long`."""
    session_id = portal.cookies.get("portal_session")
    assert session_id
    seen_at = datetime.datetime.now(datetime.UTC) - how_long
    await web_store.db[COLLECTION].update_one(
        {"_id": id_hash(session_id)}, {"$set": {"seen_at": seen_at}}
    )


async def seen_at(portal: httpx.AsyncClient, web_store: Mongo) -> datetime.datetime:
    """When the browser's stored session was last counted as used."""
    session_id = portal.cookies["portal_session"]
    found = await web_store.db[COLLECTION].find_one({"_id": id_hash(session_id)})
    assert found is not None
    moment: datetime.datetime = found["seen_at"]
    return moment.replace(tzinfo=datetime.UTC)


class TestTimedOut:
    async def test_a_signed_in_page_after_30_idle_minutes_says_why_the_person_was_signed_out(
        self, portal: httpx.AsyncClient, web_session_store: Mongo, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        await idle_for(portal, web_session_store, datetime.timedelta(minutes=31))
        page = await portal.get("/kingston/account/profile")
        assert page.status_code == 303
        assert page.headers["location"] == "/kingston/account/timed-out"
        explained = await portal.get("/kingston/account/timed-out")
        assert explained.status_code == 200
        assert (
            "You were signed out because you had not done anything for 30 minutes."
            in explained.text
        )
        assert 'href="/kingston/account/sign-in"' in explained.text
        # Once explained, the next signed-in page simply asks to sign in.
        again = await portal.get("/kingston/account/")
        assert again.headers["location"] == "/kingston/account/sign-in"

    async def test_a_session_that_never_signed_in_is_not_said_to_have_timed_out(
        self, portal: httpx.AsyncClient, web_session_store: Mongo
    ) -> None:
        await portal.get("/kingston/account/sign-in")
        await idle_for(portal, web_session_store, datetime.timedelta(minutes=31))
        page = await portal.get("/kingston/account/")
        assert page.headers["location"] == "/kingston/account/sign-in"

    async def test_the_page_sends_someone_still_signed_in_to_their_account(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        page = await portal.get("/kingston/account/timed-out")
        assert page.status_code == 303
        assert page.headers["location"] == "/kingston/account/"

    async def test_the_page_is_in_welsh_for_those_who_chose_welsh(
        self, portal: httpx.AsyncClient
    ) -> None:
        portal.cookies.set("portal_language", "cy")
        page = await portal.get("/kingston/account/timed-out")
        assert "am nad oeddech wedi gwneud unrhyw beth am 30 munud" in page.text


class TestTheWarning:
    async def test_signed_in_pages_carry_the_warning_and_its_script_others_do_not(
        self, portal: httpx.AsyncClient, web_session_store: Mongo, new_applicant: NewApplicant
    ) -> None:
        assert 'id="idle-warning"' not in (await portal.get("/kingston/")).text
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        await idle_for(portal, web_session_store, datetime.timedelta(seconds=40))
        page = await portal.get("/kingston/account/")
        assert 'id="idle-warning"' in page.text
        left = SECONDS_LEFT.search(page.text)
        assert left is not None
        # Seen 40 seconds ago (under the minute the store's time is kept to): 29 minutes 20 left.
        assert 1740 <= int(left.group(1)) <= 1760
        script = SCRIPT.search(page.text)
        assert script is not None
        nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
        assert nonce is not None
        assert f'{script.group(0)} nonce="{nonce.group(1)}"' in page.text
        served = await portal.get(script.group(1))
        assert served.status_code == 200
        assert served.headers["content-type"].startswith("text/javascript")
        assert "immutable" in served.headers["cache-control"]
        assert "showModal" in served.text
        # Another authority's pages do not warn about this session.
        assert 'id="idle-warning"' not in (await portal.get("/watford/")).text


class TestStayingSignedIn:
    async def test_staying_counts_the_session_as_used_now_and_goes_back(
        self, portal: httpx.AsyncClient, web_session_store: Mongo, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        token = await form_token(portal, "/kingston/account/profile")
        await idle_for(portal, web_session_store, datetime.timedelta(seconds=45))
        stayed = await portal.post(
            "/kingston/account/stay-signed-in",
            data={"csrf_token": token, "return_to": "/kingston/account/profile"},
            headers={"Origin": str(portal.base_url).rstrip("/")},
        )
        assert stayed.status_code == 303
        assert stayed.headers["location"] == "/kingston/account/profile"
        now = datetime.datetime.now(datetime.UTC)
        assert now - await seen_at(portal, web_session_store) < datetime.timedelta(seconds=40)

    async def test_it_goes_back_only_to_this_authority_s_pages(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        for elsewhere in ("//evil.example/x", "https://evil.example/", "/watford/", "/\\evil"):
            stayed = await send_form(
                portal,
                "/kingston/account/stay-signed-in",
                {"return_to": elsewhere},
                page="/kingston/account/",
            )
            assert stayed.headers["location"] == "/kingston/account/"

    async def test_it_needs_the_form_token(self, portal: httpx.AsyncClient) -> None:
        await portal.get("/kingston/account/sign-in")
        refused = await portal.post(
            "/kingston/account/stay-signed-in",
            data={"return_to": "/kingston/account/"},
            headers={"Origin": str(portal.base_url).rstrip("/")},
        )
        assert refused.status_code == 400

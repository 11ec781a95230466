"""Signing in and out through the portal's pages, against identity's real API."""

import datetime
import uuid

import httpx
from tests.support.pages import form_token

from kit.mongo import Mongo
from web.sessions.repository import COLLECTION
from web.sessions.service import id_hash

APPLICANT = "applicant.kingston@demo.housing-portal.local"
PASSWORD = "Housing-Demo-2025!"


async def sign_in(
    portal: httpx.AsyncClient, *, email: str = APPLICANT, password: str = PASSWORD
) -> httpx.Response:
    """Send the sign-in form as a browser on the portal's page would."""
    token = await form_token(portal, "/kingston/account/sign-in")
    return await portal.post(
        "/kingston/account/sign-in",
        data={"csrf_token": token, "email": email, "password": password},
        headers={"Origin": str(portal.base_url).rstrip("/")},
    )


async def stored_session(portal: httpx.AsyncClient, web_store: Mongo) -> dict[str, object]:
    """The web's record of the browser's current session."""
    session_id = portal.cookies.get("portal_session")
    assert session_id
    found = await web_store.db[COLLECTION].find_one({"_id": id_hash(session_id)})
    assert found is not None
    return dict(found)


class TestSignIn:
    async def test_the_right_password_signs_in_under_a_new_session_id(
        self, portal: httpx.AsyncClient
    ) -> None:
        await portal.get("/kingston/account/sign-in")
        before = portal.cookies.get("portal_session")
        signed_in = await sign_in(portal)
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == "/kingston/account/"
        assert portal.cookies.get("portal_session") not in {None, before}
        account = await portal.get("/kingston/account/")
        assert account.status_code == 200
        assert f"You are signed in as {APPLICANT}." in account.text

    async def test_the_tokens_stay_on_the_server(
        self, portal: httpx.AsyncClient, web_store: Mongo
    ) -> None:
        signed_in = await sign_in(portal)
        account = await portal.get("/kingston/account/")
        tokens = (await stored_session(portal, web_store))["signed_in"]
        assert isinstance(tokens, dict)
        for secret in (tokens["access_token"], tokens["refresh_token"]):
            assert secret not in account.text
            assert secret not in signed_in.text
            assert secret not in str(signed_in.headers)
            assert secret not in str(account.headers)

    async def test_a_wrong_password_is_an_error_on_the_email_field(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await sign_in(portal, email=f"nobody-{uuid.uuid4().hex}@example.com")
        assert page.status_code == 400
        assert "Enter a correct email address and password" in page.text
        assert 'href="#email"' in page.text
        assert PASSWORD not in page.text

    async def test_empty_fields_are_each_an_error(self, portal: httpx.AsyncClient) -> None:
        page = await sign_in(portal, email="", password="")
        assert page.status_code == 400
        assert "Enter your email address" in page.text
        assert "Enter your password" in page.text
        assert 'href="#password"' in page.text

    async def test_the_account_page_asks_to_sign_in_first(self, portal: httpx.AsyncClient) -> None:
        response = await portal.get("/kingston/account/")
        assert response.status_code == 303
        assert response.headers["location"] == "/kingston/account/sign-in"

    async def test_being_signed_in_at_one_authority_is_not_being_signed_in_at_another(
        self, portal: httpx.AsyncClient
    ) -> None:
        await sign_in(portal)
        response = await portal.get("/watford/account/")
        assert response.status_code == 303
        assert response.headers["location"] == "/watford/account/sign-in"

    async def test_an_access_token_about_to_expire_is_refreshed_before_use(
        self, portal: httpx.AsyncClient, web_store: Mongo
    ) -> None:
        await sign_in(portal)
        before = await stored_session(portal, web_store)
        expiring = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5)
        await web_store.db[COLLECTION].update_one(
            {"_id": before["_id"]}, {"$set": {"signed_in.access_expires_at": expiring}}
        )
        account = await portal.get("/kingston/account/")
        assert f"You are signed in as {APPLICANT}." in account.text
        after = await stored_session(portal, web_store)
        assert isinstance(before["signed_in"], dict)
        assert isinstance(after["signed_in"], dict)
        assert after["signed_in"]["access_token"] != before["signed_in"]["access_token"]
        assert after["signed_in"]["refresh_token"] != before["signed_in"]["refresh_token"]


class TestSignOut:
    async def test_signing_out_ends_the_identity_session_and_this_one(
        self, portal: httpx.AsyncClient, web_store: Mongo
    ) -> None:
        await sign_in(portal)
        tokens = (await stored_session(portal, web_store))["signed_in"]
        assert isinstance(tokens, dict)
        token = await form_token(portal, "/kingston/account/")
        signed_out = await portal.post(
            "/kingston/account/sign-out",
            data={"csrf_token": token},
            headers={"Origin": str(portal.base_url).rstrip("/")},
        )
        assert signed_out.status_code == 303
        assert signed_out.headers["location"] == "/kingston/account/signed-out"
        assert "You have signed out" in (await portal.get("/kingston/account/signed-out")).text
        assert (await portal.get("/kingston/account/")).status_code == 303
        me = await portal.get(
            "/kingston/api/identity/me",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        assert me.status_code == 401

    async def test_signing_out_needs_the_form_token(self, portal: httpx.AsyncClient) -> None:
        await sign_in(portal)
        refused = await portal.post(
            "/kingston/account/sign-out",
            data={},
            headers={"Origin": str(portal.base_url).rstrip("/")},
        )
        assert refused.status_code == 400
        assert (await portal.get("/kingston/account/")).status_code == 200

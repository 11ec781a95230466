"""A forgotten password reset through the portal's pages, from the link in the real email."""

import re

import httpx
from tests.support.pages import path_of, post_form
from tests.support.portal import IdentityStore, Mailbox, Person, Portal, token_of

FORGOTTEN = "/kingston/account/forgotten-password"
RESET = "/kingston/account/reset-password"
NEW_PASSWORD = "Willow-Harbour-97?"
RESET_LINK = re.compile(r"https?://\S+/account/reset-password\?token=[A-Za-z0-9_\-]+")


async def reset_link(portal: httpx.AsyncClient, mailbox: Mailbox, person: Person) -> str:
    """Ask for a reset link on the portal's page; the link in the email that comes."""
    asked = await post_form(portal, FORGOTTEN, {"email": person.email})
    assert asked.status_code == 303
    assert asked.headers["location"] == "/kingston/account/password-reset-sent"
    mail = await mailbox.wait_for(person.email, subject="reset your password")
    found = RESET_LINK.search(mail["text"])
    assert found is not None, mail["text"]
    return found.group(0)


async def choose(
    portal: httpx.AsyncClient, password: str, confirmation: str | None = None
) -> httpx.Response:
    """Send the new password form."""
    return await post_form(
        portal,
        RESET,
        {"password": password, "password_confirmation": confirmation or password},
    )


class TestAskingForALink:
    async def test_the_sign_in_page_links_to_it(self, portal: httpx.AsyncClient) -> None:
        page = await portal.get("/kingston/account/sign-in")
        assert f'href="{FORGOTTEN}"' in page.text

    async def test_any_address_gets_the_same_answer(self, portal: httpx.AsyncClient) -> None:
        asked = await post_form(portal, FORGOTTEN, {"email": "nobody-here@example.org"})
        assert asked.status_code == 303
        assert asked.headers["location"] == "/kingston/account/password-reset-sent"
        page = await portal.get(asked.headers["location"])
        assert "we have sent it a link to choose a new password" in page.text

    async def test_an_empty_address_is_an_error(self, portal: httpx.AsyncClient) -> None:
        page = await post_form(portal, FORGOTTEN, {"email": ""})
        assert page.status_code == 400
        assert "Enter your email address" in page.text
        assert 'href="#email"' in page.text


class TestChoosingANewPassword:
    async def test_the_link_sets_a_new_password_that_signs_in(
        self, portal: httpx.AsyncClient, identity_api: Portal, mailbox: Mailbox
    ) -> None:
        person = await identity_api.confirmed("kingston")
        link = await reset_link(portal, mailbox, person)
        opened = await portal.get(path_of(link))
        # The token leaves the address bar at once, and is in no page after.
        assert opened.status_code == 303
        assert opened.headers["location"] == RESET
        form = await portal.get(RESET)
        assert form.status_code == 200
        assert token_of(link) not in form.text
        assert "At least one uppercase letter" in form.text

        weak = await choose(portal, "lowercase only")
        assert weak.status_code == 400
        assert "Choose a stronger password" in weak.text
        assert 'href="#password"' in weak.text
        differ = await choose(portal, NEW_PASSWORD, "Willow-Harbour-98?")
        assert "The passwords you entered do not match" in differ.text
        assert 'href="#password_confirmation"' in differ.text

        done = await choose(portal, NEW_PASSWORD)
        assert done.status_code == 303
        assert done.headers["location"] == "/kingston/account/password-reset-done"
        page = await portal.get(done.headers["location"])
        assert "govuk-panel" in page.text
        assert 'href="/kingston/account/sign-in"' in page.text
        assert NEW_PASSWORD not in page.text

        old = await post_form(
            portal,
            "/kingston/account/sign-in",
            {"email": person.email, "password": person.password},
        )
        assert "Enter a correct email address and password" in old.text
        new = await post_form(
            portal, "/kingston/account/sign-in", {"email": person.email, "password": NEW_PASSWORD}
        )
        assert new.status_code == 303
        assert new.headers["location"].startswith("/kingston/account/sign-in/")

    async def test_a_used_link_says_how_to_get_a_new_one(
        self, portal: httpx.AsyncClient, identity_api: Portal, mailbox: Mailbox
    ) -> None:
        person = await identity_api.confirmed("kingston")
        link = await reset_link(portal, mailbox, person)
        await portal.get(path_of(link))
        assert (await choose(portal, NEW_PASSWORD)).status_code == 303
        await portal.get(path_of(link))
        again = await choose(portal, "Another-Password-55!")
        assert again.status_code == 400
        assert "This link does not work" in again.text
        assert f'href="{FORGOTTEN}"' in again.text

    async def test_an_expired_link_says_so(
        self,
        portal: httpx.AsyncClient,
        identity_api: Portal,
        mailbox: Mailbox,
        store: IdentityStore,
    ) -> None:
        person = await identity_api.confirmed("kingston")
        link = await reset_link(portal, mailbox, person)
        await store.expire_links(person.user_id, "reset_password")
        await portal.get(path_of(link))
        expired = await choose(portal, NEW_PASSWORD)
        assert expired.status_code == 400
        assert "This link has expired" in expired.text
        assert "work for 1 hour" in expired.text

    async def test_the_form_without_a_link_says_how_to_get_one(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await portal.get(RESET)
        assert page.status_code == 400
        assert "This link does not work" in page.text

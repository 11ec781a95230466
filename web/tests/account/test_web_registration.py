"""Creating an account and confirming its address through the portal's pages, against
identity's real API and the real mail catcher."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from tests.support.accounts import ConfirmationLink, DeclineOffer
from tests.support.pages import post_form
from tests.support.portal import token_of
from tests.support.stack import ReadMail

from identity.config import Settings as IdentitySettings
from kit.mongo import Mongo
from portalstack.endpoints import Stack

PASSWORD = "Maple-Lantern-42!"


@pytest.fixture
async def identity_store(stack: Stack) -> AsyncIterator[Mongo]:
    """Identity's own database, to check what the pages did there."""
    mongo = Mongo(stack.mongo_url, IdentitySettings().mongo_db)
    yield mongo
    await mongo.close()


def new_email() -> str:
    """An address no other test uses."""
    return f"registrant-{uuid.uuid4().hex[:12]}@example.org"


async def register(
    portal: httpx.AsyncClient,
    *,
    email: str,
    password: str = PASSWORD,
    confirmation: str | None = None,
) -> httpx.Response:
    """Send the registration form."""
    return await post_form(
        portal,
        "/kingston/account/register",
        {
            "first_name": "Rhiannon",
            "last_name": "Pryce",
            "email": email,
            "password": password,
            "password_confirmation": password if confirmation is None else confirmation,
        },
    )


async def confirm(portal: httpx.AsyncClient, link: str) -> httpx.Response:
    """Open the emailed link and press its button."""
    opened = await portal.get("/" + link.split("/", 3)[3])
    # The token is taken out of the address at once, and out of the page.
    assert opened.status_code == 303
    assert opened.headers["location"] == "/kingston/account/confirm-email"
    page = await portal.get(opened.headers["location"])
    assert token_of(link) not in page.text
    return await post_form(portal, "/kingston/account/confirm-email", {})


class TestRegistrationPage:
    async def test_it_shows_identity_password_rules(self, portal: httpx.AsyncClient) -> None:
        page = await portal.get("/kingston/account/register")
        assert page.status_code == 200
        assert "At least one uppercase letter" in page.text
        assert 'name="password_confirmation"' in page.text

    async def test_it_shows_the_rules_in_welsh(self, portal: httpx.AsyncClient) -> None:
        await portal.get("/kingston/account/register?lang=cy")
        page = await portal.get("/kingston/account/register")
        assert "O leiaf un briflythyren" in page.text

    async def test_the_home_and_sign_in_pages_link_to_it(self, portal: httpx.AsyncClient) -> None:
        for path in ("/kingston/", "/kingston/account/sign-in"):
            page = await portal.get(path)
            assert 'href="/kingston/account/register"' in page.text


class TestRegistering:
    async def test_a_new_person_is_sent_to_check_their_email(
        self, portal: httpx.AsyncClient, confirmation_link: ConfirmationLink
    ) -> None:
        email = new_email()
        answer = await register(portal, email=email)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/kingston/account/check-your-email"
        page = await portal.get("/kingston/account/check-your-email")
        assert "We have sent a link" in page.text
        assert "/kingston/account/confirm-email?token=" in await confirmation_link(email)

    async def test_registering_in_welsh_makes_the_emails_welsh(
        self, portal: httpx.AsyncClient, identity_store: Mongo, read_mail: ReadMail
    ) -> None:
        await portal.get("/kingston/?lang=cy")
        email = new_email()
        assert (await register(portal, email=email)).status_code == 303
        [message] = await read_mail(email)
        assert message["subject"].endswith(": cadarnhewch eich cyfeiriad e-bost")
        account = await identity_store.db["accounts"].find_one({"email": email})
        assert account is not None
        assert account["language"] == "cy"

    async def test_registering_in_english_makes_the_emails_english(
        self, portal: httpx.AsyncClient, identity_store: Mongo, read_mail: ReadMail
    ) -> None:
        email = new_email()
        assert (await register(portal, email=email)).status_code == 303
        [message] = await read_mail(email)
        assert message["subject"].endswith(": confirm your email address")

    async def test_an_address_with_an_account_gets_the_same_answer(
        self, portal: httpx.AsyncClient
    ) -> None:
        answer = await register(portal, email="applicant.kingston@demo.housing-portal.local")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/kingston/account/check-your-email"

    async def test_a_weak_password_shows_the_rules_it_breaks(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await register(portal, email=new_email(), password="lowercase only")
        assert page.status_code == 400
        assert "Choose a stronger password" in page.text
        assert 'href="#password"' in page.text
        rules = page.text.split('id="password-rules"')[1].split("</ul>")[0]
        assert "At least one uppercase letter" in rules
        assert "At least one lowercase letter" not in rules
        assert "lowercase only" not in page.text

    async def test_an_address_identity_refuses_is_an_error_on_the_email_field(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await register(portal, email="two@@example.org")
        assert page.status_code == 400
        assert "Enter an email address in the correct format" in page.text
        assert 'href="#email"' in page.text
        assert 'value="Rhiannon"' in page.text

    async def test_passwords_that_differ_are_an_error(self, portal: httpx.AsyncClient) -> None:
        page = await register(portal, email=new_email(), confirmation="Maple-Lantern-43!")
        assert page.status_code == 400
        assert "The passwords you entered do not match" in page.text
        assert 'href="#password_confirmation"' in page.text

    async def test_empty_fields_are_each_an_error(self, portal: httpx.AsyncClient) -> None:
        page = await post_form(portal, "/kingston/account/register", {})
        assert page.status_code == 400
        for message in ("Enter your first name", "Enter your last name", "Enter a password"):
            assert message in page.text
        assert "Enter your email address" in page.text

    async def test_the_errors_are_in_welsh(self, portal: httpx.AsyncClient) -> None:
        await portal.get("/kingston/?lang=cy")
        page = await register(portal, email=new_email(), password="lowercase only")
        assert "Dewiswch gyfrinair cryfach" in page.text
        assert "O leiaf un briflythyren" in page.text

    async def test_a_form_without_its_token_is_refused(
        self, portal: httpx.AsyncClient, identity_store: Mongo
    ) -> None:
        email = new_email()
        await portal.get("/kingston/account/register")
        answer = await portal.post(
            "/kingston/account/register",
            data={
                "csrf_token": "forged",
                "first_name": "Rhiannon",
                "last_name": "Pryce",
                "email": email,
                "password": PASSWORD,
                "password_confirmation": PASSWORD,
            },
            headers={"Origin": str(portal.base_url).rstrip("/")},
        )
        assert answer.status_code == 400
        assert "Sorry, your form could not be sent" in answer.text
        assert await identity_store.db.accounts.find_one({"email": email}) is None
        # The same form with its token makes the account: the refusal was the token's.
        assert (await register(portal, email=email)).status_code == 303
        assert await identity_store.db.accounts.find_one({"email": email}) is not None


class TestConfirming:
    async def test_the_link_shows_a_button_and_the_button_confirms(
        self,
        portal: httpx.AsyncClient,
        confirmation_link: ConfirmationLink,
        decline_second_factor_offer: DeclineOffer,
    ) -> None:
        email = new_email()
        await register(portal, email=email)
        link = await confirmation_link(email)
        path = "/" + link.split("/", 3)[3]
        opened = await portal.get(path, follow_redirects=True)
        assert opened.status_code == 200
        assert "Confirm email address" in opened.text
        # Opening the link confirms nothing: signing in is still refused.
        refused = await post_form(
            portal,
            "/kingston/account/sign-in",
            {"email": email, "password": PASSWORD},
        )
        assert "Confirm your email address first" in refused.text
        confirmed = await confirm(portal, link)
        assert confirmed.status_code == 303
        assert confirmed.headers["location"] == "/kingston/account/email-confirmed"
        page = await portal.get("/kingston/account/email-confirmed")
        assert "govuk-panel" in page.text
        assert 'href="/kingston/account/sign-in"' in page.text
        await decline_second_factor_offer("kingston", email, PASSWORD)
        signed_in = await post_form(
            portal, "/kingston/account/sign-in", {"email": email, "password": PASSWORD}
        )
        assert signed_in.status_code == 303
        assert token_of(link) not in str(confirmed.headers)

    async def test_a_used_link_says_how_to_get_a_new_one(
        self, portal: httpx.AsyncClient, confirmation_link: ConfirmationLink
    ) -> None:
        email = new_email()
        await register(portal, email=email)
        link = await confirmation_link(email)
        await confirm(portal, link)
        again = await confirm(portal, link)
        assert again.status_code == 400
        assert "This link does not work" in again.text
        assert 'href="/kingston/account/new-confirmation-link"' in again.text

    async def test_a_link_without_a_token_says_how_to_get_a_new_one(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await portal.get("/kingston/account/confirm-email")
        assert page.status_code == 400
        assert "This link does not work" in page.text

    async def test_confirming_without_the_form_token_is_refused(
        self, portal: httpx.AsyncClient, confirmation_link: ConfirmationLink
    ) -> None:
        email = new_email()
        await register(portal, email=email)
        link = await confirmation_link(email)
        await portal.get("/" + link.split("/", 3)[3])
        refused = await portal.post(
            "/kingston/account/confirm-email",
            data={},
            headers={"Origin": str(portal.base_url).rstrip("/")},
        )
        assert refused.status_code == 400
        # The link still works from the portal's own page.
        assert (await confirm(portal, link)).status_code == 303


class TestNewLink:
    async def test_a_new_link_is_emailed_and_works(
        self,
        portal: httpx.AsyncClient,
        confirmation_link: ConfirmationLink,
        identity_store: Mongo,
    ) -> None:
        email = new_email()
        await register(portal, email=email)
        first = await confirmation_link(email)
        # Identity sends no new link within a minute of the last: make the first one older.
        account = await identity_store.db.accounts.find_one({"email": email})
        assert account is not None
        await identity_store.db.link_tokens.update_many(
            {"user_id": str(account["_id"])},
            {"$set": {"created_at": datetime.now(UTC) - timedelta(minutes=2)}},
        )
        answer = await post_form(
            portal, "/kingston/account/new-confirmation-link", {"email": email}
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/kingston/account/check-your-email"
        link = await confirmation_link(email, count=2)
        assert link != first
        assert (await confirm(portal, link)).status_code == 303

    async def test_an_empty_address_is_an_error(self, portal: httpx.AsyncClient) -> None:
        page = await post_form(portal, "/kingston/account/new-confirmation-link", {"email": ""})
        assert page.status_code == 400
        assert "Enter your email address" in page.text

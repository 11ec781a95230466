"""The landlord administrator's pages: their organisation's users."""

import uuid

import httpx
import pytest
from tests.support.portal import Person, Portal
from tests.support.stack import ReadMail
from tests.support.web_sessions import BrowserAs, invitation_link, local_address, send_form

from portalstack.endpoints import Stack

AUTHORITY = "housing-ombudsman"
PASSWORD = "Maple-Lantern-42!"
USERS = f"/{AUTHORITY}/organisation/users"


@pytest.fixture
async def landlord_admin(identity_api: Portal) -> Person:
    """The demo landlord's administrator, signed in through the API."""
    return await identity_api.demo("landlord_admin", AUTHORITY)


@pytest.fixture
async def admin_portal(browser_as: BrowserAs, landlord_admin: Person) -> httpx.AsyncClient:
    """The portal with the landlord administrator signed in."""
    return await browser_as(landlord_admin)


async def create_user(admin_portal: httpx.AsyncClient, email: str) -> httpx.Response:
    """Send the form that creates a landlord user."""
    return await send_form(
        admin_portal,
        f"{USERS}/new",
        {"email": email, "first_name": "Lowri", "last_name": "Hughes", "role": "landlord_user"},
    )


def user_id_in(page: str, email: str) -> str:
    """The id in the action links of the row of the user with this email address."""
    row = page.split(email, 1)[1]
    return row.split(f'href="{USERS}/', 1)[1].split("/", 1)[0]


class TestOrganisationUsers:
    async def test_the_administrator_sees_their_users(
        self, admin_portal: httpx.AsyncClient
    ) -> None:
        page = await admin_portal.get(USERS)
        assert page.status_code == 200
        assert "landlord-user.housing-ombudsman@demo.housing-portal.local" in page.text
        assert "Harrison" in page.text

    async def test_others_find_no_such_page(
        self, browser_as: BrowserAs, identity_api: Portal, portal: httpx.AsyncClient
    ) -> None:
        user = await browser_as(await identity_api.demo("landlord_user", AUTHORITY))
        assert (await user.get(USERS)).status_code == 404
        assert (await portal.get(USERS)).headers["location"] == f"/{AUTHORITY}/account/sign-in"

    async def test_a_created_user_accepts_and_can_sign_in(
        self,
        stack: Stack,
        admin_portal: httpx.AsyncClient,
        portal: httpx.AsyncClient,
        identity_api: Portal,
        read_mail: ReadMail,
    ) -> None:
        email = f"landlord-{uuid.uuid4().hex[:12]}@example.org"
        created = await create_user(admin_portal, email)
        assert created.status_code == 303, created.text
        assert created.headers["location"] == f"/{AUTHORITY}/organisation/user-created"
        assert "User created" in (await admin_portal.get(created.headers["location"])).text
        assert "Invited" in (await admin_portal.get(USERS)).text.split(email, 1)[1]

        link = invitation_link((await read_mail(email))[0])
        await portal.get(local_address(stack.gateway_url, link))
        accepted = await send_form(
            portal,
            f"/{AUTHORITY}/account/accept-invitation",
            {"password": PASSWORD, "password_confirmation": PASSWORD},
        )
        assert accepted.status_code == 303, accepted.text
        tokens = await identity_api.sign_in(
            Person(email=email, password=PASSWORD, authority=AUTHORITY)
        )
        assert tokens["access_token"]

    async def test_the_fields_are_checked(self, admin_portal: httpx.AsyncClient) -> None:
        answer = await send_form(
            admin_portal, f"{USERS}/new", {"email": "", "first_name": "", "last_name": ""}
        )
        assert answer.status_code == 400
        for field in ("email", "first_name", "last_name", "role"):
            assert f'href="#{field}"' in answer.text

    async def test_reset_a_password_then_deactivate_and_reactivate(
        self, admin_portal: httpx.AsyncClient, read_mail: ReadMail
    ) -> None:
        email = f"landlord-{uuid.uuid4().hex[:12]}@example.org"
        await create_user(admin_portal, email)
        user_id = user_id_in((await admin_portal.get(USERS)).text, email)

        check = await admin_portal.get(f"{USERS}/{user_id}/reset-password")
        assert email in check.text
        reset = await send_form(admin_portal, f"{USERS}/{user_id}/reset-password", {})
        assert reset.status_code == 303
        assert reset.headers["location"] == f"/{AUTHORITY}/organisation/password-reset-sent"
        # They had not set a password yet: a second invitation is sent.
        assert len(await read_mail(email, count=2)) == 2

        deactivated = await send_form(admin_portal, f"{USERS}/{user_id}/deactivate", {})
        assert deactivated.status_code == 303
        assert deactivated.headers["location"] == f"/{AUTHORITY}/organisation/user-deactivated"
        row = (await admin_portal.get(USERS)).text.split(email, 1)[1].split("</tr>", 1)[0]
        assert "Deactivated" in row
        assert f"{user_id}/reactivate" in row

        reactivated = await send_form(admin_portal, f"{USERS}/{user_id}/reactivate", {})
        assert reactivated.status_code == 303
        row = (await admin_portal.get(USERS)).text.split(email, 1)[1].split("</tr>", 1)[0]
        assert "Deactivated" not in row
        assert f"{user_id}/deactivate" in row

    async def test_a_user_of_no_organisation_of_theirs_is_not_found(
        self, admin_portal: httpx.AsyncClient
    ) -> None:
        assert (await admin_portal.get(f"{USERS}/{uuid.uuid4().hex}/deactivate")).status_code == 404
        assert (await admin_portal.get(f"{USERS}/..%2F../deactivate")).status_code == 404

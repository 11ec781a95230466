"""The authority administrator's pages: invite staff, list members, restrict, read the log."""

import datetime
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from tests.support.portal import Person, Portal
from tests.support.stack import ReadMail
from tests.support.web_sessions import (
    SESSION_COOKIE,
    WebSessionOf,
    invitation_link,
    local_address,
    send_form,
)

from portalstack.endpoints import Stack
from portalstack.settings import StackSettings

PASSWORD = "Maple-Lantern-42!"


@pytest.fixture
async def admin(identity_api: Portal) -> Person:
    """Kingston's demo authority administrator, signed in through the API."""
    return await identity_api.demo("authority_admin", "kingston")


@pytest.fixture
async def admin_portal(
    stack: Stack, admin: Person, web_session_of: WebSessionOf
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client of the portal with the administrator signed in."""
    session_id = await web_session_of(admin)
    suffix = uuid.uuid4().hex
    async with httpx.AsyncClient(
        base_url=stack.gateway_url,
        timeout=15.0,
        headers={"X-Forwarded-For": f"2001:db8:{suffix[:4]}:{suffix[4:8]}::{suffix[8:12]}"},
        cookies={SESSION_COOKIE: session_id},
    ) as client:
        yield client


async def invited_officer(identity_api: Portal, admin: Person) -> Person:
    """A new officer of the administrator's authority who has accepted their invitation."""
    invitation = await identity_api.invite(admin)
    return await identity_api.accept_invitation(admin.authority, invitation["email"])


class TestWhoSeesThePages:
    async def test_the_administrator_sees_the_members(
        self, admin_portal: httpx.AsyncClient, admin: Person
    ) -> None:
        page = await admin_portal.get(f"/kingston/staff/members?email={admin.email}")
        assert page.status_code == 200
        assert admin.email in page.text
        assert "Staff and members" in page.text

    async def test_someone_not_signed_in_is_asked_to_sign_in(
        self, portal: httpx.AsyncClient
    ) -> None:
        for path in ("/kingston/staff/members", "/kingston/staff/audit-log"):
            answer = await portal.get(path)
            assert answer.status_code == 303
            assert answer.headers["location"] == "/kingston/account/sign-in"

    async def test_an_applicant_finds_no_such_page(
        self, stack: Stack, identity_api: Portal, web_session_of: WebSessionOf
    ) -> None:
        applicant = await identity_api.demo("applicant", "kingston")
        cookies = {SESSION_COOKIE: await web_session_of(applicant)}
        async with httpx.AsyncClient(base_url=stack.gateway_url, cookies=cookies) as browser:
            for path in ("/kingston/staff/members", "/kingston/staff/invite"):
                answer = await browser.get(path)
                assert answer.status_code == 404
                assert "Page not found" in answer.text

    async def test_the_home_page_links_to_the_administration_pages(
        self, admin_portal: httpx.AsyncClient
    ) -> None:
        home = await admin_portal.get("/kingston/")
        assert 'href="/kingston/staff/members"' in home.text
        assert 'href="/kingston/staff/audit-log"' in home.text
        assert 'href="/kingston/platform/authorities"' not in home.text


class TestInvitingStaff:
    async def test_an_invited_officer_accepts_from_the_email_and_can_sign_in(
        self,
        stack: Stack,
        admin_portal: httpx.AsyncClient,
        portal: httpx.AsyncClient,
        identity_api: Portal,
        read_mail: ReadMail,
    ) -> None:
        email = f"officer-{uuid.uuid4().hex[:12]}@example.org"
        sent = await send_form(
            admin_portal,
            "/kingston/staff/invite",
            {"email": email, "first_name": "Olwen", "last_name": "Price", "role": "officer"},
        )
        assert sent.status_code == 303, sent.text
        assert sent.headers["location"] == "/kingston/staff/invitation-sent"
        assert "Invitation sent" in (await admin_portal.get(sent.headers["location"])).text

        link = invitation_link((await read_mail(email))[0])
        token = link.rsplit("=", 1)[1]
        opened = await portal.get(local_address(stack.gateway_url, link))
        # The token moves out of the address at once.
        assert opened.status_code == 303
        assert opened.headers["location"] == "/kingston/account/accept-invitation"
        page = await portal.get(opened.headers["location"])
        assert page.status_code == 200
        assert token not in page.text
        weak = await send_form(
            portal,
            "/kingston/account/accept-invitation",
            {"password": "lowercase only", "password_confirmation": "lowercase only"},
        )
        assert weak.status_code == 400
        assert "Choose a stronger password" in weak.text
        assert 'href="#password"' in weak.text
        accepted = await send_form(
            portal,
            "/kingston/account/accept-invitation",
            {"password": PASSWORD, "password_confirmation": PASSWORD},
        )
        assert accepted.status_code == 303, accepted.text
        assert accepted.headers["location"] == "/kingston/account/invitation-accepted"
        assert "Invitation accepted" in (await portal.get(accepted.headers["location"])).text

        officer = Person(email=email, password=PASSWORD, authority="kingston")
        tokens = await identity_api.sign_in(officer)
        assert tokens["access_token"]
        logs = StackSettings.from_env().data_dir / "logs"
        for log in ("gateway.log", "web.log"):
            assert token not in (logs / log).read_text(errors="replace")

    async def test_a_used_link_does_not_work_again(
        self,
        stack: Stack,
        admin: Person,
        portal: httpx.AsyncClient,
        identity_api: Portal,
        read_mail: ReadMail,
    ) -> None:
        invitation = await identity_api.invite(admin)
        link = invitation_link((await read_mail(invitation["email"]))[0])
        await identity_api.accept_invitation("kingston", invitation["email"])
        await portal.get(local_address(stack.gateway_url, link))
        answer = await send_form(
            portal,
            "/kingston/account/accept-invitation",
            {"password": PASSWORD, "password_confirmation": PASSWORD},
        )
        assert answer.status_code == 400
        assert "This invitation link does not work" in answer.text

    async def test_without_a_link_the_page_says_the_link_does_not_work(
        self, portal: httpx.AsyncClient
    ) -> None:
        answer = await portal.get("/kingston/account/accept-invitation")
        assert answer.status_code == 400
        assert "This invitation link does not work" in answer.text

    async def test_the_fields_are_checked(self, admin_portal: httpx.AsyncClient) -> None:
        answer = await send_form(
            admin_portal,
            "/kingston/staff/invite",
            {"email": "not-an-address", "first_name": "", "last_name": "Price"},
        )
        assert answer.status_code == 400
        for field in ("email", "first_name", "role"):
            assert f'href="#{field}"' in answer.text
        assert 'href="#last_name"' not in answer.text

    async def test_someone_with_the_role_already_is_an_error_on_the_email(
        self, admin_portal: httpx.AsyncClient, admin: Person
    ) -> None:
        answer = await send_form(
            admin_portal,
            "/kingston/staff/invite",
            {
                "email": admin.email,
                "first_name": "Demo",
                "last_name": "Admin",
                "role": "authority_admin",
            },
        )
        assert answer.status_code == 400
        assert "This person already has this role here" in answer.text


class TestInvitationsSentAgain:
    async def test_a_waiting_invitation_is_sent_again_with_a_new_link(
        self,
        admin_portal: httpx.AsyncClient,
        admin: Person,
        identity_api: Portal,
        read_mail: ReadMail,
    ) -> None:
        invitation = await identity_api.invite(admin)
        first = invitation_link((await read_mail(invitation["email"]))[0])
        listed = await admin_portal.get("/kingston/staff/invitations")
        row = listed.text.split(invitation["email"], 1)[1].split("</tr>", 1)[0]
        assert "Waiting" in row
        path = f"/kingston/staff/invitations/{invitation['id']}/renewal"
        assert f'action="{path}"' in row
        sent = await send_form(admin_portal, path, {}, page="/kingston/staff/invitations")
        assert sent.status_code == 303
        assert sent.headers["location"] == "/kingston/staff/invitation-sent"
        second = invitation_link((await read_mail(invitation["email"], count=2))[0])
        assert second != first

    async def test_an_accepted_invitation_is_not_offered_again(
        self, admin_portal: httpx.AsyncClient, admin: Person, identity_api: Portal
    ) -> None:
        officer = await invited_officer(identity_api, admin)
        listed = await admin_portal.get("/kingston/staff/invitations")
        row = listed.text.split(officer.email, 1)[1].split("</tr>", 1)[0]
        assert "Accepted" in row
        assert "/renewal" not in row


class TestRestrictions:
    async def test_restrict_then_lift(
        self, admin_portal: httpx.AsyncClient, admin: Person, identity_api: Portal
    ) -> None:
        officer = await invited_officer(identity_api, admin)
        form = await admin_portal.get(f"/kingston/staff/members/{officer.user_id}/restrict")
        # The page names who is about to be restricted.
        assert officer.email in form.text
        ends = datetime.date.today() + datetime.timedelta(days=30)
        restricted = await send_form(
            admin_portal,
            f"/kingston/staff/members/{officer.user_id}/restrict",
            {
                "reason": "Abusive messages to staff",
                "until-day": str(ends.day),
                "until-month": str(ends.month),
                "until-year": str(ends.year),
            },
        )
        assert restricted.status_code == 303, restricted.text
        assert restricted.headers["location"] == "/kingston/staff/access-restricted"

        listed = await admin_portal.get(f"/kingston/staff/members?email={officer.email}")
        assert "Restricted" in listed.text
        assert f"{ends.day} " in listed.text
        lift_path = listed.text.split('href="/kingston/staff/restrictions/', 1)[1].split('"')[0]
        check = await admin_portal.get(f"/kingston/staff/restrictions/{lift_path}")
        assert "Abusive messages to staff" in check.text
        lifted = await send_form(admin_portal, f"/kingston/staff/restrictions/{lift_path}", {})
        assert lifted.status_code == 303
        assert lifted.headers["location"] == "/kingston/staff/restriction-lifted"
        listed = await admin_portal.get(f"/kingston/staff/members?email={officer.email}")
        assert "/kingston/staff/restrictions/" not in listed.text
        assert f"/kingston/staff/members/{officer.user_id}/restrict" in listed.text

    async def test_a_reason_and_a_real_future_date_are_needed(
        self, admin_portal: httpx.AsyncClient, admin: Person, identity_api: Portal
    ) -> None:
        officer = await invited_officer(identity_api, admin)
        path = f"/kingston/staff/members/{officer.user_id}/restrict"
        answer = await send_form(
            admin_portal,
            path,
            {"reason": "", "until-day": "31", "until-month": "2", "until-year": "2030"},
        )
        assert answer.status_code == 400
        assert 'href="#reason"' in answer.text
        assert "The end date must be a real date" in answer.text
        past = await send_form(
            admin_portal,
            path,
            {"reason": "Why", "until-day": "1", "until-month": "1", "until-year": "2020"},
        )
        assert past.status_code == 400
        assert "The end date must be in the future" in past.text
        assert 'href="#until-day"' in past.text

    async def test_only_a_member_here_can_be_restricted(
        self, admin_portal: httpx.AsyncClient, identity_api: Portal
    ) -> None:
        outsider = await identity_api.applicant("watford")
        path = f"/kingston/staff/members/{outsider.user_id}/restrict"
        assert (await admin_portal.get(path)).status_code == 404
        sent = await send_form(
            admin_portal, path, {"reason": "Not ours"}, page="/kingston/staff/members"
        )
        assert sent.status_code == 404

    async def test_no_one_may_be_restricted_twice(
        self, admin_portal: httpx.AsyncClient, admin: Person, identity_api: Portal
    ) -> None:
        officer = await invited_officer(identity_api, admin)
        path = f"/kingston/staff/members/{officer.user_id}/restrict"
        first = await send_form(admin_portal, path, {"reason": "First"})
        assert first.status_code == 303
        again = await send_form(admin_portal, path, {"reason": "Second"})
        assert again.status_code == 400
        assert "restricted already" in again.text


class TestAuditLog:
    async def test_filtered_by_action_and_person(
        self, admin_portal: httpx.AsyncClient, admin: Person, identity_api: Portal
    ) -> None:
        officer = await invited_officer(identity_api, admin)
        page = await admin_portal.get(
            "/kingston/staff/audit-log",
            params={"action": "staff.invitation_accepted", "email": officer.email},
        )
        assert page.status_code == 200
        assert page.text.count('<tr class="govuk-table__row">') == 2  # the head and one event
        assert "Invitation accepted" in page.text
        (event,) = [row for row in page.text.split("<tr") if "govuk-table__cell" in row]
        assert "Sam Staff" in event  # the invited officer, by name and email address
        assert officer.email in event
        assert officer.user_id not in page.text

    async def test_pages_follow_on(self, admin_portal: httpx.AsyncClient) -> None:
        first = await admin_portal.get("/kingston/staff/audit-log")
        assert first.status_code == 200
        assert 'rel="next"' in first.text
        following = first.text.split('rel="next"', 1)[0].rsplit('href="', 1)[1].split('"')[0]
        second = await admin_portal.get(following.replace("&amp;", "&"))
        assert second.status_code == 200
        assert 'rel="prev"' in second.text
        events = [row for row in first.text.split("<tr") if "govuk-table__cell" in row]
        later = [row for row in second.text.split("<tr") if "govuk-table__cell" in row]
        assert events
        assert later
        assert events != later

    async def test_an_unknown_action_or_person_is_an_error_on_the_field(
        self, admin_portal: httpx.AsyncClient
    ) -> None:
        page = await admin_portal.get(
            "/kingston/staff/audit-log",
            params={"action": "no.such", "email": f"nobody-{uuid.uuid4().hex}@example.org"},
        )
        assert page.status_code == 400
        assert 'href="#action"' in page.text
        assert "There is no one with this email address here" in page.text

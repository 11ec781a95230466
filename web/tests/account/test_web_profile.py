"""Seeing and changing the name and phone number, with identity's ETag guarding each change."""

import html
import re

import httpx
from tests.support.portal import Portal
from tests.support.web_pages import NewApplicant, send_form, sign_in

VERSION = re.compile(r'name="version" value="([^"]*)"')


async def version_on(portal: httpx.AsyncClient, path: str) -> str:
    """The profile version a change form was filled from."""
    found = VERSION.search((await portal.get(path)).text)
    assert found is not None
    return html.unescape(found.group(1))


class TestSeeingTheDetails:
    async def test_name_email_and_phone_are_listed_with_ways_to_change_them(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant(first_name="Gwenllian")
        await sign_in(portal, email=person.email, password=person.password)
        page = await portal.get("/kingston/account/profile")
        assert page.status_code == 200
        assert "Gwenllian Example" in page.text
        assert person.email in page.text
        assert "Not given" in page.text
        assert 'href="/kingston/account/profile/name"' in page.text
        assert 'href="/kingston/account/profile/phone"' in page.text

    async def test_the_account_page_sums_up_every_part(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant(first_name="Gwenllian")
        await sign_in(portal, email=person.email, password=person.password)
        page = await portal.get("/kingston/account/")
        assert f"You are signed in as {person.email}." in page.text
        assert "govuk-summary-list" in page.text
        for part in ("password", "sessions", "security-events", "authorities", "profile/name"):
            assert f'href="/kingston/account/{part}"' in page.text


class TestChangingTheName:
    async def test_a_new_name_is_saved_and_the_change_confirmed_once(
        self, portal: httpx.AsyncClient, identity: Portal, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        path = "/kingston/account/profile/name"
        fields = {
            "first_name": "Siân",
            "last_name": "Lloyd",
            "version": await version_on(portal, path),
        }
        saved = await send_form(portal, path, fields)
        assert saved.status_code == 303
        assert saved.headers["location"] == "/kingston/account/profile"
        profile = await portal.get("/kingston/account/profile")
        assert "You have changed your name." in profile.text
        assert "Siân Lloyd" in profile.text
        assert (
            "You have changed your name."
            not in (await portal.get("/kingston/account/profile")).text
        )
        await identity.sign_in(person)
        me = (await identity.get("kingston", "/me", person=person)).json()
        assert (me["first_name"], me["last_name"]) == ("Siân", "Lloyd")

    async def test_empty_names_are_each_an_error(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        path = "/kingston/account/profile/name"
        page = await send_form(portal, path, {"first_name": " ", "last_name": "", "version": '"1"'})
        assert page.status_code == 400
        assert "Enter your first name" in page.text
        assert 'href="#last_name"' in page.text

    async def test_a_change_made_elsewhere_since_the_form_opened_is_not_overwritten(
        self, portal: httpx.AsyncClient, identity: Portal, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant(first_name="Gwenllian")
        await sign_in(portal, email=person.email, password=person.password)
        path = "/kingston/account/profile/name"
        opened = await version_on(portal, path)
        await identity.sign_in(person)
        etag = (await identity.get("kingston", "/me", person=person)).headers["etag"]
        elsewhere = await identity.call(
            "PATCH",
            "kingston",
            "/me",
            json={"first_name": "Elsewhere"},
            person=person,
            headers={"If-Match": etag},
        )
        assert elsewhere.status_code == 200
        fields = {"first_name": "Siân", "last_name": "Lloyd", "version": opened}
        stale = await send_form(portal, path, fields)
        assert stale.status_code == 400
        assert "Your details were changed in another window or on another device" in stale.text
        assert 'href="#first_name"' in stale.text
        me = (await identity.get("kingston", "/me", person=person)).json()
        assert me["first_name"] == "Elsewhere"
        # The form now carries the version it was refused for: saving again is a choice.
        current = VERSION.search(stale.text)
        assert current is not None
        assert html.unescape(current.group(1)) == elsewhere.headers["etag"]
        fields["version"] = html.unescape(current.group(1))
        again = await send_form(portal, path, fields)
        assert again.status_code == 303

    async def test_a_form_without_its_version_is_treated_as_stale(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        page = await send_form(
            portal, "/kingston/account/profile/name", {"first_name": "A", "last_name": "B"}
        )
        assert page.status_code == 400
        assert "Your details were changed in another window" in page.text


class TestChangingTheLanguage:
    async def test_welsh_is_chosen_for_emails_and_the_portal_follows(
        self, portal: httpx.AsyncClient, identity: Portal, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        profile = await portal.get("/kingston/account/profile")
        assert 'href="/kingston/account/profile/language"' in profile.text
        path = "/kingston/account/profile/language"
        form = await portal.get(path)
        assert 'value="en" checked' in form.text
        saved = await send_form(
            portal, path, {"language": "cy", "version": await version_on(portal, path)}
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == "/kingston/account/profile?lang=cy"
        switched = await portal.get(saved.headers["location"])
        assert switched.status_code == 303  # the language is kept, and the address made plain
        welsh = await portal.get(switched.headers["location"])
        assert '<html lang="cy"' in welsh.text
        assert "Byddwn yn ysgrifennu atoch yn yr iaith a ddewisoch." in welsh.text
        assert "Cymraeg" in welsh.text
        await identity.sign_in(person)
        me = (await identity.get("kingston", "/me", person=person)).json()
        assert me["language"] == "cy"

    async def test_no_choice_or_another_language_is_an_error_on_the_field(
        self, portal: httpx.AsyncClient, identity: Portal, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        path = "/kingston/account/profile/language"
        for chosen in ({}, {"language": "fr"}):
            page = await send_form(
                portal, path, {**chosen, "version": await version_on(portal, path)}
            )
            assert page.status_code == 400
            assert "Select English or Welsh" in page.text
            assert 'href="#language"' in page.text
        await identity.sign_in(person)
        me = (await identity.get("kingston", "/me", person=person)).json()
        assert me["language"] == "en"


class TestChangingThePhoneNumber:
    async def test_a_number_is_added_then_removed(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        path = "/kingston/account/profile/phone"
        added = await send_form(
            portal, path, {"phone": "07700 900123", "version": await version_on(portal, path)}
        )
        assert added.status_code == 303
        profile = await portal.get("/kingston/account/profile")
        assert "You have changed your phone number." in profile.text
        assert "07700 900123" in profile.text
        version = await version_on(portal, path)
        removed = await send_form(portal, path, {"phone": "", "version": version})
        assert removed.status_code == 303
        profile = await portal.get("/kingston/account/profile")
        assert "You have removed your phone number." in profile.text
        assert "07700 900123" not in profile.text

    async def test_a_malformed_number_is_an_error_on_the_field(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        path = "/kingston/account/profile/phone"
        page = await send_form(
            portal, path, {"phone": "call me maybe", "version": await version_on(portal, path)}
        )
        assert page.status_code == 400
        assert "Enter a phone number, like 01632 960 001" in page.text
        assert 'href="#phone"' in page.text

    async def test_the_pages_ask_to_sign_in_first(self, portal: httpx.AsyncClient) -> None:
        for path in ("profile", "profile/name", "profile/phone", "profile/language"):
            page = await portal.get(f"/kingston/account/{path}")
            assert page.status_code == 303
            assert page.headers["location"] == "/kingston/account/sign-in"

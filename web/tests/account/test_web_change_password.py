"""Changing the password from the account pages, against identity's real API."""

import httpx
from tests.support.web_pages import NewApplicant, send_form, sign_in

from portalstack.endpoints import Stack

NEW_PASSWORD = "Harbour-Lights-77?"
PAGE = "/kingston/account/password"


def change(current: str, new: str, confirm: str | None = None) -> dict[str, str]:
    """The change-password form's fields."""
    return {
        "current_password": current,
        "new_password": new,
        "confirm_password": new if confirm is None else confirm,
    }


class TestChangingThePassword:
    async def test_the_new_password_signs_in_and_the_old_one_no_longer_does(
        self, portal: httpx.AsyncClient, stack: Stack, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        form = await portal.get(PAGE)
        assert "At least one uppercase letter" in form.text
        changed = await send_form(portal, PAGE, change(person.password, NEW_PASSWORD))
        assert changed.status_code == 303
        assert changed.headers["location"] == "/kingston/account/"
        account = await portal.get("/kingston/account/")
        assert "govuk-notification-banner--success" in account.text
        assert (
            '<p class="govuk-notification-banner__heading">You have changed your password.'
            in account.text
        )
        # The banner is shown once.
        again = await portal.get("/kingston/account/")
        assert "You have changed your password." not in again.text
        async with httpx.AsyncClient(base_url=stack.gateway_url) as other:
            refused = await sign_in(other, email=person.email, password=person.password)
            assert refused.status_code == 400
            accepted = await sign_in(other, email=person.email, password=NEW_PASSWORD)
            assert accepted.status_code == 303

    async def test_other_devices_are_signed_out_and_this_one_is_not(
        self, portal: httpx.AsyncClient, stack: Stack, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        async with httpx.AsyncClient(base_url=stack.gateway_url) as laptop:
            await sign_in(laptop, email=person.email, password=person.password)
            await sign_in(portal, email=person.email, password=person.password)
            await send_form(portal, PAGE, change(person.password, NEW_PASSWORD))
            elsewhere = await laptop.get("/kingston/account/profile")
            assert elsewhere.status_code == 303
            assert elsewhere.headers["location"] == "/kingston/account/sign-in"
        assert (await portal.get("/kingston/account/profile")).status_code == 200


class TestRefusals:
    async def test_a_wrong_current_password_is_an_error_on_that_field(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        page = await send_form(portal, PAGE, change("Not-My-Password-1!", NEW_PASSWORD))
        assert page.status_code == 400
        assert "Your current password is not right" in page.text
        assert 'href="#current_password"' in page.text
        assert NEW_PASSWORD not in page.text

    async def test_a_weak_new_password_lists_the_rules_it_breaks(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        page = await send_form(portal, PAGE, change(person.password, "lowercase only"))
        assert page.status_code == 400
        assert "Choose a stronger password" in page.text
        assert 'href="#new_password"' in page.text
        assert "Your new password must also meet these rules:" in page.text
        assert "At least one number" in page.text

    async def test_the_current_password_again_is_refused(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        page = await send_form(portal, PAGE, change(person.password, person.password))
        assert page.status_code == 400
        assert "Your new password must be different from your current password" in page.text

    async def test_empty_and_mismatched_fields_are_each_an_error(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        empty = await send_form(portal, PAGE, change("", ""))
        assert "Enter your current password" in empty.text
        assert "Enter a new password" in empty.text
        mismatched = await send_form(portal, PAGE, change("x", NEW_PASSWORD, "Other-Words-12!"))
        assert 'href="#confirm_password"' in mismatched.text
        assert "The passwords you entered do not match" in mismatched.text

    async def test_the_error_is_in_welsh_for_those_who_chose_welsh(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        portal.cookies.set("portal_language", "cy")
        page = await send_form(portal, PAGE, change("Not-My-Password-1!", NEW_PASSWORD))
        assert "Nid yw eich cyfrinair presennol yn gywir" in page.text
        assert '<html lang="cy"' in page.text

    async def test_the_form_needs_its_token(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        refused = await portal.post(
            PAGE,
            data=change(person.password, NEW_PASSWORD),
            headers={"Origin": str(portal.base_url).rstrip("/")},
        )
        assert refused.status_code == 400
        again = await portal.get("/kingston/account/")
        assert "You have changed your password." not in again.text

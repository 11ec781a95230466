"""The language a person chooses for their account's emails: English or Welsh."""

from tests.support.portal import PASSWORD, Portal, error_code, new_email
from tests.support.stack import ReadMail

CONFIRMATION = "identity.account.confirmation_requested"


async def register(portal: Portal, authority: str, **fields: object) -> str:
    email = new_email()
    body = {"email": email, "password": PASSWORD, "first_name": "Eleri", "last_name": "Jones"}
    response = await portal.post(authority, "/accounts", {**body, **fields})
    assert response.status_code == 202, response.text
    return email


class TestRegisteringInWelsh:
    async def test_the_confirmation_email_is_in_welsh(
        self, portal: Portal, read_mail: ReadMail
    ) -> None:
        email = await register(portal, "rugby", language="cy")

        event = await portal.store.wait_for_event(CONFIRMATION, email=email)
        assert event["data"]["language"] == "cy"
        [message] = await read_mail(email)
        assert message["subject"].endswith(": cadarnhewch eich cyfeiriad e-bost")
        assert message["text"].startswith("Helo Eleri,")
        assert '<html lang="cy">' in message["html"]
        assert message["headers"]["Content-Language"] == "cy"

    async def test_without_a_choice_it_is_in_english(
        self, portal: Portal, read_mail: ReadMail
    ) -> None:
        email = await register(portal, "rugby")

        [message] = await read_mail(email)
        assert message["subject"].endswith(": confirm your email address")
        assert message["headers"]["Content-Language"] == "en-GB"

    async def test_a_language_the_portal_does_not_speak_is_refused(self, portal: Portal) -> None:
        response = await portal.post(
            "rugby",
            "/accounts",
            {
                "email": new_email(),
                "password": PASSWORD,
                "first_name": "Eleri",
                "last_name": "Jones",
                "language": "fr",
            },
        )

        assert error_code(response, 422) == "validation_failed"


class TestChangingTheLanguage:
    async def test_later_emails_follow_the_profile(
        self, portal: Portal, read_mail: ReadMail
    ) -> None:
        person = await portal.applicant("rugby")
        me = await portal.get("rugby", "/me", person=person)
        assert me.json()["language"] == "en"

        changed = await portal.call(
            "PATCH",
            "rugby",
            "/me",
            json={"language": "cy"},
            person=person,
            headers={"If-Match": me.headers["etag"]},
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["language"] == "cy"
        assert (await portal.get("rugby", "/me", person=person)).json()["language"] == "cy"

        asked = await portal.post("rugby", "/password-resets", {"email": person.email})
        assert asked.status_code == 202, asked.text
        [reset] = [
            message
            for message in await read_mail(person.email, count=2)
            if "ailosod eich cyfrinair" in message["subject"]
        ]
        assert reset["headers"]["Content-Language"] == "cy"

"""Signing in with a second factor, and setting one up, through the portal's pages, against
identity's real API and the real mail catcher."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from tests.support.pages import form_token, post_form
from tests.support.portal import IdentityStore, Mailbox, Person, Portal, code_in

from kit.mongo import Mongo
from web.sessions.repository import COLLECTION
from web.sessions.service import id_hash

SIGN_IN = "/kingston/account/sign-in"
CHOOSE = f"{SIGN_IN}/set-up-second-factor"
APP_SET_UP = f"{SIGN_IN}/set-up-authenticator-app"
EMAIL_SET_UP = f"{SIGN_IN}/set-up-email-codes"
SECRET = re.compile(r'id="secret">([A-Z2-7 ]+)</p>')
RECOVERY_CODES = re.compile(
    r'<ul class="govuk-list portal-secret" id="recovery-codes">(.*?)</ul>', re.S
)


async def sign_in(portal: httpx.AsyncClient, person: Person) -> httpx.Response:
    """Send the sign-in form with the person's email address and password."""
    return await post_form(portal, SIGN_IN, {"email": person.email, "password": person.password})


def recovery_codes_on(page: httpx.Response) -> list[str]:
    """The recovery codes listed on a page."""
    found = RECOVERY_CODES.search(page.text)
    assert found is not None, page.text
    return re.findall(r"<li>([a-z0-9-]+)</li>", found.group(1))


async def set_up_app_at_sign_in(portal: httpx.AsyncClient, person: Person) -> list[str]:
    """Sign in, choose an authenticator app, confirm it with its first code; the codes shown."""
    assert (await sign_in(portal, person)).headers["location"] == CHOOSE
    chosen = await post_form(portal, CHOOSE, {"method": "totp"})
    assert chosen.headers["location"] == APP_SET_UP
    page = await portal.get(APP_SET_UP)
    found = SECRET.search(page.text)
    assert found is not None, page.text
    person.totp_secret = found.group(1).replace(" ", "")
    confirmed = await post_form(portal, APP_SET_UP, {"code": await person.next_totp()})
    assert confirmed.headers["location"] == "/kingston/account/recovery-codes"
    codes = recovery_codes_on(await portal.get("/kingston/account/recovery-codes"))
    person.recovery_codes = codes
    await sign_out(portal)
    return codes


async def sign_out(portal: httpx.AsyncClient) -> None:
    """Press "Sign out" on the account page."""
    signed_out = await post_form(
        portal, "/kingston/account/sign-out", {}, token_from="/kingston/account/"
    )
    assert signed_out.status_code == 303


class TestTheOfferAtTheFirstSignIn:
    async def test_a_new_person_is_offered_a_second_factor_and_may_choose_later(
        self, portal: httpx.AsyncClient, identity_api: Portal, web_store: Mongo
    ) -> None:
        person = await identity_api.confirmed("kingston")
        started = await sign_in(portal, person)
        assert started.status_code == 303
        assert started.headers["location"] == CHOOSE
        page = await portal.get(CHOOSE)
        assert "Set up two-factor sign-in" in page.text
        assert "Set this up later" in page.text
        # The challenge stays on the server: in no page and no address.
        session_id = portal.cookies.get("portal_session")
        stored = await web_store.db[COLLECTION].find_one({"_id": id_hash(str(session_id))})
        assert stored is not None
        challenge_id = stored["sign_in_step"]["challenge_id"]
        assert challenge_id not in page.text
        assert challenge_id not in str(started.headers)
        later = await post_form(portal, f"{SIGN_IN}/later", {}, token_from=CHOOSE)
        assert later.status_code == 303
        assert later.headers["location"] == "/kingston/account/"
        assert person.email in (await portal.get("/kingston/account/")).text

    async def test_choosing_nothing_is_an_error_on_the_choice(
        self, portal: httpx.AsyncClient, identity_api: Portal
    ) -> None:
        person = await identity_api.confirmed("kingston")
        await sign_in(portal, person)
        page = await post_form(portal, CHOOSE, {})
        assert page.status_code == 400
        assert "Select how you want to get security codes" in page.text
        assert 'href="#method"' in page.text

    async def test_the_steps_pages_need_a_sign_in_under_way(
        self, portal: httpx.AsyncClient
    ) -> None:
        for path in (CHOOSE, APP_SET_UP, f"{SIGN_IN}/authenticator-code"):
            answer = await portal.get(path)
            assert answer.status_code == 303
            assert answer.headers["location"] == SIGN_IN


class TestSettingUpAnAuthenticatorApp:
    async def test_the_qr_code_and_key_set_it_up_and_recovery_codes_are_shown_once(
        self, portal: httpx.AsyncClient, identity_api: Portal
    ) -> None:
        person = await identity_api.confirmed("kingston")
        await sign_in(portal, person)
        await post_form(portal, CHOOSE, {"method": "totp"})
        page = await portal.get(APP_SET_UP)
        assert '<svg role="img"' in page.text
        assert "QR code to scan with your authenticator app" in page.text
        found = SECRET.search(page.text)
        assert found is not None
        person.totp_secret = found.group(1).replace(" ", "")
        assert len(person.totp_secret) == 32
        # The QR code is drawn here: identity's own drawing is never put in the page.
        assert "Authenticator set-up code" not in page.text

        wrong = await post_form(portal, APP_SET_UP, {"code": "000000"})
        assert wrong.status_code == 400
        assert "The security code is not right" in wrong.text
        assert 'href="#code"' in wrong.text
        # The same key is shown again, so the app need not be set up twice.
        assert person.totp_secret in wrong.text.replace(" ", "")

        code = await person.next_totp()
        confirmed = await post_form(portal, APP_SET_UP, {"code": code})
        assert confirmed.status_code == 303
        assert confirmed.headers["location"] == "/kingston/account/recovery-codes"
        shown = await portal.get("/kingston/account/recovery-codes")
        codes = recovery_codes_on(shown)
        assert len(codes) == 10
        download = await portal.get("/kingston/account/recovery-codes/download")
        assert download.status_code == 200
        assert download.headers["content-type"].startswith("text/plain")
        assert download.headers["content-disposition"].startswith("attachment")
        assert download.headers["cache-control"] == "no-store"
        assert all(code in download.text for code in codes)

        kept = await post_form(
            portal, "/kingston/account/recovery-codes", {}, token_from="/kingston/account/"
        )
        assert kept.status_code == 303
        again = await portal.get("/kingston/account/recovery-codes")
        assert again.status_code == 303
        assert codes[0] not in (await portal.get(again.headers["location"])).text

    async def test_a_code_of_the_wrong_shape_is_an_error(
        self, portal: httpx.AsyncClient, identity_api: Portal
    ) -> None:
        person = await identity_api.confirmed("kingston")
        await sign_in(portal, person)
        await post_form(portal, CHOOSE, {"method": "totp"})
        for typed, message in (("", "Enter the security code"), ("12a45", "must be 6 numbers")):
            page = await post_form(portal, APP_SET_UP, {"code": typed})
            assert page.status_code == 400
            assert message in page.text


class TestSigningInWithASecondFactor:
    async def test_the_authenticator_app_code_signs_in(
        self, portal: httpx.AsyncClient, identity_api: Portal
    ) -> None:
        person = await identity_api.confirmed("kingston")
        await set_up_app_at_sign_in(portal, person)
        started = await sign_in(portal, person)
        assert started.headers["location"] == f"{SIGN_IN}/authenticator-code"
        path = started.headers["location"]
        wrong = await post_form(portal, path, {"code": "123456"})
        assert wrong.status_code == 400
        assert "The security code is not right" in wrong.text
        assert "You can try 4 more times before you need to sign in again" in wrong.text
        assert 'value="123456"' not in wrong.text
        for left in ("3 more times", "2 more times", "1 more time "):
            again = await post_form(portal, path, {"code": "654321"})
            assert f"You can try {left}" in again.text
        signed_in = await post_form(portal, path, {"code": await person.next_totp()})
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == "/kingston/account/"
        assert person.email in (await portal.get("/kingston/account/")).text

    async def test_a_recovery_code_signs_in_once(
        self, portal: httpx.AsyncClient, identity_api: Portal
    ) -> None:
        person = await identity_api.confirmed("kingston")
        codes = await set_up_app_at_sign_in(portal, person)
        await sign_in(portal, person)
        page = await portal.get(f"{SIGN_IN}/authenticator-code")
        assert f'href="{SIGN_IN}/recovery-code"' in page.text
        shape = await post_form(portal, f"{SIGN_IN}/recovery-code", {"code": "abc"})
        assert "Enter the recovery code as it is written" in shape.text
        signed_in = await post_form(portal, f"{SIGN_IN}/recovery-code", {"code": codes[0]})
        assert signed_in.headers["location"] == "/kingston/account/"
        await sign_out(portal)
        await sign_in(portal, person)
        used = await post_form(portal, f"{SIGN_IN}/recovery-code", {"code": codes[0]})
        assert used.status_code == 400
        assert "not right or has been used already" in used.text
        upper = codes[1].upper().replace("-", " ")
        assert (
            await post_form(portal, f"{SIGN_IN}/recovery-code", {"code": upper})
        ).status_code == 303

    async def test_too_many_wrong_codes_end_the_sign_in(
        self, portal: httpx.AsyncClient, identity_api: Portal
    ) -> None:
        person = await identity_api.confirmed("kingston")
        await set_up_app_at_sign_in(portal, person)
        await sign_in(portal, person)
        path = f"{SIGN_IN}/recovery-code"
        token = await form_token(portal, path)
        answers = [
            await portal.post(
                path,
                data={"csrf_token": token, "code": f"wrong{n}code"},
                headers={"Origin": str(portal.base_url).rstrip("/")},
            )
            for n in range(5)
        ]
        assert "not right or has been used already" in answers[0].text
        last = answers[-1]
        assert last.status_code == 400
        assert "Your sign-in timed out or had too many wrong codes" in last.text
        assert (await portal.get(path)).headers["location"] == SIGN_IN


class TestEmailCodes:
    async def test_codes_by_email_are_set_up_then_sent_and_sent_again(
        self,
        portal: httpx.AsyncClient,
        identity_api: Portal,
        mailbox: Mailbox,
        store: IdentityStore,
    ) -> None:
        person = await identity_api.confirmed("kingston")
        await sign_in(portal, person)
        chosen = await post_form(portal, CHOOSE, {"method": "email_code"})
        assert chosen.headers["location"] == EMAIL_SET_UP
        page = await portal.get(EMAIL_SET_UP)
        assert "r*****@e*****.org" in page.text
        mail = await mailbox.wait_for(person.email, subject="security code")
        confirmed = await post_form(portal, EMAIL_SET_UP, {"code": code_in(mail["text"])})
        assert confirmed.headers["location"] == "/kingston/account/recovery-codes"
        await sign_out(portal)

        started = await sign_in(portal, person)
        assert started.headers["location"] == f"{SIGN_IN}/email-code"
        page = await portal.get(f"{SIGN_IN}/email-code")
        assert "*****@e*****.org" in page.text
        first = await mailbox.wait_for(person.email, subject="sign-in code")
        # Asking again at once is refused: a code went less than a minute ago.
        too_soon = await post_form(
            portal, f"{SIGN_IN}/email-code/new", {}, token_from=f"{SIGN_IN}/email-code"
        )
        assert too_soon.status_code == 400
        assert "less than a minute ago" in too_soon.text
        await store.db.sign_in_challenges.update_many(
            {"user_id": person.user_id},
            {"$set": {"code_sent_at": datetime.now(UTC) - timedelta(minutes=2)}},
        )
        resent = await post_form(
            portal, f"{SIGN_IN}/email-code/new", {}, token_from=f"{SIGN_IN}/email-code"
        )
        assert resent.status_code == 303
        assert resent.headers["location"] == f"{SIGN_IN}/email-code"
        second = await mailbox.wait_for(person.email, subject="sign-in code", count=2)
        assert code_in(second["text"]) != code_in(first["text"])
        stale = await post_form(portal, f"{SIGN_IN}/email-code", {"code": code_in(first["text"])})
        assert stale.status_code == 400
        assert "not right or has expired" in stale.text
        signed_in = await post_form(
            portal, f"{SIGN_IN}/email-code", {"code": code_in(second["text"])}
        )
        assert signed_in.headers["location"] == "/kingston/account/"

    async def test_a_new_code_is_sent_while_setting_them_up(
        self,
        portal: httpx.AsyncClient,
        identity_api: Portal,
        mailbox: Mailbox,
        store: IdentityStore,
    ) -> None:
        person = await identity_api.confirmed("kingston")
        await sign_in(portal, person)
        await post_form(portal, CHOOSE, {"method": "email_code"})
        first = await mailbox.wait_for(person.email, subject="security code")
        again = f"{EMAIL_SET_UP}/new"
        too_soon = await post_form(portal, again, {}, token_from=EMAIL_SET_UP)
        assert too_soon.status_code == 400
        assert "less than a minute ago" in too_soon.text
        await store.db.factors.update_many(
            {"user_id": person.user_id},
            {"$set": {"code_sent_at": datetime.now(UTC) - timedelta(minutes=2)}},
        )
        resent = await post_form(portal, again, {}, token_from=EMAIL_SET_UP)
        assert resent.headers["location"] == EMAIL_SET_UP
        second = await mailbox.wait_for(person.email, subject="security code", count=2)
        assert code_in(second["text"]) != code_in(first["text"])
        confirmed = await post_form(portal, EMAIL_SET_UP, {"code": code_in(second["text"])})
        assert confirmed.headers["location"] == "/kingston/account/recovery-codes"


class TestStaffMustSetUpASecondFactor:
    async def test_new_staff_cannot_choose_later(
        self, portal: httpx.AsyncClient, identity_api: Portal
    ) -> None:
        admin = await identity_api.demo("authority_admin", "kingston")
        invitation = await identity_api.invite(admin)
        person = await identity_api.accept_invitation("kingston", invitation["email"])
        started = await sign_in(portal, person)
        assert started.headers["location"] == CHOOSE
        page = await portal.get(CHOOSE)
        assert "Staff must use two-factor sign-in here" in page.text
        assert "Set this up later" not in page.text
        token = await form_token(portal, CHOOSE)
        later = await portal.post(
            f"{SIGN_IN}/later",
            data={"csrf_token": token},
            headers={"Origin": str(portal.base_url).rstrip("/")},
        )
        assert later.status_code == 400
        assert "You must set up two-factor sign-in before you can sign in" in later.text
        assert (await portal.get("/kingston/account/")).status_code == 303


class TestManagingSecondFactors:
    async def test_the_app_is_listed_removed_and_recovery_codes_made_again(
        self, portal: httpx.AsyncClient, identity_api: Portal
    ) -> None:
        person = await identity_api.confirmed("kingston")
        codes = await set_up_app_at_sign_in(portal, person)
        await sign_in(portal, person)
        await post_form(portal, f"{SIGN_IN}/authenticator-code", {"code": await person.next_totp()})
        account = await portal.get("/kingston/account/")
        assert 'href="/kingston/account/second-factors"' in account.text
        listed = await portal.get("/kingston/account/second-factors")
        assert "Codes left: 10" in listed.text
        assert 'href="/kingston/account/second-factors/authenticator-app/remove"' in listed.text

        remake = "/kingston/account/second-factors/recovery-codes/new"
        wrong = await post_form(portal, remake, {"password": "Not-The-Password-1!"})
        assert wrong.status_code == 400
        assert "Your password is not right" in wrong.text
        made = await post_form(portal, remake, {"password": person.password})
        assert made.headers["location"] == "/kingston/account/recovery-codes"
        new_codes = recovery_codes_on(await portal.get("/kingston/account/recovery-codes"))
        assert set(new_codes).isdisjoint(codes)

        remove = "/kingston/account/second-factors/authenticator-app/remove"
        removed = await post_form(portal, remove, {"password": person.password})
        assert removed.headers["location"] == "/kingston/account/second-factors"
        listed = await portal.get("/kingston/account/second-factors")
        assert 'href="/kingston/account/second-factors/authenticator-app/new"' in listed.text
        assert "Codes left" not in listed.text

    async def test_an_app_is_set_up_from_the_account(
        self, portal: httpx.AsyncClient, identity_api: Portal
    ) -> None:
        person = await identity_api.confirmed("kingston")
        await sign_in(portal, person)
        await post_form(portal, f"{SIGN_IN}/later", {}, token_from=CHOOSE)
        new = "/kingston/account/second-factors/authenticator-app/new"
        started = await post_form(portal, new, {"password": person.password})
        assert started.headers["location"] == "/kingston/account/second-factors/authenticator-app"
        page = await portal.get(started.headers["location"])
        found = SECRET.search(page.text)
        assert found is not None
        person.totp_secret = found.group(1).replace(" ", "")
        confirmed = await post_form(
            portal, started.headers["location"], {"code": await person.next_totp()}
        )
        assert confirmed.headers["location"] == "/kingston/account/recovery-codes"
        assert len(recovery_codes_on(await portal.get("/kingston/account/recovery-codes"))) == 10

    async def test_codes_by_email_are_turned_on_from_the_account(
        self, portal: httpx.AsyncClient, identity_api: Portal, mailbox: Mailbox
    ) -> None:
        person = await identity_api.confirmed("kingston")
        await sign_in(portal, person)
        await post_form(portal, f"{SIGN_IN}/later", {}, token_from=CHOOSE)
        new = "/kingston/account/second-factors/email-codes/new"
        empty = await post_form(portal, new, {"password": ""})
        assert empty.status_code == 400
        assert "Enter your password" in empty.text
        started = await post_form(portal, new, {"password": person.password})
        assert started.headers["location"] == "/kingston/account/second-factors/email-codes"
        page = await portal.get(started.headers["location"])
        assert f'href="{new}"' in page.text
        mail = await mailbox.wait_for(person.email, subject="security code")
        confirmed = await post_form(
            portal, started.headers["location"], {"code": code_in(mail["text"])}
        )
        assert confirmed.headers["location"] == "/kingston/account/recovery-codes"
        listed = await portal.get("/kingston/account/second-factors")
        assert 'href="/kingston/account/second-factors/email-codes/remove"' in listed.text

    async def test_an_unknown_change_is_not_found(self, portal: httpx.AsyncClient) -> None:
        await post_form(
            portal,
            SIGN_IN,
            {
                "email": "applicant.kingston@demo.housing-portal.local",
                "password": "Housing-Demo-2025!",
            },
        )
        answer = await portal.get("/kingston/account/second-factors/passkeys/new")
        assert answer.status_code == 404

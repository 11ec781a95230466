"""Signing in with a password, the tokens it gives, refreshing them and signing out (A2)."""

import asyncio
import time
from typing import Any

import jwt
from jwt import PyJWK
from tests.support.portal import Person, Portal, error_code, new_email


async def verified_claims(portal: Portal, token: str, authority: str) -> dict[str, Any]:
    """The claims of an access token, checked against the published keys."""
    keys = (await portal.get(authority, "/.well-known/jwks.json")).json()["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    key = PyJWK(next(entry for entry in keys if entry["kid"] == kid))
    claims: dict[str, Any] = jwt.decode(
        token, key=key.key, algorithms=["EdDSA"], issuer="housing-portal"
    )
    return claims


class TestPasswordStep:
    async def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
        self, portal: Portal
    ) -> None:
        person = await portal.confirmed("watford")

        wrong = await portal.post(
            "watford", "/sessions", {"email": person.email, "password": "Not-The-Password-1"}
        )
        unknown = await portal.post(
            "watford", "/sessions", {"email": new_email(), "password": "Not-The-Password-1"}
        )

        assert error_code(wrong, 401) == error_code(unknown, 401) == "invalid_credentials"
        assert wrong.json() == unknown.json()

    async def test_first_sign_in_offers_two_factor_and_later_signs_in(self, portal: Portal) -> None:
        person = await portal.confirmed("watford")

        offered = await portal.start_sign_in(person)

        assert offered.status_code == 200, offered.text
        assert offered.json()["status"] == "enrolment_offered"
        challenge = offered.json()["challenge"]
        assert challenge["methods"] == ["email_code", "totp"]
        later = await portal.post(
            "watford",
            "/sessions/challenge/postponement",
            {"challenge_id": challenge["challenge_id"]},
        )
        assert later.status_code == 200, later.text
        assert later.json()["roles"] == ["applicant"]

        again = await portal.start_sign_in(person)
        assert again.json()["status"] == "signed_in"
        assert again.json()["session"]["authority"] == "watford"

    async def test_a_challenge_finishes_only_once(self, portal: Portal) -> None:
        person = await portal.confirmed("watford")
        challenge = (await portal.start_sign_in(person)).json()["challenge"]
        body = {"challenge_id": challenge["challenge_id"]}

        answers = await asyncio.gather(
            *(portal.post("watford", "/sessions/challenge/postponement", body) for _ in range(4))
        )

        [finished] = [answer for answer in answers if answer.status_code == 200]
        assert finished.json()["roles"] == ["applicant"]
        person.tokens = finished.json()
        assert (await portal.get("watford", "/me", person=person)).status_code == 200
        refused = [error_code(answer, 401) for answer in answers if answer is not finished]
        assert refused == ["challenge_invalid"] * 3

    async def test_a_challenge_works_only_at_its_authority(self, portal: Portal) -> None:
        person = await portal.confirmed("watford")
        challenge = (await portal.start_sign_in(person)).json()["challenge"]
        body = {"challenge_id": challenge["challenge_id"]}

        elsewhere = await portal.post("kingston", "/sessions/challenge/postponement", body)

        assert error_code(elsewhere, 401) == "challenge_invalid"
        at_its_authority = await portal.post("watford", "/sessions/challenge/postponement", body)
        assert at_its_authority.status_code == 200, at_its_authority.text
        assert at_its_authority.json()["roles"] == ["applicant"]

    async def test_signing_in_where_i_have_no_account_is_refused(self, portal: Portal) -> None:
        person = await portal.confirmed("watford")

        response = await portal.start_sign_in(person, authority="kingston")

        assert error_code(response, 403) == "not_a_member"


class TestAccessToken:
    async def test_it_is_an_eddsa_jwt_with_the_agreed_claims(self, portal: Portal) -> None:
        person = await portal.applicant("kingston")

        claims = await verified_claims(portal, person.access_token, "kingston")

        assert claims["iss"] == "housing-portal"
        assert claims["authority"] == "kingston"
        assert claims["roles"] == ["applicant"]
        assert claims["org"] is None
        assert claims["amr"] == ["pwd"]
        assert claims["exp"] - claims["iat"] == 600
        assert abs(claims["iat"] - time.time()) < 60
        assert claims["jti"]
        assert claims["sid"] == person.tokens["session_id"]
        me = await portal.get("kingston", "/me", person=person)
        assert claims["sub"] == me.json()["id"]

    async def test_the_gateway_refuses_it_for_another_authority(self, portal: Portal) -> None:
        person = await portal.applicant("kingston")

        response = await portal.get("watford", "/me", person=person)

        assert error_code(response, 403) == "wrong_authority"


class TestRefreshing:
    async def test_a_refresh_token_gives_new_tokens_once(self, portal: Portal) -> None:
        person = await portal.applicant("watford")
        first = person.tokens["refresh_token"]

        response = await portal.post("watford", "/tokens/refresh", {"refresh_token": first})

        assert response.status_code == 200, response.text
        renewed = response.json()
        assert renewed["refresh_token"] != first
        assert renewed["session_id"] == person.tokens["session_id"]
        person.tokens = renewed
        assert (await portal.get("watford", "/me", person=person)).status_code == 200

    async def test_reusing_a_used_refresh_token_ends_the_whole_session(
        self, portal: Portal
    ) -> None:
        person = await portal.applicant("watford")
        stolen = person.tokens["refresh_token"]
        renewed = (
            await portal.post("watford", "/tokens/refresh", {"refresh_token": stolen})
        ).json()

        reuse = await portal.post("watford", "/tokens/refresh", {"refresh_token": stolen})

        assert error_code(reuse, 401) == "refresh_token_reused"
        later = await portal.post(
            "watford", "/tokens/refresh", {"refresh_token": renewed["refresh_token"]}
        )
        assert error_code(later, 401) == "session_ended"
        person.tokens = renewed
        assert error_code(await portal.get("watford", "/me", person=person), 401) == "session_ended"

    async def test_an_unknown_refresh_token_is_refused(self, portal: Portal) -> None:
        response = await portal.post("watford", "/tokens/refresh", {"refresh_token": "y" * 43})

        assert error_code(response, 401) == "refresh_token_invalid"

    async def test_a_refresh_token_works_only_at_its_authority(self, portal: Portal) -> None:
        person = await portal.applicant("watford")
        body = {"refresh_token": person.tokens["refresh_token"]}

        elsewhere = await portal.post("rugby", "/tokens/refresh", body)

        assert error_code(elsewhere, 401) == "refresh_token_invalid"
        at_its_authority = await portal.post("watford", "/tokens/refresh", body)
        assert at_its_authority.status_code == 200, at_its_authority.text
        assert at_its_authority.json()["session_id"] == person.tokens["session_id"]


class TestSigningOut:
    async def test_revoking_the_refresh_token_ends_the_session(self, portal: Portal) -> None:
        person = await portal.applicant("watford")

        response = await portal.post(
            "watford", "/tokens/revocation", {"refresh_token": person.tokens["refresh_token"]}
        )

        assert response.status_code == 204
        assert error_code(await portal.get("watford", "/me", person=person), 401) == "session_ended"
        refresh = await portal.post(
            "watford", "/tokens/refresh", {"refresh_token": person.tokens["refresh_token"]}
        )
        assert error_code(refresh, 401) == "session_ended"

    async def test_revoking_an_unknown_token_answers_the_same(self, portal: Portal) -> None:
        response = await portal.post("watford", "/tokens/revocation", {"refresh_token": "z" * 43})

        assert response.status_code == 204

    async def test_ending_the_current_session(self, portal: Portal) -> None:
        person = await portal.applicant("watford")

        response = await portal.call("DELETE", "watford", "/sessions/current", person=person)

        assert response.status_code == 204
        assert error_code(await portal.get("watford", "/me", person=person), 401) == "session_ended"


class TestMySessions:
    async def test_they_list_device_address_and_last_use_and_end_one(self, portal: Portal) -> None:
        phone = await portal.applicant("rugby")
        browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
        signed_in = await portal.post(
            "rugby",
            "/sessions",
            {"email": phone.email, "password": phone.password},
            headers={"User-Agent": browser},
        )
        laptop = Person(
            email=phone.email,
            password=phone.password,
            authority="rugby",
            tokens=signed_in.json()["session"],
        )

        listed = await portal.get("rugby", "/me/sessions", person=laptop)

        assert listed.status_code == 200, listed.text
        sessions = listed.json()["items"]
        assert len(sessions) == 2
        current = next(item for item in sessions if item["current"])
        other = next(item for item in sessions if not item["current"])
        assert current["id"] == laptop.tokens["session_id"]
        assert other["id"] == phone.tokens["session_id"]
        assert current["device"] == "Firefox on Windows"
        assert other["device"] == "python-httpx"
        assert other["address"]
        ended = await portal.call("DELETE", "rugby", f"/sessions/{other['id']}", person=laptop)
        assert ended.status_code == 204
        assert error_code(await portal.get("rugby", "/me", person=phone), 401) == "session_ended"
        assert (await portal.get("rugby", "/me", person=laptop)).status_code == 200

    async def test_someone_elses_session_cannot_be_ended(self, portal: Portal) -> None:
        mine = await portal.applicant("rugby")
        theirs = await portal.applicant("rugby")

        response = await portal.call(
            "DELETE", "rugby", f"/sessions/{theirs.tokens['session_id']}", person=mine
        )

        assert error_code(response, 404) == "session_not_found"
        assert (await portal.get("rugby", "/me", person=theirs)).status_code == 200

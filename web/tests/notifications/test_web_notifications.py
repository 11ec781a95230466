"""The signed-in person's notifications in the portal: the list with what is new, opening one,
marking all seen, the header's count on every page, and the choice of what is emailed."""

import html
import random
import re
import time
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import Request
from tests.support.bus import Publish
from tests.support.cases import CasesApi
from tests.support.notices import Notified, NotifiedApplicant, notices_of, unread_of
from tests.support.polling import eventually
from tests.support.portal import Portal
from tests.support.tasks_and_messages import send_message
from tests.support.web_pages import NewApplicant
from tests.support.web_sessions import BrowserAs, send_form

from contracts.events.casework_tasks import TaskUnableToComplete
from web.config import settings
from web.gateway import GatewayClient
from web.notifications.unread import unread_count

COUNCIL = "watford"
HOME = f"/{COUNCIL}/notifications"
PREFERENCES = f"{HOME}/preferences"
Json = dict[str, Any]
NEXT_PAGE = re.compile(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"')


@pytest.fixture
async def told(notified_applicant: NotifiedApplicant) -> Notified:
    """An applicant with a new notice of their referral and one of a message."""
    return await notified_applicant(COUNCIL)


@pytest.fixture
async def browser(told: Notified, browser_as: BrowserAs) -> httpx.AsyncClient:
    """The applicant's browser, signed in to the portal."""
    return await browser_as(told.person)


def version_of(page: str) -> str:
    """The version the page's form was made from."""
    found = re.search(r'name="version" value="([^"]*)"', page)
    assert found is not None, page
    return html.unescape(found.group(1))


async def api_choices(http: httpx.AsyncClient, told: Notified) -> Json:
    """The applicant's email choices as the API has them."""
    answer = await http.get(
        f"/{COUNCIL}/api/notifications/preferences", headers=told.applicant.headers
    )
    assert answer.status_code == 200, answer.text
    choices: Json = answer.json()
    return choices


def header_link(page: str) -> str:
    """The header's notifications link, as the page's HTML has it."""
    found = re.search(r'<a class="portal-header__link[^>]*>(.*?)</a>', page, re.S)
    assert found is not None, page
    return found.group(1)


async def counted(browser: httpx.AsyncClient, path: str, count: int) -> httpx.Response:
    """The page once its header counts `count` unseen notices. A page that is ready before
    the count comes leaves it out (as on a busy machine): the page is asked for again."""

    async def page() -> httpx.Response | None:
        answer = await browser.get(path)
        assert answer.status_code == 200, answer.text
        return answer if f'<span aria-hidden="true">({count})</span>' in answer.text else None

    return await eventually(page, what=f"{path} counting {count} in its header")


def rows(page: str) -> list[str]:
    """The rows of the page's table, tags stripped, whitespace joined."""
    body = page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in body.split("</tr>")
        if "<td" in row
    ]


class TestTheList:
    async def test_new_notices_newest_first_marked_new_and_counted_in_the_header(
        self, told: Notified, browser: httpx.AsyncClient
    ) -> None:
        page = await counted(browser, HOME, 2)
        shown = rows(page.text)
        assert len(shown) == 2
        for row, notice in zip(shown, told.notices, strict=True):
            assert row.startswith(notice["activity"])
            assert row.endswith("New")
        assert "Mark all as seen" in page.text
        assert header_link(page.text) == (
            'Notifications <span aria-hidden="true">(2)</span>'
            '<span class="govuk-visually-hidden">2 unread</span>'
        )
        # Every signed-in page of the authority has the link and the count.
        account = await counted(browser, f"/{COUNCIL}/account/", 2)
        assert f'href="{PREFERENCES}"' in account.text
        # The messages page counts its own unread messages: one, not the header's two.
        messages = await counted(browser, f"/{COUNCIL}/messages", 2)
        assert "You have 1 unread message." in messages.text

    async def test_in_welsh(self, told: Notified, browser: httpx.AsyncClient) -> None:
        browser.cookies.set("portal_language", "cy")
        page = await counted(browser, HOME, 2)
        assert '<h1 class="govuk-heading-l">Hysbysiadau</h1>' in page.text
        assert all(row.endswith("Newydd") for row in rows(page.text))
        assert header_link(page.text) == (
            'Hysbysiadau <span aria-hidden="true">(2)</span>'
            '<span class="govuk-visually-hidden">2 heb eu darllen</span>'
        )
        choices = await browser.get(PREFERENCES)
        assert "Anfon e-bost ataf am" in choices.text
        assert "Neges newydd" in choices.text

    async def test_an_officer_reads_their_notices_in_the_pages_language(
        self, identity_api: Portal, browser_as: BrowserAs, publish: Publish
    ) -> None:
        officer = await identity_api.demo("officer", COUNCIL)
        reference = str(random.randint(100000, 999999))
        await publish(
            TaskUnableToComplete(
                case_id=uuid.uuid4().hex,
                reference=reference,
                applicant_id="applicant-1",
                owner_id=officer.user_id,
                language="en",
                task_id="task-1",
                title="Send your payslips",
                assignee_id="applicant-1",
                assignee="applicant",
                target_date=date(2027, 1, 31),
                told_by="applicant-1",
            ),
            authority=COUNCIL,
            actor="applicant-1",
        )
        browser = await browser_as(officer)
        english = f"A task on case {reference} could not be completed and needs your review"

        async def told() -> str | None:
            page = await browser.get(HOME)
            return page.text if english in page.text else None

        await eventually(told, what="the officer's notice in English")
        browser.cookies.set("portal_language", "cy")
        welsh = await browser.get(HOME)
        assert (
            f"Ni ellid cwblhau tasg ar achos {reference} ac mae angen i chi ei hadolygu"
            in welsh.text
        )
        assert english not in welsh.text

    async def test_opening_one_marks_it_seen_and_goes_to_what_it_is_about(
        self, told: Notified, browser: httpx.AsyncClient
    ) -> None:
        message = told.notices[0]
        opened = await browser.get(f"{HOME}/{message['id']}")
        assert opened.status_code == 303
        assert opened.headers["location"] == message["link"]
        assert (await browser.get(message["link"])).status_code == 200
        [now_message, received] = await notices_of(browser, told.applicant)
        assert now_message["seen_at"] is not None
        assert received["seen_at"] is None
        page = await counted(browser, HOME, 1)
        first, second = rows(page.text)
        assert not first.endswith("New")
        assert second.endswith("New")

    async def test_on_the_authoritys_own_host_name_the_links_leave_out_its_slug(
        self, notified_applicant: NotifiedApplicant, browser_as: BrowserAs
    ) -> None:
        told = await notified_applicant("kingston")
        browser = await browser_as(told.person)
        own_host = {"Host": "kingston.portal.example"}
        page = await browser.get("/notifications", headers=own_host)
        assert page.status_code == 200, page.text
        assert '<a class="portal-header__link govuk-link" href="/notifications">' in page.text
        message = told.notices[0]
        assert f'href="/notifications/{message["id"]}"' in page.text
        opened = await browser.get(f"/notifications/{message['id']}", headers=own_host)
        assert opened.status_code == 303
        assert opened.headers["location"] == message["link"].removeprefix("/kingston")

    async def test_mark_all_as_seen_from_the_page_only(
        self, told: Notified, browser: httpx.AsyncClient
    ) -> None:
        # Without the form's token (a form of another site), nothing is marked.
        origin = {"Origin": str(browser.base_url).rstrip("/")}
        refused = await browser.post(f"{HOME}/seen", data={}, headers=origin)
        assert refused.status_code == 400
        assert await unread_of(browser, told.applicant) == 2
        marked = await send_form(browser, f"{HOME}/seen", {}, page=HOME)
        assert marked.status_code == 303
        assert marked.headers["location"] == f"{HOME}?notice=seen"
        page = await browser.get(marked.headers["location"])
        assert "All your notifications are marked as seen" in page.text
        assert header_link(page.text) == "Notifications"
        assert not any(row.endswith("New") for row in rows(page.text))
        assert "Mark all as seen" not in page.text
        assert await unread_of(browser, told.applicant) == 0

    async def test_another_persons_notice_is_not_found_and_stays_unseen(
        self, notified_applicant: NotifiedApplicant, browser: httpx.AsyncClient
    ) -> None:
        stranger = await notified_applicant(COUNCIL)
        theirs = stranger.notices[0]["id"]
        assert (await browser.get(f"{HOME}/{theirs}")).status_code == 404
        assert (await browser.get(f"{HOME}/{uuid.uuid4().hex}")).status_code == 404
        assert await unread_of(browser, stranger.applicant) == 2

    async def test_shown_twenty_at_a_time(
        self, told: Notified, browser: httpx.AsyncClient, cases_api: CasesApi
    ) -> None:
        for number in range(20):
            await send_message(cases_api, told.officer, told.case, subject=f"Letter {number}")

        async def all_there() -> bool:
            return len(await notices_of(browser, told.applicant, limit=100)) == 22

        await eventually(all_there, what="22 notices")
        first = await browser.get(HOME)
        assert len(rows(first.text)) == 20
        assert "Previous page" not in first.text
        following = NEXT_PAGE.search(first.text)
        assert following is not None, first.text
        second = await browser.get(html.unescape(following.group(1)))
        last_two = rows(second.text)
        assert len(last_two) == 2
        assert last_two[-1].startswith(told.notices[-1]["activity"])
        assert "Previous page" in second.text

    async def test_someone_with_no_notices_is_told_so(
        self, identity: Portal, new_applicant: NewApplicant, browser_as: BrowserAs
    ) -> None:
        person = await new_applicant(COUNCIL)
        await identity.sign_in(person)
        page = await (await browser_as(person)).get(HOME)
        assert page.status_code == 200
        assert "You have no notifications." in page.text
        assert "<table" not in page.text
        assert "Mark all as seen" not in page.text
        assert header_link(page.text) == "Notifications"

    async def test_someone_signed_out_is_asked_to_sign_in(self, portal: httpx.AsyncClient) -> None:
        for path in (HOME, PREFERENCES, f"{HOME}/{uuid.uuid4().hex}"):
            answer = await portal.get(path)
            assert answer.status_code == 303, path
            assert "/account/sign-in" in answer.headers["location"]


class TestTheCount:
    async def test_a_count_that_does_not_come_in_time_leaves_the_link_without_one(
        self, silent_gateway: int
    ) -> None:
        app = FastAPI()
        app.state.gateway = GatewayClient(f"http://127.0.0.1:{silent_gateway}", timeout=30)
        request = Request({"type": "http", "app": app, "headers": [], "state": {}})
        began = time.monotonic()
        assert await unread_count(request, authority=COUNCIL, token="any") is None
        assert time.monotonic() - began < settings.unread_wait_seconds + 0.5
        await app.state.gateway.close()

    async def test_a_gateway_that_refuses_leaves_the_link_without_a_count(self) -> None:
        app = FastAPI()
        app.state.gateway = GatewayClient("http://127.0.0.1:9", timeout=5)
        request = Request({"type": "http", "app": app, "headers": [], "state": {}})
        assert await unread_count(request, authority=COUNCIL, token="any") is None
        await app.state.gateway.close()


class TestTheEmailChoices:
    async def test_every_kind_is_offered_ticked_and_the_choices_are_saved(
        self, told: Notified, browser: httpx.AsyncClient
    ) -> None:
        page = await browser.get(PREFERENCES)
        assert page.status_code == 200
        kinds = re.findall(r'name="kind" value="([a-z_]+)"', page.text)
        assert "message_received" in kinds
        assert "appointment_booked" in kinds
        # Only what an applicant is ever told of: not what only officers hear.
        assert "case_assigned" not in kinds
        assert "document_uploaded" not in kinds
        assert len(re.findall(r'name="email"[^>]* checked', page.text)) == len(kinds)
        assert "A new message" in page.text
        ticked = [kind for kind in kinds if kind not in ("message_received", "letter_issued")]
        saved = await send_form(
            browser,
            PREFERENCES,
            {"version": version_of(page.text), "kind": kinds, "email": ticked},
        )
        assert saved.status_code == 303
        after = await browser.get(saved.headers["location"])
        assert "Your email choices have been saved" in after.text
        assert 'class="govuk-notification-banner' in after.text
        choices = await api_choices(browser, told)
        assert {kind for kind, on in choices["email"].items() if not on} == {
            "message_received",
            "letter_issued",
        }
        assert not re.search(r'value="message_received"[^>]* checked', after.text)

    async def test_a_kind_not_offered_is_not_saved_and_the_page_shown_again(
        self, told: Notified, browser: httpx.AsyncClient
    ) -> None:
        page = await browser.get(PREFERENCES)
        kinds = re.findall(r'name="kind" value="([a-z_]+)"', page.text)
        # A form that names what only officers are told of (the person's roles changed).
        refused = await send_form(
            browser,
            PREFERENCES,
            {"version": version_of(page.text), "kind": [*kinds, "case_assigned"], "email": []},
            page=PREFERENCES,
        )
        assert refused.status_code == 400
        assert 'class="govuk-error-summary' in refused.text
        assert "could not be saved" in refused.text
        assert 'value="case_assigned"' not in refused.text
        choices = await api_choices(browser, told)
        assert all(choices["email"].values())

    async def test_choices_changed_meanwhile_are_shown_to_check_and_not_saved(
        self, told: Notified, browser: httpx.AsyncClient
    ) -> None:
        page = await browser.get(PREFERENCES)
        kinds = re.findall(r'name="kind" value="([a-z_]+)"', page.text)
        # Another tab turns off letters.
        current = await api_choices(browser, told)
        changed = await browser.put(
            f"/{COUNCIL}/api/notifications/preferences",
            json={"email": {"letter_issued": False}},
            headers={**told.applicant.headers, "If-Match": f'"{current["version"]}"'},
        )
        assert changed.status_code == 200, changed.text
        stale = await send_form(
            browser,
            PREFERENCES,
            {"version": version_of(page.text), "kind": kinds, "email": []},
            page=PREFERENCES,
        )
        assert stale.status_code == 409
        assert 'class="govuk-error-summary' in stale.text
        assert "changed in another window or on another device" in stale.text
        assert stale.text.count("<title>Error:") == 1
        # As they are now: letters off, the rest still on.
        assert not re.search(r'value="letter_issued"[^>]* checked', stale.text)
        assert re.search(r'value="message_received"[^>]* checked', stale.text)
        choices = await api_choices(browser, told)
        assert [kind for kind, on in choices["email"].items() if not on] == ["letter_issued"]


class TestTheOfficersPageOfACasesEmails:
    async def test_the_emails_sent_with_their_status_and_only_for_staff(
        self,
        told: Notified,
        identity_api: Portal,
        browser_as: BrowserAs,
        gateway: httpx.AsyncClient,
    ) -> None:
        deliveries = f"/{COUNCIL}/api/notifications/cases/{told.case['id']}/deliveries"

        async def all_sent() -> list[Json] | None:
            answer = await gateway.get(deliveries, headers=told.officer.headers)
            items: list[Json] = answer.json()["items"]
            done = len(items) == 2 and all(item["status"] == "sent" for item in items)
            return items if done else None

        await eventually(all_sent, within=20, what="both emails sent")
        officer = await browser_as(await identity_api.demo("officer", COUNCIL))
        case_path = f"/{COUNCIL}/caseload/{told.case['id']}"
        assert f'href="{case_path}/emails"' in (await officer.get(case_path)).text
        page = await officer.get(f"{case_path}/emails")
        assert page.status_code == 200, page.text
        assert "Emails sent about this case" in page.text
        shown = rows(page.text)
        assert len(shown) == 2
        # Both were queued at once: either may be listed first.
        titles = sorted(row.split(f" {told.email} Sent 1 ")[0] for row in shown)
        assert titles == ["Application received", "Something new on the case"]
        assert "govuk-tag--green" in page.text

        officer.cookies.set("portal_language", "cy")
        welsh = await officer.get(f"{case_path}/emails")
        assert "Negeseuon e-bost a anfonwyd am yr achos hwn" in welsh.text
        assert "Anfonwyd" in rows(welsh.text)[0]

        applicant = await browser_as(told.person)
        for path in (f"{case_path}/emails", case_path):
            assert (await applicant.get(path)).status_code == 404, path

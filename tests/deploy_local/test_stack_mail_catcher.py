"""The mail catcher started by the runner: SMTP in, JSON and HTML out, kept across restarts."""

from __future__ import annotations

import smtplib
import threading
from email.message import EmailMessage

import httpx

from portalstack.processes import port_open
from portalstack.settings import StackSettings
from portalstack.stack import Stack


def send(
    settings: StackSettings,
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str | None = None,
) -> None:
    """Send one message to the catcher over SMTP."""
    message = EmailMessage()
    message["From"] = "Housing Portal <no-reply@housing-portal.local>"
    message["To"] = ", ".join(to[:1])
    message["Subject"] = subject
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    with smtplib.SMTP(settings.connect_host, settings.smtp_port, timeout=5) as smtp:
        smtp.send_message(message, to_addrs=to)


def api(settings: StackSettings) -> httpx.Client:
    """HTTP client for the catcher's web interface."""
    return httpx.Client(base_url=settings.mail_http_url, timeout=10)


class TestMailCatcher:
    """Messages sent over SMTP are readable through the JSON API and the HTML page."""

    def test_message_sent_over_smtp_is_listed_with_bodies(
        self, stack: Stack, settings: StackSettings
    ) -> None:
        stack.start(["mail"])
        send(
            settings,
            to=["ann@example.org", "officer@watford.gov.uk"],
            subject="Your sign-in code",
            text="Your code is 482913.",
            html="<p>Your code is <b>482913</b>.</p>",
        )
        send(settings, to=["bob@example.org"], subject="Case update", text="Case HP-1 moved.")

        with api(settings) as client:
            listed = client.get("/api/messages").json()
            assert [m["subject"] for m in listed] == ["Case update", "Your sign-in code"]

            (code_mail,) = client.get("/api/messages", params={"to": "ANN@example.org"}).json()
            assert code_mail["from"] == "no-reply@housing-portal.local"
            assert code_mail["to"] == ["ann@example.org", "officer@watford.gov.uk"]
            assert code_mail["text"] == "Your code is 482913.\n"
            assert "<b>482913</b>" in code_mail["html"]
            assert code_mail["date"].startswith("20")

            one = client.get(f"/api/messages/{code_mail['id']}")
            assert one.status_code == 200
            assert one.json() == code_mail
            raw = client.get(f"/api/messages/{code_mail['id']}/raw")
            assert raw.status_code == 200
            assert "Subject: Your sign-in code" in raw.text

            plain = client.get("/api/messages", params={"to": "bob@example.org"}).json()
            assert plain[0]["html"] is None

            missing = client.get("/api/messages/0123456789abcdef0123456789abcdef")
            assert missing.status_code == 404
            assert missing.json()["error"]["code"] == "message_not_found"

    def test_html_page_escapes_message_fields(self, stack: Stack, settings: StackSettings) -> None:
        stack.start(["mail"])
        send(settings, to=["eve@example.org"], subject="<script>alert(1)</script>", text="x")

        with api(settings) as client:
            page = client.get("/")
            (message,) = client.get("/api/messages").json()
            detail = client.get(f"/messages/{message['id']}")

        assert page.status_code == 200
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "<script>" not in detail.text

    def test_wait_parameter_returns_a_message_that_arrives_later(
        self, stack: Stack, settings: StackSettings
    ) -> None:
        stack.start(["mail"])
        later = threading.Timer(
            0.3, lambda: send(settings, to=["late@example.org"], subject="Late", text="x")
        )
        later.start()
        try:
            with api(settings) as client:
                found = client.get(
                    "/api/messages", params={"to": "late@example.org", "wait": "5"}
                ).json()
        finally:
            later.join()
        assert [m["subject"] for m in found] == ["Late"]

    def test_messages_survive_a_restart_and_clear_empties_them(
        self, stack: Stack, settings: StackSettings
    ) -> None:
        stack.start(["mail"])
        send(settings, to=["ann@example.org"], subject="Kept", text="Still here.")
        with api(settings) as client:
            (before,) = client.get("/api/messages").json()

        stack.stop(["mail"])
        assert not port_open(settings.connect_host, settings.smtp_port)
        stack.start(["mail"])

        with api(settings) as client:
            assert client.get("/api/messages").json() == [before]
            assert client.delete("/api/messages").json() == {"deleted": 1}
            assert client.get("/api/messages").json() == []

        stack.stop(["mail"])
        stack.start(["mail"])
        with api(settings) as client:
            assert client.get("/api/messages").json() == []

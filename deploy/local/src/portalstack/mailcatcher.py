"""Local mail catcher: an SMTP server that keeps every message and a web view of them.

Run as `python -m portalstack.mailcatcher --smtp-port 1025 --http-port 8025 --dir .data/mail`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from html import escape
from pathlib import Path

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session

from portalstack.mailstore import MailStore

log = logging.getLogger("portalstack.mailcatcher")

STORE_KEY = web.AppKey("store", MailStore)
ARRIVED_KEY = web.AppKey("arrived", asyncio.Condition)
MAX_WAIT_SECONDS = 30.0

PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem}"
    "table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}"
    "pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}"
)


class CatchingHandler:
    """aiosmtpd handler that accepts every message and stores it."""

    def __init__(self, store: MailStore, arrived: asyncio.Condition) -> None:
        self.store = store
        self.arrived = arrived

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        """Store the message and wake up waiting readers."""
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        summary = self.store.add(
            raw, mail_from=envelope.mail_from or "", rcpt_tos=list(envelope.rcpt_tos)
        )
        log.info(
            "caught %s for %s: %s", summary["id"], ", ".join(summary["to"]), summary["subject"]
        )
        async with self.arrived:
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


def _not_found(message_id: str) -> web.Response:
    return web.json_response(
        {
            "error": {
                "code": "message_not_found",
                "message": f"No message with id {message_id}.",
                "details": None,
            }
        },
        status=404,
    )


def _page(title: str, body: str) -> web.Response:
    document = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )
    return web.Response(text=document, content_type="text/html")


async def list_messages(request: web.Request) -> web.Response:
    """GET /api/messages: newest first; ?to=ADDRESS filters; ?wait=SECONDS waits for a match."""
    store = request.app[STORE_KEY]
    to = request.query.get("to") or None
    try:
        wait = min(float(request.query.get("wait", "0")), MAX_WAIT_SECONDS)
    except ValueError:
        wait = 0.0
    found = store.messages(to=to)
    if not found and wait > 0:
        arrived = request.app[ARRIVED_KEY]

        async def some_match() -> None:
            async with arrived:
                await arrived.wait_for(lambda: bool(store.messages(to=to)))

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(some_match(), timeout=wait)
        found = store.messages(to=to)
    return web.json_response(found)


async def get_message(request: web.Request) -> web.Response:
    """GET /api/messages/{id}."""
    message_id = request.match_info["id"]
    summary = request.app[STORE_KEY].get(message_id)
    return _not_found(message_id) if summary is None else web.json_response(summary)


async def get_raw(request: web.Request) -> web.Response:
    """GET /api/messages/{id}/raw: the message exactly as received."""
    message_id = request.match_info["id"]
    raw = request.app[STORE_KEY].raw(message_id)
    if raw is None:
        return _not_found(message_id)
    return web.Response(body=raw, content_type="text/plain", charset="utf-8")


async def clear_messages(request: web.Request) -> web.Response:
    """DELETE /api/messages: forget every message."""
    return web.json_response({"deleted": request.app[STORE_KEY].clear()})


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz."""
    return web.json_response({"status": "ok"})


async def index_page(request: web.Request) -> web.Response:
    """GET /: caught messages for people, newest first."""
    rows = "".join(
        "<tr>"
        f"<td>{escape(summary['date'])}</td>"
        f"<td>{escape(summary['from'])}</td>"
        f"<td>{escape(', '.join(summary['to']))}</td>"
        f'<td><a href="/messages/{escape(summary["id"])}">'
        f"{escape(summary['subject'] or '(no subject)')}</a></td>"
        "</tr>"
        for summary in request.app[STORE_KEY].messages()
    )
    table = (
        "<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
        if rows
        else "<p>No messages yet.</p>"
    )
    return _page("Mail catcher", f"<h1>Mail catcher</h1>{table}")


async def message_page(request: web.Request) -> web.Response:
    """GET /messages/{id}: one message for people; the HTML body is linked, never rendered."""
    message_id = request.match_info["id"]
    summary = request.app[STORE_KEY].get(message_id)
    if summary is None:
        return _page("Not found", "<p>No such message. <a href=/>All messages</a></p>")
    headers = "".join(
        f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>"
        for name, value in [
            ("Envelope from", summary["from"]),
            ("Envelope to", ", ".join(summary["to"])),
            *summary["headers"].items(),
        ]
    )
    attachments = "".join(
        f"<li>{escape(str(item['filename']))} ({escape(item['content_type'])}, "
        f"{item['size']} bytes)</li>"
        for item in summary["attachments"]
    )
    body = (
        f"<p><a href=/>All messages</a> · "
        f'<a href="/api/messages/{escape(message_id)}/raw">raw</a></p>'
        f"<h1>{escape(summary['subject'] or '(no subject)')}</h1>"
        f"<table>{headers}</table><pre>{escape(summary['text'])}</pre>"
        + ("<p>This message also has an HTML body (see raw).</p>" if summary["html"] else "")
        + (f"<h2>Attachments</h2><ul>{attachments}</ul>" if attachments else "")
    )
    return _page(str(summary["subject"]), body)


def build_web_app(store: MailStore, arrived: asyncio.Condition) -> web.Application:
    """The catcher's web interface and JSON API."""
    app = web.Application()
    app[STORE_KEY] = store
    app[ARRIVED_KEY] = arrived
    app.router.add_get("/", index_page)
    app.router.add_get("/messages/{id}", message_page)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/api/messages", list_messages)
    app.router.add_delete("/api/messages", clear_messages)
    app.router.add_get("/api/messages/{id}", get_message)
    app.router.add_get("/api/messages/{id}/raw", get_raw)
    return app


async def serve(*, host: str, smtp_port: int, http_port: int, folder: Path) -> None:
    """Run the SMTP and HTTP servers until SIGTERM or SIGINT."""
    store = MailStore(folder)
    kept = store.load()
    arrived = asyncio.Condition()
    loop = asyncio.get_running_loop()
    handler = CatchingHandler(store, arrived)

    def smtp_protocol() -> SMTP:
        return SMTP(handler, hostname="mail-catcher.local", enable_SMTPUTF8=True, loop=loop)

    smtp_server = await loop.create_server(smtp_protocol, host=host, port=smtp_port)
    runner = web.AppRunner(build_web_app(store, arrived), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host=host, port=http_port).start()
    log.info(
        "mail catcher: SMTP %s:%d, web http://%s:%d, %d message(s) kept in %s",
        host,
        smtp_port,
        host,
        http_port,
        kept,
        folder,
    )
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    try:
        await stopping.wait()
    finally:
        smtp_server.close()
        await runner.cleanup()
        await smtp_server.wait_closed()
        log.info("mail catcher stopped")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m portalstack.mailcatcher")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path(".data/mail"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    # aiosmtpd logs every SMTP command at INFO; one line per caught message is enough.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    asyncio.run(
        serve(host=args.host, smtp_port=args.smtp_port, http_port=args.http_port, folder=args.dir)
    )


if __name__ == "__main__":
    main()

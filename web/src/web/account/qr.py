"""What an authenticator app needs while it is set up: its QR code, drawn here, and its key."""

from typing import Any

import segno
from markupsafe import Markup

from web.i18n import gettext as _
from web.sessions.models import AuthenticatorSetup


def authenticator_setup_of(authority: str, answer: dict[str, Any]) -> AuthenticatorSetup:
    """The key and address of identity's answer, to keep until the app's first code."""
    return AuthenticatorSetup(
        authority=authority,
        secret=str(answer["secret"]),
        otpauth_uri=str(answer["otpauth_uri"]),
    )


def qr_code(address: str) -> Markup:
    """The address as a QR code, an inline SVG image named in the page's language."""
    svg = segno.make(address, error="m").svg_inline(
        scale=5,
        border=4,
        dark="#0b0c0c",
        light="#ffffff",
        svgclass="portal-qr-code",
        lineclass=None,
        omitsize=True,
        title=_("QR code to scan with your authenticator app"),
    )
    # Drawn here by segno, which escapes the title: the only text in the markup.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704


def grouped(secret: str) -> str:
    """The key in groups of four, easier to type and free to wrap on a narrow screen."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def setup_context(setup: AuthenticatorSetup) -> dict[str, Any]:
    """What the set-up page shows: the QR code and the key typed by hand."""
    return {"qr_svg": qr_code(setup.otpauth_uri), "secret": grouped(setup.secret)}

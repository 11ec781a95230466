"""Who is on the other end of a request: the client address and the device they use."""

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

_BROWSERS = (
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
)
_SYSTEMS = (
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
)
_PROGRAM = re.compile(r"^([A-Za-z][A-Za-z0-9._-]{0,40})/")


def describe_device(user_agent: str) -> str:
    """A short, human description of a User-Agent ("Firefox on Windows")."""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), None)
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return str(browser or system)
    program = _PROGRAM.match(user_agent)
    return program.group(1) if program else "Unknown device"


@dataclass(frozen=True)
class ClientInfo:
    """The client's address (as the gateway saw it) and device."""

    address: str
    user_agent: str

    @property
    def device(self) -> str:
        """What the device is, for people."""
        return describe_device(self.user_agent)


def client_info(request: Request) -> ClientInfo:
    """The client of this request; the gateway sets X-Forwarded-For to the address it saw."""
    forwarded = request.headers.get("x-forwarded-for", "")
    # The last entry is the one the nearest proxy (our gateway) added.
    address = forwarded.split(",")[-1].strip() if forwarded.strip() else ""
    if not address:
        address = request.client.host if request.client else "unknown"
    return ClientInfo(address=address[:64], user_agent=request.headers.get("user-agent", "")[:512])


Client = Annotated[ClientInfo, Depends(client_info)]

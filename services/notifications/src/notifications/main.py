"""The notifications service's ASGI app."""

from kit.app import create_app
from notifications.config import settings

app = create_app(
    settings,
    title="Housing Portal: notifications",
    description="In-app notifications and emails, with their delivery status.",
)

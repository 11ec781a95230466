"""The cases service's ASGI app."""

from cases.config import settings
from kit.app import create_app

app = create_app(
    settings,
    title="Housing Portal: cases",
    description="Cases of every kind and the casework on them.",
)

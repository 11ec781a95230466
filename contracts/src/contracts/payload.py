"""The base class of every event payload."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class EventPayload(BaseModel):
    """The `data` of one event type at one version; subclasses set both class variables."""

    # Strict on both sides: a producer's typo fails its tests instead of reaching consumers,
    # and any change of shape is a new `event_version`.
    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    event_version: ClassVar[int]

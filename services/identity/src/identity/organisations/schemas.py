"""Request and response bodies of organisations and their users."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StrictBool

from identity.invitations.schemas import InvitationView, Invitee, LandlordRole
from kit.fields import Trimmed

OrganisationName = Annotated[str, Trimmed(200)]


class OrganisationRequest(BaseModel):
    """A new organisation and its first administrator."""

    model_config = ConfigDict(extra="forbid")

    name: OrganisationName
    administrator: Invitee


class OrganisationView(BaseModel):
    """An organisation."""

    id: str
    name: str
    kind: str
    created_at: datetime


class CreatedOrganisation(OrganisationView):
    """A new organisation and its administrator's invitation."""

    administrator: InvitationView


class OrganisationList(BaseModel):
    """Organisations, by name."""

    items: list[OrganisationView]


class OrganisationUserRequest(Invitee):
    """A new user of the organisation."""

    role: LandlordRole = "landlord_user"


class OrganisationUser(BaseModel):
    """A user of an organisation."""

    user_id: str
    email: str
    first_name: str
    last_name: str
    roles: list[str]
    state: Literal["invited", "active", "inactive"]
    added_at: datetime


class OrganisationUsers(BaseModel):
    """The organisation's users."""

    items: list[OrganisationUser]


class ActiveChange(BaseModel):
    """Mark a user active or inactive."""

    model_config = ConfigDict(extra="forbid")

    active: StrictBool  # `0` or `"no"` is not an answer

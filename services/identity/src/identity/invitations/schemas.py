"""Request and response bodies of invitations."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import EmailAddress
from identity.accounts.schemas import PersonName

StaffRole = Literal["officer", "manager", "authority_admin"]
LandlordRole = Literal["landlord_user", "landlord_admin"]
_STRICT = ConfigDict(extra="forbid")


class Invitee(BaseModel):
    """Who to invite."""

    model_config = _STRICT

    email: EmailAddress
    first_name: PersonName
    last_name: PersonName


class StaffInvitationRequest(Invitee):
    """Invite a member of staff."""

    role: StaffRole


class InvitationView(BaseModel):
    """An invitation and where it stands."""

    id: str
    user_id: str
    email: str
    role: str
    organisation_id: str | None
    state: Literal["pending", "accepted", "expired"]
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None


class InvitationList(BaseModel):
    """Invitations, newest first."""

    items: list[InvitationView]


class InvitationAcceptance(BaseModel):
    """The link's token and a new password (the current one, for someone with an account)."""

    model_config = _STRICT

    token: str = Field(min_length=16, max_length=128)
    password: str = Field(min_length=1, max_length=128)


class InvitationAccepted(BaseModel):
    """The invitation is accepted: sign in at this authority."""

    authority: str
    email: str
    role: str

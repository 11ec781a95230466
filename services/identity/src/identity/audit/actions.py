"""The actions the audit log records."""

from typing import Literal

Outcome = Literal["success", "failure"]

ACCOUNT_REGISTERED = "account.registered"
REGISTRATION_ATTEMPTED = "account.registration_attempted"
ACCOUNT_CONFIRMED = "account.confirmed"
CONFIRMATION_RESENT = "account.confirmation_resent"
PROFILE_UPDATED = "account.profile_updated"
SIGN_IN = "sign_in"
SIGN_IN_LOCKED = "sign_in.locked_out"
SECOND_FACTOR = "sign_in.second_factor"
ENROLMENT_POSTPONED = "sign_in.enrolment_postponed"
SESSION_ENDED = "session.ended"
REFRESH_TOKEN_REUSED = "session.refresh_token_reused"
SESSION_SWITCHED = "session.switched"
FACTOR_ADDED = "factor.added"
FACTOR_REMOVED = "factor.removed"
RECOVERY_CODES_GENERATED = "factor.recovery_codes_generated"
PASSWORD_CHANGED = "password.changed"
PASSWORD_RESET_REQUESTED = "password.reset_requested"
PASSWORD_RESET = "password.reset"
STAFF_INVITED = "staff.invited"
INVITATION_ACCEPTED = "staff.invitation_accepted"
ORGANISATION_CREATED = "organisation.created"
MEMBER_DEACTIVATED = "member.deactivated"
MEMBER_ACTIVATED = "member.activated"
MEMBER_PASSWORD_RESET_SENT = "member.password_reset_sent"
MEMBERSHIP_JOINED = "membership.joined"
RESTRICTION_ADDED = "restriction.added"
RESTRICTION_LIFTED = "restriction.lifted"
SIGNING_KEY_ROTATED = "signing_key.rotated"

ALL = (
    ACCOUNT_REGISTERED,
    REGISTRATION_ATTEMPTED,
    ACCOUNT_CONFIRMED,
    CONFIRMATION_RESENT,
    PROFILE_UPDATED,
    SIGN_IN,
    SIGN_IN_LOCKED,
    SECOND_FACTOR,
    ENROLMENT_POSTPONED,
    SESSION_ENDED,
    REFRESH_TOKEN_REUSED,
    SESSION_SWITCHED,
    FACTOR_ADDED,
    FACTOR_REMOVED,
    RECOVERY_CODES_GENERATED,
    PASSWORD_CHANGED,
    PASSWORD_RESET_REQUESTED,
    PASSWORD_RESET,
    STAFF_INVITED,
    INVITATION_ACCEPTED,
    ORGANISATION_CREATED,
    MEMBER_DEACTIVATED,
    MEMBER_ACTIVATED,
    MEMBER_PASSWORD_RESET_SENT,
    MEMBERSHIP_JOINED,
    RESTRICTION_ADDED,
    RESTRICTION_LIFTED,
    SIGNING_KEY_ROTATED,
)

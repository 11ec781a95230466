"""Every event payload, one module per publishing area."""

from contracts.events.authority import AuthorityUpserted
from contracts.events.identity import (
    AccountDeactivated,
    AccountReactivated,
    ConfirmationRequested,
    FactorAdded,
    PasswordChanged,
    PasswordResetRequested,
    RegistrationAttempted,
    SessionEnded,
    SignInCodeIssued,
    SignInLocked,
    StaffInvited,
)
from contracts.payload import EventPayload

# Adding an event: define its payload class in a module here and list it below.
PAYLOADS: tuple[type[EventPayload], ...] = (
    AuthorityUpserted,
    ConfirmationRequested,
    RegistrationAttempted,
    SignInCodeIssued,
    PasswordResetRequested,
    PasswordChanged,
    FactorAdded,
    StaffInvited,
    AccountDeactivated,
    AccountReactivated,
    SessionEnded,
    SignInLocked,
)

__all__ = [
    "PAYLOADS",
    "AccountDeactivated",
    "AccountReactivated",
    "AuthorityUpserted",
    "ConfirmationRequested",
    "FactorAdded",
    "PasswordChanged",
    "PasswordResetRequested",
    "RegistrationAttempted",
    "SessionEnded",
    "SignInCodeIssued",
    "SignInLocked",
    "StaffInvited",
]

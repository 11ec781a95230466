"""The audit log's actions and outcomes as people read them."""

from web.i18n import gettext as _


def action_names() -> dict[str, str]:
    """Every action the audit log records, named in the page's language, in the API's order."""
    return {
        "account.registered": _("Account created"),
        "account.registration_attempted": _("Account creation tried with a used address"),
        "account.confirmed": _("Email address confirmed"),
        "account.confirmation_resent": _("Confirmation link sent again"),
        "account.profile_updated": _("Profile changed"),
        "sign_in": _("Sign-in"),
        "sign_in.locked_out": _("Sign-in locked after too many attempts"),
        "sign_in.second_factor": _("Second factor at sign-in"),
        "sign_in.enrolment_postponed": _("Second factor set-up postponed"),
        "session.ended": _("Signed out or session ended"),
        "session.refresh_token_reused": _("Used sign-in token presented again"),
        "session.switched": _("Switched authority"),
        "factor.added": _("Second factor added"),
        "factor.removed": _("Second factor removed"),
        "factor.recovery_codes_generated": _("Recovery codes made"),
        "password.changed": _("Password changed"),
        "password.reset_requested": _("Password reset asked for"),
        "password.reset": _("Password reset"),
        "staff.invited": _("Invitation sent"),
        "staff.invitation_accepted": _("Invitation accepted"),
        "organisation.created": _("Organisation created"),
        "member.deactivated": _("User deactivated"),
        "member.activated": _("User reactivated"),
        "member.password_reset_sent": _("Password reset sent to a user"),
        "membership.joined": _("Joined this authority"),
        "restriction.added": _("Access restricted"),
        "restriction.lifted": _("Restriction lifted"),
        "signing_key.rotated": _("Signing key replaced"),
    }


def outcome_name(outcome: str) -> str:
    """Whether the action succeeded, in the page's language."""
    return {"success": _("Succeeded"), "failure": _("Failed")}.get(outcome, outcome)

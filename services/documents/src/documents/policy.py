"""Who may see a document and who may act on documents and requests."""

from typing import Literal

from documents.cases import CaseFacts
from documents.files.models import DocumentRecord, UploaderRole
from kit.auth import Principal

Audience = Literal["staff", "landlord", "applicant"]
STAFF_ROLES = ("officer", "manager")
LANDLORD_ROLES = ("landlord_user", "landlord_admin")


def audience(principal: Principal, case: CaseFacts) -> Audience:
    """What the caller is on a case the cases service let them see."""
    if principal.has_any(*STAFF_ROLES):
        return "staff"
    if (
        principal.organisation
        and set(LANDLORD_ROLES) & principal.roles
        and case.organisation_id == principal.organisation
        and principal.user_id != case.applicant_id
    ):
        return "landlord"
    return "applicant"


def uploader_role(principal: Principal, case: CaseFacts) -> UploaderRole:
    """The part the caller plays when uploading."""
    return audience(principal, case)


def can_see(principal: Principal, case: CaseFacts, document: DocumentRecord) -> bool:
    """Staff see every document; the uploader their own; landlords what was shared with them;
    the applicant the rest of their case's documents; nobody else sensitive ones."""
    if document.uploaded_by == principal.user_id:
        return True
    who = audience(principal, case)
    if who == "staff":
        return True
    if document.sensitive:
        return False
    if who == "landlord":
        return document.shared_with_landlord
    return True


def is_staff(principal: Principal) -> bool:
    """Whether the caller works cases for the authority."""
    return principal.has_any(*STAFF_ROLES)

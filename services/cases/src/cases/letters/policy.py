"""Who may issue, see, open and acknowledge a letter.

Officers and managers of the authority issue letters on the cases they can see, and see every
letter of them (with when it was opened and acknowledged). A letter is to the case's
applicant: they see, open and acknowledge the letters on their own cases. Nobody else sees
letters (a landlord's users see a complaint, not the letters to the complainant).
"""

from cases.cases.models import CaseRecord
from cases.cases.policy import audience, can_see
from cases.letters.models import LetterRecord
from kit.auth import Principal


def may_issue(principal: Principal, case: CaseRecord) -> bool:
    """Whether the caller may issue letters on the case."""
    return audience(principal) == "staff" and can_see(principal, case)


def may_see(principal: Principal, case: CaseRecord, letter: LetterRecord) -> bool:
    """Whether the caller may see this letter of a case."""
    if letter.case_id != case.id or not can_see(principal, case):
        return False
    return audience(principal) == "staff" or is_recipient(principal, letter)


def is_recipient(principal: Principal, letter: LetterRecord) -> bool:
    """Whether the caller is the person the letter is to."""
    return letter.person_id == principal.user_id and "applicant" in principal.roles

"""Who may see an appointment and who may book, move or cancel one.

Officers and managers of the authority see every appointment of the cases they can see and
book, move and cancel them. Anyone else sees only the appointments they are the person
concerned in, on a case they can see: an applicant those on their own cases; a landlord's
user those on a complaint about their landlord where the officer meets them.
"""

from cases.appointments.models import AppointmentRecord
from cases.cases.models import CaseRecord
from cases.cases.policy import audience, can_see
from kit.auth import Principal


def may_arrange(principal: Principal, case: CaseRecord) -> bool:
    """Whether the caller may book, move or cancel appointments on the case."""
    return audience(principal) == "staff" and can_see(principal, case)


def may_see(principal: Principal, case: CaseRecord, appointment: AppointmentRecord) -> bool:
    """Whether the caller may see this appointment of a case."""
    if appointment.case_id != case.id or not can_see(principal, case):
        return False
    return audience(principal) == "staff" or appointment.person_id == principal.user_id

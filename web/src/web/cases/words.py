"""The cases API's names for kinds, statuses, stages and answers, as people read them.

The API names things in English for machines; pages show them in the page's language. Each
function falls back to the name itself, so a status added to the API shows rather than fails.
"""

from collections.abc import Callable

from web.i18n import gettext as _

# Each function takes the API's name for something and gives the words for it.
Label = Callable[[str], str]


def kind_title(kind: str) -> str:
    """What an application of this kind is called."""
    titles = {
        "homelessness": _("Homelessness referral"),
        "housing_register": _("Housing register application"),
        "housing_advice": _("Housing advice"),
        "complaint": _("Complaint"),
    }
    return titles.get(kind, kind)


def status_label(status: str) -> str:
    """A case's status as people see it (the same name means the same in every kind)."""
    labels = {
        "draft": _("Draft"),
        "pending": _("Pending"),
        "approach": _("Approach"),
        "prevention": _("Prevention duty"),
        "relief": _("Relief duty"),
        "decision": _("Main duty decision"),
        "submitted": _("Submitted"),
        "assessed": _("Assessed"),
        "live": _("Live"),
        "suspended": _("Suspended"),
        "in_progress": _("In progress"),
        "under_assessment": _("Case under assessment"),
        "investigation": _("Investigation"),
        "determination": _("Determination"),
        "closed": _("Closed"),
        "cancelled": _("Cancelled"),
    }
    return labels.get(status, status)


def action_label(action: str) -> str:
    """The button or choice that makes a move from one status to another."""
    labels = {
        "submit": _("Submit"),
        "accept": _("Accept"),
        "start_prevention": _("Start the prevention duty"),
        "start_relief": _("Start the relief duty"),
        "decide": _("Record the main duty decision"),
        "assess": _("Mark as assessed"),
        "set_live": _("Set live on the register"),
        "start_advice": _("Start giving advice"),
        "investigate": _("Start the investigation"),
        "determine": _("Record the determination"),
        "close": _("Close"),
        "cancel": _("Cancel"),
    }
    return labels.get(action, action)


def stage_label(stage: str) -> str:
    """A complaint's stage."""
    labels = {
        "DR1 Local Resolution": _("DR1 Local Resolution"),
        "DR2 Dispute Support": _("DR2 Dispute Support"),
        "DR2 Review": _("DR2 Review"),
        "Investigation": _("Investigation"),
        "Determination": _("Determination"),
    }
    return labels.get(stage, stage)


def case_type_label(case_type: str) -> str:
    """The type of an ombudsman case."""
    labels = {
        "Complaint about a member landlord": _("Complaint about a member landlord"),
        "Complaint about a local authority landlord": _(
            "Complaint about a local authority landlord"
        ),
        "Enquiry": _("Enquiry"),
    }
    return labels.get(case_type, case_type)


def tenure_label(tenure: str) -> str:
    """How someone lives at their current address."""
    labels = {
        "private_rented": _("Renting from a private landlord"),
        "social_rented": _("Renting from a council or housing association"),
        "living_with_family": _("Living with family or friends"),
        "owner_occupier": _("Owner"),
        "no_home": _("No home at the moment"),
        "other": _("Something else"),
    }
    return labels.get(tenure, tenure)


def advice_topic_label(topic: str) -> str:
    """What someone needs housing advice about."""
    labels = {
        "eviction": _("Being asked to leave or evicted"),
        "repairs": _("Repairs"),
        "rent_arrears": _("Rent arrears"),
        "finding_a_home": _("Finding a home"),
        "domestic_abuse": _("Domestic abuse"),
        "other": _("Something else"),
    }
    return labels.get(topic, topic)


def relationship_label(relationship: str) -> str:
    """How a household member is related to the applicant."""
    labels = {
        "applicant": _("Applicant"),
        "partner": _("Partner"),
        "child": _("Child"),
        "parent": _("Parent"),
        "sibling": _("Brother or sister"),
        "other_relative": _("Other relative"),
        "other": _("Other"),
    }
    return labels.get(relationship, relationship)


def contact_method_label(method: str) -> str:
    """How someone prefers to be contacted."""
    labels = {
        "home_phone": _("Home phone"),
        "mobile_phone": _("Mobile phone"),
        "work_phone": _("Work phone"),
        "email": _("Email"),
        "letter": _("Letter"),
    }
    return labels.get(method, method)


def question_label(question: str, fallback: str | None = None) -> str:
    """A kind's question as the applicant is asked it; the API's words (`fallback`) for one
    unknown here."""
    texts = {
        "reason_for_approach": _("Detail the reason for approaching for assistance today"),
        "steps_taken": _(
            "Detail any steps which have already been taken to resolve current housing issues"
        ),
        "assistance_wanted": _("Detail any assistance which would be helpful"),
        "homeless_before": _("Have you been homeless before?"),
        "current_address": _("What is your current address?"),
        "tenure": _("How do you live there?"),
        "bedrooms_needed": _("How many bedrooms does your household need?"),
        "medical_needs": _(
            "Does anyone in your household have a medical need affected by housing?"
        ),
        "medical_details": _("Tell us about the need"),
        "local_connection": _("Have you lived or worked in the area for the last 2 years?"),
        "topic": _("What do you need advice about?"),
        "question": _("Tell us what is happening"),
        "complainant_name": _("Your full name"),
        "landlord_organisation_id": _("Which landlord is the complaint about?"),
        "landlord_name": _("The landlord's name"),
        "case_type": _("What kind of case is this?"),
        "details": _("What is your complaint?"),
        "landlord_response_received": _("Has the landlord given its final response?"),
    }
    return texts.get(question, fallback or question)


def clock_label(clock: str) -> str:
    """A statutory period's last day."""
    labels = {
        "prevention": _("Prevention duty ends"),
        "relief": _("Relief duty ends"),
        "review": _("Last day to ask for a review"),
    }
    return labels.get(clock, clock)


def history_label(action: str) -> str:
    """What happened to a case, as its history lists it."""
    labels = {
        "create": _("Application started"),
        "answers_changed": _("Answers changed"),
        "household_changed": _("Household changed"),
        "contact_changed": _("Contact details changed"),
        "assign": _("Assigned to an officer"),
        "stage_changed": _("Stage changed"),
        "change_submitted": _("Change of circumstances told"),
        "change_verified": _("Change of circumstances verified"),
        "change_rejected": _("Change of circumstances not accepted"),
        "submit": _("Submitted"),
        "accept": _("Accepted"),
        "start_prevention": _("Prevention duty started"),
        "start_relief": _("Relief duty started"),
        "decide": _("Main duty decision recorded"),
        "assess": _("Assessed"),
        "set_live": _("Set live on the register"),
        "suspend": _("Suspended"),
        "reinstate": _("Live again"),
        "start_advice": _("Advice started"),
        "investigate": _("Investigation started"),
        "determine": _("Determination recorded"),
        "close": _("Closed"),
        "cancel": _("Cancelled"),
    }
    return labels.get(action) or action_label(action)

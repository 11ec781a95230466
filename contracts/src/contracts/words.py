"""What the portal calls the cases API's kinds, statuses, stages and answers, in English and
Welsh: one vocabulary for the pages, the PDFs and the notifications.

The API names things in English for machines; people read them in their language. Each
function falls back to the name itself, so a status added to the API shows rather than fails.
The Welsh is in this package's catalogue (translations/cy), compiled by the build.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from contracts.fields import Language

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def N_(text: str) -> str:  # noqa: N802 - the name the catalogue's extraction looks for
    """Mark text for the catalogue where it is declared; it is translated where it is shown."""
    return text


@cache
def catalogue(language: Language) -> NullTranslations:
    """The language's translations of this vocabulary; English is the source text itself."""
    if language == "en":
        return NullTranslations()
    compiled = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.mo"
    if not compiled.is_file():
        # Without it everyone who chose Welsh would silently be shown English.
        raise FileNotFoundError(f"{compiled} is missing: run `make install` to compile it")
    return Translations.load(str(TRANSLATIONS_DIR), [language], "messages")


@dataclass(frozen=True)
class Names:
    """One set of names: the API's name for each thing, and the words for it in English.

    Called with a name and a language, it gives the words in that language; a name it does
    not know, it gives back as it is."""

    words: Mapping[str, str]

    def __call__(self, name: str, language: Language) -> str:
        text = self.words.get(name)
        return catalogue(language).gettext(text) if text is not None else name


# What an application of this kind is called.
kind_title = Names(
    {
        "homelessness": N_("Homelessness referral"),
        "housing_register": N_("Housing register application"),
        "housing_advice": N_("Housing advice"),
        "complaint": N_("Complaint"),
    }
)

# A case's status as people see it (the same name means the same in every kind).
status_label = Names(
    {
        "draft": N_("Draft"),
        "pending": N_("Pending"),
        "approach": N_("Approach"),
        "prevention": N_("Prevention duty"),
        "relief": N_("Relief duty"),
        "decision": N_("Main duty decision"),
        "submitted": N_("Submitted"),
        "assessed": N_("Assessed"),
        "live": N_("Live"),
        "suspended": N_("Suspended"),
        "in_progress": N_("In progress"),
        "under_assessment": N_("Case under assessment"),
        "investigation": N_("Investigation"),
        "determination": N_("Determination"),
        "closed": N_("Closed"),
        "cancelled": N_("Cancelled"),
    }
)

# The button or choice that makes a move from one status to another.
action_label = Names(
    {
        "submit": N_("Submit"),
        "accept": N_("Accept"),
        "start_prevention": N_("Start the prevention duty"),
        "start_relief": N_("Start the relief duty"),
        "decide": N_("Record the main duty decision"),
        "assess": N_("Mark as assessed"),
        "set_live": N_("Set live on the register"),
        "start_advice": N_("Start giving advice"),
        "investigate": N_("Start the investigation"),
        "determine": N_("Record the determination"),
        "close": N_("Close"),
        "cancel": N_("Cancel"),
    }
)

# A complaint's stage.
stage_label = Names(
    {
        "DR1 Local Resolution": N_("DR1 Local Resolution"),
        "DR2 Dispute Support": N_("DR2 Dispute Support"),
        "DR2 Review": N_("DR2 Review"),
        "Investigation": N_("Investigation"),
        "Determination": N_("Determination"),
    }
)

# The type of an ombudsman case.
case_type_label = Names(
    {
        "Complaint about a member landlord": N_("Complaint about a member landlord"),
        "Complaint about a local authority landlord": N_(
            "Complaint about a local authority landlord"
        ),
        "Enquiry": N_("Enquiry"),
    }
)

# How someone lives at their current address.
tenure_label = Names(
    {
        "private_rented": N_("Renting from a private landlord"),
        "social_rented": N_("Renting from a council or housing association"),
        "living_with_family": N_("Living with family or friends"),
        "owner_occupier": N_("Owner"),
        "no_home": N_("No home at the moment"),
        "other": N_("Something else"),
    }
)

# What someone needs housing advice about.
advice_topic_label = Names(
    {
        "eviction": N_("Being asked to leave or evicted"),
        "repairs": N_("Repairs"),
        "rent_arrears": N_("Rent arrears"),
        "finding_a_home": N_("Finding a home"),
        "domestic_abuse": N_("Domestic abuse"),
        "other": N_("Something else"),
    }
)

# How a household member is related to the applicant.
relationship_label = Names(
    {
        "applicant": N_("Applicant"),
        "partner": N_("Partner"),
        "child": N_("Child"),
        "parent": N_("Parent"),
        "sibling": N_("Brother or sister"),
        "other_relative": N_("Other relative"),
        "other": N_("Other"),
    }
)

# How someone prefers to be contacted.
contact_method_label = Names(
    {
        "home_phone": N_("Home phone"),
        "mobile_phone": N_("Mobile phone"),
        "work_phone": N_("Work phone"),
        "email": N_("Email"),
        "letter": N_("Letter"),
    }
)

# What a document on a case is, unless an authority has its own list of classifications.
document_type = Names(
    {
        "proof_of_identity": N_("Proof of identity"),
        "proof_of_address": N_("Proof of address"),
        "proof_of_income": N_("Proof of income or benefits"),
        "tenancy": N_("Tenancy agreement or notice"),
        "medical": N_("Medical evidence"),
        "immigration": N_("Immigration status"),
        "correspondence": N_("Letters and correspondence"),
        "photographs": N_("Photographs"),
        "other": N_("Other"),
    }
)

# What a document the portal made itself is: a letter, a plan, a copy of an application.
generated_document = Names(
    {
        "letter": N_("Letter"),
        "housing_plan": N_("Personal Housing Plan"),
        "application": N_("Copy of the application"),
    }
)

# What an appointment is for, how it is held, and what a letter is.
appointment_type = Names(
    {
        "interview": N_("Interview"),
        "assessment": N_("Assessment"),
        "viewing": N_("Property viewing"),
        "review": N_("Review"),
    }
)
appointment_how = Names(
    {
        "in_person": N_("In person"),
        "phone": N_("By phone"),
        "video": N_("By video call"),
    }
)
letter_template = Names(
    {
        "decision": N_("Decision"),
        "general_advice": N_("General advice"),
        "appointment": N_("Appointment"),
        "request_for_information": N_("Request for information"),
    }
)

# A Personal Housing Plan: what each action is about, how far it has gone, who does it, and
# where the plan stands.
plan_action_category = Names(
    {
        "generic": N_("General"),
        "financial": N_("Money and finances"),
        "loss_of_rented_accommodation": N_("Loss of rented accommodation"),
        "family_or_friends": N_("Family or friends"),
        "domestic_abuse": N_("Domestic abuse"),
        "health_and_support": N_("Health and support"),
        "employment_and_training": N_("Employment and training"),
        "ad_hoc": N_("Other action"),
    }
)
plan_action_progress = Names(
    {
        "open": N_("Not started"),
        "in_progress": N_("In progress"),
        "complete": N_("Complete"),
    }
)
plan_action_by_whom = Names(
    {
        "applicant": N_("You"),
        "officer": N_("Your caseworker"),
    }
)
plan_status = Names(
    {
        "draft": N_("Being written"),
        "issued": N_("Issued"),
        "in_review": N_("Being reviewed"),
    }
)

QUESTIONS = {
    "reason_for_approach": N_("Detail the reason for approaching for assistance today"),
    "steps_taken": N_(
        "Detail any steps which have already been taken to resolve current housing issues"
    ),
    "assistance_wanted": N_("Detail any assistance which would be helpful"),
    "homeless_before": N_("Have you been homeless before?"),
    "current_address": N_("What is your current address?"),
    "tenure": N_("How do you live there?"),
    "bedrooms_needed": N_("How many bedrooms does your household need?"),
    "medical_needs": N_("Does anyone in your household have a medical need affected by housing?"),
    "medical_details": N_("Tell us about the need"),
    "local_connection": N_("Have you lived or worked in the area for the last 2 years?"),
    "topic": N_("What do you need advice about?"),
    "question": N_("Tell us what is happening"),
    "complainant_name": N_("Your full name"),
    "landlord_organisation_id": N_("Which landlord is the complaint about?"),
    "landlord_name": N_("The landlord's name"),
    "case_type": N_("What kind of case is this?"),
    "details": N_("What is your complaint?"),
    "landlord_response_received": N_("Has the landlord given its final response?"),
}

# A statutory period's last day.
clock_label = Names(
    {
        "prevention": N_("Prevention duty ends"),
        "relief": N_("Relief duty ends"),
        "review": N_("Last day to ask for a review"),
    }
)

HISTORY = {
    "create": N_("Application started"),
    "answers_changed": N_("Answers changed"),
    "household_changed": N_("Household changed"),
    "contact_changed": N_("Contact details changed"),
    "assign": N_("Assigned to an officer"),
    "stage_changed": N_("Stage changed"),
    "change_submitted": N_("Change of circumstances told"),
    "change_verified": N_("Change of circumstances verified"),
    "change_rejected": N_("Change of circumstances not accepted"),
    "submit": N_("Submitted"),
    "accept": N_("Accepted"),
    "start_prevention": N_("Prevention duty started"),
    "start_relief": N_("Relief duty started"),
    "decide": N_("Main duty decision recorded"),
    "assess": N_("Assessed"),
    "set_live": N_("Set live on the register"),
    "suspend": N_("Suspended"),
    "reinstate": N_("Live again"),
    "start_advice": N_("Advice started"),
    "investigate": N_("Investigation started"),
    "determine": N_("Determination recorded"),
    "close": N_("Closed"),
    "cancel": N_("Cancelled"),
    "document_requested": N_("Document asked for"),
    "document_uploaded": N_("Document sent"),
    "document_verified": N_("Document verified"),
    "document_rejected": N_("Document not accepted"),
    "document_withdrawn": N_("Document withdrawn"),
    "task_set": N_("Task set"),
    "task_completed": N_("Task completed"),
    "task_unable_to_complete": N_("Task could not be completed"),
    "task_accepted": N_("Task closed without completion"),
    "task_reopened": N_("Task set again"),
    "message_sent": N_("Message sent"),
    "message_replied": N_("Message replied to"),
    "message_read": N_("Message read"),
    "appointment_booked": N_("Appointment booked"),
    "appointment_moved": N_("Appointment changed"),
    "appointment_cancelled": N_("Appointment cancelled"),
    "letter_issued": N_("Letter sent"),
    "letter_viewed": N_("Letter opened"),
    "letter_acknowledged": N_("Letter acknowledged"),
    "plan_started": N_("Personal Housing Plan started"),
    "plan_assessment_changed": N_("Personal Housing Plan assessment changed"),
    "plan_issued": N_("Personal Housing Plan issued"),
    "plan_action_added": N_("Action added to the Personal Housing Plan"),
    "plan_action_updated": N_("Personal Housing Plan action updated"),
    "plan_action_removed": N_("Action removed from the Personal Housing Plan"),
    "plan_agreed": N_("Personal Housing Plan agreed"),
    "plan_disagreed": N_("Personal Housing Plan not agreed"),
    "plan_submitted_for_review": N_("Personal Housing Plan sent for review"),
}


def question_label(question: str, language: Language, fallback: str | None = None) -> str:
    """A kind's question as the applicant is asked it; the API's words (`fallback`) for one
    unknown here."""
    text = QUESTIONS.get(question)
    return catalogue(language).gettext(text) if text is not None else fallback or question


def history_label(action: str, language: Language) -> str:
    """What happened to a case, as its history lists it."""
    text = HISTORY.get(action)
    return catalogue(language).gettext(text) if text is not None else action_label(action, language)

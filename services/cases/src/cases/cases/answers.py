"""The questions each kind of application asks, as the models of their answers.

Every question may be left unanswered while the application is a draft; submitting checks
that the required ones are answered. Each field's description is the question as asked.
"""

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from kit.fields import Trimmed

Text = Annotated[str, Trimmed(2000)]
ShortText = Annotated[str, Trimmed(200)]
LongText = Annotated[str, Trimmed(4000)]


class Answers(BaseModel):
    """Answers to one kind's questions; unknown questions are refused."""

    model_config = ConfigDict(extra="forbid")

    required: ClassVar[tuple[str, ...]] = ()

    def unanswered(self) -> list[str]:
        """The required questions not answered yet."""
        return [name for name in self.required if getattr(self, name) is None]


class HomelessnessAnswers(Answers):
    """The homelessness referral."""

    required = ("reason_for_approach", "steps_taken", "assistance_wanted", "homeless_before")
    reason_for_approach: Text | None = Field(
        default=None, description="Detail the reason for approaching for assistance today"
    )
    steps_taken: Text | None = Field(
        default=None,
        description="Detail any steps which have already been taken to resolve current housing "
        "issues",
    )
    assistance_wanted: Text | None = Field(
        default=None, description="Detail any assistance which would be helpful"
    )
    homeless_before: StrictBool | None = Field(
        default=None, description="Have you been homeless before?"
    )


Tenure = Literal[
    "private_rented", "social_rented", "living_with_family", "owner_occupier", "no_home", "other"
]


class HousingRegisterAnswers(Answers):
    """The housing register application."""

    required = ("current_address", "tenure", "bedrooms_needed", "medical_needs", "local_connection")
    current_address: Annotated[str, Trimmed(500)] | None = Field(
        default=None, description="What is your current address?"
    )
    tenure: Tenure | None = Field(default=None, description="How do you live there?")
    bedrooms_needed: int | None = Field(
        default=None, ge=1, le=10, description="How many bedrooms does your household need?"
    )
    medical_needs: StrictBool | None = Field(
        default=None,
        description="Does anyone in your household have a medical need affected by housing?",
    )
    medical_details: Text | None = Field(default=None, description="Tell us about the need")
    local_connection: StrictBool | None = Field(
        default=None, description="Have you lived or worked in the area for the last 2 years?"
    )


AdviceTopic = Literal[
    "eviction", "repairs", "rent_arrears", "finding_a_home", "domestic_abuse", "other"
]


class HousingAdviceAnswers(Answers):
    """A request for housing advice."""

    required = ("topic", "question")
    topic: AdviceTopic | None = Field(default=None, description="What do you need advice about?")
    question: Text | None = Field(default=None, description="Tell us what is happening")


CaseType = Literal[
    "Complaint about a member landlord",
    "Complaint about a local authority landlord",
    "Enquiry",
]


class ComplaintAnswers(Answers):
    """A complaint to the ombudsman about a member landlord."""

    required = ("complainant_name", "landlord_organisation_id", "case_type", "details")
    complainant_name: ShortText | None = Field(default=None, description="Your full name")
    landlord_organisation_id: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None
    ) = Field(default=None, description="Which landlord is the complaint about?")
    landlord_name: ShortText | None = Field(default=None, description="The landlord's name")
    case_type: CaseType | None = Field(default=None, description="What kind of case is this?")
    details: LongText | None = Field(default=None, description="What is your complaint?")
    landlord_response_received: StrictBool | None = Field(
        default=None, description="Has the landlord given its final response?"
    )

"""The parts of a case besides its answers: household, contact details, register details."""

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
)

from contracts.fields import EmailAddress
from kit.fields import CalendarDate, Trimmed

Name = Annotated[str, Trimmed(200)]
Phone = Annotated[str, Trimmed(21, min_length=0, pattern=r"^\+?[0-9 ()-]{6,20}$")]

# HMRC's rules: two prefix letters (D, F, I, Q, U and V never; O never second; some pairs never
# issued), six digits, a suffix A to D.
_NI_SHAPE = re.compile(r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$")
_NI_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def national_insurance_number(value: str) -> str:
    """The number in capitals without spaces, if it is one HMRC could have issued."""
    number = re.sub(r"\s+", "", value).upper()
    if not _NI_SHAPE.match(number) or number[:2] in _NI_NEVER_ISSUED:
        raise ValueError("Enter a National Insurance number in the right format, like QQ123456C")
    return number


def masked(number: str) -> str:
    """A National Insurance number with all but its last two digits and suffix hidden."""
    return "*" * 6 + number[-3:]


NationalInsuranceNumber = Annotated[
    str,
    StringConstraints(min_length=9, max_length=13),
    AfterValidator(national_insurance_number),
]
Relationship = Literal[
    "applicant", "partner", "child", "parent", "sibling", "other_relative", "other"
]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _in_the_past(value: date) -> date:
    if not date(1900, 1, 1) <= value <= date.today():
        raise ValueError("The date of birth must be a real date in the past")
    return value


class HouseholdMember(_Part):
    """Someone who would live with the applicant (the applicant included)."""

    name: Name
    national_insurance_number: NationalInsuranceNumber | None = None
    date_of_birth: Annotated[CalendarDate, AfterValidator(_in_the_past)]
    relationship: Relationship


Household = Annotated[list[HouseholdMember], Field(max_length=20)]

# An applicant is shown each number masked; sending the household back, they send it so.
_MASKED = re.compile(r"^\*{6}[0-9]{2}[A-D]$")


def _number_or_masked(value: str) -> str:
    """A National Insurance number, or the masked form of one held, as the applicant saw it."""
    return value if _MASKED.match(value) else national_insurance_number(value)


class HouseholdMemberChange(HouseholdMember):
    """A member as sent back to replace the household: a number held may come back masked."""

    national_insurance_number: (
        Annotated[
            str, StringConstraints(min_length=9, max_length=13), AfterValidator(_number_or_masked)
        ]
        | None
    ) = None


HouseholdChanges = Annotated[list[HouseholdMemberChange], Field(max_length=20)]


def unmasked(
    sent: list[HouseholdMemberChange], held: list[HouseholdMember]
) -> tuple[list[HouseholdMember], list[int]]:
    """The household sent, each masked number replaced by the one held for the same person
    (same name and date of birth); and the positions of masked numbers matching none held."""
    members, unmatched = [], []
    for position, member in enumerate(sent):
        number = member.national_insurance_number
        if number is not None and _MASKED.match(number):
            number = next(
                (
                    same.national_insurance_number
                    for same in held
                    if same.name == member.name
                    and same.date_of_birth == member.date_of_birth
                    and same.national_insurance_number is not None
                    and masked(same.national_insurance_number) == number
                ),
                None,
            )
            if number is None:
                unmatched.append(position)
        members.append(
            HouseholdMember(
                name=member.name,
                national_insurance_number=number,
                date_of_birth=member.date_of_birth,
                relationship=member.relationship,
            )
        )
    return members, unmatched


ContactMethod = Literal["home_phone", "mobile_phone", "work_phone", "email", "letter"]


class ContactDetails(_Part):
    """How the authority may reach the applicant."""

    home_phone: Phone | None = None
    home_phone_ok_to_call: StrictBool = False
    mobile_phone: Phone | None = None
    mobile_phone_ok_to_call: StrictBool = False
    work_phone: Phone | None = None
    work_phone_ok_to_call: StrictBool = False
    email: EmailAddress | None = None
    email_ok_to_email: StrictBool = False
    preferred_contact_method: ContactMethod | None = None


class RegisterDetails(_Part):
    """What a live housing register application carries."""

    bidding_reference: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,20}$")]
    registration_date: CalendarDate
    band: int = Field(ge=1, le=5, description="Priority band, 1 the highest")
    review_date: CalendarDate


class Stages(_Part):
    """When each statutory stage of a homelessness case began."""

    prevention_started_on: date | None = None
    relief_started_on: date | None = None
    decision_notified_on: date | None = None

"""Request bodies of changing and resetting a password."""

from pydantic import BaseModel, ConfigDict, Field

from identity.accounts.schemas import NewPassword

_STRICT = ConfigDict(extra="forbid")


class PasswordChange(BaseModel):
    """Current password, new password and the new one again."""

    model_config = _STRICT

    current_password: str = Field(min_length=1, max_length=128)
    new_password: NewPassword
    confirm_password: NewPassword


class PasswordReset(BaseModel):
    """The emailed link's token and the new password, twice."""

    model_config = _STRICT

    token: str = Field(min_length=16, max_length=128)
    new_password: NewPassword
    confirm_password: NewPassword


class PasswordRules(BaseModel):
    """The rules a new password must meet, as the form shows them."""

    rules: list[dict[str, str]]

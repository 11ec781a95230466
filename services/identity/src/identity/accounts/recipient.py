"""Who an account email goes to, as the event contracts name them."""

from typing import TypedDict

from contracts.fields import LANGUAGES, Language
from kit.mongo import Document


class Recipient(TypedDict):
    """The fields every account email event carries about the person."""

    user_id: str
    email: str
    first_name: str
    language: Language


def language_of(account: Document) -> Language:
    """The language the account's emails are in; English for accounts made before the choice."""
    chosen = account.get("language")
    return next((language for language in LANGUAGES if language == chosen), "en")


def recipient(account: Document) -> Recipient:
    """The account's id, email address, first name and the language its emails are in."""
    return {
        "user_id": str(account["_id"]),
        "email": str(account["email"]),
        "first_name": str(account["first_name"]),
        "language": language_of(account),
    }

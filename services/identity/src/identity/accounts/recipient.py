"""Who an account email goes to, as the event contracts name them."""

from kit.mongo import Document


def recipient(account: Document) -> dict[str, str]:
    """The account's id, email address and first name."""
    return {
        "user_id": str(account["_id"]),
        "email": str(account["email"]),
        "first_name": str(account["first_name"]),
    }

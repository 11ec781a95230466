"""The password policy: the seeds' rules, plus not common and not the email address."""

import string
from dataclasses import dataclass
from functools import cache
from importlib import resources

from identity.errors import PasswordTooWeak

MIN_LENGTH = 10
MAX_LENGTH = 128
_EDGE_CHARACTERS = string.digits + string.punctuation + " "
_UNDO_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "3": "e", "1": "i", "$": "s", "5": "s"})


@dataclass(frozen=True)
class Rule:
    """One rule of the policy, as people read it on the form."""

    code: str
    text: str


RULES = (
    Rule("min_length", f"{MIN_LENGTH} characters minimum"),
    Rule("uppercase", "At least one uppercase letter"),
    Rule("lowercase", "At least one lowercase letter"),
    Rule("digit", "At least one number"),
    Rule("symbol", "At least one non-alphanumeric character"),
    Rule("not_common", "Not a commonly used password"),
    Rule("not_email", "Does not contain your email address"),
)
_BY_CODE = {rule.code: rule for rule in RULES}


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    text = resources.files("identity.passwords").joinpath("common-passwords.txt").read_text()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _is_common(password: str) -> bool:
    lowered = password.lower()
    listed = common_passwords()
    if lowered in listed:
        return True
    # "P@ssw0rd2024!!" is "password" dressed up: strip the decorations and undo the swaps.
    core = lowered.strip(_EDGE_CHARACTERS).translate(_UNDO_LEET)
    return len(core) >= 4 and core in listed


def broken_rules(password: str, *, email: str) -> list[Rule]:
    """The rules the password breaks, in the order people read them."""
    broken: list[str] = []
    if len(password) < MIN_LENGTH:
        broken.append("min_length")
    if not any(character.isupper() for character in password):
        broken.append("uppercase")
    if not any(character.islower() for character in password):
        broken.append("lowercase")
    if not any(character.isdigit() for character in password):
        broken.append("digit")
    if all(character.isalnum() for character in password):
        broken.append("symbol")
    if _is_common(password):
        broken.append("not_common")
    local_part = email.split("@", 1)[0].lower()
    lowered = password.lower()
    if email.lower() in lowered or (len(local_part) >= 3 and local_part in lowered):
        broken.append("not_email")
    return [_BY_CODE[code] for code in broken]


def require_strong(password: str, *, email: str) -> None:
    """Refuse a password that breaks the policy, saying which rules it breaks."""
    broken = broken_rules(password, email=email)
    if broken:
        raise PasswordTooWeak(
            details={"rules": [{"code": rule.code, "message": rule.text} for rule in broken]}
        )

"""Random secrets, their stored digests, and encryption of the secrets identity must read back."""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken


def random_token() -> str:
    """A URL-safe secret with 256 bits of randomness, for links and refresh tokens."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The stored form of a high-entropy secret: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def random_code() -> str:
    """A six-digit one-time code."""
    return f"{secrets.randbelow(1_000_000):06d}"


def _derive(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"housing-portal-identity:{purpose}:{secret}".encode()).digest()


class SecretBox:
    """Keyed digests for low-entropy codes and encryption for secrets that must be read back."""

    def __init__(self, secret: str) -> None:
        self._code_key = _derive(secret, "one-time-codes")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, "factor-secrets")))

    def code_digest(self, code: str, *, context: str) -> str:
        """A keyed digest of a short code, bound to what it is for, so a stolen table is useless."""
        message = f"{context}:{code}".encode()
        return hmac.new(self._code_key, message, hashlib.sha256).hexdigest()

    def code_matches(self, code: str, stored: str | None, *, context: str) -> bool:
        """Whether the code matches the stored digest, in constant time."""
        if not stored:
            return False
        return hmac.compare_digest(self.code_digest(code, context=context), stored)

    def encrypt(self, plain: str) -> str:
        """Encrypt a secret for storage."""
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str | None:
        """Decrypt a stored secret; None if it cannot be read with this key."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None

"""Argon2id password hashes, computed in a thread so the event loop keeps serving."""

import asyncio
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP's minimum for argon2id: about 21 ms on one core of the build machine.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, type=Type.ID)
# Verified against when the email is unknown, so that answer takes as long as a real one.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(24))


async def hash_password(password: str) -> str:
    """The argon2id hash of a password."""
    return await asyncio.to_thread(_HASHER.hash, password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    """Whether the password matches the stored hash; with no hash, spend the same time and fail."""
    if stored is None:
        await asyncio.to_thread(_verify, _DUMMY_HASH, password)
        return False
    return await asyncio.to_thread(_verify, stored, password)


async def spend_hashing_time(password: str) -> None:
    """Spend the time of one verification, for answers that must not reveal an account."""
    await asyncio.to_thread(_verify, _DUMMY_HASH, password)


def needs_rehash(stored: str) -> bool:
    """Whether a hash was made with other parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True

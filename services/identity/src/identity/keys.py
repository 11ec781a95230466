"""The Ed25519 keys that sign access tokens, kept encrypted, published as a JWKS."""

import base64
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pymongo.errors import DuplicateKeyError

from kit.mongo import Document, Index, Mongo, Session

SIGNING_KEYS = "signing_keys"
CURRENT = "current"
# A new key is published this long before it signs anything. Verifiers refetch the key set
# at most every few seconds, so by the time the first token signed with it arrives, any
# refetch since it was published already has it.
PUBLISH_AHEAD = timedelta(seconds=10)

INDEXES = [
    Index(SIGNING_KEYS, [("kind", 1), ("publish_until", 1)], name="signing_keys_published"),
]


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(private_key: Ed25519PrivateKey, kid: str) -> dict[str, str]:
    """The public half of a key as a JWK."""
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(raw),
        "kid": kid,
        "use": "sig",
        "alg": "EdDSA",
    }


class SigningKeys:
    """The current signing key and the ones still published until their tokens expire."""

    def __init__(self, mongo: Mongo, *, secret: str, token_lifetime: timedelta) -> None:
        self.mongo = mongo
        self.collection = mongo.db[SIGNING_KEYS]
        digest = hashlib.sha256(secret.encode()).digest()
        self.fernet = Fernet(base64.urlsafe_b64encode(digest))
        self.token_lifetime = token_lifetime
        self._current: tuple[str, Ed25519PrivateKey] | None = None

    async def ensure_current(self) -> str:
        """Make a first key if there is none; return the current key id."""
        pointer = await self.collection.find_one({"_id": CURRENT})
        if pointer is not None:
            return str(pointer["kid"])
        record = self._new_key()

        async def create(session: Session) -> None:
            await self.collection.insert_one(
                {"_id": CURRENT, "kid": record["_id"], "since": record["created_at"]},
                session=session,
            )
            await self.collection.insert_one(record, session=session)

        try:
            await self.mongo.transaction(create)
        except DuplicateKeyError:
            pointer = await self.collection.find_one({"_id": CURRENT})
            assert pointer is not None
            return str(pointer["kid"])
        return str(record["_id"])

    async def rotate(self) -> tuple[str, datetime]:
        """Publish a new key, signing from a little later; return its id and that moment."""
        record = self._new_key()
        now = record["created_at"]
        signs_from = now + PUBLISH_AHEAD

        async def swap(session: Session) -> None:
            pointer = await self.collection.find_one({"_id": CURRENT}, session=session)
            signing: str | None = None
            if pointer is not None:
                signing = _signing_kid(pointer, now)
                replaced = {str(pointer["kid"]), signing}
                await self.collection.update_many(
                    {"_id": {"$in": sorted(replaced)}},
                    {
                        "$set": {
                            "retired_at": signs_from,
                            "publish_until": signs_from + self.token_lifetime * 2,
                        }
                    },
                    session=session,
                )
            await self.collection.insert_one(record, session=session)
            await self.collection.replace_one(
                {"_id": CURRENT},
                {"kid": record["_id"], "since": signs_from, "previous": signing},
                upsert=True,
                session=session,
            )

        await self.mongo.transaction(swap)
        self._current = None
        return str(record["_id"]), signs_from

    def _new_key(self) -> Document:
        private_key = Ed25519PrivateKey.generate()
        kid = uuid.uuid4().hex
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return {
            "_id": kid,
            "kind": "key",
            "private_key": self.fernet.encrypt(pem).decode(),
            "public_jwk": public_jwk(private_key, kid),
            "created_at": datetime.now(UTC),
            "retired_at": None,
            "publish_until": None,
        }

    async def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """Every key whose tokens may still be valid."""
        now = datetime.now(UTC)
        records = await self.collection.find(
            {
                "kind": "key",
                "$or": [{"publish_until": None}, {"publish_until": {"$gt": now}}],
            }
        ).to_list(length=100)
        return {"keys": [record["public_jwk"] for record in records]}

    async def sign(self, claims: dict[str, Any]) -> str:
        """Sign claims with the current key."""
        kid, private_key = await self._current_key()
        return jwt.encode(claims, private_key, algorithm="EdDSA", headers={"kid": kid})

    async def _current_key(self) -> tuple[str, Ed25519PrivateKey]:
        pointer = await self.collection.find_one({"_id": CURRENT})
        if pointer is None:
            raise LookupError("no signing key yet")
        kid = _signing_kid(pointer, datetime.now(UTC))
        if self._current is not None and self._current[0] == kid:
            return self._current
        record: Document | None = await self.collection.find_one({"_id": kid})
        if record is None:
            raise LookupError("the current signing key is missing")
        loaded = serialization.load_pem_private_key(
            self.fernet.decrypt(record["private_key"].encode()), password=None
        )
        assert isinstance(loaded, Ed25519PrivateKey)
        self._current = (kid, loaded)
        return self._current


def _signing_kid(pointer: Document, now: datetime) -> str:
    """The key that signs now: the new one once its time has come, else the one before it."""
    previous = pointer.get("previous")
    if previous and pointer["since"] > now:
        return str(previous)
    return str(pointer["kid"])

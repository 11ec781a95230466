"""Starting, resuming, renewing and ending browser sessions, with idle and absolute limits."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from pydantic import BaseModel

from web.sessions.models import BrowserSession, SignedIn
from web.sessions.repository import SessionRepository

# Writing `seen_at` on every page would cost a store write per request: once a minute is
# precise enough for a 30-minute idle limit.
SEEN_PRECISION = datetime.timedelta(minutes=1)


def id_hash(session_id: str) -> str:
    """What the store keeps in place of a session id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@dataclass(frozen=True)
class OpenSession:
    """A session in use: the id the browser holds, and its record."""

    session_id: str
    record: BrowserSession


@dataclass(frozen=True)
class Resumed:
    """The session an id names, or none; and whether a signed-in one ended now for idling."""

    session: OpenSession | None
    timed_out: bool = False


class SessionService:
    """The rules of browser sessions."""

    def __init__(
        self,
        repository: SessionRepository,
        *,
        idle: datetime.timedelta,
        absolute: datetime.timedelta,
    ) -> None:
        self.repository = repository
        self.idle = idle
        self.absolute = absolute

    async def start(self) -> OpenSession:
        """Begin a session with a new id and CSRF token."""
        now = _now()
        session_id = secrets.token_urlsafe(32)
        record = BrowserSession(
            id_hash=id_hash(session_id),
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            seen_at=now,
            expires_at=now + self.absolute,
        )
        await self.repository.add(record)
        return OpenSession(session_id, record)

    async def resume(self, session_id: str) -> OpenSession | None:
        """The session this id names, unless it is unknown, idle too long or past its limit."""
        return (await self.resume_noting_timeout(session_id)).session

    async def resume_noting_timeout(self, session_id: str) -> Resumed:
        """As `resume`, telling apart a signed-in session that has just ended for idling."""
        record = await self.repository.find(id_hash(session_id))
        if record is None:
            return Resumed(None)
        now = _now()
        seen_at = record.seen_at.replace(tzinfo=datetime.UTC)
        expires_at = record.expires_at.replace(tzinfo=datetime.UTC)
        if now >= expires_at or now - seen_at >= self.idle:
            await self.repository.remove(record.id_hash)
            idled = now < expires_at and record.signed_in is not None
            return Resumed(None, timed_out=idled)
        if now - seen_at >= SEEN_PRECISION:
            await self.repository.seen(record.id_hash, now)
            record = record.model_copy(update={"seen_at": now})
        return Resumed(OpenSession(session_id, record))

    def idle_left(self, session: OpenSession) -> datetime.timedelta:
        """How long the session may go unused before it ends."""
        seen_at = session.record.seen_at.replace(tzinfo=datetime.UTC)
        return max(self.idle - (_now() - seen_at), datetime.timedelta(0))

    async def keep_alive(self, session: OpenSession) -> OpenSession:
        """Count the session as used now ("Stay signed in")."""
        now = _now()
        await self.repository.seen(session.record.id_hash, now)
        return OpenSession(session.session_id, session.record.model_copy(update={"seen_at": now}))

    async def note(self, session: OpenSession, notice: str) -> None:
        """Keep a notice for the next page the person sees."""
        await self.repository.note(session.record.id_hash, notice)

    async def take_notice(self, session: OpenSession) -> str | None:
        """The notice kept for this page, forgotten once read."""
        notice = session.record.notice
        if notice is not None:
            await self.repository.note(session.record.id_hash, None)
        return notice

    async def renew(self, session: OpenSession) -> OpenSession:
        """The same session under a new id and CSRF token (at sign-in: fixation is useless)."""
        await self.repository.remove(session.record.id_hash)
        renewed = await self.start()
        return renewed

    async def sign_in(self, session: OpenSession, signed_in: SignedIn) -> OpenSession:
        """A new session id for the signed-in person, holding their tokens."""
        renewed = await self.renew(session)
        await self.repository.sign_in(renewed.record.id_hash, signed_in)
        record = renewed.record.model_copy(update={"signed_in": signed_in})
        return OpenSession(renewed.session_id, record)

    async def keep_tokens(self, session: OpenSession, signed_in: SignedIn) -> OpenSession:
        """Replace the tokens after a refresh."""
        await self.repository.sign_in(session.record.id_hash, signed_in)
        return OpenSession(
            session.session_id, session.record.model_copy(update={"signed_in": signed_in})
        )

    async def keep(self, session: OpenSession, **steps: BaseModel | None) -> OpenSession:
        """Keep (or, with None, forget) journey steps on the session, e.g. `sign_in_step`."""
        unknown = set(steps) - set(BrowserSession.model_fields)
        if unknown:
            raise ValueError(f"a session has no {sorted(unknown)}")
        changes: dict[str, object] = {
            name: value.model_dump() if value is not None else None for name, value in steps.items()
        }
        await self.repository.keep(session.record.id_hash, changes)
        return OpenSession(session.session_id, session.record.model_copy(update=steps))

    async def end(self, session: OpenSession) -> None:
        """End a session (sign-out)."""
        await self.repository.remove(session.record.id_hash)

"""Wrong second-factor answers: counted per account across sign-ins, they lock it for a while."""

from dataclasses import dataclass

from contracts.events.identity import SignInLocked
from identity.accounts.recipient import recipient
from identity.accounts.service import FORGOTTEN_PASSWORD_PAGE
from identity.audit import actions
from identity.links import LinkTokens
from identity.metrics import SIGN_INS
from identity.serving import WritingForAuthority
from identity.sessions.throttle import Lock, SignInThrottle
from kit.mongo import Document, Session


@dataclass(kw_only=True)
class SecondFactorGuessing(WritingForAuthority):
    """Counts an account's wrong second-factor answers, and locks it and tells its owner."""

    throttle: SignInThrottle
    links: LinkTokens

    async def wrong_answer(self, account: Document) -> None:
        """Count a wrong answer; at the limit, lock the account, record it and email the owner."""
        lock = await self.throttle.second_factor_failed(
            user_id=str(account["_id"]), email=str(account["email"])
        )
        if lock is not None:
            await self.mongo.transaction(lambda session: self._tell(session, account, lock))
            SIGN_INS.labels("second_factor", "locked").inc()

    async def _tell(self, session: Session, account: Document, lock: Lock) -> None:
        user_id = str(account["_id"])
        await self._audit(
            actions.SIGN_IN_LOCKED,
            "success",
            user_id,
            {
                "cause": "second_factor",
                "wrong_answers": lock.failures,
                "locked_until": lock.locked_until.isoformat(),
            },
            session=session,
        )
        # Whoever gave the answers knew the password: the owner must hear of it at once.
        await self.outbox.add(
            session,
            SignInLocked(
                **recipient(account),
                wrong_answers=lock.failures,
                locked_until=lock.locked_until,
                reset_link=self.links.page(self.slug, FORGOTTEN_PASSWORD_PAGE),
            ),
            authority=self.slug,
            actor=user_id,
            subject=user_id,
        )

    async def right_answer(self, account: Document) -> None:
        """Forget the account's wrong answers once a sign-in has finished with a right one."""
        await self.throttle.second_factor_succeeded(user_id=str(account["_id"]))

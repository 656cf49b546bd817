"""How a sign-in attempt ended before its tokens were kept, and what the caller is told.

A challenge Session dies when it *expires* (the app client's auth session validity passed), is
*used up* (it was answered already, or too many wrong answers spent it: Cognito, like the
emulator, takes five) or is *refused* (the server does not know it). Cognito says all of these as
NotAuthorizedException, and its text does not always tell the first two apart ("session is
expired" for a reused Session too), so :meth:`SessionEnd.of` decides with what the flow knows:
the Session's local deadline and the wrong answers it saw. An attempt can also end *incomplete*:
the last answer was accepted but the sign-in could not complete (an unusable
AuthenticationResult, a store that refused the session).

Either way the sign-in must start again with InitiateAuth, and only the caller may decide that:
until ``flow.restart()``, ``step(answer)`` raises
:class:`~authflow.protocol.errors.SignInRestartRequiredError` instead of sending the answer,
which before a new InitiateAuth would be taken as the password and count towards lockout.
"""

from __future__ import annotations

import attrs

from authflow.flows.challenges import Challenge
from authflow.protocol.errors import (
    SESSION_USED_MESSAGE,
    ChallengeExpiredError,
    ServiceError,
    SignInRestartRequiredError,
    is_dead_challenge_session,
)

__all__ = ["SESSION_END_REASONS", "AttemptOutcome", "SessionEnd"]

#: How an attempt can end: the ``reason`` of :class:`SessionEnd` and of the errors it makes
#: (``"ended"``: a flow resumed from a snapshot does not know how).
SESSION_END_REASONS = ("expired", "used up", "refused", "incomplete", "ended")


@attrs.frozen
class SessionEnd:
    """How the attempt waiting on ``challenge`` (a ChallengeName) ended: ``reason`` is one of
    :data:`SESSION_END_REASONS`; ``wrong_answers`` the answers to it the server refused."""

    challenge: str
    reason: str
    wrong_answers: int = 0

    @classmethod
    def of(
        cls, error: ServiceError, challenge: Challenge, *, now: float, wrong_answers: int
    ) -> SessionEnd:
        """How the Session of ``challenge`` died, given Cognito's ``error`` (a dead-session
        NotAuthorizedException) at local time ``now``."""
        text = error.message.lower()
        if challenge.deadline is not None and now >= challenge.deadline:
            reason = "expired"
        elif SESSION_USED_MESSAGE.lower() in text or wrong_answers:
            reason = "used up"
        elif "expired" in text:
            reason = "expired"
        else:
            reason = "refused"
        return cls(challenge.name, reason, wrong_answers)

    def describe(self) -> str:
        """What happened, in words (never a value sent or received)."""
        session = f"the {self.challenge} challenge's session"
        if self.reason == "expired":
            return f"{session} expired (the app client's auth session validity passed)"
        if self.reason == "used up":
            if self.wrong_answers:
                plural = "s" if self.wrong_answers > 1 else ""
                return f"{session} was used up after {self.wrong_answers} wrong answer{plural}"
            return f"{session} was used up (it was answered already)"
        if self.reason == "refused":
            return f"{session} was refused by the server"
        if self.reason == "incomplete":
            return f"the {self.challenge} challenge was answered but the sign-in did not complete"
        return f"{session} ended"

    def expired_error(self, error: ServiceError) -> ChallengeExpiredError:
        """The error raised when the Session is found dead (in place of Cognito's ``error``)."""
        return ChallengeExpiredError.from_service_error(
            error, reason=self.reason, explanation=self.describe()
        )

    def restart_required(self) -> SignInRestartRequiredError:
        """The error an answer given after that gets."""
        return SignInRestartRequiredError(
            f"{self.describe()}; the answer was not sent: call flow.restart() to sign in "
            "again (with the password, if the sign-in needs one)",
            reason=self.reason,
        )


class AttemptOutcome:
    """What a sign-in flow knows of its current attempt's end: the answers the server refused
    to the pending challenge, and how the attempt ended once it did (:class:`SessionEnd`)."""

    def __init__(self) -> None:
        self.wrong_answers = 0
        self.ended: SessionEnd | None = None

    def __repr__(self) -> str:
        return f"AttemptOutcome(wrong_answers={self.wrong_answers}, ended={self.ended!r})"

    def challenged(self) -> None:
        """A new challenge is pending: no wrong answers to it yet."""
        self.wrong_answers = 0

    def refused(self, error: ServiceError) -> None:
        """An answer got ``error`` and the challenge stays pending (a transient error, such as
        throttling, does not count as a wrong answer)."""
        if not error.retryable:
            self.wrong_answers += 1

    def end(
        self, error: Exception, challenge: Challenge, *, now: float
    ) -> ChallengeExpiredError | None:
        """The attempt waiting on ``challenge`` ended with ``error``: record how, and return the
        error to raise in its place when the challenge Session died."""
        if isinstance(error, ServiceError) and is_dead_challenge_session(error):
            self.ended = SessionEnd.of(error, challenge, now=now, wrong_answers=self.wrong_answers)
            return self.ended.expired_error(error)
        self.ended = SessionEnd(challenge.name, "incomplete")
        return None

    def check_answer(self, state: str, kept: Challenge | None) -> None:
        """Raise :class:`SignInRestartRequiredError` when the flow is Unauthenticated with a
        caller-answered challenge ``kept``: the attempt ended after the caller was asked
        something, so what ``step()`` is given now is an answer, not a password."""
        if state == "Unauthenticated" and kept is not None and kept.kind.engine_trigger is None:
            raise (self.ended or SessionEnd(kept.name, "ended")).restart_required()

    def restarted(self) -> None:
        """The caller started again."""
        self.wrong_answers = 0
        self.ended = None

"""The collaborators every operation handler works through, built once per emulator core.

Handlers (:mod:`authflow.emulator.ops`) receive a :class:`Services` and reach state only through
its collaborators' methods; none of them holds per-request data (that travels as a
:class:`~authflow.emulator.request_context.RequestContext`). :meth:`Services.create` wires them
together; :class:`~authflow.emulator.core.EmulatorCore` is the only caller outside tests.
"""

from __future__ import annotations

import attrs

from authflow.emulator.auth_events import AuthEventFeedbackLog
from authflow.emulator.challenge_sessions import ChallengeSessions
from authflow.emulator.clock import Clock, RandBytes
from authflow.emulator.codes import Codes
from authflow.emulator.config import EmulatorConfig
from authflow.emulator.credentials import Credentials
from authflow.emulator.directory import Directory
from authflow.emulator.outbox import Outbox
from authflow.emulator.randomness import Randomness
from authflow.emulator.token_service import TokenService

__all__ = ["Services"]


@attrs.frozen(kw_only=True, repr=False)
class Services:
    """The emulator's collaborators (each documented in its own module)."""

    clock: Clock
    config: EmulatorConfig
    #: Identifiers, codes and secrets (:mod:`authflow.emulator.randomness`).
    randomness: Randomness
    #: Pools, app clients and user lookup (:mod:`authflow.emulator.directory`).
    directory: Directory
    #: SECRET_HASH, passwords and lockout (:mod:`authflow.emulator.credentials`).
    credentials: Credentials
    #: Verification codes and their delivery (:mod:`authflow.emulator.codes`).
    codes: Codes
    #: Challenge sessions and SRP proofs in progress (:mod:`authflow.emulator.challenge_sessions`).
    challenges: ChallengeSessions
    #: Token issue, refresh, revocation and authorization (:mod:`authflow.emulator.token_service`).
    tokens: TokenService
    #: UpdateAuthEventFeedback calls (:mod:`authflow.emulator.auth_events`).
    feedback: AuthEventFeedbackLog

    @classmethod
    def create(
        cls,
        *,
        clock: Clock,
        randbytes: RandBytes,
        region: str,
        config: EmulatorConfig,
        issuer_base: str,
        outbox: Outbox,
    ) -> Services:
        """Build every collaborator over one clock, one source of randomness and one outbox."""
        randomness = Randomness(randbytes)
        directory = Directory(region, randomness)
        return cls(
            clock=clock,
            config=config,
            randomness=randomness,
            directory=directory,
            credentials=Credentials(clock, config, randomness),
            codes=Codes(clock, config, randomness, outbox),
            challenges=ChallengeSessions(clock, randomness),
            tokens=TokenService(clock, randomness, directory, issuer_base),
            feedback=AuthEventFeedbackLog(),
        )

    def now(self) -> float:
        """The emulator clock, POSIX seconds."""
        return self.clock()

    def __repr__(self) -> str:
        return f"<Services {self.directory!r}>"

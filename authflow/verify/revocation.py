"""Asking Cognito whether an access token is still accepted (revocation is not visible in a JWT).

A token revoked by RevokeToken or GlobalSignOut keeps a valid signature until it expires; only
Cognito knows. :class:`RevocationChecker` sends ``GetUser`` with the token: an answer means the
token is live; ``NotAuthorizedException`` (revoked, user disabled) or ``UserNotFoundException``
(user deleted) means it is not.

Cost, per distinct token: one GetUser request (a few tens of milliseconds to the regional
endpoint) at most every ``ttl`` seconds, answers cached both ways; concurrent checks of one token
share one request. GetUser counts against the user pool's request-rate quota for user-read
operations, so a busy API with many distinct tokens should weigh a short ``ttl`` against that
quota. A token has to carry the ``aws.cognito.signin.user.admin`` scope for GetUser to accept it
(tokens from the API sign-in flows do; hosted-UI tokens only when that scope was requested).

Fail closed: a throttled, unreachable or erroring Cognito refuses the token with the retryable
:class:`RevocationCheckUnavailableError`, never cached.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from typing import Final

from authflow.protocol.errors import (
    AuthflowError,
    NotAuthorizedError,
    UserNotFoundError,
    ValidationError,
)
from authflow.protocol.operations import GetUserRequest
from authflow.transport import Transport, call
from authflow.verify.errors import RevocationCheckUnavailableError, TokenRevokedError

__all__ = ["ADMIN_SCOPE", "RevocationChecker"]

log = logging.getLogger("authflow.verify")

#: The scope GetUser requires of an access token.
ADMIN_SCOPE: Final = "aws.cognito.signin.user.admin"


class RevocationChecker:
    """Cached, single-flight "is this access token still accepted?" through GetUser.

    ``ttl``: how long an answer (either way) is reused; ``max_entries`` bounds the cache (the
    oldest answers go first); ``clock`` (epoch seconds, the verifier's) is injectable.
    :attr:`request_count` counts GetUser requests sent. Tokens are cached under their SHA-256
    digest, never as text.
    """

    def __init__(
        self,
        transport: Callable[[], Transport],
        *,
        ttl: float = 30.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not 0 <= ttl <= 3600:
            raise ValidationError("revocation_ttl must be in [0, 3600] seconds", field="ttl")
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ValidationError("max_entries must be a positive int", field="max_entries")
        self._transport = transport
        self._ttl = float(ttl)
        self._max_entries = max_entries
        self._clock = clock
        # digest -> (accepted, valid until)
        self._answers: dict[bytes, tuple[bool, float]] = {}
        self._inflight: dict[bytes, asyncio.Task[bool]] = {}
        #: GetUser requests sent so far.
        self.request_count = 0

    def __repr__(self) -> str:
        return f"RevocationChecker(ttl={self._ttl}, cached={len(self._answers)})"

    async def check(self, token: str, exp: float) -> None:
        """Return when Cognito accepts ``token`` (an access token expiring at ``exp``).

        Raises :class:`TokenRevokedError` when it does not and
        :class:`RevocationCheckUnavailableError` when it could not say.
        """
        digest = hashlib.sha256(token.encode("ascii")).digest()
        now = self._clock()
        answer = self._answers.get(digest)
        if answer is not None and now < answer[1]:
            accepted = answer[0]
        else:
            task = self._inflight.get(digest)
            if task is None:
                task = asyncio.ensure_future(self._ask(token, digest, exp))
                self._inflight[digest] = task
                task.add_done_callback(lambda t: self._inflight.pop(digest, None))
                task.add_done_callback(lambda t: None if t.cancelled() else t.exception())
            accepted = await asyncio.shield(task)
        if not accepted:
            raise TokenRevokedError("Cognito no longer accepts this access token")

    async def _ask(self, token: str, digest: bytes, exp: float) -> bool:
        self.request_count += 1
        try:
            await call(self._transport(), GetUserRequest(access_token=token))
            accepted = True
        except (NotAuthorizedError, UserNotFoundError) as exc:
            log.info("revocation check: Cognito refused the token (%s)", exc.code)
            accepted = False
        except AuthflowError as exc:
            log.info("revocation check failed: %s", type(exc).__name__)
            raise RevocationCheckUnavailableError(
                f"Cognito could not be asked whether the token is revoked ({type(exc).__name__})"
            ) from None
        self._remember(digest, accepted, min(self._clock() + self._ttl, exp))
        return accepted

    def _remember(self, digest: bytes, accepted: bool, until: float) -> None:
        if len(self._answers) >= self._max_entries:
            now = self._clock()
            for key in [k for k, (_, t) in self._answers.items() if t <= now]:
                del self._answers[key]
            while len(self._answers) >= self._max_entries:
                del self._answers[next(iter(self._answers))]
        self._answers[digest] = (accepted, until)

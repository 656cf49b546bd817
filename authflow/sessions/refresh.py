"""Talking to Cognito for a refresh: the request, the retry after a lost rotated answer, how long
a refresh may take, and why a failed one ends the session.

**Lost answers under rotation.** With refresh-token rotation, the server supersedes the submitted
refresh token when it processes the refresh. If the answer is lost on the way back
(:class:`~authflow.protocol.errors.TransportError` with ``sent=True``), the client holds only the
old token. Cognito accepts the old token again for the app client's RetryGracePeriodSeconds
(``CognitoConfig.rotation_grace_seconds``), answering with fresh tokens, so :class:`Refresher`
retries with the old token while the grace period lasts (and at least once: the first request may
never have been processed). Where the grace period is 0 and the first request was processed, the
retry answers RefreshTokenReuseException: the session cannot be saved, and it ends with the
reason ``session_lost``.

**How long a refresh may take** (:func:`refresh_lock_timeout`). A refresh holds the store's lock
while it runs; a waiter must not give up while the holder is still legitimately retrying. The
worst case of one request is the transport's: with :class:`~authflow.transport.RetryPolicy`
``max_total_time`` set, never more than that (every attempt's timeout is clipped to what is left);
and never more than ``max_attempts`` x the attempt timeout (``total_timeout``) plus the longest
backoff waits. A refresh sends at most two such requests back to back, the second started within
the grace period, so its worst case is ``max(request, grace) + request``; the lock timeout adds a
margin for the store's own calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from authflow.config import CognitoConfig
from authflow.protocol.errors import (
    InvalidGrantError,
    InvalidParameterError,
    InvalidStateError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    ProtocolViolationError,
    RefreshTokenReuseError,
    ServiceError,
    TransportError,
    UserNotConfirmedError,
    UserNotFoundError,
)
from authflow.protocol.oauth import TokenResponse
from authflow.protocol.operations import GetTokensFromRefreshTokenRequest
from authflow.protocol.secret_hash import secret_hash
from authflow.protocol.shapes import AuthenticationResult
from authflow.sessions.record import SessionRecord
from authflow.sessions.signin_operations import SignInOperations
from authflow.transport.base import RetryPolicy, Transport, call

if TYPE_CHECKING:
    from authflow.transport.oauth import OAuthTransport

__all__ = [
    "DEFINITIVE_REFRESH_ERRORS",
    "LOCK_MARGIN",
    "RefreshAttempt",
    "Refresher",
    "refresh_lock_timeout",
    "sign_out_reason",
    "transport_worst_case",
]

log = logging.getLogger("authflow.sessions")

#: Refresh errors after which the session cannot be recovered: the user is signed out.
DEFINITIVE_REFRESH_ERRORS: tuple[type[ServiceError], ...] = (
    NotAuthorizedError,
    RefreshTokenReuseError,
    UserNotFoundError,
    PasswordResetRequiredError,
    UserNotConfirmedError,
    InvalidGrantError,  # the domain's /oauth2/token: the refresh token is revoked or expired
)

#: Seconds added to a refresh's worst case for the store calls around it.
LOCK_MARGIN = 2.0
#: The attempt timeout assumed for a transport that does not say (AiohttpTransport's default).
_DEFAULT_ATTEMPT_TIMEOUT = 15.0
#: Retries with the old refresh token after lost answers, at most (and only within the grace).
_MAX_LOST_ANSWER_RETRIES = 5


def transport_worst_case(transport: Transport) -> float:
    """The longest one request through ``transport`` can take, retries included (seconds).

    Read from its ``retry`` (:class:`RetryPolicy`) and ``total_timeout``; a transport without
    them is assumed to behave like an :class:`~authflow.transport.AiohttpTransport` with the
    default policy."""
    policy = getattr(transport, "retry", None)
    if not isinstance(policy, RetryPolicy):
        policy = RetryPolicy()
    attempt = getattr(transport, "total_timeout", None)
    if isinstance(attempt, bool) or not isinstance(attempt, int | float) or not attempt > 0:
        attempt = _DEFAULT_ATTEMPT_TIMEOUT
    waits = sum(
        min(policy.max_delay, policy.base_delay * 2.0 ** max(0, n - 1))
        for n in range(1, policy.max_attempts)
    )
    worst = policy.max_attempts * float(attempt) + waits
    if policy.max_total_time is not None:
        worst = min(worst, policy.max_total_time)
    return worst


def refresh_lock_timeout(transport: Transport, config: CognitoConfig) -> float:
    """How long a waiter waits for another caller's refresh: the worst case of a refresh through
    ``transport`` (a request, then a retry started within the grace period) plus
    :data:`LOCK_MARGIN`."""
    request = transport_worst_case(transport)
    return max(request, config.rotation_grace_seconds) + request + LOCK_MARGIN


def sign_out_reason(error: BaseException, *, answer_lost: bool = False) -> str:
    """Why a definitive refresh error ended the session (a key of
    :data:`~authflow.sessions.events.SIGN_OUT_REASONS`)."""
    if isinstance(error, RefreshTokenReuseError):
        return "session_lost" if answer_lost else "token_reused"
    if isinstance(error, UserNotFoundError):
        return "user_deleted"
    if isinstance(error, PasswordResetRequiredError):
        return "password_reset_required"
    if isinstance(error, UserNotConfirmedError):
        return "user_not_confirmed"
    text = error.message.lower() if isinstance(error, ServiceError) else ""
    if "expired" in text:
        return "expired"
    if "disabled" in text:
        return "user_disabled"
    if "does not exist" in text:
        return "user_deleted"
    return "revoked"


class RefreshAttempt:
    """What one refresh went through: whether an answer was lost and the old token re-sent."""

    def __init__(self) -> None:
        #: A rotated refresh's answer was lost and the request re-sent with the old token.
        self.answer_lost = False

    def __repr__(self) -> str:
        return f"RefreshAttempt(answer_lost={self.answer_lost})"


class Refresher:
    """Sends the refresh requests of one session manager (REFRESH_TOKEN_AUTH, or
    GetTokensFromRefreshToken under rotation) and retries lost rotated answers."""

    def __init__(
        self,
        config: CognitoConfig,
        transport: Transport,
        operations: Callable[[str], SignInOperations],
        clock: Callable[[], float],
        oauth: OAuthTransport | None = None,
    ) -> None:
        self._config = config
        self._transport = transport
        #: The pool domain's token endpoint, for sessions that refresh there (``refresh_with``
        #: ``"oauth"``: those the managed login opened).
        self.oauth = oauth
        #: The operation set of a session's role (``record.operations``: public or admin).
        self._operations = operations
        self._clock = clock
        self._rotation_detected = False
        #: How many refresh requests were sent (observability and tests).
        self.requests = 0

    def __repr__(self) -> str:
        return f"Refresher(requests={self.requests}, rotation={self.rotates})"

    @property
    def rotates(self) -> bool:
        """Whether refreshes go through GetTokensFromRefreshToken."""
        return self._config.use_token_rotation or self._rotation_detected

    async def refresh(
        self, record: SessionRecord, refresh_token: str, attempt: RefreshAttempt
    ) -> AuthenticationResult:
        """New tokens for ``record``; ``attempt`` notes whether an answer was lost on the way
        (then a RefreshTokenReuseError means the session is lost, see :func:`sign_out_reason`)."""
        if record.refresh_with == "oauth":
            return await self._oauth_refresh(refresh_token)
        if not self.rotates:
            try:
                return await self._refresh_token_auth(record, refresh_token)
            except InvalidParameterError:
                # An app client with refresh-token rotation refuses REFRESH_TOKEN_AUTH; try the
                # rotation call once and, if it works, use it from now on.
                result = await self._rotated(record, refresh_token, attempt)
                self._rotation_detected = True
                log.info("the app client rotates refresh tokens; using GetTokensFromRefreshToken")
                return result
        return await self._rotated(record, refresh_token, attempt)

    async def _rotated(
        self, record: SessionRecord, refresh_token: str, attempt: RefreshAttempt
    ) -> AuthenticationResult:
        started = self._clock()
        grace_ends = started + self._config.rotation_grace_seconds
        retries = 0
        while True:
            try:
                return await self._get_tokens(record, refresh_token)
            except TransportError as exc:
                lost = exc.sent is not False  # written: the server may have rotated already
                if not lost or retries >= _MAX_LOST_ANSWER_RETRIES:
                    raise
                if retries and self._clock() >= grace_ends:
                    raise
                retries += 1
                attempt.answer_lost = True
                log.info("a rotated refresh's answer was lost; retrying with the old token")

    async def _oauth_refresh(self, refresh_token: str) -> AuthenticationResult:
        if self.oauth is None:
            raise InvalidStateError(
                "this session refreshes through the pool domain: configure domain or "
                "domain_prefix",
                state="Authenticated",
            )
        cfg = self._config
        self.requests += 1
        body = await self.oauth.token(
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            client_id=cfg.client_id,
            client_secret=cfg.client_secret,
        )
        return TokenResponse.from_wire(body).authentication_result()

    async def _get_tokens(self, record: SessionRecord, refresh_token: str) -> AuthenticationResult:
        cfg = self._config
        self.requests += 1
        rotated = await call(
            self._transport,
            GetTokensFromRefreshTokenRequest(
                refresh_token=refresh_token,
                client_id=cfg.client_id,
                client_secret=cfg.client_secret,
                device_key=record.device_key,
            ),
        )
        return _result_of(rotated.authentication_result)

    async def _refresh_token_auth(
        self, record: SessionRecord, refresh_token: str
    ) -> AuthenticationResult:
        cfg = self._config
        params = {"REFRESH_TOKEN": refresh_token}
        if cfg.client_secret:
            # over the internal username: the e-mail alias gives "SecretHash does not match"
            params["SECRET_HASH"] = secret_hash(record.username, cfg.client_id, cfg.client_secret)
        if record.device_key:
            params["DEVICE_KEY"] = record.device_key
        self.requests += 1
        operations = self._operations(record.operations)
        response = await call(self._transport, operations.refresh(cfg, params))
        return _result_of(response.authentication_result)


def _result_of(result: AuthenticationResult | None) -> AuthenticationResult:
    if result is None:
        raise ProtocolViolationError("refresh returned no AuthenticationResult")
    return result

"""Exit codes of the ``authflow`` command and the one-line message for every failure.

A failure is never a traceback: :func:`explain` turns any exception into what to do next and the
exit code scripts can rely on (``docs/cli.md`` lists them; so does ``authflow --help``).
"""

from __future__ import annotations

import os

from authflow.protocol.errors import (
    AuthflowError,
    ChallengeExpiredError,
    CodeMismatchError,
    ExpiredCodeError,
    InvalidPasswordError,
    LimitExceededError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    ServiceError,
    SessionNotFoundError,
    TooManyFailedAttemptsError,
    TooManyRequestsError,
    TransportError,
    UsernameExistsError,
    UserNotConfirmedError,
    UserNotFoundError,
    ValidationError,
)
from authflow.storage.errors import RecordDecryptionError, StoreError

__all__ = [
    "EXIT_CODES",
    "CONFIG",
    "FAILED",
    "INTERRUPTED",
    "NEEDS_INPUT",
    "OK",
    "SIGN_IN_NEEDED",
    "UNAVAILABLE",
    "USAGE",
    "CliError",
    "explain",
    "one_line",
]

OK = 0
#: The operation failed (wrong password, refused code, unconfirmed user, ...): the message says why.
FAILED = 1
#: No usable session for the profile: never signed in, signed out, or the refresh token was
#: revoked or expired. Run ``authflow sign-in``.
SIGN_IN_NEEDED = 2
#: The configuration is missing or invalid (pool id, client id, config.toml, the store key).
CONFIG = 3
#: An answer is needed and there is no terminal to ask on (give it with --code/--choice/...).
NEEDS_INPUT = 4
#: Cognito could not be reached or asked to slow down: the same command may work later.
UNAVAILABLE = 75
#: The command line itself is wrong (unknown option, missing argument).
USAGE = 64
#: Interrupted with Ctrl-C; nothing half-written was left behind.
INTERRUPTED = 130

#: ``{code: meaning}`` as shown by ``authflow --help`` and docs/cli.md.
EXIT_CODES: dict[int, str] = {
    OK: "success",
    FAILED: "the operation failed; the message says why and what to do",
    SIGN_IN_NEEDED: "no usable session for the profile: run `authflow sign-in`",
    CONFIG: "configuration missing or invalid (pool/client id, config.toml, store key)",
    NEEDS_INPUT: "an answer is needed and there is no terminal: pass --code/--choice/...",
    USAGE: "bad command line",
    UNAVAILABLE: "Cognito unreachable or throttling: try again later",
    INTERRUPTED: "interrupted (Ctrl-C); nothing half-written is left",
}


class CliError(AuthflowError):
    """A failure the command reports as one line, with its exit code."""

    def __init__(self, message: str, code: int = FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = code


def one_line(text: str, limit: int = 400) -> str:
    """``text`` on one line: control characters (newlines, terminal escapes) become spaces and
    it is cut at ``limit`` characters (server messages are not trusted to be short or tame)."""
    flat = "".join(" " if not ch.isprintable() else ch for ch in text)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def explain(exc: BaseException, *, username: str | None = None) -> CliError:
    """The one line and exit code for ``exc`` (``username`` makes the advice concrete)."""
    failure = _explain(exc, username)
    return CliError(one_line(failure.message), failure.exit_code)


def _explain(exc: BaseException, username: str | None) -> CliError:
    if isinstance(exc, CliError):
        return exc
    who = username or "USERNAME"
    if isinstance(exc, UserNotConfirmedError):
        return CliError(
            f"{who} has not confirmed the sign-up yet: run `authflow sign-up --confirm {who}` "
            "and enter the code that was sent (add --resend to get a new one)"
        )
    if isinstance(exc, PasswordResetRequiredError):
        return CliError(
            f"the password of {who} must be reset first: run `authflow forgot-password {who}`"
        )
    if isinstance(exc, UserNotFoundError):
        return CliError(f"there is no user {who} in this pool (`authflow sign-up {who}` adds one)")
    if isinstance(exc, UsernameExistsError):
        return CliError(f"{who} already exists: sign in with `authflow sign-in {who}`")
    if isinstance(exc, SessionNotFoundError):
        return CliError("not signed in: run `authflow sign-in`", SIGN_IN_NEEDED)
    if isinstance(exc, RecordDecryptionError):
        return CliError(
            "the cached session does not decrypt with the current key (was AUTHFLOW_STORE_KEY "
            "or the key file changed?): run `authflow sign-in`",
            SIGN_IN_NEEDED,
        )
    if isinstance(exc, ChallengeExpiredError):
        return CliError("the sign-in took too long and its session expired: sign in again")
    if isinstance(exc, CodeMismatchError | ExpiredCodeError):
        return CliError(f"{exc.message or 'the code was not accepted'}")
    if isinstance(exc, InvalidPasswordError):
        return CliError(exc.message or "the password does not meet the pool's password policy")
    if isinstance(exc, TooManyRequestsError):
        return CliError("Cognito is throttling requests: try again in a moment", UNAVAILABLE)
    if isinstance(exc, TooManyFailedAttemptsError | LimitExceededError):
        return CliError(f"{exc.message or 'too many attempts'}: wait a while, then try again")
    if isinstance(exc, NotAuthorizedError):
        return CliError(exc.message or "not authorized")
    if isinstance(exc, ServiceError):
        if exc.retryable:
            return CliError(f"Cognito failed ({exc.code}): try again later", UNAVAILABLE)
        return CliError(f"{exc.code}: {exc.message}" if exc.message else exc.code)
    if isinstance(exc, TransportError):
        return CliError(f"cannot reach Cognito: {exc}", UNAVAILABLE)
    if isinstance(exc, StoreError):
        return CliError(f"the session cache failed: {exc}")
    if isinstance(exc, ValidationError | AuthflowError):
        return CliError(str(exc))
    if isinstance(exc, OSError):
        return CliError(f"{exc.strerror or exc} ({exc.filename})" if exc.filename else str(exc))
    detail = f": {exc}" if os.environ.get("AUTHFLOW_DEBUG") else ""
    return CliError(f"unexpected {type(exc).__name__}{detail} (AUTHFLOW_DEBUG=1 shows more)")

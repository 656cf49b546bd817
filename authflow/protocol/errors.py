"""authflow's error taxonomy.

Two families, in the spirit of h11's local/remote split:

* **You misused authflow** (local): :class:`InvalidStateError` (a flow asked to do something its
  state does not allow), :class:`ValidationError` (bad input caught before any request is sent).
* **The peer said no or misbehaved** (remote): :class:`ServiceError` and its
  one-subclass-per-Cognito-exception family
  (``NotAuthorizedException`` → :class:`NotAuthorizedError`, …),
  :class:`ProtocolViolationError` (a response authflow cannot make sense of, e.g. a hostile SRP
  value) and :class:`TransportError` (the request never got a usable answer).

Every error carries ``retryable``: whether sending the *same* request again may succeed.

Secrets never reach a message: the service's message text is kept, but the transport scrubs any
value it sent as a secret (see :func:`redact`) before the error is built, and no error class puts
request values in its message.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable
from typing import Any, ClassVar

__all__ = [
    "redaction_forms",
    "DEVICE_NOT_FOUND_MESSAGE",
    "SESSION_EXPIRED_MESSAGE",
    "SESSION_INVALID_MESSAGE",
    "SESSION_USED_MESSAGE",
    "AccessDeniedError",
    "AliasExistsError",
    "AuthflowError",
    "AuthorizationDeniedError",
    "ChallengeExpiredError",
    "CodeDeliveryFailureError",
    "CodeMismatchError",
    "ConcurrentModificationError",
    "CredentialsError",
    "DeviceKeyExistsError",
    "EnableSoftwareTokenMFAError",
    "ExpiredCodeError",
    "ExpiredTokenError",
    "FeatureUnavailableInTierError",
    "ForbiddenError",
    "IamAuthError",
    "IncompleteSignatureError",
    "InternalErrorError",
    "InvalidClientError",
    "InvalidEmailRoleAccessPolicyError",
    "InvalidGrantError",
    "InvalidLambdaResponseError",
    "InvalidParameterError",
    "InvalidPasswordError",
    "InvalidSignatureError",
    "InvalidRequestError",
    "InvalidScopeError",
    "InvalidSmsRoleAccessPolicyError",
    "InvalidSmsRoleTrustRelationshipError",
    "InvalidStateError",
    "InvalidUserPoolConfigurationError",
    "LimitExceededError",
    "MFAMethodNotFoundError",
    "MissingAuthenticationTokenError",
    "NotAuthorizedError",
    "OAUTH_ERRORS",
    "OAuthError",
    "OperationNotEnabledError",
    "PasswordHistoryPolicyViolationError",
    "PasswordResetRequiredError",
    "ProtocolViolationError",
    "RefreshTokenReuseError",
    "ResourceNotFoundError",
    "SERVICE_ERRORS",
    "ServiceError",
    "SessionNotFoundError",
    "SignInRestartRequiredError",
    "SoftwareTokenMFANotFoundError",
    "StateMismatchError",
    "TooManyFailedAttemptsError",
    "TooManyRequestsError",
    "TransportError",
    "TransportTimeoutError",
    "UnauthorizedClientError",
    "UnauthorizedError",
    "UnexpectedLambdaError",
    "UnknownOperationError",
    "UnrecognizedClientError",
    "UnsupportedGrantTypeError",
    "UnsupportedOperationError",
    "UnsupportedTokenTypeError",
    "UserLambdaValidationError",
    "UserNotConfirmedError",
    "UserNotFoundError",
    "UserPoolAddOnNotEnabledError",
    "UsernameExistsError",
    "ValidationError",
    "WebAuthnChallengeNotFoundError",
    "WebAuthnClientMismatchError",
    "WebAuthnConfigurationMissingError",
    "WebAuthnCredentialNotSupportedError",
    "WebAuthnNotEnabledError",
    "WebAuthnOriginNotAllowedError",
    "WebAuthnRelyingPartyMismatchError",
    "error_code_from",
    "is_dead_challenge_session",
    "is_unknown_device",
    "oauth_error",
    "redact",
    "service_error",
]

REDACTED = "***"


def redaction_forms(secrets: Iterable[str]) -> frozenset[str]:
    """Every spelling of each secret that a peer's echo can put into an error message.

    A server or proxy that echoes a request value rarely echoes it byte for byte: it may
    JSON-escape it (a password containing ``"`` or ``\\``), send it in a header that HTTP decodes
    as latin-1 (the UTF-8 bytes of a non-ASCII password read as latin-1 characters), show it
    inside the ``repr`` of the bytes of a malformed status line, percent-encode it, or replace the
    characters a header cannot hold. Redacting only the raw value lets those through to
    ``str(error)``, tracebacks and logs, so :func:`~authflow.protocol.errors.redact` applies all of
    these forms:

    raw; JSON-escaped (ASCII-only and not); Python ``repr`` of the string and of its UTF-8
    bytes; UTF-8 bytes decoded as latin-1; percent-encoded (``quote`` and ``quote_plus``); CR/LF
    replaced by spaces; non-ASCII replaced by ``?``.

    >>> sorted(form for form in redaction_forms(["p\\"w\\u00e4rd"]) if form.startswith("p%"))
    ['p%22w%C3%A4rd']
    """
    forms: set[str] = set()
    for secret in secrets:
        if not isinstance(secret, str) or not secret:
            continue
        forms.add(secret)
        utf8 = secret.encode("utf-8", "surrogatepass")
        forms.add(json.dumps(secret, ensure_ascii=True)[1:-1])
        forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
        forms.add(repr(secret)[1:-1])
        forms.add(repr(utf8)[2:-1])
        forms.add(utf8.decode("latin-1"))
        forms.add(urllib.parse.quote(utf8, safe=""))
        forms.add(urllib.parse.quote(utf8))
        forms.add(urllib.parse.quote_plus(utf8))
        forms.add(secret.replace("\r", " ").replace("\n", " "))
        forms.add(secret.encode("ascii", "replace").decode("ascii"))
    return frozenset(forms)


def redact(text: str, secrets: Iterable[str]) -> str:
    """Return ``text`` with every occurrence of each secret, in every spelling an echo can take
    (:func:`redaction_forms`), replaced by ``***``.

    Longer secrets are replaced first so a secret containing another is not half-revealed; empty
    and very short values (under 4 characters) are skipped since replacing them would mangle
    ordinary words without protecting anything meaningful.

    >>> redact("Value 'hunter22' at 'password'", ["hunter22"])
    "Value '***' at 'password'"
    """
    forms = redaction_forms(secrets)
    for secret in sorted({s for s in forms if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


class AuthflowError(Exception):
    """Base class of every error authflow raises."""

    #: Whether repeating the same request (or call) may succeed.
    retryable: bool = False


class InvalidStateError(AuthflowError, RuntimeError):
    """A flow was asked to do something its current state does not allow (local misuse)."""

    def __init__(self, message: str, *, state: str | None = None, trigger: str | None = None):
        super().__init__(message)
        self.state = state
        self.trigger = trigger


class ValidationError(AuthflowError, ValueError):
    """Input rejected locally, before any request was sent."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class ProtocolViolationError(AuthflowError, ValueError):
    """The peer sent something authflow cannot accept: malformed JSON, a missing member, a hostile
    SRP value (B ≡ 0 mod N, non-hex SRP_B, non-base64 SECRET_BLOCK, …)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class TransportError(AuthflowError, ConnectionError):
    """The request did not get a usable HTTP answer (connection refused/reset, DNS, TLS)."""

    retryable = True

    def __init__(self, message: str, *, operation: str | None = None, sent: bool | None = None):
        super().__init__(message)
        self.operation = operation
        #: ``True`` when the request may have reached the server (it was written and the answer
        #: was lost), ``False`` when it certainly was not, ``None`` when unknown.
        self.sent = sent


class TransportTimeoutError(TransportError, TimeoutError):
    """The connect or total timeout expired."""


class CredentialsError(AuthflowError):
    """No usable AWS credentials to sign an IAM-authorized request (AdminInitiateAuth, …): none
    were found, they could not be loaded or refreshed, or the client was created without them.
    Raised before any request is sent; the message names what to configure, never a secret."""


class ServiceError(AuthflowError):
    """Cognito (or an emulator of it) answered with an error.

    ``code`` is the exception name with any namespace cut off (``NotAuthorizedException``),
    ``message`` the service's text, ``status`` the HTTP status, ``request_id`` the
    ``x-amzn-RequestId`` header. An unknown ``code`` is kept on a plain :class:`ServiceError`.
    """

    #: The Cognito ``__type`` this class stands for (``""`` on the base class).
    code_name: str = ""

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        reason_code: str | None = None,
    ):
        self.code = code or self.code_name or "UnknownError"
        self.message = message
        self.status = status
        self.request_id = request_id
        self.operation = operation
        self.reason_code = reason_code
        super().__init__(f"{self.code}: {message}" if message else self.code)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"status={self.status!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (
            _rebuild_service_error,
            (type(self), self.message, self.code, self.status, self.request_id, self.operation),
        )


def _rebuild_service_error(
    cls: type[ServiceError],
    message: str,
    code: str,
    status: int | None,
    request_id: str | None,
    operation: str | None,
) -> ServiceError:
    return cls(message, code=code, status=status, request_id=request_id, operation=operation)


# One class per exception of docs/protocol-notes.md §2.5 (plus UnknownOperationException, which
# the JSON 1.1 protocol itself returns for an unknown X-Amz-Target). Written out so type checkers
# and readers see them; SERVICE_ERRORS below is built from the classes themselves.
class AliasExistsError(ServiceError):
    """An e-mail address or phone number is already an alias of another user."""

    code_name = "AliasExistsException"


class CodeDeliveryFailureError(ServiceError):
    """A verification code could not be delivered."""

    code_name = "CodeDeliveryFailureException"


class CodeMismatchError(ServiceError, ValueError):
    """The code provided does not match what the server expected."""

    code_name = "CodeMismatchException"


class ConcurrentModificationError(ServiceError):
    """Two or more modifications happened concurrently."""

    code_name = "ConcurrentModificationException"
    retryable = True


class DeviceKeyExistsError(ServiceError):
    """The device key being confirmed already exists."""

    code_name = "DeviceKeyExistsException"


class EnableSoftwareTokenMFAError(ServiceError):
    """The TOTP code did not match while enabling software-token MFA."""

    code_name = "EnableSoftwareTokenMFAException"


class ExpiredCodeError(ServiceError):
    """The code has expired; request a new one."""

    code_name = "ExpiredCodeException"


class FeatureUnavailableInTierError(ServiceError):
    """The feature is not part of the user pool's feature plan."""

    code_name = "FeatureUnavailableInTierException"


class ForbiddenError(ServiceError, PermissionError):
    """AWS WAF refused the request."""

    code_name = "ForbiddenException"


class InternalErrorError(ServiceError):
    """Cognito had an internal error (HTTP 500); safe to retry."""

    code_name = "InternalErrorException"
    retryable = True


class InvalidEmailRoleAccessPolicyError(ServiceError):
    """Cognito is not allowed to use the configured e-mail identity."""

    code_name = "InvalidEmailRoleAccessPolicyException"


class InvalidLambdaResponseError(ServiceError):
    """A Lambda trigger returned an invalid response."""

    code_name = "InvalidLambdaResponseException"


class InvalidParameterError(ServiceError, ValueError):
    """A request parameter was invalid (``reason_code`` may say why)."""

    code_name = "InvalidParameterException"


class InvalidPasswordError(ServiceError, ValueError):
    """The password does not satisfy the user pool's policy."""

    code_name = "InvalidPasswordException"


class InvalidSmsRoleAccessPolicyError(ServiceError):
    """The SMS role cannot publish with Amazon SNS."""

    code_name = "InvalidSmsRoleAccessPolicyException"


class InvalidSmsRoleTrustRelationshipError(ServiceError):
    """The SMS role's trust relationship is invalid."""

    code_name = "InvalidSmsRoleTrustRelationshipException"


class InvalidUserPoolConfigurationError(ServiceError):
    """The user pool configuration is invalid for this request."""

    code_name = "InvalidUserPoolConfigurationException"


class LimitExceededError(ServiceError):
    """A limit was exceeded; for codes and auth this is an attempt lockout, so never retried."""

    code_name = "LimitExceededException"


class MFAMethodNotFoundError(ServiceError):
    """Cognito cannot find an MFA method for the user."""

    code_name = "MFAMethodNotFoundException"


class NotAuthorizedError(ServiceError, PermissionError):
    """Not authorized: wrong password, bad or revoked token, expired session, disabled user, …"""

    code_name = "NotAuthorizedException"


class OperationNotEnabledError(ServiceError):
    """The operation is not enabled for this region or pool configuration."""

    code_name = "OperationNotEnabledException"


class PasswordHistoryPolicyViolationError(ServiceError, ValueError):
    """The new password matches a previous one."""

    code_name = "PasswordHistoryPolicyViolationException"


class PasswordResetRequiredError(ServiceError):
    """The user must reset their password."""

    code_name = "PasswordResetRequiredException"


class RefreshTokenReuseError(ServiceError):
    """The refresh token was invalidated by refresh-token rotation."""

    code_name = "RefreshTokenReuseException"


class ResourceNotFoundError(ServiceError, LookupError):
    """A resource (pool, client, device, …) does not exist."""

    code_name = "ResourceNotFoundException"


class SoftwareTokenMFANotFoundError(ServiceError):
    """Software-token MFA is not activated for the user pool."""

    code_name = "SoftwareTokenMFANotFoundException"


class TooManyFailedAttemptsError(ServiceError):
    """Too many failed attempts for this action."""

    code_name = "TooManyFailedAttemptsException"


class TooManyRequestsError(ServiceError):
    """Throttled; retried with backoff by the transport."""

    code_name = "TooManyRequestsException"
    retryable = True


class UnauthorizedError(ServiceError, PermissionError):
    """The request is not authorized (RevokeToken with bad client credentials)."""

    code_name = "UnauthorizedException"


class UnexpectedLambdaError(ServiceError):
    """A Lambda trigger failed unexpectedly."""

    code_name = "UnexpectedLambdaException"


class UnknownOperationError(ServiceError):
    """The endpoint does not know the operation named in ``X-Amz-Target``."""

    code_name = "UnknownOperationException"


class UnsupportedOperationError(ServiceError):
    """The operation is not enabled for the app client (e.g. token revocation disabled)."""

    code_name = "UnsupportedOperationException"


class UnsupportedTokenTypeError(ServiceError):
    """An unsupported token type was passed (e.g. an access token to RevokeToken)."""

    code_name = "UnsupportedTokenTypeException"


class UserLambdaValidationError(ServiceError):
    """A Lambda trigger rejected the user."""

    code_name = "UserLambdaValidationException"


class UserNotConfirmedError(ServiceError):
    """The user has not confirmed their sign-up."""

    code_name = "UserNotConfirmedException"


class UserNotFoundError(ServiceError, LookupError):
    """No such user."""

    code_name = "UserNotFoundException"


class UserPoolAddOnNotEnabledError(ServiceError):
    """User pool add-ons (advanced security) are not enabled."""

    code_name = "UserPoolAddOnNotEnabledException"


class UsernameExistsError(ServiceError):
    """The username already exists in the user pool."""

    code_name = "UsernameExistsException"


class WebAuthnChallengeNotFoundError(ServiceError):
    """The WebAuthn registration challenge has expired."""

    code_name = "WebAuthnChallengeNotFoundException"


class WebAuthnClientMismatchError(ServiceError):
    """The access token belongs to another app client than the WebAuthn registration."""

    code_name = "WebAuthnClientMismatchException"


class WebAuthnConfigurationMissingError(ServiceError):
    """The user pool has no relying party id or domain for passkeys."""

    code_name = "WebAuthnConfigurationMissingException"


class WebAuthnCredentialNotSupportedError(ServiceError):
    """The passkey comes from an unsupported device or provider."""

    code_name = "WebAuthnCredentialNotSupportedException"


class WebAuthnNotEnabledError(ServiceError):
    """Passkeys are not enabled for the user pool."""

    code_name = "WebAuthnNotEnabledException"


class WebAuthnOriginNotAllowedError(ServiceError):
    """The passkey's registration origin does not match the relying party id."""

    code_name = "WebAuthnOriginNotAllowedException"


class WebAuthnRelyingPartyMismatchError(ServiceError):
    """The passkey belongs to another relying party."""

    code_name = "WebAuthnRelyingPartyMismatchException"


# The errors AWS itself answers an IAM-authorized (SigV4-signed) request with, before Cognito
# sees it; every AWS service shares them (AdminInitiateAuth and AdminRespondToAuthChallenge are
# the ones authflow signs).
class IamAuthError(ServiceError, PermissionError):
    """AWS refused the IAM credentials or the signature of a signed request: fix the AWS
    credentials (or the IAM policy) the client signs with. The base of the classes below."""


class AccessDeniedError(IamAuthError):
    """The IAM identity may not call the operation (its policy lacks e.g.
    ``cognito-idp:AdminInitiateAuth`` on the user pool)."""

    code_name = "AccessDeniedException"


class ExpiredTokenError(IamAuthError):
    """The temporary credentials' session token has expired: refresh the credentials."""

    code_name = "ExpiredTokenException"


class IncompleteSignatureError(IamAuthError):
    """The Authorization header lacks a part of the signature (Credential, SignedHeaders,
    Signature or the date)."""

    code_name = "IncompleteSignatureException"


class InvalidSignatureError(IamAuthError):
    """The signature does not match (wrong secret access key), is scoped to another region or
    service, or its date is more than 5 minutes off."""

    code_name = "InvalidSignatureException"


class MissingAuthenticationTokenError(IamAuthError):
    """The request was not signed at all."""

    code_name = "MissingAuthenticationTokenException"


class UnrecognizedClientError(IamAuthError):
    """The access key id is unknown, or the session token is missing, wrong or not expected."""

    code_name = "UnrecognizedClientException"


class ChallengeExpiredError(NotAuthorizedError):
    """The challenge Session can no longer be answered. ``reason`` says why:

    * ``"expired"`` - the app client's auth session validity passed;
    * ``"used up"`` - it was answered already, or too many wrong answers spent it;
    * ``"refused"`` - the server does not know it (or it belongs to another challenge).

    Raised by a sign-in flow in place of the :class:`NotAuthorizedError` Cognito sent (see
    :func:`is_dead_challenge_session`; Cognito's text does not always tell "expired" from "used
    up", the flow decides with the Session's deadline and the wrong answers it saw). The flow
    went back to Unauthenticated; ``flow.restart()`` signs in again.
    """

    #: ``"expired"``, ``"used up"`` or ``"refused"``.
    reason: str = "expired"

    @classmethod
    def from_service_error(
        cls, error: ServiceError, *, reason: str = "expired", explanation: str | None = None
    ) -> ChallengeExpiredError:
        """The typed error for ``error`` (keeps its code, status, request id and operation);
        ``explanation`` says what happened, in words (default: the challenge session
        ``reason``)."""
        if explanation is None:
            verb = "" if reason == "expired" else "was "
            explanation = f"the challenge session {verb}{reason}"
        made = cls(
            f"{explanation}; call flow.restart() to sign in again",
            code=error.code,
            status=error.status,
            request_id=error.request_id,
            operation=error.operation,
        )
        made.reason = reason
        return made

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (_rebuild_expired, (self.message, self.code, self.status, self.request_id,
                                   self.operation, self.reason))


def _rebuild_expired(
    message: str,
    code: str,
    status: int | None,
    request_id: str | None,
    operation: str | None,
    reason: str,
) -> ChallengeExpiredError:
    error = ChallengeExpiredError(
        message, code=code, status=status, request_id=request_id, operation=operation
    )
    error.reason = reason
    return error


class SignInRestartRequiredError(InvalidStateError):
    """``step()`` was given an answer after the sign-in's challenge session ended (see
    :class:`ChallengeExpiredError`): the answer is not sent, since before a new InitiateAuth it
    would be taken as a password and count towards the user's lockout. ``flow.restart()`` signs
    in again; ``reason`` is how the session ended (``"expired"``, ``"used up"``, ``"refused"``,
    or ``"incomplete"``: it was answered but the sign-in could not complete)."""

    def __init__(self, message: str, *, reason: str = "ended") -> None:
        super().__init__(message, state="Unauthenticated", trigger="step")
        self.reason = reason

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (_rebuild_restart_required, (str(self), self.reason))


def _rebuild_restart_required(message: str, reason: str) -> SignInRestartRequiredError:
    return SignInRestartRequiredError(message, reason=reason)


class SessionNotFoundError(InvalidStateError):
    """There is no stored session under the key: it was never saved, or it was signed out
    (possibly by another flow or process sharing the store)."""

    def __init__(self, key: str) -> None:
        super().__init__("no signed-in session under this key", state="SignedOut")
        self.key = key

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.key,))


# -- rules that classify a ServiceError by Cognito's message text (docs/protocol-notes.md §1.3) ---

#: The challenge Session is past AuthSessionValidity (RespondToAuthChallenge).
SESSION_EXPIRED_MESSAGE = "Invalid session for the user, session is expired."
#: The challenge Session was already answered once.
SESSION_USED_MESSAGE = "Invalid session for the user, session can only be used once."
#: The challenge Session is unknown, or belongs to another user or challenge.
SESSION_INVALID_MESSAGE = "Invalid session for the user."
#: The DEVICE_KEY sent is not (or no longer) a device of the user (docs/protocol-notes.md §4.3).
DEVICE_NOT_FOUND_MESSAGE = "Device does not exist."


def is_dead_challenge_session(error: BaseException) -> bool:
    """Whether ``error`` says the challenge Session can never be answered again: expired
    (:data:`SESSION_EXPIRED_MESSAGE`), already used (:data:`SESSION_USED_MESSAGE`) or unknown
    (:data:`SESSION_INVALID_MESSAGE`). Matched on the text, case-insensitively, as every client
    does: Cognito sends them all as ``NotAuthorizedException``.

    >>> is_dead_challenge_session(NotAuthorizedError(SESSION_EXPIRED_MESSAGE))
    True
    >>> is_dead_challenge_session(NotAuthorizedError("Incorrect username or password."))
    False
    """
    if not isinstance(error, NotAuthorizedError):
        return False
    text = error.message.lower()
    return "session is expired" in text or "invalid session" in text


def is_unknown_device(error: BaseException) -> bool:
    """Whether ``error`` says the remembered device is gone (:data:`DEVICE_NOT_FOUND_MESSAGE`,
    a ``ResourceNotFoundException``): the client forgets it and signs in without it, as Amplify
    and amazon-cognito-identity-js do.

    >>> is_unknown_device(ResourceNotFoundError(DEVICE_NOT_FOUND_MESSAGE))
    True
    >>> is_unknown_device(ResourceNotFoundError("User pool client abc does not exist."))
    False
    """
    return isinstance(error, ResourceNotFoundError) and "device" in error.message.lower()


def _modelled_service_errors() -> dict[str, type[ServiceError]]:
    """Every ServiceError subclass defined here that names its own ``code_name`` (subclasses
    that refine one, such as :class:`ChallengeExpiredError`, inherit it and are skipped)."""
    table: dict[str, type[ServiceError]] = {}
    pending: list[type[ServiceError]] = [ServiceError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__ != __name__ or "code_name" not in cls.__dict__ or not cls.code_name:
            continue
        if cls.code_name in table:
            raise RuntimeError(f"two classes stand for {cls.code_name}")
        table[cls.code_name] = cls
    return dict(sorted(table.items()))


#: ``__type`` (without namespace) → exception class, for every modelled Cognito exception. Built
#: from the classes above: adding a class adds its code.
SERVICE_ERRORS: dict[str, type[ServiceError]] = _modelled_service_errors()

#: Codes that AWS SDKs treat as throttling (botocore standard mode) apart from LimitExceeded,
#: which Cognito uses for attempt lockouts and authflow never retries.
_THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


def error_code_from(header: str | None, body: object) -> str | None:
    """Extract the error code the way every AWS SDK does (docs/protocol-notes.md §1.3).

    Take ``x-amzn-ErrorType`` if present, else body ``code``, else body ``__type``; cut at the
    first ``:`` or ``,``; keep what follows a ``#``. Returns ``None`` when nothing usable is found.

    >>> error_code_from("NotAuthorizedException:", {})
    'NotAuthorizedException'
    >>> error_code_from(None, {"__type": "com.amazon#UserNotFoundException"})
    'UserNotFoundException'
    """
    raw: object = header
    if not raw and isinstance(body, dict):
        raw = body.get("code") or body.get("__type")
    if not isinstance(raw, str) or not raw.strip():
        return None
    code = raw.split(":", 1)[0].split(",", 1)[0]
    if "#" in code:
        code = code.rsplit("#", 1)[1]
    code = code.strip()
    return code or None


def service_error(
    code: str,
    message: str = "",
    *,
    status: int | None = None,
    request_id: str | None = None,
    operation: str | None = None,
    reason_code: str | None = None,
) -> ServiceError:
    """Build the typed error for a Cognito error ``code``.

    Unknown codes give a plain :class:`ServiceError` that keeps the code (retryable when it is a
    throttling code or the status is 5xx)."""
    cls = SERVICE_ERRORS.get(code, ServiceError)
    err = cls(
        message,
        code=code,
        status=status,
        request_id=request_id,
        operation=operation,
        reason_code=reason_code,
    )
    server_fault = status is not None and status >= 500
    if cls is ServiceError and (code in _THROTTLING_CODES or server_fault):
        err.retryable = True
    return err


# -- OAuth 2.0: the user pool domain's endpoints (docs/oauth-notes.md §A1, §A2) ---------------
# One class per RFC 6749 error code the token endpoint answers with; they are not Cognito
# ``__type`` codes, so they name ``oauth_code`` (not ``code_name``) and stay out of
# SERVICE_ERRORS.

# RFC 6749 §5.2: ``error`` and ``error_description`` are limited to %x20-21 / %x23-5B / %x5D-7E.
_OAUTH_TEXT = frozenset(chr(c) for c in range(0x20, 0x7F)) - {'"', "\\"}
_OAUTH_CODE_LIMIT = 64
_OAUTH_DESCRIPTION_LIMIT = 256
#: OAuth error codes (not in the table) that say "try again later" (RFC 6749 §4.1.2.1; the
#: emulator's 429 answer).
_OAUTH_TRANSIENT = frozenset({"server_error", "temporarily_unavailable", "too_many_requests"})


def _oauth_text(value: object, limit: int) -> str:
    """``value`` cut to RFC 6749's error character set and ``limit`` characters: what a peer
    (or a forged callback) sent is never repeated with quotes, controls or non-ASCII."""
    if not isinstance(value, str):
        return ""
    return "".join(c for c in value[: limit * 4] if c in _OAUTH_TEXT)[:limit]


class OAuthError(ServiceError):
    """An OAuth 2.0 error from the user pool's domain: a token endpoint's ``{"error": ...}``
    answer (RFC 6749 §5.2), or the ``error`` a redirect brought back (§4.1.2.1).

    ``code`` is the OAuth ``error`` (``invalid_grant`` ...), ``message`` its
    ``error_description``, both cut to RFC 6749's character set. A token endpoint answer without
    a usable ``error`` (an HTML page, a bare 500 from a proxy) is a plain ``OAuthError`` with
    ``code == "HTTP<status>"``, retryable on 5xx and 429.
    """

    #: The RFC 6749 ``error`` code this class stands for (``""`` on the base class).
    oauth_code: ClassVar[str] = ""

    def __init__(self, message: str = "", *, code: str | None = None, **details: Any):
        super().__init__(message, code=code or self.oauth_code or None, **details)


class InvalidRequestError(OAuthError, ValueError):
    """``invalid_request`` (RFC 6749 §5.2): a parameter is missing, repeated or malformed."""

    oauth_code = "invalid_request"


class InvalidClientError(OAuthError, PermissionError):
    """``invalid_client`` (RFC 6749 §5.2): the app client is unknown or its authentication
    failed (a wrong or missing client secret)."""

    oauth_code = "invalid_client"


class InvalidGrantError(OAuthError, PermissionError):
    """``invalid_grant`` (RFC 6749 §5.2): the authorization code is unknown, spent, expired or
    another client's, the PKCE verifier does not match, or the refresh token is revoked or
    expired."""

    oauth_code = "invalid_grant"


class UnauthorizedClientError(OAuthError, PermissionError):
    """``unauthorized_client`` (RFC 6749 §5.2): the app client may not use this grant, or the
    ``redirect_uri`` is not the one the code was issued for (docs/oauth-notes.md §A2)."""

    oauth_code = "unauthorized_client"


class UnsupportedGrantTypeError(OAuthError):
    """``unsupported_grant_type`` (RFC 6749 §5.2): the server does not know the grant."""

    oauth_code = "unsupported_grant_type"


class InvalidScopeError(OAuthError, ValueError):
    """``invalid_scope`` (RFC 6749 §5.2): a scope is unknown or not allowed for the app
    client."""

    oauth_code = "invalid_scope"


class AuthorizationDeniedError(OAuthError, PermissionError):
    """The redirect came back with ``error=...`` instead of a code (RFC 6749 §4.1.2.1):
    ``access_denied``, ``invalid_scope``, ``login_required``, ... in ``code``; the sanitised
    ``error_description`` in ``message``. No other parameter of the callback is kept."""


class StateMismatchError(ValidationError):
    """A callback's ``state`` is missing or is not the one the flow sent (RFC 6749 §10.12): a
    forged, replayed or misrouted callback. The flow keeps waiting for the real one."""

    def __init__(self, message: str = "the callback's state is not this sign-in's") -> None:
        super().__init__(message, field="state")

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (str(self),))


#: RFC 6749 token endpoint ``error`` code → exception class.
OAUTH_ERRORS: dict[str, type[OAuthError]] = {
    cls.oauth_code: cls
    for cls in (
        InvalidRequestError,
        InvalidClientError,
        InvalidGrantError,
        UnauthorizedClientError,
        UnsupportedGrantTypeError,
        InvalidScopeError,
    )
}


def oauth_error(
    code: object,
    description: object = "",
    *,
    status: int | None = None,
    operation: str | None = None,
    denied: bool = False,
) -> OAuthError:
    """The typed error for an OAuth ``error`` code and ``error_description``, both cut to RFC
    6749's character set (64 and 256 characters). ``denied=True``: the code came back to the
    redirect URI, so the error is an :class:`AuthorizationDeniedError` whatever the code.

    >>> type(oauth_error("invalid_grant", status=400)).__name__
    'InvalidGrantError'
    >>> err = oauth_error('access_denied\\n"<script>', "no", denied=True)
    >>> type(err).__name__, err.code
    ('AuthorizationDeniedError', 'access_denied<script>')
    """
    text = _oauth_text(code, _OAUTH_CODE_LIMIT).strip() or "unknown_error"
    message = _oauth_text(description, _OAUTH_DESCRIPTION_LIMIT).strip()
    cls: type[OAuthError] = (
        AuthorizationDeniedError if denied else OAUTH_ERRORS.get(text, OAuthError)
    )
    err = cls(message, code=text, status=status, operation=operation)
    throttled = status is not None and (status >= 500 or status == 429)
    if cls is OAuthError and (text in _OAUTH_TRANSIENT or throttled):
        err.retryable = True
    return err

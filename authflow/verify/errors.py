"""Why a token was refused: one class per check, all under :class:`InvalidTokenError`.

Every message is fixed text written here (it may name a claim or a configured value such as the
expected issuer or a required scope) and never quotes the token or a value read from it, so
``str(err)`` is safe to log and to send back to the caller in an ``error_description``.

``retryable`` is ``True`` only where the token itself may be fine and a later attempt may succeed
(:class:`JwksUnavailableError`, :class:`RevocationCheckUnavailableError`): integrations answer
those with 503, not 401, so a client does not throw away a good token because of our outage.
"""

from __future__ import annotations

from collections.abc import Iterable

from authflow.protocol.errors import AuthflowError

__all__ = [
    "AccessTokenHashError",
    "InvalidTokenError",
    "JwksUnavailableError",
    "MalformedTokenError",
    "MissingGroupError",
    "MissingScopeError",
    "NonceMismatchError",
    "RevocationCheckUnavailableError",
    "TokenExpiredError",
    "TokenNotYetValidError",
    "TokenRevokedError",
    "TokenSignatureError",
    "UnknownKeyError",
    "UnsupportedAlgorithmError",
    "WrongClientError",
    "WrongIssuerError",
    "WrongTokenUseError",
]


class InvalidTokenError(AuthflowError, ValueError):
    """A token was not accepted. Catch this to handle every verification failure at once."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class MalformedTokenError(InvalidTokenError):
    """Not a compact JWS authflow can read: wrong type, too long, not three base64url segments,
    header or payload not a JSON object, a required claim missing or of the wrong type."""


class UnsupportedAlgorithmError(InvalidTokenError):
    """The header's ``alg`` is not ``RS256`` (``none``, ``HS256`` and everything else are refused
    before any key is looked at), or the header lists ``crit`` extensions."""


class UnknownKeyError(InvalidTokenError):
    """The header's ``kid`` is not in the issuer's JWKS, even after a refetch (or a refetch is
    not allowed yet because a recent one did not have it either)."""


class JwksUnavailableError(InvalidTokenError):
    """The issuer's JWKS could not be fetched (timeout, connection failure, non-200, not a JWK
    set, no usable key) and no cached key matches the token's ``kid``. Retryable."""

    retryable = True


class TokenSignatureError(InvalidTokenError):
    """The RS256 signature does not verify with the issuer's key for the token's ``kid``."""


class WrongIssuerError(InvalidTokenError):
    """The ``iss`` claim is not the verifier's user pool."""


class WrongTokenUseError(InvalidTokenError):
    """The ``token_use`` claim is not the one required (an ID token where an access token is
    needed, or the reverse), or is neither ``access`` nor ``id``."""


class WrongClientError(InvalidTokenError):
    """The token was issued to an app client the verifier does not accept (``client_id`` of an
    access token, ``aud`` of an ID token)."""


class TokenExpiredError(InvalidTokenError):
    """``exp`` has passed (by more than the leeway)."""


class TokenNotYetValidError(InvalidTokenError):
    """``nbf`` or ``iat`` lies in the future (by more than the leeway)."""


class TokenRevokedError(InvalidTokenError):
    """Cognito no longer accepts the access token (revoked by RevokeToken or GlobalSignOut, user
    deleted or disabled). Only raised with ``check_revocation=True``."""


class RevocationCheckUnavailableError(InvalidTokenError):
    """The revocation check could not get an answer from Cognito (throttled, unreachable, 5xx).
    The token is refused (fail closed) but may be fine. Retryable."""

    retryable = True


class MissingScopeError(InvalidTokenError):
    """The token lacks one or more required OAuth scopes.

    ``required`` is every scope the check asked for (what an RFC 6750 ``scope`` attribute
    lists), ``missing`` the ones the token does not have.
    """

    def __init__(self, message: str, *, required: Iterable[str], missing: Iterable[str]) -> None:
        super().__init__(message)
        self.required = tuple(required)
        self.missing = tuple(missing)


class MissingGroupError(InvalidTokenError):
    """The token's user is in none of the accepted ``cognito:groups``; ``accepted`` lists them."""

    def __init__(self, message: str, *, accepted: Iterable[str]) -> None:
        super().__init__(message)
        self.accepted = tuple(accepted)


class NonceMismatchError(InvalidTokenError):
    """An ID token from the authorization-code flow does not carry the ``nonce`` its authorize
    request sent (OIDC Core §3.1.3.7): it was issued for another sign-in (a replayed or
    injected code)."""


class AccessTokenHashError(InvalidTokenError):
    """An ID token's ``at_hash`` is not the hash of the access token it came with (OIDC Core
    §3.1.3.6): the two tokens were not issued together."""

"""Verifying Cognito JWTs in a service: JWKS cache, typed claims, typed failures.

>>> from authflow.verify import TokenVerifier
>>> verifier = TokenVerifier("us-east-1_AbCdEf123", client_ids=["1h57kf5cpq17m0eml12EX"],
...                          token_use="access")
>>> claims = await verifier.verify(token)  # doctest: +SKIP

Needs the ``verify`` extra (PyJWT with cryptography, orjson).
"""

from authflow.verify.claims import TokenClaims, TokenUse
from authflow.verify.errors import (
    AccessTokenHashError,
    InvalidTokenError,
    JwksUnavailableError,
    MalformedTokenError,
    MissingGroupError,
    MissingScopeError,
    NonceMismatchError,
    RevocationCheckUnavailableError,
    TokenExpiredError,
    TokenNotYetValidError,
    TokenRevokedError,
    TokenSignatureError,
    UnknownKeyError,
    UnsupportedAlgorithmError,
    WrongClientError,
    WrongIssuerError,
    WrongTokenUseError,
)
from authflow.verify.jwks import JwksCache, JwksTimeouts
from authflow.verify.revocation import RevocationChecker
from authflow.verify.verifier import TokenVerifier, cognito_issuer

__all__ = [
    "AccessTokenHashError",
    "InvalidTokenError",
    "JwksCache",
    "JwksTimeouts",
    "JwksUnavailableError",
    "MalformedTokenError",
    "MissingGroupError",
    "MissingScopeError",
    "NonceMismatchError",
    "RevocationCheckUnavailableError",
    "RevocationChecker",
    "TokenClaims",
    "TokenExpiredError",
    "TokenNotYetValidError",
    "TokenRevokedError",
    "TokenSignatureError",
    "TokenUse",
    "TokenVerifier",
    "UnknownKeyError",
    "UnsupportedAlgorithmError",
    "WrongClientError",
    "WrongIssuerError",
    "WrongTokenUseError",
    "cognito_issuer",
]

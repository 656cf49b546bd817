"""TokenVerifier: is this Cognito JWT one of ours, still valid, and allowed here?

The checks, in the order they run (each failure its own error, see :mod:`authflow.verify.errors`;
``docs/verify.md`` explains why each exists):

1. shape — a ``str`` of at most 16 KiB, three base64url segments, a JSON object header with a
   string ``kid`` (:class:`MalformedTokenError`);
2. algorithm — ``alg`` is exactly ``RS256``, no ``crit`` (:class:`UnsupportedAlgorithmError`);
   ``none``, ``HS256`` (the "public key as HMAC secret" attack) and everything else never reach
   a key;
3. key — the ``kid`` is in the issuer's JWKS, refetched once if not (:class:`UnknownKeyError`,
   :class:`JwksUnavailableError`);
4. signature — RS256 with that key, by ``cryptography`` (:class:`TokenSignatureError`); only
   now is the payload parsed;
5. ``iss`` — exactly the pool's issuer (:class:`WrongIssuerError`);
6. claim types (:class:`MalformedTokenError`), ``token_use`` (:class:`WrongTokenUseError`);
7. app client — ``client_id`` (access) or ``aud`` (ID) among ``client_ids``
   (:class:`WrongClientError`);
8. time — ``exp`` (:class:`TokenExpiredError`), then ``nbf`` and ``iat`` not in the future
   (:class:`TokenNotYetValidError`), each with ``leeway``;
9. scopes (all of them) and groups (any of them) (:class:`MissingScopeError`,
   :class:`MissingGroupError`) — last among the local checks, so an expired token is reported
   as expired (401) rather than as lacking a scope (403);
10. revocation, with ``check_revocation=True`` — GetUser through authflow's transport
    (:class:`TokenRevokedError`, :class:`RevocationCheckUnavailableError`).

Why PyJWT and not joserfc: both are maintained and both verify RS256 through ``cryptography``;
PyJWT is what most Cognito verification code already uses (its ``PyJWKClient`` is the usual
hand-written baseline), so the extra adds nothing new to most services. authflow uses PyJWT's
JWK loading (``RSAAlgorithm.from_jwk``), once per key; the signature is checked by calling
``cryptography``'s ``RSAPublicKey.verify`` (PKCS#1 v1.5, SHA-256) on the loaded key, which is all
PyJWT's RS256 ``verify`` does, without building the padding and hash objects per token. It splits
the compact token itself (:mod:`authflow.verify.jws`) because PyJWT's ``decode`` spends most of
its time checking base64url one character at a time, and authflow's error taxonomy needs its own
claim checks.

Everything after the key lookup is CPU only (one RSA-2048 verification is a few tens of
microseconds): it runs on the event loop, which is cheaper than a thread hop. There is no cache
of verified tokens: every token is verified in full (an expired or revoked one must not be
answered from a cache, and repeated tokens would flatter a benchmark).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Final

import aiohttp
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256

from authflow.protocol.endpoints import region_from_pool_id, resolve_endpoint
from authflow.protocol.errors import ValidationError
from authflow.transport import AiohttpTransport, RetryPolicy, Transport
from authflow.verify.claims import TokenClaims, TokenUse
from authflow.verify.errors import (
    MissingScopeError,
    TokenExpiredError,
    TokenNotYetValidError,
    TokenSignatureError,
    WrongClientError,
    WrongIssuerError,
    WrongTokenUseError,
)
from authflow.verify.jwks import JwksCache
from authflow.verify.jws import CompactJws, split_compact_jws
from authflow.verify.revocation import ADMIN_SCOPE, RevocationChecker

__all__ = ["TokenVerifier", "cognito_issuer"]

_CLIENT_ID = re.compile(r"[\w+]{1,128}", re.ASCII)
_SCOPE = re.compile(r"[\x21\x23-\x5B\x5D-\x7E]{1,512}")  # RFC 6749 scope-token
_GROUP = re.compile(r"[^\x00-\x1f]{1,128}")
_MAX_LEEWAY: Final = 300.0
# RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3); both objects are immutable.
_PKCS1V15: Final = PKCS1v15()
_SHA256: Final = SHA256()


def cognito_issuer(user_pool_id: str, endpoint: str | None = None) -> str:
    """The ``iss`` of a user pool's tokens.

    >>> cognito_issuer("us-east-1_AbCdEf123")
    'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123'
    >>> cognito_issuer("us-east-1_AbCdEf123", "http://127.0.0.1:9229")
    'http://127.0.0.1:9229/us-east-1_AbCdEf123'
    """
    region = region_from_pool_id(user_pool_id)
    base = resolve_endpoint(region, endpoint_url=endpoint)
    return f"{base.rstrip('/')}/{user_pool_id}"


def _names(values: Iterable[str] | None, what: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(f"{what} must be a list of strings", field=what)
    out = tuple(values)
    if not all(isinstance(v, str) and pattern.fullmatch(v) for v in out):
        raise ValidationError(f"{what} must be a list of valid names", field=what)
    return tuple(dict.fromkeys(out))


def _seconds(value: object, what: str, upper: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= upper:
        raise ValidationError(f"{what} must be a number of seconds in [0, {upper:g}]", field=what)
    return float(value)


class TokenVerifier:
    """Verify Cognito access or ID tokens of one user pool.

    >>> verifier = TokenVerifier("us-east-1_AbCdEf123", client_ids=["1h57kf5cpq17m0eml12EX"],
    ...                          token_use="access")
    >>> claims = await verifier.verify(token)  # doctest: +SKIP

    ``client_ids`` and ``token_use`` must be given; ``None`` explicitly accepts any app client /
    both kinds of token (as aws-jwt-verify requires, so that "any" is never an accident).
    ``endpoint``: a custom Cognito endpoint (the emulator); the issuer is then
    ``{endpoint}/{pool}``. ``leeway`` (0-300 s) applies to ``exp``, ``nbf`` and ``iat``.
    ``required_scopes`` must all be in the token; ``required_groups``: at least one.
    ``session``: an :class:`aiohttp.ClientSession` to borrow for JWKS and revocation requests
    (left open); without one they are created and owned. ``jwks_cache``: share a
    :class:`JwksCache` between verifiers (not closed by this one). ``check_revocation`` (access
    tokens only) asks Cognito with GetUser, answers cached ``revocation_ttl`` seconds (see
    :mod:`authflow.verify.revocation` for the cost). ``clock``: epoch seconds, for tests.
    """

    def __init__(
        self,
        user_pool_id: str,
        *,
        client_ids: Iterable[str] | None,
        token_use: TokenUse | None,
        endpoint: str | None = None,
        leeway: float = 0.0,
        required_scopes: Iterable[str] = (),
        required_groups: Iterable[str] = (),
        session: aiohttp.ClientSession | None = None,
        jwks_cache: JwksCache | None = None,
        check_revocation: bool = False,
        revocation_ttl: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.user_pool_id = user_pool_id
        #: The ``iss`` every accepted token carries.
        self.issuer = cognito_issuer(user_pool_id, endpoint)
        #: Where the pool's public keys are published.
        self.jwks_uri = f"{self.issuer}/.well-known/jwks.json"
        if client_ids is not None:
            self.client_ids: frozenset[str] | None = frozenset(
                _names(client_ids, "client_ids", _CLIENT_ID)
            )
            if not self.client_ids:
                raise ValidationError(
                    "client_ids is empty: list the app clients, or pass None to accept any",
                    field="client_ids",
                )
        else:
            self.client_ids = None
        if token_use not in ("access", "id", None):
            raise ValidationError("token_use must be 'access', 'id' or None", field="token_use")
        self.token_use: TokenUse | None = token_use
        self.leeway = _seconds(leeway, "leeway", _MAX_LEEWAY)
        self.required_scopes = _names(required_scopes, "required_scopes", _SCOPE)
        self.required_groups = _names(required_groups, "required_groups", _GROUP)
        if self.required_scopes and token_use != "access":
            raise ValidationError(
                "required_scopes needs token_use='access' (ID tokens carry no scope)",
                field="required_scopes",
            )
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise ValidationError("session must be an aiohttp.ClientSession", field="session")
        if jwks_cache is not None and not isinstance(jwks_cache, JwksCache):
            raise ValidationError("jwks_cache must be a JwksCache", field="jwks_cache")
        if not isinstance(check_revocation, bool):
            raise ValidationError("check_revocation must be a bool", field="check_revocation")
        if check_revocation and token_use != "access":
            raise ValidationError(
                "check_revocation needs token_use='access' (GetUser takes access tokens)",
                field="check_revocation",
            )
        self._session = session
        self._owns_jwks = jwks_cache is None
        self.jwks: JwksCache = jwks_cache if jwks_cache is not None else JwksCache(session)
        self._clock = clock
        self._endpoint_url = resolve_endpoint(
            region_from_pool_id(user_pool_id), endpoint_url=endpoint
        )
        self._transport: AiohttpTransport | None = None
        self.revocation: RevocationChecker | None = (
            RevocationChecker(self._revocation_transport, ttl=revocation_ttl, clock=clock)
            if check_revocation
            else None
        )

    def __repr__(self) -> str:
        return (
            f"TokenVerifier(issuer={self.issuer!r}, token_use={self.token_use!r}, "
            f"check_revocation={self.revocation is not None})"
        )

    async def __aenter__(self) -> TokenVerifier:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close what this verifier created (its JWKS cache, its revocation transport)."""
        if self._owns_jwks:
            await self.jwks.close()
        if self._transport is not None:
            await self._transport.close()

    async def load_keys(self) -> frozenset[str]:
        """Fetch the pool's JWKS now (at start-up) and return the cached ``kid`` values.

        Raises :class:`JwksUnavailableError` when it cannot be fetched.
        """
        return await self.jwks.refresh(self.jwks_uri)

    async def verify(self, token: object) -> TokenClaims:
        """The claims of ``token`` when every check passes; an :class:`InvalidTokenError`
        subclass naming the failed check otherwise (see the module docstring for the order).

        ``token`` is the compact JWT (``str``, or ASCII ``bytes``), without ``Bearer``.
        """
        jws = split_compact_jws(token)
        key = self.jwks.cached_key(self.jwks_uri, jws.kid)
        if key is None:
            key = await self.jwks.get_key(self.jwks_uri, jws.kid)
        claims = self._check(jws, key)
        if self.revocation is not None:
            if ADMIN_SCOPE not in claims.scopes:
                raise MissingScopeError(
                    f"the revocation check needs the {ADMIN_SCOPE} scope",
                    required=(ADMIN_SCOPE,),
                    missing=(ADMIN_SCOPE,),
                )
            await self.revocation.check(jws.text, claims.exp)
        return claims

    def _revocation_transport(self) -> Transport:
        if self._transport is None:
            # Short bounds: a request is waiting on this answer. Borrows the verifier's session
            # when it was given one.
            self._transport = AiohttpTransport(
                self._endpoint_url,
                session=self._session,
                connect_timeout=1.5,
                total_timeout=3.0,
                retry=RetryPolicy(max_attempts=2, max_total_time=5.0),
            )
        return self._transport

    def _check(self, jws: CompactJws, key: RSAPublicKey) -> TokenClaims:
        try:
            key.verify(jws.signature, jws.signing_input, _PKCS1V15, _SHA256)
        except InvalidSignature:
            raise TokenSignatureError("the token's signature does not verify") from None
        payload = jws.payload()
        if payload.get("iss") != self.issuer:
            raise WrongIssuerError(f"the token was not issued by {self.issuer}")
        claims = TokenClaims.from_payload(payload)
        if self.token_use is not None and claims.token_use != self.token_use:
            raise WrongTokenUseError(f"an {self.token_use} token is required")
        client_ids = self.client_ids
        if client_ids is not None and (
            claims.client_id not in client_ids
            if claims.token_use == "access"
            # An ID token names its clients in aud, which may list several.
            else client_ids.isdisjoint(claims.audience)
        ):
            raise WrongClientError("the token was issued to another app client")
        now = self._clock()
        if now >= claims.exp + self.leeway:
            raise TokenExpiredError("the token has expired")
        if claims.nbf is not None and claims.nbf > now + self.leeway:
            raise TokenNotYetValidError("the token is not valid yet (nbf)")
        if claims.iat > now + self.leeway:
            raise TokenNotYetValidError("the token was issued in the future (iat)")
        if self.required_scopes or self.required_groups:
            claims.require(scopes=self.required_scopes, groups=self.required_groups)
        return claims

"""Authorization codes: issued by the managed login page, redeemed once at the token endpoint.

A code is a UUID, lives ``authorization_code_seconds`` (5 minutes, docs/oauth-notes.md §A1) and is
bound to the app client, the ``redirect_uri`` and the PKCE ``code_challenge`` of its authorize
request. It is spent by the first redemption attempt of the client it was issued to, whether or
not that attempt passes (so a wrong PKCE verifier cannot be retried); an attempt by another
client leaves it alone. Which error Cognito gives for each failure is partly UNCONFIRMED: see
docs/emulator-oauth.md.
"""

from __future__ import annotations

import hashlib
import hmac

import attrs

from authflow.emulator.clock import Clock
from authflow.emulator.jwt import b64url_encode
from authflow.emulator.oauth.http_messages import OAuthError
from authflow.emulator.randomness import Randomness

__all__ = ["AuthorizationCodes", "CodeGrant", "s256_challenge"]

# Spent and expired codes are forgotten after this many new ones.
_SWEEP_EVERY = 256


def s256_challenge(verifier: str) -> str:
    """The PKCE ``S256`` code challenge of ``verifier`` (RFC 7636 §4.2)."""
    return b64url_encode(hashlib.sha256(verifier.encode("ascii")).digest())


@attrs.frozen
class CodeGrant:
    """What one authorization code stands for: a finished sign-in (its token family and the
    refresh token the sign-in issued) and the authorize request's bindings."""

    pool_id: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    username: str
    origin_jti: str
    refresh_token: str = attrs.field(repr=False)
    nonce: str | None = attrs.field(default=None, repr=False)
    code_challenge: str | None = attrs.field(default=None, repr=False)


@attrs.define
class _Entry:
    grant: CodeGrant
    expires_at: float
    spent: bool = False


class AuthorizationCodes:
    """The authorization codes of one emulator."""

    def __init__(self, clock: Clock, randomness: Randomness, lifetime: float) -> None:
        self._clock = clock
        self._randomness = randomness
        self._lifetime = lifetime
        self._codes: dict[str, _Entry] = {}
        self._issued_since_sweep = 0

    def __repr__(self) -> str:
        return f"<AuthorizationCodes live={len(self._codes)}>"

    def issue(self, grant: CodeGrant) -> str:
        """A new code for ``grant``."""
        self._sweep()
        code = self._randomness.uuid4()
        self._codes[code] = _Entry(grant, self._clock() + self._lifetime)
        return code

    def redeem(
        self, code: str, client_id: str, redirect_uri: str, verifier: str | None
    ) -> CodeGrant:
        """The grant of ``code`` for ``client_id``, or :class:`OAuthError`: unknown, spent,
        expired or another client's code → ``invalid_grant``; another ``redirect_uri`` →
        ``unauthorized_client`` (docs/oauth-notes.md §A2); a PKCE verifier missing →
        ``invalid_request``, wrong → ``invalid_grant``."""
        entry = self._codes.get(code)
        if entry is None or entry.spent or entry.grant.client_id != client_id:
            raise OAuthError("invalid_grant")
        entry.spent = True
        if self._clock() >= entry.expires_at:
            raise OAuthError("invalid_grant")
        grant = entry.grant
        if redirect_uri != grant.redirect_uri:
            raise OAuthError("unauthorized_client")
        if grant.code_challenge is not None:
            if not verifier:
                raise OAuthError("invalid_request", "code_verifier is required")
            try:
                expected = s256_challenge(verifier)
            except UnicodeEncodeError:
                raise OAuthError("invalid_grant") from None
            if not hmac.compare_digest(expected, grant.code_challenge):
                raise OAuthError("invalid_grant")
        return grant

    def _sweep(self) -> None:
        self._issued_since_sweep += 1
        if self._issued_since_sweep < _SWEEP_EVERY:
            return
        self._issued_since_sweep = 0
        now = self._clock()
        for code in [c for c, e in self._codes.items() if e.spent or now >= e.expires_at]:
            del self._codes[code]

"""What the authorization-code flow checks before tokens from ``/oauth2/token`` become a session.

The token endpoint's answer comes straight from the pool domain over TLS, but the code it
redeemed came through the browser, so the tokens are checked as OpenID Connect Core §3.1.3.7
asks, with :class:`~authflow.verify.TokenVerifier` (the pool's JWKS, RS256 only):

1. the access token: signature, ``iss`` (the pool), ``token_use`` ``access``, ``client_id`` (this
   app client), ``exp``/``iat``;
2. the ID token, when the access token grants ``openid`` (its absence is then a
   :class:`~authflow.protocol.errors.ProtocolViolationError`): signature, ``iss``,
   ``token_use`` ``id``, ``aud`` (this app client), ``exp``/``iat``;
3. its ``nonce`` equals the authorize request's (constant-time; missing or different →
   :class:`~authflow.verify.NonceMismatchError`);
4. its ``at_hash``, when present, is the access token's hash (OIDC Core §3.1.3.6; different →
   :class:`~authflow.verify.AccessTokenHashError`). Cognito's managed login sends it, but the
   code flow does not require it (§3.3.2.11), so a token without one is accepted;
5. both tokens name the same user (``sub``).

A ``leeway`` of two minutes absorbs clock skew between this host and Cognito on ``exp`` and
``iat``. The verifier needs the ``verify`` extra (PyJWT); it is built on first use and keeps its
JWKS cache for every later sign-in of the client.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from authflow.config import CognitoConfig
from authflow.protocol.errors import ProtocolViolationError
from authflow.protocol.oauth import TokenResponse, at_hash

if TYPE_CHECKING:
    from authflow.verify import TokenClaims, TokenVerifier

__all__ = ["ID_TOKEN_LEEWAY", "CodeGrantChecks"]

#: Seconds of clock skew tolerated on the tokens' ``exp`` and ``iat``.
ID_TOKEN_LEEWAY = 120.0


class CodeGrantChecks:
    """Checks a code grant's tokens for one app client (see the module docstring).

    One instance serves every flow of an :class:`~authflow.AuthClient`; :meth:`close` releases
    the verifier's HTTP session.
    """

    def __init__(self, config: CognitoConfig, *, clock: Callable[[], float] = time.time) -> None:
        self._config = config
        self._clock = clock
        self._verifier: TokenVerifier | None = None

    def __repr__(self) -> str:
        return f"CodeGrantChecks(client={self._config.client_id!r})"

    def _token_verifier(self) -> TokenVerifier:
        if self._verifier is None:
            from authflow.verify import TokenVerifier

            cfg = self._config
            self._verifier = TokenVerifier(
                cfg.user_pool_id,
                client_ids=[cfg.client_id],
                token_use=None,  # both kinds; each one's token_use is checked below
                endpoint=cfg.endpoint,
                leeway=ID_TOKEN_LEEWAY,
                clock=self._clock,
            )
        return self._verifier

    async def check(self, response: TokenResponse, *, nonce: str) -> TokenClaims:
        """Verify ``response``'s tokens; return the ID token's claims (the access token's when
        there is no ID token). Raises an :class:`~authflow.verify.InvalidTokenError` subclass
        naming the failed check."""
        from authflow.verify import NonceMismatchError, WrongTokenUseError

        verifier = self._token_verifier()
        access = await verifier.verify(response.access_token)
        if access.token_use != "access":
            raise WrongTokenUseError("the token endpoint's access_token is not an access token")
        if response.id_token is None:
            if "openid" in access.scopes:
                raise ProtocolViolationError(
                    "the token response has no id_token although openid was granted",
                    field="id_token",
                )
            return access
        claims = await verifier.verify(response.id_token)
        if claims.token_use != "id":
            raise WrongTokenUseError("the token endpoint's id_token is not an ID token")
        sent = claims.raw.get("nonce")
        if not isinstance(sent, str) or not hmac.compare_digest(
            sent.encode("utf-8", "surrogatepass"), nonce.encode("utf-8")
        ):
            raise NonceMismatchError("the ID token's nonce is not this sign-in's")
        self._check_at_hash(claims, response.access_token)
        if claims.sub != access.sub:
            raise ProtocolViolationError(
                "the ID token and the access token name different users", field="sub"
            )
        return claims

    @staticmethod
    def _check_at_hash(claims: TokenClaims, access_token: str) -> None:
        from authflow.verify import AccessTokenHashError

        given = claims.raw.get("at_hash")
        if given is None:
            return
        if not isinstance(given, str) or not hmac.compare_digest(
            given.encode("utf-8", "surrogatepass"), at_hash(access_token).encode("ascii")
        ):
            raise AccessTokenHashError("the ID token's at_hash does not match the access token")

    async def close(self) -> None:
        """Close the verifier (its JWKS cache's HTTP session), if one was built."""
        verifier, self._verifier = self._verifier, None
        if verifier is not None:
            await verifier.close()

"""Tokens: issue, refresh-token records, revocation, access-token authorization, signing keys.

Every sign-in starts a *token family* (:class:`~authflow.emulator.domain.TokenFamily`): its ID,
access and refresh tokens share an ``origin_jti`` and are revoked together (GlobalSignOut,
RevokeToken, a deleted or disabled user). Refresh tokens are opaque (a JWE-looking string);
only the SHA-256 of each is kept. Each pool signs with two RSA keys, one for ID tokens and one
for access tokens (:mod:`authflow.emulator.jwt`), generated on first use and replaced by
:meth:`TokenService.rotate_keys`: the keys a rotation replaces stay published (and the access key
accepted) until the next rotation, so tokens already issued keep verifying, as when Cognito
rotates its keys.
"""

from __future__ import annotations

import hashlib
from typing import Any

from authflow.emulator.clock import Clock
from authflow.emulator.directory import Directory
from authflow.emulator.domain import AppClient, Pool, RefreshToken, TokenFamily, User
from authflow.emulator.jwt import SigningKey, at_hash, b64url_encode, decode_jwt, sign_jwt
from authflow.emulator.randomness import Randomness
from authflow.protocol.errors import NotAuthorizedError, UserNotFoundError

__all__ = ["ADMIN_SCOPE", "TokenService"]

#: The scope every access-token-authorized user operation requires.
ADMIN_SCOPE = "aws.cognito.signin.user.admin"
# Observed protected header of Cognito refresh tokens (a JWE); the rest of ours is random.
_REFRESH_HEADER = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ"


class TokenService:
    """Issues and checks the tokens of every pool of one emulator.

    ``issuer_base`` is the endpoint URL tokens name in ``iss`` (``{issuer_base}/{poolId}``); the
    :class:`~authflow.emulator.Emulator` sets it once it has bound its port."""

    def __init__(
        self, clock: Clock, randomness: Randomness, directory: Directory, issuer_base: str
    ) -> None:
        self._clock = clock
        self._randomness = randomness
        self._directory = directory
        self.issuer_base = issuer_base
        #: SHA-256 of a refresh token → its record.
        self._refresh_tokens: dict[bytes, RefreshToken] = {}

    def __repr__(self) -> str:
        return f"<TokenService issuer_base={self.issuer_base!r}>"

    # ------------------------------------------------------------------ keys and issuer

    def issuer(self, pool: Pool) -> str:
        """``iss`` of the pool's tokens: ``{endpoint}/{poolId}``."""
        return f"{self.issuer_base}/{pool.id}"

    @staticmethod
    def id_key(pool: Pool) -> SigningKey:
        """The pool's ID-token key (generated on first use)."""
        if pool.id_key is None:
            pool.id_key = SigningKey.generate()
        return pool.id_key

    @staticmethod
    def access_key(pool: Pool) -> SigningKey:
        """The pool's access-token key (generated on first use)."""
        if pool.access_key is None:
            pool.access_key = SigningKey.generate()
        return pool.access_key

    def jwks(self, pool: Pool) -> dict[str, Any]:
        """The pool's JSON Web Key Set: ID-token key, access-token key, then the two keys the
        last rotation replaced, while they are kept."""
        keys = [self.id_key(pool), self.access_key(pool)]
        keys += [k for k in (pool.previous_id_key, pool.previous_access_key) if k is not None]
        return {"keys": [key.jwk() for key in keys]}

    @staticmethod
    def rotate_keys(
        pool: Pool, id_key: SigningKey, access_key: SigningKey, *, retire_old: bool = False
    ) -> tuple[str, ...]:
        """Sign the pool's tokens with ``id_key`` and ``access_key`` from now on.

        The keys replaced stay in the JWKS, and access tokens they signed stay accepted, until
        the next rotation; with ``retire_old`` they are dropped at once (tokens they signed stop
        verifying). Either way the keys of the rotation before are dropped. Returns the kids no
        longer published. (The caller generates the keys: RSA generation is slow.)"""
        published = [pool.id_key, pool.access_key, pool.previous_id_key, pool.previous_access_key]
        if retire_old:
            pool.previous_id_key = pool.previous_access_key = None
        else:
            pool.previous_id_key, pool.previous_access_key = pool.id_key, pool.access_key
        pool.id_key, pool.access_key = id_key, access_key
        kept = {pool.previous_id_key, pool.previous_access_key}
        return tuple(k.kid for k in published if k is not None and k not in kept)

    @staticmethod
    def _access_key(pool: Pool, kid: object) -> SigningKey | None:
        """The published access-token key ``kid``: the current one or the one a rotation
        replaced (never an ID-token key: Cognito signs access tokens with the access key)."""
        for key in (pool.access_key, pool.previous_access_key):
            if key is not None and key.kid == kid:
                return key
        return None

    # ------------------------------------------------------------------ issue

    def _new_refresh_token(self, client: AppClient, family: TokenFamily) -> str:
        draw = self._randomness.randbytes
        segments = [draw(256), draw(12), draw(480), draw(16)]
        token = ".".join([_REFRESH_HEADER, *(b64url_encode(s) for s in segments)])
        digest = hashlib.sha256(token.encode("ascii")).digest()
        self._refresh_tokens[digest] = RefreshToken(
            pool_id=family.pool_id,
            origin_jti=family.origin_jti,
            expires_at=self._clock() + client.refresh_token_seconds,
        )
        return token

    def issue(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        family: TokenFamily | None = None,
        *,
        device_key: str | None = None,
        rotate: bool = False,
        nonce: str | None = None,
    ) -> dict[str, Any]:
        """An AuthenticationResult. A new sign-in (``family`` None) starts a token family with a
        refresh token (tied to ``device_key`` when a device is involved: the access token then
        carries a ``device_key`` claim); a refresh reuses the family's ``auth_time`` and
        ``origin_jti`` and returns a new refresh token only when ``rotate`` is set.

        A family signed in at the pool's domain (:attr:`TokenFamily.scopes` set) gets OAuth 2.0
        tokens: the access token carries the granted ``scope`` and ``version: 2``, the ID token
        ``at_hash`` (and ``nonce`` when given) — docs/oauth-notes.md §A3."""
        now = int(self._clock())
        refresh_token: str | None = None
        if family is None:
            family = TokenFamily(
                origin_jti=self._randomness.uuid4(),
                pool_id=pool.id,
                client_id=client.id,
                username=user.username,
                sub=user.sub,
                auth_time=now,
                event_id=self._randomness.uuid4(),
                device_key=device_key,
            )
            pool.families[family.origin_jti] = family
            refresh_token = self._new_refresh_token(client, family)
        elif rotate:
            refresh_token = self._new_refresh_token(client, family)
        issuer = self.issuer(pool)
        access_claims: dict[str, Any] = {
            "sub": user.sub,
            "iss": issuer,
            "client_id": client.id,
            "origin_jti": family.origin_jti,
            "event_id": family.event_id,
            "token_use": "access",
            "scope": ADMIN_SCOPE if family.scopes is None else " ".join(family.scopes),
            "auth_time": family.auth_time,
            "exp": now + client.access_token_seconds,
            "iat": now,
            "jti": self._randomness.uuid4(),
            "username": user.username,
        }
        if family.device_key is not None:
            access_claims["device_key"] = family.device_key
        if family.scopes is not None:
            access_claims["version"] = 2
        id_claims: dict[str, Any] = {"sub": user.sub}
        for name, value in user.attributes.items():
            if name == "sub" or not client.readable(name):
                continue
            id_claims[name] = value == "true" if name.endswith("_verified") else value
        id_claims.update(
            {
                "iss": issuer,
                "cognito:username": user.username,
                "origin_jti": family.origin_jti,
                "aud": client.id,
                "event_id": family.event_id,
                "token_use": "id",
                "auth_time": family.auth_time,
                "exp": now + client.id_token_seconds,
                "iat": now,
                "jti": self._randomness.uuid4(),
            }
        )
        access_token = sign_jwt(self.access_key(pool), access_claims)
        if family.scopes is not None:
            id_claims["at_hash"] = at_hash(access_token)
        if nonce is not None:
            id_claims["nonce"] = nonce
        result: dict[str, Any] = {
            "AccessToken": access_token,
            "ExpiresIn": client.access_token_seconds,
            "TokenType": "Bearer",
            "IdToken": sign_jwt(self.id_key(pool), id_claims),
        }
        if refresh_token is not None:
            result["RefreshToken"] = refresh_token
        return result

    def issue_client_credentials(
        self, pool: Pool, client: AppClient, scopes: tuple[str, ...]
    ) -> dict[str, Any]:
        """An access token for the client itself (the client-credentials grant): ``sub`` and
        ``client_id`` are the client id, ``scope`` the granted custom scopes; no ``username``,
        ``origin_jti`` or ``aud`` (docs/oauth-notes.md §A3; the claim set is UNCONFIRMED)."""
        now = int(self._clock())
        claims: dict[str, Any] = {
            "sub": client.id,
            "token_use": "access",
            "scope": " ".join(scopes),
            "auth_time": now,
            "iss": self.issuer(pool),
            "exp": now + client.access_token_seconds,
            "iat": now,
            "version": 2,
            "jti": self._randomness.uuid4(),
            "client_id": client.id,
        }
        return {
            "AccessToken": sign_jwt(self.access_key(pool), claims),
            "ExpiresIn": client.access_token_seconds,
            "TokenType": "Bearer",
        }

    # ------------------------------------------------------------------ refresh and revocation

    def find_refresh(self, refresh_token: str) -> tuple[RefreshToken, TokenFamily] | None:
        """The record and token family of a refresh token this emulator issued, if any."""
        digest = hashlib.sha256(refresh_token.encode("utf-8")).digest()
        record = self._refresh_tokens.get(digest)
        if record is None:
            return None
        pool = self._directory.find_pool(record.pool_id)
        family = pool.families.get(record.origin_jti) if pool else None
        return (record, family) if family is not None else None

    def find_family(self, refresh_token: str) -> TokenFamily | None:
        """The token family of a refresh token this emulator issued, if any."""
        found = self.find_refresh(refresh_token)
        return found[1] if found else None

    @staticmethod
    def revoke_family(family: TokenFamily) -> None:
        """Revoke one sign-in's tokens (RevokeToken)."""
        family.revoked = True

    @staticmethod
    def revoke_user_tokens(pool: Pool, user: User) -> None:
        """Revoke every token family of ``user`` (GlobalSignOut, DeleteUser)."""
        for family in pool.families.values():
            if family.username == user.username and family.sub == user.sub:
                family.revoked = True

    @staticmethod
    def is_sign_in_event(pool: Pool, user: User, event_id: str) -> bool:
        """Whether ``event_id`` (the ``event_id`` claim of a sign-in's tokens) is one of the
        user's sign-ins."""
        return any(
            f.event_id == event_id and f.username == user.username for f in pool.families.values()
        )

    # ------------------------------------------------------------------ authorization

    def authorize(
        self, access_token: str, required_scope: str = ADMIN_SCOPE
    ) -> tuple[Pool, AppClient, User, dict[str, Any]]:
        """Check an access token as Cognito's user operations do: signature by the pool's access
        key, ``iss``, ``token_use``, expiry, the user, revocation and ``required_scope`` (the
        admin scope; ``openid`` for the userInfo endpoint)."""
        invalid = NotAuthorizedError("Invalid Access Token")
        try:
            header, claims, signing_input, signature = decode_jwt(access_token)
        except (ValueError, UnicodeError):
            raise invalid from None
        iss = claims.get("iss")
        pool = self._directory.find_pool(iss.rsplit("/", 1)[-1]) if isinstance(iss, str) else None
        if pool is None or iss != self.issuer(pool):
            raise invalid
        key = self._access_key(pool, header.get("kid"))
        if header.get("alg") != "RS256" or key is None:
            raise invalid
        if not key.verify(signing_input, signature):
            raise invalid
        if claims.get("token_use") != "access":
            raise invalid
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or self._clock() >= exp:
            raise NotAuthorizedError("Access Token has expired")
        client = pool.clients.get(str(claims.get("client_id")))
        if client is None:
            raise invalid
        user = pool.user(str(claims.get("username")))
        if user is None or user.sub != claims.get("sub"):
            raise UserNotFoundError("User does not exist.")
        family = pool.families.get(str(claims.get("origin_jti")))
        if family is None or family.revoked:
            raise NotAuthorizedError("Access Token has been revoked")
        if required_scope not in str(claims.get("scope", "")).split():
            raise NotAuthorizedError("Access Token does not have required scopes")
        if not user.enabled:
            raise NotAuthorizedError("User is disabled.")
        return pool, client, user, claims

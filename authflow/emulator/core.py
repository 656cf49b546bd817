"""The emulator's pure core: ``handle(operation, body) -> dict`` over in-memory state.

No I/O and no asyncio: the web app (:mod:`authflow.emulator.app`) is a thin wrapper that parses
the JSON 1.1 request, calls :meth:`EmulatorCore.handle` and turns a raised
:class:`~authflow.protocol.errors.ServiceError` into Cognito's error response. Every request is
first validated against the service model (:mod:`authflow.emulator.validation`), then handled by
the operation registered for it in :mod:`authflow.emulator.ops`.

The helpers here are the rules every operation shares: looking up pools, clients and users (by
username, alias or ``sub``), SECRET_HASH, codes, lockout, challenge sessions (single-use, expiring
after the app client's AuthSessionValidity), token issue (refresh tokens included, rotation-aware)
and access-token authorization. The fault rules the web app applies live here too
(:attr:`EmulatorCore.faults`), so Python and HTTP configure the same ones. One re-entrant lock
serialises all state changes, so the core may be called from several threads (the web app runs it
off the event loop).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from authflow.emulator import ops as _ops
from authflow.emulator import srp_server
from authflow.emulator.attributes import mask_destination
from authflow.emulator.clock import Clock, RandBytes, system_clock, system_randbytes
from authflow.emulator.config import EmulatorConfig
from authflow.emulator.domain import (
    AppClient,
    AuthEventFeedback,
    ChallengeSession,
    CodeRecord,
    PendingSrp,
    Pool,
    RefreshToken,
    TokenFamily,
    User,
)
from authflow.emulator.faults import Faults
from authflow.emulator.jwt import SigningKey, b64url_encode, decode_jwt, sign_jwt
from authflow.emulator.outbox import Message, Outbox
from authflow.emulator.passwords import make_stored_password
from authflow.emulator.triggers import Triggers
from authflow.emulator.validation import validate_input
from authflow.protocol.errors import (
    CodeMismatchError,
    ExpiredCodeError,
    InvalidParameterError,
    LimitExceededError,
    NotAuthorizedError,
    ResourceNotFoundError,
    UnknownOperationError,
    UserNotFoundError,
)
from authflow.protocol.secret_hash import secret_hash

__all__ = ["ADMIN_SCOPE", "EmulatorCore", "PoolRef", "ClientRef"]

#: The scope every access-token-authorized user operation requires.
ADMIN_SCOPE = "aws.cognito.signin.user.admin"
_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "0123456789abcdefghijklmnopqrstuvwxyz"
# Observed protected header of Cognito refresh tokens (a JWE); the rest of ours is random.
_REFRESH_HEADER = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ"
# Expired sessions and SRP proofs are swept after this many new ones.
_SWEEP_EVERY = 256


@attrs.frozen
class PoolRef:
    """What ``create_user_pool`` returns: the pool's ``id`` (``region_XXXXXXXXX``) and name."""

    id: str
    name: str
    region: str


@attrs.frozen
class ClientRef:
    """What ``create_user_pool_client`` returns: ``id`` and, for secret clients, ``secret``."""

    id: str
    pool_id: str
    name: str
    secret: str | None = attrs.field(repr=False)


def _pascal(name: str) -> str:
    special = {"callback_urls": "CallbackURLs", "logout_urls": "LogoutURLs"}
    if name in special:
        return special[name]
    if name[:1].isupper():
        return name
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


class EmulatorCore:
    """All user pools of one emulator, and the operations on them.

    ``clock`` returns POSIX seconds and ``randbytes(n)`` returns n random bytes; both default to
    the system's. ``issuer_base`` is the endpoint URL tokens name in ``iss``
    (``{issuer_base}/{poolId}``); :class:`~authflow.emulator.Emulator` sets it once it has bound
    its port. ``fault_seed`` seeds the random draws of rate-limited :attr:`faults`.

    >>> core = EmulatorCore()
    >>> pool = core.create_user_pool("demo")
    >>> app = core.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_SRP_AUTH"])
    >>> core.handle("SignUp", {"ClientId": app.id, "Username": "alice",
    ...                        "Password": "Correct-Horse-9!"})["UserConfirmed"]
    False
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        randbytes: RandBytes | None = None,
        region: str = "us-east-1",
        config: EmulatorConfig | None = None,
        issuer_base: str = "http://127.0.0.1:9229",
        outbox: Outbox | None = None,
        fault_seed: int = 0,
    ) -> None:
        self.clock: Clock = clock or system_clock
        self.randbytes: RandBytes = randbytes or system_randbytes
        self.region = region
        self.config = config or EmulatorConfig()
        self.issuer_base = issuer_base.rstrip("/")
        self.outbox = outbox if outbox is not None else Outbox()
        self.lock = threading.RLock()
        self.pools: dict[str, Pool] = {}
        self.clients: dict[str, AppClient] = {}
        self.sessions: dict[str, ChallengeSession] = {}
        #: Answered (spent) sessions → when they would have expired.
        self.spent_sessions: dict[str, float] = {}
        self.pending_srp: dict[bytes, PendingSrp] = {}
        #: SHA-256 of a refresh token → its record.
        self.refresh_tokens: dict[bytes, RefreshToken] = {}
        #: Every UpdateAuthEventFeedback accepted, in order.
        self.auth_event_feedback: list[AuthEventFeedback] = []
        #: Fault rules the web app applies to Cognito requests.
        self.faults = Faults(fault_seed)
        self._created_since_sweep = 0
        #: ClientMetadata of the request being handled (what triggers see as clientMetadata).
        self.client_metadata: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"<EmulatorCore pools={len(self.pools)} issuer_base={self.issuer_base!r}>"

    # ------------------------------------------------------------------ dispatch

    def handle(self, operation: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Run one operation; return its output structure or raise its typed ServiceError.

        ``operation`` is the name after ``AWSCognitoIdentityProviderService.`` in
        ``X-Amz-Target``; ``body`` the decoded JSON request."""
        handler = _ops.OPERATIONS.get(operation)
        if handler is None:
            raise UnknownOperationError(
                f"The operation {operation} is not supported by the authflow emulator."
            )
        validate_input(operation, body)
        with self.lock:
            self.client_metadata = dict(body.get("ClientMetadata") or {})
            return handler(self, dict(body))

    @staticmethod
    def operations() -> frozenset[str]:
        """Names of the operations this emulator serves."""
        return frozenset(_ops.OPERATIONS)

    # ------------------------------------------------------------------ Python provisioning API

    def create_user_pool(
        self, name: str, *, triggers: Triggers | None = None, **settings: Any
    ) -> PoolRef:
        """Create a pool as CreateUserPool would; ``settings`` are the request's members in
        snake_case (``username_attributes=["email"]``, ``policies={"PasswordPolicy": {...}}``) or
        PascalCase. ``triggers`` are the pool's Lambda triggers as Python callables."""
        body = {_pascal(k): v for k, v in settings.items()}
        body["PoolName"] = name
        wire = self.handle("CreateUserPool", body)["UserPool"]
        if triggers is not None:
            self.set_triggers(wire["Id"], triggers)
        return PoolRef(id=wire["Id"], name=wire["Name"], region=self.region)

    def set_triggers(self, pool_id: str, triggers: Triggers) -> None:
        """Replace the pool's Lambda triggers (PreSignUp, Define/Create/VerifyAuthChallenge…)
        with ``triggers``; ``Triggers()`` removes them all."""
        if not isinstance(triggers, Triggers):
            raise TypeError("triggers must be an authflow.emulator.Triggers")
        with self.lock:
            self.pool(pool_id).triggers = triggers

    def create_user_pool_client(
        self, pool_id: str, name: str = "app", **settings: Any
    ) -> ClientRef:
        """Create an app client as CreateUserPoolClient would (``generate_secret=True``,
        ``explicit_auth_flows=[...]``, ``prevent_user_existence_errors="ENABLED"`` …)."""
        body = {_pascal(k): v for k, v in settings.items()}
        body["UserPoolId"] = pool_id
        body["ClientName"] = name
        wire = self.handle("CreateUserPoolClient", body)["UserPoolClient"]
        return ClientRef(
            id=wire["ClientId"],
            pool_id=pool_id,
            name=wire["ClientName"],
            secret=wire.get("ClientSecret"),
        )

    def jwks(self, pool_id: str) -> dict[str, Any]:
        """The pool's JSON Web Key Set (ID-token key, then access-token key)."""
        with self.lock:
            pool = self.pool(pool_id)
            return {"keys": [self.id_key(pool).jwk(), self.access_key(pool).jwk()]}

    def openid_configuration(self, pool_id: str) -> dict[str, Any]:
        """The pool's OpenID Connect discovery document."""
        with self.lock:
            pool = self.pool(pool_id)
            issuer = self.issuer(pool)
        return {
            "issuer": issuer,
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "authorization_endpoint": f"{issuer}/oauth2/authorize",
            "token_endpoint": f"{issuer}/oauth2/token",
            "userinfo_endpoint": f"{issuer}/oauth2/userInfo",
            "response_types_supported": ["code", "token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    # ------------------------------------------------------------------ randomness and time

    def now(self) -> float:
        """The emulator clock, POSIX seconds."""
        return self.clock()

    def new_uuid(self) -> str:
        """A version-4 UUID from the injected randomness."""
        return str(uuid.UUID(bytes=self.randbytes(16), version=4))

    def random_string(self, length: int, alphabet: str = _ALNUM) -> str:
        """``length`` characters of ``alphabet`` from the injected randomness."""
        return "".join(alphabet[b % len(alphabet)] for b in self.randbytes(length))

    def new_code(self) -> str:
        """A six-digit verification code."""
        return f"{int.from_bytes(self.randbytes(4), 'big') % 1_000_000:06d}"

    def new_pool_id(self) -> str:
        """``{region}_`` plus nine alphanumerics, unique among the pools."""
        while True:
            pool_id = f"{self.region}_{self.random_string(9)}"
            if pool_id not in self.pools:
                return pool_id

    def new_client_id(self) -> str:
        """26 lowercase alphanumerics, unique among the clients."""
        while True:
            client_id = self.random_string(26, _LOWER)
            if client_id not in self.clients:
                return client_id

    def new_session_token(self) -> str:
        """An opaque challenge ``Session`` string (base64url, well inside 20..4096)."""
        return "AYABe" + b64url_encode(self.randbytes(192))

    # ------------------------------------------------------------------ lookups

    def pool(self, pool_id: str) -> Pool:
        """The pool, or ResourceNotFoundException."""
        pool = self.pools.get(pool_id)
        if pool is None:
            raise ResourceNotFoundError(f"User pool {pool_id} does not exist.")
        return pool

    def client(self, client_id: str) -> tuple[AppClient, Pool]:
        """The app client and its pool, or ResourceNotFoundException."""
        client = self.clients.get(client_id)
        if client is None:
            raise ResourceNotFoundError(f"User pool client {client_id} does not exist.")
        return client, self.pools[client.pool_id]

    def find_user(self, pool: Pool, name: str) -> User | None:
        """Resolve what a user typed: the username, a username attribute (e-mail/phone), a
        verified alias (or ``preferred_username``), or the ``sub``."""
        user = pool.users.get(pool.key(name))
        if user is not None:
            return user
        wanted = pool.key(name)
        for candidate in pool.users.values():
            attrs_ = candidate.attributes
            for attr in pool.username_attributes:
                if attrs_.get(attr) and pool.key(attrs_[attr]) == wanted:
                    return candidate
            for attr in pool.alias_attributes:
                value = attrs_.get(attr)
                if not value or pool.key(value) != wanted:
                    continue
                if attr == "preferred_username" or attrs_.get(f"{attr}_verified") == "true":
                    return candidate
        for candidate in pool.users.values():
            if candidate.sub == name:
                return candidate
        return None

    def require_user(self, pool: Pool, name: str) -> User:
        """Like :meth:`find_user`, or UserNotFoundException."""
        user = self.find_user(pool, name)
        if user is None:
            raise UserNotFoundError("User does not exist.")
        return user

    # ------------------------------------------------------------------ secrets and passwords

    def check_secret_hash(
        self, client: AppClient, username: str, provided: str | None, *, refresh: bool = False
    ) -> None:
        """Enforce SECRET_HASH for a client with a secret (ignored for public clients)."""
        if client.secret is None:
            return
        if not provided:
            raise NotAuthorizedError(
                f"Client {client.id} is configured for secret but secret was not received"
            )
        if not hmac.compare_digest(secret_hash(username, client.id, client.secret), provided):
            if refresh:
                raise NotAuthorizedError(f"SecretHash does not match for the client: {client.id}")
            raise NotAuthorizedError(f"Unable to verify secret hash for client {client.id}")

    def new_srp_salt(self) -> bytes:
        """16 random bytes whose first byte is 0x10..0x7f, so SALT is always 32 hex digits and
        the client's ``padHex`` of it needs no sign byte (as in observed Cognito salts)."""
        salt = bytearray(self.randbytes(16))
        salt[0] = 0x10 + salt[0] % 0x70
        return bytes(salt)

    def set_password(self, pool: Pool, user: User, password: str) -> None:
        """Store ``password`` for ``user``: salted digest plus SRP salt and verifier."""
        salt = self.new_srp_salt()
        verifier = srp_server.verifier(pool.name_part, user.username, password, salt)
        user.password = make_stored_password(salt, password, verifier)
        user.modified = self.now()

    # ------------------------------------------------------------------ lockout

    def check_lockout(self, user: User) -> None:
        """NotAuthorizedException ``Password attempts exceeded`` while the user is locked out."""
        if self.now() < user.locked_until:
            raise NotAuthorizedError("Password attempts exceeded")

    def record_failure(self, user: User) -> None:
        """Count a failed password check; lock the user out past the threshold."""
        cfg = self.config
        user.failed_sign_ins += 1
        over = user.failed_sign_ins - cfg.lockout_threshold
        if over >= 0:
            lock = min(cfg.lockout_base_seconds * (2**over), cfg.lockout_max_seconds)
            user.locked_until = self.now() + lock

    @staticmethod
    def record_success(user: User) -> None:
        """A correct password clears the failure count."""
        user.failed_sign_ins = 0
        user.locked_until = 0.0

    # ------------------------------------------------------------------ codes

    def send_code(
        self,
        pool: Pool,
        user: User,
        purpose: str,
        attribute: str,
        *,
        key: str | None = None,
        client: AppClient | None = None,
        code: str | None = None,
        ttl: float | None = None,
        destination: str | None = None,
    ) -> dict[str, str]:
        """Generate (or use) a code, record it on the user under ``key`` (default ``purpose``)
        when it has a ``ttl``, deliver it to the outbox (to ``destination``, default the
        attribute's value) and return its CodeDeliveryDetails."""
        destination = destination or user.attributes[attribute]
        channel = "SMS" if attribute == "phone_number" else "EMAIL"
        code = code or self.new_code()
        if ttl is not None:
            user.codes[key or purpose] = CodeRecord(
                code=code,
                expires_at=self.now() + ttl,
                attribute=attribute,
                destination=destination,
            )
        self.outbox.append(
            Message(
                pool_id=pool.id,
                username=user.username,
                channel=channel,
                purpose=purpose,
                destination=destination,
                code=code,
                time=self.now(),
                attribute=attribute,
                client_id=client.id if client else None,
            )
        )
        return {
            "Destination": mask_destination(destination),
            "DeliveryMedium": channel,
            "AttributeName": attribute,
        }

    def check_code(self, user: User, key: str, code: str, *, consume: bool = True) -> CodeRecord:
        """Check a code typed back; consume it on success unless ``consume`` is false (the
        caller then deletes ``user.codes[key]`` once the rest of the request has passed).

        Wrong → CodeMismatchException (``max_code_failures`` of them burn the code:
        LimitExceededException); right but past its lifetime → ExpiredCodeException."""
        record = user.codes.get(key)
        if record is None:
            raise CodeMismatchError("Invalid verification code provided, please try again.")
        if record.failures >= self.config.max_code_failures:
            raise LimitExceededError("Attempt limit exceeded, please try after some time.")
        if not hmac.compare_digest(record.code.encode(), code.encode()):
            record.failures += 1
            raise CodeMismatchError("Invalid verification code provided, please try again.")
        if self.now() >= record.expires_at:
            raise ExpiredCodeError("Invalid code provided, please request a code again.")
        if consume:
            del user.codes[key]
        return record

    # ------------------------------------------------------------------ challenge sessions

    def new_challenge(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        challenge: str,
        parameters: dict[str, str],
        **data: Any,
    ) -> dict[str, Any]:
        """Open a challenge ``Session`` and return the InitiateAuth/RespondToAuthChallenge body."""
        token = self.open_session(pool, client, user.username, challenge, **data)
        return {"ChallengeName": challenge, "Session": token, "ChallengeParameters": parameters}

    def open_session(
        self, pool: Pool, client: AppClient, username: str, challenge: str, **data: Any
    ) -> str:
        """Store a new challenge session (valid for the client's AuthSessionValidity); return
        its ``Session`` string."""
        self._sweep()
        token = self.new_session_token()
        self.sessions[token] = ChallengeSession(
            pool_id=pool.id,
            client_id=client.id,
            username=username,
            challenge=challenge,
            expires_at=self.now() + client.auth_session_seconds,
            data=dict(data),
        )
        return token

    def take_session(
        self, token: str | None, client: AppClient | None, challenge: str | tuple[str, ...]
    ) -> ChallengeSession:
        """The open session ``token`` for ``challenge`` (or one of several) on ``client`` (any
        client when ``None``: AssociateSoftwareToken and VerifySoftwareToken name none), not yet
        consumed, or NotAuthorizedException. Callers :meth:`consume_session` it once the answer
        is accepted, so a wrong answer leaves it usable."""
        if not token:
            raise InvalidParameterError("Missing required parameter Session")
        wanted = (challenge,) if isinstance(challenge, str) else challenge
        record = self.sessions.get(token)
        if record is None and token in self.spent_sessions:
            raise NotAuthorizedError("Invalid session for the user, session can only be used once.")
        if (
            record is None
            or (client is not None and record.client_id != client.id)
            or record.challenge not in wanted
        ):
            raise NotAuthorizedError("Invalid session for the user.")
        if self.now() >= record.expires_at:
            del self.sessions[token]
            raise NotAuthorizedError("Invalid session for the user, session is expired.")
        return record

    def consume_session(self, token: str | None) -> None:
        """Spend a challenge session: presenting it again gets ``Invalid session for the user,
        session can only be used once.`` (until it would have expired)."""
        record = self.sessions.pop(token, None) if token else None
        if token and record is not None:
            self.spent_sessions[token] = record.expires_at

    def _sweep(self) -> None:
        """Forget expired sessions and SRP proofs now and then, so memory stays bounded."""
        self._created_since_sweep += 1
        if self._created_since_sweep < _SWEEP_EVERY:
            return
        self._created_since_sweep = 0
        now = self.now()
        for token in [t for t, r in self.sessions.items() if now >= r.expires_at]:
            del self.sessions[token]
        for token in [t for t, expiry in self.spent_sessions.items() if now >= expiry]:
            del self.spent_sessions[token]
        for block in [b for b, p in self.pending_srp.items() if now >= p.expires_at]:
            del self.pending_srp[block]

    def add_pending_srp(self, block: bytes, pending: PendingSrp) -> None:
        """Remember one SRP proof in progress under its SECRET_BLOCK."""
        self._sweep()
        self.pending_srp[block] = pending

    # ------------------------------------------------------------------ tokens

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

    def _new_refresh_token(self, pool: Pool, client: AppClient, family: TokenFamily) -> str:
        segments = [
            self.randbytes(256),
            self.randbytes(12),
            self.randbytes(480),
            self.randbytes(16),
        ]
        token = ".".join([_REFRESH_HEADER, *(b64url_encode(s) for s in segments)])
        digest = hashlib.sha256(token.encode("ascii")).digest()
        self.refresh_tokens[digest] = RefreshToken(
            pool_id=pool.id,
            origin_jti=family.origin_jti,
            expires_at=self.now() + client.refresh_token_seconds,
        )
        return token

    def issue_tokens(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        family: TokenFamily | None = None,
        *,
        device_key: str | None = None,
        rotate: bool = False,
    ) -> dict[str, Any]:
        """An AuthenticationResult. A new sign-in (``family`` None) starts a token family with a
        refresh token (tied to ``device_key`` when a device is involved: the access token then
        carries a ``device_key`` claim); a refresh reuses the family's ``auth_time`` and
        ``origin_jti`` and returns a new refresh token only when ``rotate`` is set."""
        now = int(self.now())
        refresh_token: str | None = None
        if family is None:
            family = TokenFamily(
                origin_jti=self.new_uuid(),
                pool_id=pool.id,
                client_id=client.id,
                username=user.username,
                sub=user.sub,
                auth_time=now,
                event_id=self.new_uuid(),
                device_key=device_key,
            )
            pool.families[family.origin_jti] = family
            refresh_token = self._new_refresh_token(pool, client, family)
        elif rotate:
            refresh_token = self._new_refresh_token(pool, client, family)
        issuer = self.issuer(pool)
        access_claims: dict[str, Any] = {
            "sub": user.sub,
            "iss": issuer,
            "client_id": client.id,
            "origin_jti": family.origin_jti,
            "event_id": family.event_id,
            "token_use": "access",
            "scope": ADMIN_SCOPE,
            "auth_time": family.auth_time,
            "exp": now + client.access_token_seconds,
            "iat": now,
            "jti": self.new_uuid(),
            "username": user.username,
        }
        if family.device_key is not None:
            access_claims["device_key"] = family.device_key
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
                "jti": self.new_uuid(),
            }
        )
        result: dict[str, Any] = {
            "AccessToken": sign_jwt(self.access_key(pool), access_claims),
            "ExpiresIn": client.access_token_seconds,
            "TokenType": "Bearer",
            "IdToken": sign_jwt(self.id_key(pool), id_claims),
        }
        if refresh_token is not None:
            result["RefreshToken"] = refresh_token
        return result

    def find_refresh(self, refresh_token: str) -> tuple[RefreshToken, TokenFamily] | None:
        """The record and token family of a refresh token this emulator issued, if any."""
        record = self.refresh_tokens.get(hashlib.sha256(refresh_token.encode("utf-8")).digest())
        if record is None:
            return None
        pool = self.pools.get(record.pool_id)
        family = pool.families.get(record.origin_jti) if pool else None
        return (record, family) if family is not None else None

    def find_family(self, refresh_token: str) -> TokenFamily | None:
        """The token family of a refresh token this emulator issued, if any."""
        found = self.find_refresh(refresh_token)
        return found[1] if found else None

    def revoke_user_tokens(self, pool: Pool, user: User) -> None:
        """Revoke every token family of ``user`` (GlobalSignOut, DeleteUser)."""
        for family in pool.families.values():
            if family.username == user.username and family.sub == user.sub:
                family.revoked = True

    def authorize(self, access_token: str) -> tuple[Pool, AppClient, User, dict[str, Any]]:
        """Check an access token as Cognito's user operations do: signature by the pool's access
        key, ``iss``, ``token_use``, expiry, the user, revocation and the admin scope."""
        invalid = NotAuthorizedError("Invalid Access Token")
        try:
            header, claims, signing_input, signature = decode_jwt(access_token)
        except (ValueError, UnicodeError):
            raise invalid from None
        iss = claims.get("iss")
        pool = self.pools.get(iss.rsplit("/", 1)[-1]) if isinstance(iss, str) else None
        if pool is None or iss != self.issuer(pool) or pool.access_key is None:
            raise invalid
        key = pool.access_key
        if header.get("alg") != "RS256" or header.get("kid") != key.kid:
            raise invalid
        if not key.verify(signing_input, signature):
            raise invalid
        if claims.get("token_use") != "access":
            raise invalid
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or self.now() >= exp:
            raise NotAuthorizedError("Access Token has expired")
        client = pool.clients.get(str(claims.get("client_id")))
        if client is None:
            raise invalid
        user = pool.users.get(pool.key(str(claims.get("username"))))
        if user is None or user.sub != claims.get("sub"):
            raise UserNotFoundError("User does not exist.")
        family = pool.families.get(str(claims.get("origin_jti")))
        if family is None or family.revoked:
            raise NotAuthorizedError("Access Token has been revoked")
        if ADMIN_SCOPE not in str(claims.get("scope", "")).split():
            raise NotAuthorizedError("Access Token does not have required scopes")
        if not user.enabled:
            raise NotAuthorizedError("User is disabled.")
        return pool, client, user, claims

    # ------------------------------------------------------------------ wire helpers

    @staticmethod
    def attribute_list(attributes: Mapping[str, str]) -> list[dict[str, str]]:
        """``[{"Name", "Value"}, …]`` as the API returns attributes."""
        return [{"Name": name, "Value": value} for name, value in attributes.items()]

    @staticmethod
    def json_string(value: Any) -> str:
        """Compact JSON, as list/map-valued ChallengeParameters carry it."""
        return json.dumps(value, separators=(",", ":"))

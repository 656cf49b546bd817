"""The emulator's pure core: ``handle(operation, body) -> dict`` over in-memory state.

No I/O and no asyncio: the web app (:mod:`authflow.emulator.app`) is a thin wrapper that parses
the JSON 1.1 request, calls :meth:`EmulatorCore.handle` and turns a raised
:class:`~authflow.protocol.errors.ServiceError` into Cognito's error response. Every request is
first validated against the service model (:mod:`authflow.emulator.validation`), then handed to
the handler registered for it (:mod:`authflow.emulator.composition`) with the emulator's
collaborators (:class:`~authflow.emulator.services.Services`) and the request's
:class:`~authflow.emulator.request_context.RequestContext`.

:class:`EmulatorCore` is the façade: it builds the collaborators and the dispatcher, offers the
Python provisioning API, and serialises every state change under one re-entrant lock, so it may
be called from several threads (the web app runs it off the event loop).
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Mapping
from typing import Any

import attrs

from authflow.emulator._service_model import OPERATION_INPUTS, SHAPES
from authflow.emulator.clock import Clock, RandBytes, system_clock, system_randbytes
from authflow.emulator.composition import build_dispatcher, build_signin_router
from authflow.emulator.config import EmulatorConfig
from authflow.emulator.dispatch import Dispatcher
from authflow.emulator.domain import AuthEventFeedback, Pool
from authflow.emulator.jwt import SigningKey
from authflow.emulator.oauth.endpoints import OAuthEndpoints
from authflow.emulator.outbox import Outbox
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.emulator.triggers import Triggers
from authflow.emulator.validation import validate_input
from authflow.protocol.errors import ValidationError

__all__ = ["ClientRef", "EmulatorCore", "KeyRotation", "PoolRef"]


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


@attrs.frozen
class KeyRotation:
    """What ``rotate_signing_keys`` returns: the kids of the pool's new keys, the kids of the keys
    they replaced (still published, see :meth:`EmulatorCore.rotate_signing_keys`) and those no
    longer published."""

    id_token_kid: str
    access_token_kid: str
    previous_kids: tuple[str, ...]
    retired_kids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The JSON form ``POST /_emulator/pools/{poolId}/rotate-keys`` answers with."""
        return {
            "idTokenKid": self.id_token_kid,
            "accessTokenKid": self.access_token_kid,
            "previousKids": list(self.previous_kids),
            "retiredKids": list(self.retired_kids),
        }


def _pascal(name: str) -> str:
    special = {
        "callback_urls": "CallbackURLs",
        "logout_urls": "LogoutURLs",
        "default_redirect_uri": "DefaultRedirectURI",
        "allowed_oauth_flows": "AllowedOAuthFlows",
        "allowed_oauth_scopes": "AllowedOAuthScopes",
        "allowed_oauth_flows_user_pool_client": "AllowedOAuthFlowsUserPoolClient",
    }
    if name in special:
        return special[name]
    if name[:1].isupper():
        return name
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


#: Where a setting the provisioning calls do not take is set instead.
_SET_ELSEWHERE = ("SetUserPoolMfaConfig", "UpdateUserPool", "UpdateUserPoolClient")


def _settings_body(
    operation: str, call: str, settings: Mapping[str, Any], given: Mapping[str, str]
) -> dict[str, Any]:
    """The request body for ``settings`` (snake_case or PascalCase members of ``operation``'s
    input). A name that is not one, or names a member given as an argument (``given``: member →
    argument), is a ValidationError naming the setting: a silently ignored setting would make a
    test pass against a pool configured otherwise than it says."""
    members = [name for name, _ in SHAPES[OPERATION_INPUTS[operation]].members]
    body: dict[str, Any] = {}
    for setting, value in settings.items():
        member = _pascal(setting)
        if member in given:
            raise ValidationError(
                f"{call}(): give {member} as the {given[member]!r} argument, not as a setting",
                field=setting,
            )
        if member not in members:
            hint = difflib.get_close_matches(member, members, n=1)
            elsewhere = [
                other
                for other in _SET_ELSEWHERE
                if member in (name for name, _ in SHAPES[OPERATION_INPUTS[other]].members)
            ]
            raise ValidationError(
                f"{call}() has no setting {setting!r}: {operation} has no member {member}"
                + (f"; did you mean {hint[0]}?" if hint else "")
                + (
                    f" (it is set with {elsewhere[0]}: emulator.handle({elsewhere[0]!r}, ...))"
                    if elsewhere
                    else ""
                ),
                field=setting,
            )
        if member in body:
            raise ValidationError(f"{call}(): {member} is given twice", field=setting)
        body[member] = value
    return body


class EmulatorCore:
    """All user pools of one emulator, and the operations on them.

    ``clock`` returns POSIX seconds and ``randbytes(n)`` returns n random bytes; both default to
    the system's. ``issuer_base`` is the endpoint URL tokens name in ``iss``
    (``{issuer_base}/{poolId}``); :class:`~authflow.emulator.Emulator` sets it once it has bound
    its port. ``dispatcher`` defaults to every operation the emulator serves
    (:func:`~authflow.emulator.composition.build_dispatcher`).

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
        dispatcher: Dispatcher | None = None,
    ) -> None:
        self.clock: Clock = clock or system_clock
        self.randbytes: RandBytes = randbytes or system_randbytes
        self.region = region
        self.config = config or EmulatorConfig()
        self.outbox = outbox if outbox is not None else Outbox()
        self.lock = threading.RLock()
        #: The collaborators the handlers work through.
        self.services = Services.create(
            clock=self.clock,
            randbytes=self.randbytes,
            region=region,
            config=self.config,
            issuer_base=issuer_base.rstrip("/"),
            outbox=self.outbox,
        )
        sign_in = build_signin_router()
        #: Operation name → handler.
        self.dispatcher = dispatcher if dispatcher is not None else build_dispatcher(sign_in)
        #: The pool domains' OAuth 2.0 endpoints and managed login pages (reusing ``sign_in``'s
        #: handlers and this core's operations).
        self.oauth = OAuthEndpoints(self.services, self.lock, sign_in, self.handle, self.config)

    def __repr__(self) -> str:
        return f"<EmulatorCore pools={len(self.pools)} issuer_base={self.issuer_base!r}>"

    @property
    def issuer_base(self) -> str:
        """The endpoint URL tokens name in ``iss`` (``{issuer_base}/{poolId}``)."""
        return self.services.tokens.issuer_base

    @issuer_base.setter
    def issuer_base(self, value: str) -> None:
        self.services.tokens.issuer_base = value

    @property
    def pools(self) -> Mapping[str, Pool]:
        """Every pool by id (a read-only view, for inspection)."""
        return self.services.directory.pools

    @property
    def auth_event_feedback(self) -> tuple[AuthEventFeedback, ...]:
        """Every UpdateAuthEventFeedback accepted, in order."""
        return self.services.feedback.entries

    # ------------------------------------------------------------------ dispatch

    def handle(
        self, operation: str, body: Mapping[str, Any], *, signed_by: str | None = None
    ) -> dict[str, Any]:
        """Run one operation; return its output structure or raise its typed ServiceError.

        ``operation`` is the name after ``AWSCognitoIdentityProviderService.`` in
        ``X-Amz-Target``; ``body`` the decoded JSON request; ``signed_by`` the access key id whose
        SigV4 signature the web layer verified, if it verified one."""
        handler = self.dispatcher.handler(operation)
        validate_input(operation, body)
        request = RequestContext.from_body(operation, body, signed_by=signed_by)
        with self.lock:
            return handler(self.services, request, dict(body))

    def operations(self) -> frozenset[str]:
        """Names of the operations this emulator serves."""
        return self.dispatcher.operations()

    # ------------------------------------------------------------------ Python provisioning API

    def create_user_pool(
        self, name: str, *, triggers: Triggers | None = None, **settings: Any
    ) -> PoolRef:
        """Create a pool as CreateUserPool would; ``settings`` are the request's members in
        snake_case (``username_attributes=["email"]``, ``policies={"PasswordPolicy": {...}}``) or
        PascalCase; a name CreateUserPool does not have is a
        :class:`~authflow.protocol.errors.ValidationError` naming it. ``triggers`` are the
        pool's Lambda triggers as Python callables."""
        body = _settings_body("CreateUserPool", "create_user_pool", settings, {"PoolName": "name"})
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
            self.services.directory.pool(pool_id).triggers = triggers

    def create_user_pool_client(
        self, pool_id: str, name: str = "app", **settings: Any
    ) -> ClientRef:
        """Create an app client as CreateUserPoolClient would (``generate_secret=True``,
        ``explicit_auth_flows=[...]``, ``prevent_user_existence_errors="ENABLED"`` …); a name
        CreateUserPoolClient does not have is a ValidationError naming it."""
        body = _settings_body(
            "CreateUserPoolClient",
            "create_user_pool_client",
            settings,
            {"UserPoolId": "pool_id", "ClientName": "name"},
        )
        body["UserPoolId"] = pool_id
        body["ClientName"] = name
        wire = self.handle("CreateUserPoolClient", body)["UserPoolClient"]
        return ClientRef(
            id=wire["ClientId"],
            pool_id=pool_id,
            name=wire["ClientName"],
            secret=wire.get("ClientSecret"),
        )

    def rotate_signing_keys(self, pool_id: str, *, retire_old: bool = False) -> KeyRotation:
        """Give the pool new ID-token and access-token signing keys (new kids); tokens are
        signed with them from now on.

        The keys replaced stay in the JWKS, and access tokens they signed stay accepted by the
        user operations, until the next rotation, so tokens already issued keep verifying (as
        when Cognito rotates its keys); ``retire_old=True`` drops them at once instead.
        ResourceNotFoundException for an unknown pool."""
        if not isinstance(pool_id, str):
            raise ValidationError("pool_id must be a str", field="pool_id")
        if not isinstance(retire_old, bool):
            raise ValidationError("retire_old must be a bool", field="retire_old")
        with self.lock:
            self.services.directory.pool(pool_id)
        # Generated outside the lock (about 0.1 s a key): requests go on meanwhile.
        id_key, access_key = SigningKey.generate(), SigningKey.generate()
        with self.lock:
            pool = self.services.directory.pool(pool_id)
            retired = self.services.tokens.rotate_keys(
                pool, id_key, access_key, retire_old=retire_old
            )
            previous = (pool.previous_id_key, pool.previous_access_key)
        return KeyRotation(
            id_token_kid=id_key.kid,
            access_token_kid=access_key.kid,
            previous_kids=tuple(k.kid for k in previous if k is not None),
            retired_kids=retired,
        )

    def jwks(self, pool_id: str) -> dict[str, Any]:
        """The pool's JSON Web Key Set (ID-token key, then access-token key, then the keys the
        last rotation replaced while they are kept)."""
        with self.lock:
            return self.services.tokens.jwks(self.services.directory.pool(pool_id))

    def openid_configuration(self, pool_id: str) -> dict[str, Any]:
        """The pool's OpenID Connect discovery document: the OAuth 2.0 endpoints appear only
        when the pool has a domain (:mod:`authflow.emulator.oauth.discovery`)."""
        return self.oauth.openid_configuration(self.issuer_base, pool_id)

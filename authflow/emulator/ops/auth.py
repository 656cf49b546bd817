"""InitiateAuth, RespondToAuthChallenge and GetTokensFromRefreshToken.

This module serves USER_PASSWORD_AUTH, USER_SRP_AUTH → PASSWORD_VERIFIER (verified for real),
REFRESH_TOKEN_AUTH / REFRESH_TOKEN, GetTokensFromRefreshToken with refresh-token rotation and
NEW_PASSWORD_REQUIRED; :mod:`.custom` (CUSTOM_AUTH), :mod:`.user_auth` (USER_AUTH), :mod:`.mfa`
and :mod:`.devices` register their flows and challenges in :data:`AUTH_FLOWS` and
:data:`CHALLENGES`. Every flow ends in :func:`authflow.emulator.ops.signin_pipeline.proceed`.

Order of checks, as Cognito: the client and its flow, SECRET_HASH (over the USERNAME sent), the
user (UserNotFoundException, or with PreventUserExistenceErrors=ENABLED a NotAuthorizedException /
a simulated SRP challenge), disabled, lockout, the password, then the user's state (unconfirmed,
reset required, temporary password), MFA, the device, tokens.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from authflow.emulator import srp_server
from authflow.emulator.attributes import check_values
from authflow.emulator.domain import (
    AppClient,
    PendingSrp,
    Pool,
    RefreshToken,
    SignInContext,
    TokenFamily,
    User,
)
from authflow.emulator.ops import operation
from authflow.emulator.ops.signin_pipeline import (
    WRONG_PASSWORD,
    Continuation,
    answering_user,
    proceed,
    required_param,
)
from authflow.emulator.ops.user_rules import attribute_map, check_writable
from authflow.protocol.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    RefreshTokenReuseError,
    UserNotFoundError,
)

if TYPE_CHECKING:
    from authflow.emulator.core import EmulatorCore

__all__ = [
    "AUTH_FLOWS",
    "CHALLENGES",
    "auth_flow",
    "challenge",
    "check_password",
    "check_proof",
    "checked_user",
    "pending_proof",
    "start_srp",
]

FlowHandler = Callable[["EmulatorCore", Pool, AppClient, dict[str, Any]], dict[str, Any]]
ChallengeHandler = Callable[
    ["EmulatorCore", Pool, AppClient, "str | None", dict[str, Any]], dict[str, Any]
]

#: AuthFlow → ``(core, pool, client, request body) -> response``, after the flow-enabled check.
AUTH_FLOWS: dict[str, FlowHandler] = {}
#: ChallengeName → handler of its answer ``(core, pool, client, session, responses)``.
CHALLENGES: dict[str, ChallengeHandler] = {}

_FLOW_SETTING = {
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
    "USER_AUTH": "ALLOW_USER_AUTH",
}


def auth_flow(name: str) -> Callable[[FlowHandler], FlowHandler]:
    """Register the decorated function as the InitiateAuth handler of AuthFlow ``name``."""

    def register(handler: FlowHandler) -> FlowHandler:
        AUTH_FLOWS[name] = handler
        return handler

    return register


def challenge(name: str) -> Callable[[ChallengeHandler], ChallengeHandler]:
    """Register the decorated function as the RespondToAuthChallenge handler of ``name``."""

    def register(handler: ChallengeHandler) -> ChallengeHandler:
        if name in CHALLENGES:
            raise RuntimeError(f"challenge {name} registered twice")
        CHALLENGES[name] = handler
        return handler

    return register


def checked_user(core: EmulatorCore, client: AppClient, pool: Pool, username: str) -> User:
    """The user signing in: unknown → UserNotFoundException (NotAuthorizedException with
    PreventUserExistenceErrors=ENABLED); disabled → NotAuthorizedException."""
    user = core.find_user(pool, username)
    if user is None:
        if client.prevent_user_existence_errors:
            raise NotAuthorizedError(WRONG_PASSWORD)
        raise UserNotFoundError("User does not exist.")
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    return user


def check_password(core: EmulatorCore, user: User, password: str) -> None:
    """Check a plain password under the lockout rules."""
    core.check_lockout(user)
    if user.password is None or not user.password.matches(password):
        core.record_failure(user)
        raise NotAuthorizedError(WRONG_PASSWORD)
    core.record_success(user)


def _device_key(params: dict[str, Any]) -> str | None:
    value = params.get("DEVICE_KEY")
    return str(value) if value else None


@auth_flow("USER_PASSWORD_AUTH")
def _password_auth(
    core: EmulatorCore, pool: Pool, client: AppClient, body: dict[str, Any]
) -> dict[str, Any]:
    params = dict(body.get("AuthParameters") or {})
    username = required_param(params, "USERNAME")
    password = required_param(params, "PASSWORD")
    core.check_secret_hash(client, username, params.get("SECRET_HASH"))
    user = checked_user(core, client, pool, username)
    check_password(core, user, password)
    ctx = SignInContext(user.username, "PASSWORD", device_key=_device_key(params))
    return proceed(core, pool, client, user, ctx)


def start_srp(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    username: str,
    srp_a: str,
    *,
    device_key: str | None,
    then: Continuation | None = None,
) -> dict[str, Any]:
    """Answer an SRP_A with PASSWORD_VERIFIER (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP,
    USERNAME); an unknown user gets a simulated challenge when existence errors are prevented.
    ``then`` runs once the proof passes (default: :func:`proceed`)."""
    srp_server.check_a(srp_a)
    user = core.find_user(pool, username)
    context: SignInContext | None
    if user is None:
        if not client.prevent_user_existence_errors:
            raise UserNotFoundError("User does not exist.")
        user_id, salt, v = srp_server.fake_identity(pool.fake_secret, pool.name_part, username)
        internal: str | None = None
        context = None
    else:
        if not user.enabled:
            raise NotAuthorizedError("User is disabled.")
        if user.password is None or user.password.verifier is None:
            raise NotAuthorizedError(WRONG_PASSWORD)
        user_id, salt, v = user.username, user.password.salt, user.password.verifier
        internal = user.username
        context = SignInContext(user.username, "SRP", device_key=device_key)
    server = srp_server.new_server(v, core.randbytes)
    block = core.randbytes(64)
    core.add_pending_srp(
        block,
        PendingSrp(
            pool_id=pool.id,
            client_id=client.id,
            username=internal,
            user_id_for_srp=user_id,
            srp_a=srp_a,
            server=server,
            verifier=v,
            expires_at=core.now() + client.auth_session_seconds,
            context=context,
            then=then,
        ),
    )
    return {
        "ChallengeName": srp_server.PASSWORD_VERIFIER,
        "ChallengeParameters": {
            "SALT": srp_server.salt_hex(salt),
            "SRP_B": server.srp_b,
            "SECRET_BLOCK": base64.b64encode(block).decode("ascii"),
            "USER_ID_FOR_SRP": user_id,
            "USERNAME": user_id,
        },
    }


@auth_flow("USER_SRP_AUTH")
def _srp_auth(
    core: EmulatorCore, pool: Pool, client: AppClient, body: dict[str, Any]
) -> dict[str, Any]:
    params = dict(body.get("AuthParameters") or {})
    username = required_param(params, "USERNAME")
    srp_a = required_param(params, "SRP_A")
    core.check_secret_hash(client, username, params.get("SECRET_HASH"))
    return start_srp(core, pool, client, username, srp_a, device_key=_device_key(params))


# ------------------------------------------------------------------------------------ refresh


def _refreshable(
    core: EmulatorCore, pool: Pool, client: AppClient, token: str, device_key: str | None
) -> tuple[RefreshToken, TokenFamily, User]:
    """The record, family and user of a refresh token this client may use now."""
    found = core.find_refresh(token)
    if found is None:
        raise NotAuthorizedError("Invalid Refresh Token")
    record, family = found
    if family.pool_id != pool.id or family.client_id != client.id:
        raise NotAuthorizedError("Invalid Refresh Token")
    if family.revoked:
        raise NotAuthorizedError("Refresh Token has been revoked")
    if core.now() >= record.expires_at:
        raise NotAuthorizedError("Refresh Token has expired")
    user = pool.users.get(pool.key(family.username))
    if user is None or user.sub != family.sub:
        raise NotAuthorizedError("Refresh Token has been revoked")
    if device_key is not None and device_key != family.device_key:
        # The device key must be the one the refresh token was issued with (protocol.md §4.3.12).
        raise NotAuthorizedError("Invalid Refresh Token")
    return record, family, user


@auth_flow("REFRESH_TOKEN_AUTH")
@auth_flow("REFRESH_TOKEN")
def _refresh(
    core: EmulatorCore, pool: Pool, client: AppClient, body: dict[str, Any]
) -> dict[str, Any]:
    if client.refresh_token_rotation:
        # protocol.md §7.3: with rotation on, only GetTokensFromRefreshToken refreshes.
        raise InvalidParameterError(
            "Refresh token rotation is enabled for this client; "
            "use GetTokensFromRefreshToken to refresh tokens."
        )
    params = dict(body.get("AuthParameters") or {})
    token = required_param(params, "REFRESH_TOKEN")
    _, family, user = _refreshable(core, pool, client, token, _device_key(params))
    core.check_secret_hash(client, user.username, params.get("SECRET_HASH"), refresh=True)
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": core.issue_tokens(pool, client, user, family),
    }


@operation("GetTokensFromRefreshToken")
def get_tokens_from_refresh_token(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """GetTokensFromRefreshToken: new ID and access tokens; with the client's
    RefreshTokenRotation ENABLED also a new refresh token. The submitted one then stays usable
    for RetryGracePeriodSeconds after its first use and answers RefreshTokenReuseException
    afterwards. Secret clients send the raw ``ClientSecret``."""
    client, pool = core.client(body["ClientId"])
    if client.secret is not None:
        given = body.get("ClientSecret")
        if not given:
            raise NotAuthorizedError(
                f"Client {client.id} is configured for secret but secret was not received"
            )
        if not hmac.compare_digest(str(given).encode(), client.secret.encode()):
            raise NotAuthorizedError(f"Unable to verify secret for client {client.id}")
    if "ALLOW_REFRESH_TOKEN_AUTH" not in client.auth_flows:
        raise InvalidParameterError("REFRESH_TOKEN_AUTH flow not enabled for this client")
    device_key = body.get("DeviceKey") or None
    record, family, user = _refreshable(core, pool, client, body["RefreshToken"], device_key)
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    rotate = client.refresh_token_rotation
    if rotate:
        now = core.now()
        if record.superseded_at is None:
            record.superseded_at = now
        elif now >= record.superseded_at + client.refresh_grace_seconds:
            raise RefreshTokenReuseError("Refresh Token has been reused.")
    result = core.issue_tokens(pool, client, user, family, rotate=rotate)
    return {"AuthenticationResult": result}


# ------------------------------------------------------------------------------------ dispatch


@operation("InitiateAuth")
def initiate_auth(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """InitiateAuth: every flow registered in :data:`AUTH_FLOWS`, each only when the app
    client's ExplicitAuthFlows allow it."""
    client, pool = core.client(body["ClientId"])
    flow = body["AuthFlow"]
    if flow not in _FLOW_SETTING:
        raise InvalidParameterError("Initiate Auth method not supported.")
    if _FLOW_SETTING[flow] not in client.auth_flows:
        raise InvalidParameterError(f"{flow} flow not enabled for this client")
    handler = AUTH_FLOWS.get(flow)
    if handler is None:  # pragma: no cover - every flow of _FLOW_SETTING is registered
        raise InvalidParameterError(f"{flow} is not supported by the authflow emulator.")
    return handler(core, pool, client, body)


@operation("RespondToAuthChallenge")
def respond_to_auth_challenge(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """RespondToAuthChallenge: every challenge registered in :data:`CHALLENGES`."""
    client, pool = core.client(body["ClientId"])
    responses = dict(body.get("ChallengeResponses") or {})
    name = body["ChallengeName"]
    answer = CHALLENGES.get(name)
    if answer is None:
        raise InvalidParameterError(f"{name} is not supported by the authflow emulator.")
    return answer(core, pool, client, body.get("Session"), responses)


# ------------------------------------------------------------------------------------ challenges


def pending_proof(
    core: EmulatorCore, pool: Pool, client: AppClient, responses: dict[str, Any], name: str
) -> tuple[PendingSrp, bytes]:
    """The SRP proof in progress named by PASSWORD_CLAIM_SECRET_BLOCK (spent whatever the
    outcome)."""
    block_text = required_param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
    try:
        block = base64.b64decode(block_text, validate=True)
    except (binascii.Error, ValueError):
        raise NotAuthorizedError(WRONG_PASSWORD) from None
    pending = core.pending_srp.pop(block, None)
    if pending is None or pending.client_id != client.id or pending.pool_id != pool.id:
        raise NotAuthorizedError(WRONG_PASSWORD)
    core.consume_session(pending.session)
    if pending.challenge != name:
        raise NotAuthorizedError(WRONG_PASSWORD)
    if core.now() >= pending.expires_at:
        raise NotAuthorizedError("Invalid session for the user, session is expired.")
    return pending, block


def check_proof(
    core: EmulatorCore, pending: PendingSrp, block: bytes, responses: dict[str, Any], pool_name: str
) -> bool:
    """Verify PASSWORD_CLAIM_SIGNATURE / TIMESTAMP of a pending SRP proof."""
    return srp_server.check_claim(
        pool_name=pool_name,
        user_id=pending.user_id_for_srp,
        v=pending.verifier,
        srp_a=pending.srp_a,
        server=pending.server,
        secret_block=block,
        timestamp=required_param(responses, "TIMESTAMP"),
        signature=required_param(responses, "PASSWORD_CLAIM_SIGNATURE"),
        now=core.now(),
        tolerance_seconds=core.config.srp_timestamp_tolerance_seconds,
    )


@challenge(srp_server.PASSWORD_VERIFIER)
def _password_verifier(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    # The SRP state lives in SECRET_BLOCK; a Session, if sent, is not needed (protocol.md §3.2).
    username = required_param(responses, "USERNAME")
    required_param(responses, "PASSWORD_CLAIM_SIGNATURE")
    required_param(responses, "TIMESTAMP")
    core.check_secret_hash(client, username, responses.get("SECRET_HASH"))
    pending, block = pending_proof(core, pool, client, responses, srp_server.PASSWORD_VERIFIER)
    user = core.find_user(pool, username) if pending.username is not None else None
    if user is not None and user.username != pending.username:
        raise NotAuthorizedError(WRONG_PASSWORD)
    if user is not None:
        if not user.enabled:
            raise NotAuthorizedError("User is disabled.")
        core.check_lockout(user)
    valid = check_proof(core, pending, block, responses, pool.name_part)
    if user is None or pending.context is None:
        raise NotAuthorizedError(WRONG_PASSWORD)
    if not valid:
        core.record_failure(user)
        raise NotAuthorizedError(WRONG_PASSWORD)
    core.record_success(user)
    ctx = pending.context
    if responses.get("DEVICE_KEY"):
        ctx.device_key = str(responses["DEVICE_KEY"])
    then = pending.then or proceed
    return then(core, pool, client, user, ctx)


@challenge("NEW_PASSWORD_REQUIRED")
def _new_password(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    record = core.take_session(session, client, "NEW_PASSWORD_REQUIRED")
    user = answering_user(core, pool, client, record, responses)
    password = required_param(responses, "NEW_PASSWORD")
    prefix = "userAttributes."
    updates = attribute_map(
        {"Name": k[len(prefix) :], "Value": v} for k, v in responses.items() if k.startswith(prefix)
    )
    check_writable(client, updates)
    check_values(pool.schema, {k: v for k, v in updates.items() if v})
    merged = {**user.attributes, **{k: v for k, v in updates.items() if v}}
    missing = [
        name
        for name, attr in pool.schema.items()
        if attr.required and name != "sub" and not merged.get(name)
    ]
    if missing:
        raise InvalidParameterError(f"Invalid attributes given, {missing[0]} is missing")
    pool.password_policy.enforce(password)
    core.consume_session(session)
    for name, value in updates.items():
        if value and user.attributes.get(name) != value:
            user.attributes[name] = value
            if name in ("email", "phone_number"):
                user.attributes[f"{name}_verified"] = "false"
    core.set_password(pool, user, password)
    user.status = "CONFIRMED"
    user.temporary_password_expires = None
    ctx = record.data["ctx"]
    return proceed(core, pool, client, user, ctx)

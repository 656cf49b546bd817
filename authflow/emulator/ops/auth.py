"""InitiateAuth and RespondToAuthChallenge.

Part 1 serves USER_PASSWORD_AUTH, USER_SRP_AUTH → PASSWORD_VERIFIER (verified for real),
REFRESH_TOKEN_AUTH / REFRESH_TOKEN, and NEW_PASSWORD_REQUIRED for admin-created users.

Order of checks, as Cognito: the client and its flow, SECRET_HASH (over the USERNAME sent), the
user (UserNotFoundException, or with PreventUserExistenceErrors=ENABLED a NotAuthorizedException /
a simulated SRP challenge), disabled, lockout, the password, then the user's state (unconfirmed,
reset required, temporary password) which decides between tokens and the next challenge.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from authflow.emulator import srp_server
from authflow.emulator.attributes import check_values
from authflow.emulator.ops import operation
from authflow.emulator.ops._users import attribute_map, check_writable
from authflow.emulator.state import AppClient, PendingSrp, Pool, User
from authflow.protocol.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    UserNotConfirmedError,
    UserNotFoundError,
)

if TYPE_CHECKING:
    from authflow.emulator.core import EmulatorCore

__all__ = ["CHALLENGES", "after_password"]

_FLOW_SETTING = {
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
    "USER_AUTH": "ALLOW_USER_AUTH",
}
_WRONG = "Incorrect username or password."


def _param(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not value:
        raise InvalidParameterError(f"Missing required parameter {name}")
    return str(value)


def _checked_user(core: EmulatorCore, client: AppClient, pool: Pool, username: str) -> User:
    user = core.find_user(pool, username)
    if user is None:
        if client.prevent_user_existence_errors:
            raise NotAuthorizedError(_WRONG)
        raise UserNotFoundError("User does not exist.")
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    return user


def _new_password_required(
    core: EmulatorCore, pool: Pool, client: AppClient, user: User
) -> dict[str, Any]:
    visible = {k: v for k, v in user.attributes.items() if k != "sub" and client.readable(k)}
    required = [
        f"userAttributes.{name}"
        for name, attr in pool.schema.items()
        if attr.required and name != "sub" and not user.attributes.get(name)
    ]
    params = {
        "USER_ID_FOR_SRP": user.username,
        "requiredAttributes": core.json_string(required),
        "userAttributes": core.json_string(visible),
    }
    return core.new_challenge(pool, client, user, "NEW_PASSWORD_REQUIRED", params)


def after_password(core: EmulatorCore, pool: Pool, client: AppClient, user: User) -> dict[str, Any]:
    """What follows a correct password: a refusal for the user's state, the next challenge,
    or tokens. (Part 2's MFA and device challenges slot in before the tokens.)"""
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedError("User is not confirmed.")
    if user.status == "RESET_REQUIRED":
        raise PasswordResetRequiredError("Password reset required for the user")
    if user.status == "FORCE_CHANGE_PASSWORD":
        expires = user.temporary_password_expires
        if expires is not None and core.now() >= expires:
            raise NotAuthorizedError(
                "Temporary password has expired and must be reset by an administrator."
            )
        return _new_password_required(core, pool, client, user)
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": core.issue_tokens(pool, client, user),
    }


def _password_auth(
    core: EmulatorCore, pool: Pool, client: AppClient, params: dict[str, Any]
) -> dict[str, Any]:
    username = _param(params, "USERNAME")
    password = _param(params, "PASSWORD")
    core.check_secret_hash(client, username, params.get("SECRET_HASH"))
    user = _checked_user(core, client, pool, username)
    core.check_lockout(user)
    if user.password is None or not user.password.matches(password):
        core.record_failure(user)
        raise NotAuthorizedError(_WRONG)
    core.record_success(user)
    return after_password(core, pool, client, user)


def _srp_auth(
    core: EmulatorCore, pool: Pool, client: AppClient, params: dict[str, Any]
) -> dict[str, Any]:
    username = _param(params, "USERNAME")
    srp_a = _param(params, "SRP_A")
    core.check_secret_hash(client, username, params.get("SECRET_HASH"))
    srp_server.check_a(srp_a)
    user = core.find_user(pool, username)
    if user is None:
        if not client.prevent_user_existence_errors:
            raise UserNotFoundError("User does not exist.")
        user_id, salt, v = srp_server.fake_identity(pool.fake_secret, pool.name_part, username)
        internal: str | None = None
    else:
        if not user.enabled:
            raise NotAuthorizedError("User is disabled.")
        if user.password is None or user.password.verifier is None:
            raise NotAuthorizedError(_WRONG)
        user_id, salt, v = user.username, user.password.salt, user.password.verifier
        internal = user.username
    server = srp_server.new_server(v, core.randbytes)
    block = core.randbytes(64)
    core.pending_srp[block] = PendingSrp(
        pool_id=pool.id,
        client_id=client.id,
        username=internal,
        user_id_for_srp=user_id,
        srp_a=srp_a,
        server=server,
        verifier=v,
        expires_at=core.now() + client.auth_session_seconds,
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


def _refresh(
    core: EmulatorCore, pool: Pool, client: AppClient, params: dict[str, Any]
) -> dict[str, Any]:
    token = _param(params, "REFRESH_TOKEN")
    family = core.find_family(token)
    if family is None or family.pool_id != pool.id or family.client_id != client.id:
        raise NotAuthorizedError("Invalid Refresh Token")
    if family.revoked:
        raise NotAuthorizedError("Refresh Token has been revoked")
    if core.now() >= family.refresh_expires:
        raise NotAuthorizedError("Refresh Token has expired")
    user = pool.users.get(pool.key(family.username))
    if user is None or user.sub != family.sub:
        raise NotAuthorizedError("Refresh Token has been revoked")
    core.check_secret_hash(client, user.username, params.get("SECRET_HASH"), refresh=True)
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": core.issue_tokens(pool, client, user, family),
    }


@operation("InitiateAuth")
def initiate_auth(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """InitiateAuth: USER_PASSWORD_AUTH, USER_SRP_AUTH, REFRESH_TOKEN_AUTH; each only when the
    app client's ExplicitAuthFlows allow it."""
    client, pool = core.client(body["ClientId"])
    flow = body["AuthFlow"]
    params = dict(body.get("AuthParameters") or {})
    if flow not in _FLOW_SETTING:
        raise InvalidParameterError("Initiate Auth method not supported.")
    if _FLOW_SETTING[flow] not in client.auth_flows:
        raise InvalidParameterError(f"{flow} flow not enabled for this client")
    if flow == "USER_PASSWORD_AUTH":
        return _password_auth(core, pool, client, params)
    if flow == "USER_SRP_AUTH":
        return _srp_auth(core, pool, client, params)
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return _refresh(core, pool, client, params)
    raise InvalidParameterError(f"{flow} is not supported by the authflow emulator yet.")


def _password_verifier(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    # The SRP state lives in SECRET_BLOCK; a Session, if sent, is not needed (protocol.md §3.2).
    username = _param(responses, "USERNAME")
    block_text = _param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
    signature = _param(responses, "PASSWORD_CLAIM_SIGNATURE")
    timestamp = _param(responses, "TIMESTAMP")
    core.check_secret_hash(client, username, responses.get("SECRET_HASH"))
    try:
        block = base64.b64decode(block_text, validate=True)
    except (binascii.Error, ValueError):
        raise NotAuthorizedError(_WRONG) from None
    # Single use: whatever the outcome, this SECRET_BLOCK is spent.
    pending = core.pending_srp.pop(block, None)
    if pending is None or pending.client_id != client.id or pending.pool_id != pool.id:
        raise NotAuthorizedError(_WRONG)
    if core.now() >= pending.expires_at:
        raise NotAuthorizedError("Invalid session for the user, session is expired.")
    user = core.find_user(pool, username) if pending.username is not None else None
    if user is not None and user.username != pending.username:
        raise NotAuthorizedError(_WRONG)
    if user is not None:
        if not user.enabled:
            raise NotAuthorizedError("User is disabled.")
        core.check_lockout(user)
    valid = srp_server.check_claim(
        pool_name=pool.name_part,
        user_id=pending.user_id_for_srp,
        v=pending.verifier,
        srp_a=pending.srp_a,
        server=pending.server,
        secret_block=block,
        timestamp=timestamp,
        signature=signature,
        now=core.now(),
        tolerance_seconds=core.config.srp_timestamp_tolerance_seconds,
    )
    if user is None:
        raise NotAuthorizedError(_WRONG)
    if not valid:
        core.record_failure(user)
        raise NotAuthorizedError(_WRONG)
    core.record_success(user)
    return after_password(core, pool, client, user)


def _new_password(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    record = core.take_session(session, client, "NEW_PASSWORD_REQUIRED")
    username = _param(responses, "USERNAME")
    core.check_secret_hash(client, username, responses.get("SECRET_HASH"))
    user = core.find_user(pool, username)
    if user is None or user.username != record.username:
        raise NotAuthorizedError("Invalid session for the user.")
    password = _param(responses, "NEW_PASSWORD")
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
    assert session is not None
    del core.sessions[session]
    for name, value in updates.items():
        if value and user.attributes.get(name) != value:
            user.attributes[name] = value
            if name in ("email", "phone_number"):
                user.attributes[f"{name}_verified"] = "false"
    core.set_password(pool, user, password)
    user.status = "CONFIRMED"
    user.temporary_password_expires = None
    return after_password(core, pool, client, user)


ChallengeHandler = Callable[
    ["EmulatorCore", Pool, AppClient, "str | None", dict[str, Any]], dict[str, Any]
]

#: ChallengeName → handler of its answer ``(core, pool, client, session, responses)``.
CHALLENGES: dict[str, ChallengeHandler] = {
    srp_server.PASSWORD_VERIFIER: _password_verifier,
    "NEW_PASSWORD_REQUIRED": _new_password,
}


@operation("RespondToAuthChallenge")
def respond_to_auth_challenge(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """RespondToAuthChallenge: PASSWORD_VERIFIER and NEW_PASSWORD_REQUIRED."""
    client, pool = core.client(body["ClientId"])
    responses = dict(body.get("ChallengeResponses") or {})
    name = body["ChallengeName"]
    answer = CHALLENGES.get(name)
    if answer is None:
        raise InvalidParameterError(f"{name} is not supported by the authflow emulator yet.")
    return answer(core, pool, client, body.get("Session"), responses)

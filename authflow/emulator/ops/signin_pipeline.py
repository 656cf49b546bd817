"""The sign-in pipeline every auth flow ends in, and the rules its challenges share.

Once a first factor has passed (a password, an SRP proof, custom-auth triggers, a one-time code or
a ConfirmSignUp Session), :func:`proceed` decides what comes next, in Cognito's order:

1. the user's state: UNCONFIRMED → UserNotConfirmedException, RESET_REQUIRED →
   PasswordResetRequiredException, a temporary password → NEW_PASSWORD_REQUIRED;
2. the remembered device the client presented (DEVICE_KEY): unknown, forgotten, another user's or
   never confirmed → ``ResourceNotFoundException: Device does not exist.``;
3. MFA (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE or MFA_SETUP), unless the pool's
   MFA is off, the first factor was custom auth, a one-time code in an OPTIONAL pool, or the device
   is remembered in a pool that suppresses MFA on remembered devices
   (``ChallengeRequiredOnNewDevice``);
4. device authentication (DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER) for a presented device;
5. tokens, with NewDeviceMetadata when the pool tracks devices and none was presented.

Each challenge carries the :class:`~authflow.emulator.domain.SignInContext` in its session; every
answer goes through :func:`answering_user` (USERNAME, SECRET_HASH, DEVICE_KEY) and, once
accepted, spends its session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from authflow.emulator.challenge_sessions import json_parameter
from authflow.emulator.credentials import WRONG_PASSWORD
from authflow.emulator.domain import AppClient, ChallengeSession, Device, Pool, SignInContext, User
from authflow.emulator.ops import device_rules, mfa_challenges
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    UserNotConfirmedError,
    UserNotFoundError,
)

__all__ = [
    "Continuation",
    "answering_user",
    "check_startable",
    "checked_user",
    "device_key_param",
    "new_password_required",
    "proceed",
    "required_param",
]

#: What to run once a step succeeds: ``(services, pool, client, user, context) -> response``.
Continuation = Callable[[Services, Pool, AppClient, User, SignInContext], dict[str, Any]]


def required_param(params: dict[str, Any], name: str) -> str:
    """A required AuthParameters/ChallengeResponses value, or InvalidParameterException."""
    value = params.get(name)
    if not value:
        raise InvalidParameterError(f"Missing required parameter {name}")
    return str(value)


def device_key_param(params: dict[str, Any]) -> str | None:
    """The DEVICE_KEY a sign-in presented in its AuthParameters, if any."""
    value = params.get("DEVICE_KEY")
    return str(value) if value else None


def checked_user(svc: Services, client: AppClient, pool: Pool, username: str) -> User:
    """The user signing in with a password: unknown → UserNotFoundException
    (NotAuthorizedException with PreventUserExistenceErrors=ENABLED); disabled →
    NotAuthorizedException."""
    user = svc.directory.find_user(pool, username)
    if user is None:
        if client.prevent_user_existence_errors:
            raise NotAuthorizedError(WRONG_PASSWORD)
        raise UserNotFoundError("User does not exist.")
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    return user


def check_startable(user: User) -> None:
    """The state checks of a sign-in that starts without a password (custom auth, one-time
    codes): disabled, unconfirmed, reset required."""
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedError("User is not confirmed.")
    if user.status == "RESET_REQUIRED":
        raise PasswordResetRequiredError("Password reset required for the user")


def answering_user(
    svc: Services,
    pool: Pool,
    client: AppClient,
    record: ChallengeSession,
    responses: dict[str, Any],
) -> User:
    """The user answering challenge session ``record``: USERNAME must name the session's user
    (by username, alias or sub), SECRET_HASH must match it, and the user must still be enabled.
    A DEVICE_KEY in the answer replaces the one the sign-in started with."""
    username = required_param(responses, "USERNAME")
    svc.credentials.check_secret_hash(client, username, responses.get("SECRET_HASH"))
    user = svc.directory.find_user(pool, username)
    if user is None or user.username != record.username:
        raise NotAuthorizedError("Invalid session for the user.")
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    ctx = record.data.get("ctx")
    if isinstance(ctx, SignInContext) and responses.get("DEVICE_KEY"):
        ctx.device_key = str(responses["DEVICE_KEY"])
    return user


def new_password_required(
    svc: Services, pool: Pool, client: AppClient, user: User, ctx: SignInContext
) -> dict[str, Any]:
    """The NEW_PASSWORD_REQUIRED challenge of a user with a temporary password."""
    visible = {k: v for k, v in user.attributes.items() if k != "sub" and client.readable(k)}
    required = [
        f"userAttributes.{name}"
        for name, attr in pool.schema.items()
        if attr.required and name != "sub" and not user.attributes.get(name)
    ]
    params = {
        "USER_ID_FOR_SRP": user.username,
        "requiredAttributes": json_parameter(required),
        "userAttributes": json_parameter(visible),
    }
    return svc.challenges.challenge(pool, client, user, "NEW_PASSWORD_REQUIRED", params, ctx=ctx)


def _mfa_applies(pool: Pool, ctx: SignInContext, device: Device | None) -> bool:
    if ctx.mfa_done or pool.mfa_mode == "OFF" or ctx.first_factor == "CUSTOM":
        return False
    if ctx.first_factor in ("OTP", "SIGN_UP") and pool.mfa_mode != "ON":
        return False
    config = pool.device_configuration or {}
    suppressed = bool(config.get("ChallengeRequiredOnNewDevice"))
    return not (device is not None and device.remembered and suppressed)


def proceed(
    svc: Services, pool: Pool, client: AppClient, user: User, ctx: SignInContext
) -> dict[str, Any]:
    """What follows a passed step: a refusal for the user's state, the next challenge, or tokens
    (see the module docs for the order)."""
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedError("User is not confirmed.")
    if user.status == "RESET_REQUIRED":
        raise PasswordResetRequiredError("Password reset required for the user")
    if user.status == "FORCE_CHANGE_PASSWORD" and ctx.first_factor in ("PASSWORD", "SRP"):
        expires = user.temporary_password_expires
        if expires is not None and svc.now() >= expires:
            raise NotAuthorizedError(
                "Temporary password has expired and must be reset by an administrator."
            )
        return new_password_required(svc, pool, client, user, ctx)
    device = device_rules.presented_device(pool, user, ctx.device_key)
    if _mfa_applies(pool, ctx, device):
        challenge = mfa_challenges.mfa_challenge(svc, pool, client, user, ctx)
        if challenge is not None:
            return challenge
    if device is not None and not ctx.device_done:
        return device_rules.device_srp_challenge(svc, pool, client, user, ctx, device)
    return _finish(svc, pool, client, user, device)


def _finish(
    svc: Services, pool: Pool, client: AppClient, user: User, device: Device | None
) -> dict[str, Any]:
    metadata: dict[str, str] | None = None
    if device is not None:
        device.last_authenticated = svc.now()
        device_key: str | None = device.key
    elif pool.device_configuration is not None:
        issued = device_rules.new_device(svc, pool, user)
        metadata = {"DeviceKey": issued.key, "DeviceGroupKey": issued.group_key}
        device_key = issued.key
    else:
        device_key = None
    result = svc.tokens.issue(pool, client, user, device_key=device_key)
    if metadata is not None:
        result["NewDeviceMetadata"] = metadata
    return {"ChallengeParameters": {}, "AuthenticationResult": result}

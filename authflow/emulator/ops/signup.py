"""Self-service sign-up, confirmation codes and forgotten passwords.

SignUp runs the pool's PreSignUp trigger (a Python callable, see :mod:`authflow.emulator.triggers`)
before the user is stored: raising refuses the sign-up (UserLambdaValidationException), and
``autoConfirmUser`` / ``autoVerifyEmail`` / ``autoVerifyPhone`` confirm the user and mark the
attributes verified without sending a code. A pool whose AllowedFirstAuthFactors include
EMAIL_OTP or SMS_OTP accepts a SignUp without Password (passwordless users). The Session that
ConfirmSignUp returns (or SignUp, for a user confirmed by the trigger) signs the user in once
through InitiateAuth USER_AUTH.
"""

from __future__ import annotations

from typing import Any

from authflow.emulator.domain import AppClient, Pool, User
from authflow.emulator.ops.user_rules import (
    attribute_map,
    check_writable,
    delivery_attribute,
    fake_delivery,
    mark_verified,
    new_user,
    pre_sign_up,
    recovery_attribute,
    require_attributes,
)
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    CodeMismatchError,
    InvalidParameterError,
    NotAuthorizedError,
    UserNotFoundError,
)

__all__ = [
    "confirm_forgot_password",
    "confirm_sign_up",
    "forgot_password",
    "resend_confirmation_code",
    "sign_up",
]

_NOT_FOUND = "Username/client id combination not found."


def _sign_up_session(
    svc: Services, pool: Pool, client: AppClient, user: User, *, confirmed: bool
) -> str:
    """A Session that a later step may present: ConfirmSignUp, or (once ``confirmed``) a
    USER_AUTH sign-in."""
    return svc.challenges.open(pool, client, user.username, "SIGN_UP", confirmed=confirmed)


def _user_or_none(svc: Services, client: AppClient, pool: Pool, username: str) -> User | None:
    """The user, ``None`` for an unknown user under PreventUserExistenceErrors=ENABLED, else
    UserNotFoundException."""
    user = svc.directory.find_user(pool, username)
    if user is None and not client.prevent_user_existence_errors:
        raise UserNotFoundError(_NOT_FOUND)
    return user


def sign_up(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """SignUp: UNCONFIRMED user; a code to the auto-verified phone or e-mail (in the outbox)."""
    client, pool = svc.directory.client(body["ClientId"])
    username = body["Username"]
    svc.credentials.check_secret_hash(client, username, body.get("SecretHash"))
    if pool.admin_create_user_only:
        raise NotAuthorizedError("SignUp is not permitted for this user pool")
    password = body.get("Password")
    passwordless = {"EMAIL_OTP", "SMS_OTP"} & set(pool.first_auth_factors)
    if not password and not passwordless:
        raise InvalidParameterError("A password is required to sign up in this user pool.")
    attributes = attribute_map(body.get("UserAttributes"))
    check_writable(client, attributes)
    user = new_user(
        svc,
        pool,
        username,
        attributes,
        status="UNCONFIRMED",
        exists_message="User already exists",
    )
    require_attributes(pool, user.attributes)
    if password:
        pool.password_policy.enforce(password, wording="did not conform with policy")
    flags = pre_sign_up(request, pool, client, user, body, "PreSignUp_SignUp")
    if password:
        svc.credentials.set_password(pool, user, password)
    pool.add_user(user)
    confirmed = flags["autoConfirmUser"]
    if confirmed:
        user.status = "CONFIRMED"
    if flags["autoVerifyEmail"]:
        mark_verified(pool, user, "email")
    if flags["autoVerifyPhone"]:
        mark_verified(pool, user, "phone_number")
    result: dict[str, Any] = {"UserConfirmed": confirmed, "UserSub": user.sub}
    attribute = delivery_attribute(pool, user)
    if attribute is not None and not confirmed:
        result["CodeDeliveryDetails"] = svc.codes.send(
            pool,
            user,
            "SIGN_UP",
            attribute,
            client=client,
            ttl=svc.config.sign_up_code_seconds,
        )
    result["Session"] = _sign_up_session(svc, pool, client, user, confirmed=confirmed)
    return result


def confirm_sign_up(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """ConfirmSignUp: the code is checked (wrong, expired, too many tries); the delivery
    attribute becomes verified; returns a Session for a follow-up USER_AUTH sign-in."""
    client, pool = svc.directory.client(body["ClientId"])
    username = body["Username"]
    svc.credentials.check_secret_hash(client, username, body.get("SecretHash"))
    user = _user_or_none(svc, client, pool, username)
    if user is None:
        raise CodeMismatchError("Invalid verification code provided, please try again.")
    if user.status != "UNCONFIRMED":
        raise NotAuthorizedError(f"User cannot be confirmed. Current status is {user.status}")
    record = svc.codes.check(user, "SIGN_UP", body["ConfirmationCode"], consume=False)
    if record.attribute:
        mark_verified(
            pool, user, record.attribute, force_alias=bool(body.get("ForceAliasCreation"))
        )
    svc.codes.discard(user, "SIGN_UP")
    user.status = "CONFIRMED"
    user.modified = svc.now()
    svc.challenges.consume(body.get("Session"))
    return {"Session": _sign_up_session(svc, pool, client, user, confirmed=True)}


def resend_confirmation_code(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """ResendConfirmationCode: a new code replaces the previous one."""
    client, pool = svc.directory.client(body["ClientId"])
    username = body["Username"]
    svc.credentials.check_secret_hash(client, username, body.get("SecretHash"))
    user = _user_or_none(svc, client, pool, username)
    if user is None:
        return {"CodeDeliveryDetails": fake_delivery(username)}
    if user.status != "UNCONFIRMED":
        raise InvalidParameterError("User is already confirmed.")
    attribute = delivery_attribute(pool, user)
    if attribute is None:
        raise InvalidParameterError("Cannot resend codes. Auto verification not turned on.")
    details = svc.codes.send(
        pool, user, "SIGN_UP", attribute, client=client, ttl=svc.config.sign_up_code_seconds
    )
    return {"CodeDeliveryDetails": details}


def forgot_password(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """ForgotPassword: a reset code to the verified phone or e-mail (AccountRecoverySetting)."""
    client, pool = svc.directory.client(body["ClientId"])
    username = body["Username"]
    svc.credentials.check_secret_hash(client, username, body.get("SecretHash"))
    user = _user_or_none(svc, client, pool, username)
    if user is None:
        return {"CodeDeliveryDetails": fake_delivery(username)}
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    attribute = recovery_attribute(pool, user)
    if attribute is None:
        raise InvalidParameterError(
            "Cannot reset password for the user as there is no registered/verified email or "
            "phone_number"
        )
    details = svc.codes.send(
        pool,
        user,
        "FORGOT_PASSWORD",
        attribute,
        client=client,
        ttl=svc.config.reset_code_seconds,
    )
    return {"CodeDeliveryDetails": details}


def confirm_forgot_password(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """ConfirmForgotPassword: code checked first, then the policy; the code survives a policy
    failure so the user can pick another password."""
    client, pool = svc.directory.client(body["ClientId"])
    username = body["Username"]
    svc.credentials.check_secret_hash(client, username, body.get("SecretHash"))
    user = _user_or_none(svc, client, pool, username)
    if user is None:
        raise CodeMismatchError("Invalid verification code provided, please try again.")
    svc.codes.check(user, "FORGOT_PASSWORD", body["ConfirmationCode"], consume=False)
    password = body["Password"]
    pool.password_policy.enforce(password)
    svc.codes.discard(user, "FORGOT_PASSWORD")
    svc.credentials.set_password(pool, user, password)
    svc.credentials.record_success(user)
    if user.status in ("RESET_REQUIRED", "FORCE_CHANGE_PASSWORD"):
        user.status = "CONFIRMED"
        user.temporary_password_expires = None
    return {}

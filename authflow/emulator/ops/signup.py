"""Self-service sign-up, confirmation codes and forgotten passwords."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from authflow.emulator.ops import operation
from authflow.emulator.ops._users import (
    attribute_map,
    check_writable,
    delivery_attribute,
    fake_delivery,
    mark_verified,
    new_user,
    recovery_attribute,
    require_attributes,
)
from authflow.emulator.state import AppClient, ChallengeSession, Pool, User
from authflow.protocol.errors import (
    CodeMismatchError,
    InvalidParameterError,
    NotAuthorizedError,
    UserNotFoundError,
)

if TYPE_CHECKING:
    from authflow.emulator.core import EmulatorCore

__all__: list[str] = []

_NOT_FOUND = "Username/client id combination not found."


def _sign_up_session(core: EmulatorCore, pool: Pool, client: AppClient, user: User) -> str:
    """A Session that a later step (ConfirmSignUp, then USER_AUTH sign-in) may present."""
    token = core.new_session_token()
    core.sessions[token] = ChallengeSession(
        pool_id=pool.id,
        client_id=client.id,
        username=user.username,
        challenge="SIGN_UP",
        expires_at=core.now() + client.auth_session_seconds,
    )
    return token


def _user_or_none(core: EmulatorCore, client: AppClient, pool: Pool, username: str) -> User | None:
    """The user, ``None`` for an unknown user under PreventUserExistenceErrors=ENABLED, else
    UserNotFoundException."""
    user = core.find_user(pool, username)
    if user is None and not client.prevent_user_existence_errors:
        raise UserNotFoundError(_NOT_FOUND)
    return user


@operation("SignUp")
def sign_up(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """SignUp: UNCONFIRMED user; a code to the auto-verified phone or e-mail (in the outbox)."""
    client, pool = core.client(body["ClientId"])
    username = body["Username"]
    core.check_secret_hash(client, username, body.get("SecretHash"))
    if pool.admin_create_user_only:
        raise NotAuthorizedError("SignUp is not permitted for this user pool")
    password = body.get("Password")
    if not password:
        raise InvalidParameterError("A password is required to sign up in this user pool.")
    attributes = attribute_map(body.get("UserAttributes"))
    check_writable(client, attributes)
    user = new_user(
        core,
        pool,
        username,
        attributes,
        status="UNCONFIRMED",
        exists_message="User already exists",
    )
    require_attributes(pool, user.attributes)
    pool.password_policy.enforce(password, wording="did not conform with policy")
    core.set_password(pool, user, password)
    pool.users[pool.key(user.username)] = user
    result: dict[str, Any] = {"UserConfirmed": False, "UserSub": user.sub}
    attribute = delivery_attribute(pool, user)
    if attribute is not None:
        result["CodeDeliveryDetails"] = core.send_code(
            pool,
            user,
            "SIGN_UP",
            attribute,
            client=client,
            ttl=core.config.sign_up_code_seconds,
        )
    result["Session"] = _sign_up_session(core, pool, client, user)
    return result


@operation("ConfirmSignUp")
def confirm_sign_up(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """ConfirmSignUp: the code is checked (wrong, expired, too many tries); the delivery
    attribute becomes verified; returns a Session for a follow-up USER_AUTH sign-in."""
    client, pool = core.client(body["ClientId"])
    username = body["Username"]
    core.check_secret_hash(client, username, body.get("SecretHash"))
    user = _user_or_none(core, client, pool, username)
    if user is None:
        raise CodeMismatchError("Invalid verification code provided, please try again.")
    if user.status != "UNCONFIRMED":
        raise NotAuthorizedError(f"User cannot be confirmed. Current status is {user.status}")
    record = core.check_code(user, "SIGN_UP", body["ConfirmationCode"], consume=False)
    if record.attribute:
        mark_verified(
            pool, user, record.attribute, force_alias=bool(body.get("ForceAliasCreation"))
        )
    del user.codes["SIGN_UP"]
    user.status = "CONFIRMED"
    user.modified = core.now()
    if body.get("Session"):
        core.sessions.pop(body["Session"], None)
    return {"Session": _sign_up_session(core, pool, client, user)}


@operation("ResendConfirmationCode")
def resend_confirmation_code(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """ResendConfirmationCode: a new code replaces the previous one."""
    client, pool = core.client(body["ClientId"])
    username = body["Username"]
    core.check_secret_hash(client, username, body.get("SecretHash"))
    user = _user_or_none(core, client, pool, username)
    if user is None:
        return {"CodeDeliveryDetails": fake_delivery(username)}
    if user.status != "UNCONFIRMED":
        raise InvalidParameterError("User is already confirmed.")
    attribute = delivery_attribute(pool, user)
    if attribute is None:
        raise InvalidParameterError("Cannot resend codes. Auto verification not turned on.")
    details = core.send_code(
        pool, user, "SIGN_UP", attribute, client=client, ttl=core.config.sign_up_code_seconds
    )
    return {"CodeDeliveryDetails": details}


@operation("ForgotPassword")
def forgot_password(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """ForgotPassword: a reset code to the verified phone or e-mail (AccountRecoverySetting)."""
    client, pool = core.client(body["ClientId"])
    username = body["Username"]
    core.check_secret_hash(client, username, body.get("SecretHash"))
    user = _user_or_none(core, client, pool, username)
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
    details = core.send_code(
        pool,
        user,
        "FORGOT_PASSWORD",
        attribute,
        client=client,
        ttl=core.config.reset_code_seconds,
    )
    return {"CodeDeliveryDetails": details}


@operation("ConfirmForgotPassword")
def confirm_forgot_password(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """ConfirmForgotPassword: code checked first, then the policy; the code survives a policy
    failure so the user can pick another password."""
    client, pool = core.client(body["ClientId"])
    username = body["Username"]
    core.check_secret_hash(client, username, body.get("SecretHash"))
    user = _user_or_none(core, client, pool, username)
    if user is None:
        raise CodeMismatchError("Invalid verification code provided, please try again.")
    core.check_code(user, "FORGOT_PASSWORD", body["ConfirmationCode"], consume=False)
    password = body["Password"]
    pool.password_policy.enforce(password)
    del user.codes["FORGOT_PASSWORD"]
    core.set_password(pool, user, password)
    core.record_success(user)
    if user.status in ("RESET_REQUIRED", "FORCE_CHANGE_PASSWORD"):
        user.status = "CONFIRMED"
        user.temporary_password_expires = None
    return {}

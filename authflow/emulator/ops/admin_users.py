"""The admin user operations SDKs provision users with (accepted unsigned, like moto does).

AdminCreateUser (temporary password, invitation, RESEND), AdminSetUserPassword,
AdminConfirmSignUp, AdminGetUser, AdminDeleteUser, AdminDisableUser, AdminEnableUser,
AdminResetUserPassword, AdminUpdateUserAttributes, and ListUsers with its filter language.
"""

from __future__ import annotations

import re
from typing import Any

from authflow.emulator.attributes import check_values
from authflow.emulator.domain import Pool, User
from authflow.emulator.ops.user_rules import (
    attribute_list,
    attribute_map,
    check_unique,
    mark_verified,
    mfa_view,
    new_user,
    pre_sign_up,
    recovery_attribute,
    user_type,
)
from authflow.emulator.passwords import new_temporary_password
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import InvalidParameterError, NotAuthorizedError, service_error

__all__ = [
    "admin_confirm_sign_up",
    "admin_create_user",
    "admin_delete_user",
    "admin_disable_user",
    "admin_enable_user",
    "admin_get_user",
    "admin_reset_user_password",
    "admin_set_user_password",
    "admin_update_user_attributes",
    "list_users",
]


def _admin_user(svc: Services, body: dict[str, Any]) -> tuple[Pool, User]:
    pool = svc.directory.pool(body["UserPoolId"])
    return pool, svc.directory.require_user(pool, body["Username"])


def _invite(svc: Services, pool: Pool, user: User, body: dict[str, Any], temp: str) -> None:
    if body.get("MessageAction") == "SUPPRESS":
        return
    for medium in body.get("DesiredDeliveryMediums") or ["SMS"]:
        attribute = "email" if medium == "EMAIL" else "phone_number"
        if user.attributes.get(attribute):
            svc.codes.send(pool, user, "INVITATION", attribute, code=temp)


def admin_create_user(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """AdminCreateUser: FORCE_CHANGE_PASSWORD with a temporary password (given or generated),
    an invitation in the outbox (its code is the temporary password) unless SUPPRESS; RESEND
    renews the temporary password of a user still in FORCE_CHANGE_PASSWORD."""
    pool = svc.directory.pool(body["UserPoolId"])
    policy = pool.password_policy
    temp = body.get("TemporaryPassword")
    if temp is not None:
        policy.enforce(temp, wording="did not conform with policy")
    else:
        temp = new_temporary_password(policy, svc.randomness.randbytes)
    validity = policy.temporary_password_validity_days * 86400
    if body.get("MessageAction") == "RESEND":
        user = svc.directory.require_user(pool, body["Username"])
        if user.status != "FORCE_CHANGE_PASSWORD":
            raise service_error(
                "UnsupportedUserStateException", f"User is in an invalid state: {user.status}"
            )
    else:
        attributes = attribute_map(body.get("UserAttributes"))
        user = new_user(
            svc,
            pool,
            body["Username"],
            attributes,
            status="FORCE_CHANGE_PASSWORD",
            exists_message="User account already exists",
        )
        pre_sign_up(request, pool, None, user, body, "PreSignUp_AdminCreateUser")
        pool.add_user(user)
    svc.credentials.set_password(pool, user, temp)
    user.status = "FORCE_CHANGE_PASSWORD"
    user.temporary_password_expires = svc.now() + validity
    _invite(svc, pool, user, body, temp)
    return {"User": user_type(user)}


def admin_set_user_password(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """AdminSetUserPassword: permanent → CONFIRMED, else FORCE_CHANGE_PASSWORD."""
    pool, user = _admin_user(svc, body)
    password = body["Password"]
    pool.password_policy.enforce(password)
    svc.credentials.set_password(pool, user, password)
    svc.credentials.record_success(user)
    if body.get("Permanent"):
        user.status = "CONFIRMED"
        user.temporary_password_expires = None
    else:
        user.status = "FORCE_CHANGE_PASSWORD"
        days = pool.password_policy.temporary_password_validity_days
        user.temporary_password_expires = svc.now() + days * 86400
    return {}


def admin_confirm_sign_up(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """AdminConfirmSignUp (only from UNCONFIRMED)."""
    _, user = _admin_user(svc, body)
    if user.status != "UNCONFIRMED":
        raise NotAuthorizedError(f"User cannot be confirmed. Current status is {user.status}")
    user.status = "CONFIRMED"
    user.modified = svc.now()
    return {}


def admin_get_user(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """AdminGetUser."""
    _, user = _admin_user(svc, body)
    return {
        "Username": user.username,
        "UserAttributes": attribute_list(user.attributes),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status,
        **mfa_view(user),
    }


def admin_delete_user(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """AdminDeleteUser (its tokens stop working)."""
    pool, user = _admin_user(svc, body)
    svc.tokens.revoke_user_tokens(pool, user)
    pool.remove_user(user)
    return {}


def admin_disable_user(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """AdminDisableUser: sign-in refused with ``User is disabled.``; tokens revoked."""
    pool, user = _admin_user(svc, body)
    user.enabled = False
    svc.tokens.revoke_user_tokens(pool, user)
    user.modified = svc.now()
    return {}


def admin_enable_user(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """AdminEnableUser."""
    _, user = _admin_user(svc, body)
    user.enabled = True
    user.modified = svc.now()
    return {}


def admin_reset_user_password(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """AdminResetUserPassword: RESET_REQUIRED, and a reset code to a verified e-mail/phone."""
    pool, user = _admin_user(svc, body)
    attribute = recovery_attribute(pool, user)
    if attribute is None:
        raise InvalidParameterError(
            "Cannot reset password for the user as there is no registered/verified email or "
            "phone_number"
        )
    user.status = "RESET_REQUIRED"
    svc.codes.send(pool, user, "FORGOT_PASSWORD", attribute, ttl=svc.config.reset_code_seconds)
    return {}


def admin_update_user_attributes(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """AdminUpdateUserAttributes: may also set the ``*_verified`` flags directly."""
    pool, user = _admin_user(svc, body)
    values = attribute_map(body.get("UserAttributes"))
    if "sub" in values:
        raise InvalidParameterError("Cannot modify the non-mutable attribute sub")
    check_values(pool.schema, {k: v for k, v in values.items() if v})
    for name, value in values.items():
        if name in ("email", "phone_number") and value:
            check_unique(pool, user, name, value)
    for name, value in values.items():
        if not value:
            user.attributes.pop(name, None)
            continue
        changed = user.attributes.get(name) != value
        user.attributes[name] = value
        if name in ("email", "phone_number") and changed and f"{name}_verified" not in values:
            user.attributes[f"{name}_verified"] = "false"
    for name in ("email", "phone_number"):
        if values.get(f"{name}_verified") == "true":
            mark_verified(pool, user, name, force_alias=True)
    user.modified = svc.now()
    return {}


_FILTER = re.compile(r'\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*')
_FILTERABLE = {
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
}


def _filter_value(user: User, attribute: str) -> str:
    if attribute == "username":
        return user.username
    if attribute == "cognito:user_status":
        return user.status
    if attribute == "status":
        return "Enabled" if user.enabled else "Disabled"
    return user.attributes.get(attribute, "")


def list_users(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """ListUsers with ``Filter`` (``attr = "v"`` / ``attr ^= "prefix"``), ``Limit`` (default
    60), ``PaginationToken`` and ``AttributesToGet``."""
    pool = svc.directory.pool(body["UserPoolId"])
    users = sorted(pool.users.values(), key=lambda u: (u.created, u.username))
    text = body.get("Filter")
    if text:
        match = _FILTER.fullmatch(text)
        if match is None or match.group(1) not in _FILTERABLE:
            raise InvalidParameterError("Error while parsing filter.")
        attribute, op, value = match.group(1), match.group(2), match.group(3)
        if op == "=":
            users = [u for u in users if _filter_value(u, attribute) == value]
        else:
            users = [u for u in users if _filter_value(u, attribute).startswith(value)]
    start = 0
    token = body.get("PaginationToken")
    if token:
        try:
            start = int(token)
        except ValueError:
            raise InvalidParameterError("Invalid pagination token.") from None
    limit = body.get("Limit") or 60
    page = users[start : start + limit]
    result: dict[str, Any] = {"Users": [user_type(u, body.get("AttributesToGet")) for u in page]}
    if start + limit < len(users):
        result["PaginationToken"] = str(start + limit)
    return result

"""Provisioning: user pools, app clients and the admin user operations (accepted unsigned).

Update operations follow Cognito's documented semantics: a member left out of UpdateUserPool or
UpdateUserPoolClient is reset to its default, not kept. A pool created or updated with
MfaConfiguration ON/OPTIONAL and no MFA factor set up gets SMS MFA (what that setting meant before
SetUserPoolMfaConfig existed). Python triggers show in ``LambdaConfig`` as placeholder ARNs and
survive UpdateUserPool (they are not wire settings).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from authflow.emulator.attributes import STANDARD_ATTRIBUTES, build_schema, check_values
from authflow.emulator.domain import AppClient, Pool, User
from authflow.emulator.ops import operation
from authflow.emulator.ops.mfa import mfa_view
from authflow.emulator.ops.signup import pre_sign_up
from authflow.emulator.ops.user_rules import (
    attribute_map,
    check_unique,
    mark_verified,
    new_user,
    recovery_attribute,
    user_type,
)
from authflow.emulator.passwords import PasswordPolicy, new_temporary_password
from authflow.protocol.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    service_error,
)

if TYPE_CHECKING:
    from authflow.emulator.core import EmulatorCore

__all__: list[str] = []

# Settings CreateUserPool fixes for good (UpdateUserPool has no such members).
_POOL_FIXED = ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration", "Schema")
_LEGACY_FLOWS = {"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"}
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def _pool_settings(body: dict[str, Any]) -> dict[str, Any]:
    settings = {k: v for k, v in body.items() if k not in ("PoolName", "UserPoolId")}
    policies = dict(settings.get("Policies") or {})
    policies["PasswordPolicy"] = PasswordPolicy.from_wire(policies.get("PasswordPolicy")).to_wire()
    policies.setdefault("SignInPolicy", {"AllowedFirstAuthFactors": ["PASSWORD"]})
    settings["Policies"] = policies
    settings.setdefault("MfaConfiguration", "OFF")
    settings.setdefault("DeletionProtection", "INACTIVE")
    admin = {"AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 7}
    admin.update(settings.get("AdminCreateUserConfig") or {})
    settings["AdminCreateUserConfig"] = admin
    settings.setdefault("UserPoolTier", "ESSENTIALS")
    settings.setdefault("LambdaConfig", {})
    return settings


def _default_mfa(pool: Pool) -> None:
    if pool.mfa_mode != "OFF" and not pool.mfa_factors():
        sms: dict[str, Any] = {}
        if pool.settings.get("SmsAuthenticationMessage"):
            sms["SmsAuthenticationMessage"] = pool.settings["SmsAuthenticationMessage"]
        if pool.settings.get("SmsConfiguration"):
            sms["SmsConfiguration"] = pool.settings["SmsConfiguration"]
        pool.mfa_config = {**pool.mfa_config, "SmsMfaConfiguration": sms}


def describe_pool(core: EmulatorCore, pool: Pool) -> dict[str, Any]:
    """``UserPoolType`` as DescribeUserPool returns it."""
    wire = {k: v for k, v in pool.settings.items() if k != "Schema"}
    wire["LambdaConfig"] = {
        **(pool.settings.get("LambdaConfig") or {}),
        **pool.triggers.lambda_config(pool.region),
    }
    wire.update(
        {
            "Id": pool.id,
            "Name": pool.name,
            "Arn": pool.arn,
            "CreationDate": pool.created,
            "LastModifiedDate": pool.modified,
            "SchemaAttributes": [attr.to_wire() for attr in pool.schema.values()],
            "EstimatedNumberOfUsers": len(pool.users),
        }
    )
    return wire


@operation("CreateUserPool")
def create_user_pool(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """CreateUserPool: password policy, username/alias attributes, auto-verification, schema."""
    if body.get("AliasAttributes") and body.get("UsernameAttributes"):
        raise InvalidParameterError(
            "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."
        )
    for attribute in body.get("AutoVerifiedAttributes") or ():
        if attribute not in ("email", "phone_number"):
            raise InvalidParameterError(f"Invalid auto verified attribute {attribute}.")
    schema = build_schema(body.get("Schema"))
    now = core.now()
    pool = Pool(
        id=core.new_pool_id(),
        name=body["PoolName"],
        region=core.region,
        settings=_pool_settings(body),
        schema=schema,
        created=now,
        modified=now,
        fake_secret=core.randbytes(32),
    )
    _default_mfa(pool)
    core.pools[pool.id] = pool
    return {"UserPool": describe_pool(core, pool)}


@operation("DescribeUserPool")
def describe_user_pool(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """DescribeUserPool."""
    return {"UserPool": describe_pool(core, core.pool(body["UserPoolId"]))}


@operation("UpdateUserPool")
def update_user_pool(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """UpdateUserPool: members left out return to their defaults (Cognito's semantics)."""
    pool = core.pool(body["UserPoolId"])
    fixed = {k: pool.settings[k] for k in _POOL_FIXED if k in pool.settings}
    pool.settings = {**_pool_settings(body), **fixed}
    _default_mfa(pool)
    pool.modified = core.now()
    return {}


@operation("DeleteUserPool")
def delete_user_pool(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """DeleteUserPool (refused while deletion protection is active)."""
    pool = core.pool(body["UserPoolId"])
    if pool.settings.get("DeletionProtection") == "ACTIVE":
        raise InvalidParameterError(
            "The user pool cannot be deleted because deletion protection is activated. "
            "Deletion protection must be inactivated first."
        )
    for client_id in pool.clients:
        core.clients.pop(client_id, None)
    del core.pools[pool.id]
    return {}


# ---------------------------------------------------------------------------------- app clients


def _client_settings(pool: Pool, body: dict[str, Any]) -> dict[str, Any]:
    settings = {
        k: v
        for k, v in body.items()
        if k not in ("UserPoolId", "ClientId", "ClientName", "GenerateSecret", "ClientSecret")
    }
    flows = settings.get("ExplicitAuthFlows")
    if flows:
        legacy = [f for f in flows if f in _LEGACY_FLOWS]
        if legacy and len(legacy) != len(flows):
            raise InvalidParameterError(
                "ExplicitAuthFlows cannot mix legacy values with ALLOW_ prefixed values."
            )
    else:
        settings["ExplicitAuthFlows"] = [
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_CUSTOM_AUTH",
        ]
    units = dict(settings.get("TokenValidityUnits") or {})
    for member, unit_key, default, default_unit, low, high in (
        ("AccessTokenValidity", "AccessToken", 60, "minutes", 300, 86400),
        ("IdTokenValidity", "IdToken", 60, "minutes", 300, 86400),
        ("RefreshTokenValidity", "RefreshToken", 30, "days", 3600, 315360000),
    ):
        if settings.get(member) is None:
            settings[member] = default
            units[unit_key] = default_unit
        else:
            units.setdefault(unit_key, "days" if unit_key == "RefreshToken" else "hours")
        seconds = int(settings[member]) * _UNIT_SECONDS[units[unit_key]]
        if not low <= seconds <= high:
            raise InvalidParameterError(
                f"Invalid range for token validity: {member} must be between "
                f"{low} and {high} seconds."
            )
    settings["TokenValidityUnits"] = units
    settings.setdefault("AuthSessionValidity", 3)
    settings.setdefault("PreventUserExistenceErrors", "LEGACY")
    settings.setdefault("EnableTokenRevocation", True)
    settings.setdefault("EnablePropagateAdditionalUserContextData", False)
    settings.setdefault("AllowedOAuthFlowsUserPoolClient", False)
    settings.setdefault("RefreshTokenRotation", {"Feature": "DISABLED"})
    for member, verb in (("ReadAttributes", "read"), ("WriteAttributes", "write")):
        for name in settings.get(member) or ():
            if name not in pool.schema and name not in STANDARD_ATTRIBUTES:
                raise InvalidParameterError(
                    f"Invalid {verb} attributes specified while creating a client"
                )
    return settings


def describe_client(client: AppClient) -> dict[str, Any]:
    """``UserPoolClientType`` as DescribeUserPoolClient returns it."""
    wire: dict[str, Any] = {
        "UserPoolId": client.pool_id,
        "ClientName": client.name,
        "ClientId": client.id,
        "LastModifiedDate": client.modified,
        "CreationDate": client.created,
        **client.settings,
    }
    if client.secret is not None:
        wire["ClientSecret"] = client.secret
    return wire


@operation("CreateUserPoolClient")
def create_user_pool_client(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """CreateUserPoolClient: secret, auth flows, token validities, session validity, revocation,
    PreventUserExistenceErrors, read/write attributes."""
    pool = core.pool(body["UserPoolId"])
    settings = _client_settings(pool, body)
    secret: str | None = body.get("ClientSecret")
    if secret is None and body.get("GenerateSecret"):
        secret = core.random_string(51, "0123456789abcdefghijklmnopqrstuvwxyz")
    now = core.now()
    client = AppClient(
        id=core.new_client_id(),
        pool_id=pool.id,
        name=body["ClientName"],
        secret=secret,
        settings=settings,
        created=now,
        modified=now,
    )
    pool.clients[client.id] = client
    core.clients[client.id] = client
    return {"UserPoolClient": describe_client(client)}


def _pool_client(core: EmulatorCore, body: dict[str, Any]) -> tuple[Pool, AppClient]:
    pool = core.pool(body["UserPoolId"])
    client = pool.clients.get(body["ClientId"])
    if client is None:
        raise service_error(
            "ResourceNotFoundException", f"User pool client {body['ClientId']} does not exist."
        )
    return pool, client


@operation("DescribeUserPoolClient")
def describe_user_pool_client(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """DescribeUserPoolClient."""
    _, client = _pool_client(core, body)
    return {"UserPoolClient": describe_client(client)}


@operation("UpdateUserPoolClient")
def update_user_pool_client(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """UpdateUserPoolClient: members left out return to their defaults; the secret is kept."""
    pool, client = _pool_client(core, body)
    client.settings = _client_settings(pool, body)
    if body.get("ClientName"):
        client.name = body["ClientName"]
    client.modified = core.now()
    return {"UserPoolClient": describe_client(client)}


@operation("DeleteUserPoolClient")
def delete_user_pool_client(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """DeleteUserPoolClient."""
    pool, client = _pool_client(core, body)
    del pool.clients[client.id]
    core.clients.pop(client.id, None)
    return {}


# ---------------------------------------------------------------------------------- admin users


def _admin_user(core: EmulatorCore, body: dict[str, Any]) -> tuple[Pool, User]:
    pool = core.pool(body["UserPoolId"])
    return pool, core.require_user(pool, body["Username"])


def _invite(core: EmulatorCore, pool: Pool, user: User, body: dict[str, Any], temp: str) -> None:
    if body.get("MessageAction") == "SUPPRESS":
        return
    for medium in body.get("DesiredDeliveryMediums") or ["SMS"]:
        attribute = "email" if medium == "EMAIL" else "phone_number"
        if user.attributes.get(attribute):
            core.send_code(pool, user, "INVITATION", attribute, code=temp)


@operation("AdminCreateUser")
def admin_create_user(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AdminCreateUser: FORCE_CHANGE_PASSWORD with a temporary password (given or generated),
    an invitation in the outbox (its code is the temporary password) unless SUPPRESS; RESEND
    renews the temporary password of a user still in FORCE_CHANGE_PASSWORD."""
    pool = core.pool(body["UserPoolId"])
    policy = pool.password_policy
    temp = body.get("TemporaryPassword")
    if temp is not None:
        policy.enforce(temp, wording="did not conform with policy")
    else:
        temp = new_temporary_password(policy, core.randbytes)
    validity = policy.temporary_password_validity_days * 86400
    if body.get("MessageAction") == "RESEND":
        user = core.require_user(pool, body["Username"])
        if user.status != "FORCE_CHANGE_PASSWORD":
            raise service_error(
                "UnsupportedUserStateException", f"User is in an invalid state: {user.status}"
            )
    else:
        attributes = attribute_map(body.get("UserAttributes"))
        user = new_user(
            core,
            pool,
            body["Username"],
            attributes,
            status="FORCE_CHANGE_PASSWORD",
            exists_message="User account already exists",
        )
        pre_sign_up(core, pool, None, user, body, "PreSignUp_AdminCreateUser")
        pool.users[pool.key(user.username)] = user
    core.set_password(pool, user, temp)
    user.status = "FORCE_CHANGE_PASSWORD"
    user.temporary_password_expires = core.now() + validity
    _invite(core, pool, user, body, temp)
    return {"User": user_type(user)}


@operation("AdminSetUserPassword")
def admin_set_user_password(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AdminSetUserPassword: permanent → CONFIRMED, else FORCE_CHANGE_PASSWORD."""
    pool, user = _admin_user(core, body)
    password = body["Password"]
    pool.password_policy.enforce(password)
    core.set_password(pool, user, password)
    core.record_success(user)
    if body.get("Permanent"):
        user.status = "CONFIRMED"
        user.temporary_password_expires = None
    else:
        user.status = "FORCE_CHANGE_PASSWORD"
        days = pool.password_policy.temporary_password_validity_days
        user.temporary_password_expires = core.now() + days * 86400
    return {}


@operation("AdminConfirmSignUp")
def admin_confirm_sign_up(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AdminConfirmSignUp (only from UNCONFIRMED)."""
    _, user = _admin_user(core, body)
    if user.status != "UNCONFIRMED":
        raise NotAuthorizedError(f"User cannot be confirmed. Current status is {user.status}")
    user.status = "CONFIRMED"
    user.modified = core.now()
    return {}


@operation("AdminGetUser")
def admin_get_user(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AdminGetUser."""
    _, user = _admin_user(core, body)
    return {
        "Username": user.username,
        "UserAttributes": core.attribute_list(user.attributes),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status,
        **mfa_view(user),
    }


@operation("AdminDeleteUser")
def admin_delete_user(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AdminDeleteUser (its tokens stop working)."""
    pool, user = _admin_user(core, body)
    core.revoke_user_tokens(pool, user)
    del pool.users[pool.key(user.username)]
    return {}


@operation("AdminDisableUser")
def admin_disable_user(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AdminDisableUser: sign-in refused with ``User is disabled.``; tokens revoked."""
    pool, user = _admin_user(core, body)
    user.enabled = False
    core.revoke_user_tokens(pool, user)
    user.modified = core.now()
    return {}


@operation("AdminEnableUser")
def admin_enable_user(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AdminEnableUser."""
    _, user = _admin_user(core, body)
    user.enabled = True
    user.modified = core.now()
    return {}


@operation("AdminResetUserPassword")
def admin_reset_user_password(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AdminResetUserPassword: RESET_REQUIRED, and a reset code to a verified e-mail/phone."""
    pool, user = _admin_user(core, body)
    attribute = recovery_attribute(pool, user)
    if attribute is None:
        raise InvalidParameterError(
            "Cannot reset password for the user as there is no registered/verified email or "
            "phone_number"
        )
    user.status = "RESET_REQUIRED"
    core.send_code(pool, user, "FORGOT_PASSWORD", attribute, ttl=core.config.reset_code_seconds)
    return {}


@operation("AdminUpdateUserAttributes")
def admin_update_user_attributes(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """AdminUpdateUserAttributes: may also set the ``*_verified`` flags directly."""
    pool, user = _admin_user(core, body)
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
    user.modified = core.now()
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


@operation("ListUsers")
def list_users(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """ListUsers with ``Filter`` (``attr = "v"`` / ``attr ^= "prefix"``), ``Limit`` (default
    60), ``PaginationToken`` and ``AttributesToGet``."""
    pool = core.pool(body["UserPoolId"])
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

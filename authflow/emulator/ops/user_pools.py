"""User pools and app clients: create, describe, update, delete (accepted unsigned).

Update operations follow Cognito's documented semantics: a member left out of UpdateUserPool or
UpdateUserPoolClient is reset to its default, not kept. A pool created or updated with
MfaConfiguration ON/OPTIONAL and no MFA factor set up gets SMS MFA (what that setting meant before
SetUserPoolMfaConfig existed). Python triggers show in ``LambdaConfig`` as placeholder ARNs and
survive UpdateUserPool (they are not wire settings).
"""

from __future__ import annotations

from typing import Any

from authflow.emulator.attributes import STANDARD_ATTRIBUTES, build_schema
from authflow.emulator.domain import AppClient, Pool
from authflow.emulator.ops.oauth_clients import check_client_oauth
from authflow.emulator.passwords import PasswordPolicy
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import InvalidParameterError

__all__ = [
    "create_user_pool",
    "create_user_pool_client",
    "delete_user_pool",
    "delete_user_pool_client",
    "describe_client",
    "describe_pool",
    "describe_user_pool",
    "describe_user_pool_client",
    "update_user_pool",
    "update_user_pool_client",
]

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


def describe_pool(pool: Pool) -> dict[str, Any]:
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
    if pool.domain is not None:
        wire["Domain"] = pool.domain.prefix
    return wire


def create_user_pool(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """CreateUserPool: password policy, username/alias attributes, auto-verification, schema."""
    if body.get("AliasAttributes") and body.get("UsernameAttributes"):
        raise InvalidParameterError(
            "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."
        )
    for attribute in body.get("AutoVerifiedAttributes") or ():
        if attribute not in ("email", "phone_number"):
            raise InvalidParameterError(f"Invalid auto verified attribute {attribute}.")
    schema = build_schema(body.get("Schema"))
    now = svc.now()
    pool = Pool(
        id=svc.directory.new_pool_id(),
        name=body["PoolName"],
        region=svc.directory.region,
        settings=_pool_settings(body),
        schema=schema,
        created=now,
        modified=now,
        fake_secret=svc.randomness.randbytes(32),
    )
    _default_mfa(pool)
    svc.directory.add_pool(pool)
    return {"UserPool": describe_pool(pool)}


def describe_user_pool(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """DescribeUserPool."""
    return {"UserPool": describe_pool(svc.directory.pool(body["UserPoolId"]))}


def update_user_pool(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """UpdateUserPool: members left out return to their defaults (Cognito's semantics)."""
    pool = svc.directory.pool(body["UserPoolId"])
    fixed = {k: pool.settings[k] for k in _POOL_FIXED if k in pool.settings}
    pool.settings = {**_pool_settings(body), **fixed}
    _default_mfa(pool)
    pool.modified = svc.now()
    return {}


def delete_user_pool(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """DeleteUserPool (refused while deletion protection is active)."""
    pool = svc.directory.pool(body["UserPoolId"])
    if pool.settings.get("DeletionProtection") == "ACTIVE":
        raise InvalidParameterError(
            "The user pool cannot be deleted because deletion protection is activated. "
            "Deletion protection must be inactivated first."
        )
    svc.directory.remove_pool(pool)
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


def create_user_pool_client(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """CreateUserPoolClient: secret, auth flows, token validities, session validity, revocation,
    PreventUserExistenceErrors, read/write attributes, OAuth 2.0 settings."""
    pool = svc.directory.pool(body["UserPoolId"])
    settings = _client_settings(pool, body)
    secret: str | None = body.get("ClientSecret")
    if secret is None and body.get("GenerateSecret"):
        secret = svc.randomness.string(51, "0123456789abcdefghijklmnopqrstuvwxyz")
    check_client_oauth(pool, settings, has_secret=secret is not None)
    now = svc.now()
    client = AppClient(
        id=svc.directory.new_client_id(),
        pool_id=pool.id,
        name=body["ClientName"],
        secret=secret,
        settings=settings,
        created=now,
        modified=now,
    )
    svc.directory.add_client(pool, client)
    return {"UserPoolClient": describe_client(client)}


def describe_user_pool_client(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """DescribeUserPoolClient."""
    _, client = svc.directory.pool_client(body["UserPoolId"], body["ClientId"])
    return {"UserPoolClient": describe_client(client)}


def update_user_pool_client(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """UpdateUserPoolClient: members left out return to their defaults; the secret is kept."""
    pool, client = svc.directory.pool_client(body["UserPoolId"], body["ClientId"])
    settings = _client_settings(pool, body)
    check_client_oauth(pool, settings, has_secret=client.secret is not None)
    client.settings = settings
    if body.get("ClientName"):
        client.name = body["ClientName"]
    client.modified = svc.now()
    return {"UserPoolClient": describe_client(client)}


def delete_user_pool_client(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """DeleteUserPoolClient."""
    pool, client = svc.directory.pool_client(body["UserPoolId"], body["ClientId"])
    svc.directory.remove_client(pool, client)
    return {}

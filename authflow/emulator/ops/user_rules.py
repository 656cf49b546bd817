"""User rules shared by several operations: usernames, attributes, verification, the PreSignUp
trigger, wire views."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from authflow.emulator import triggers
from authflow.emulator.attributes import check_values, is_email, is_phone, mask_destination
from authflow.emulator.domain import AppClient, Pool, User
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    AliasExistsError,
    InvalidLambdaResponseError,
    InvalidParameterError,
    NotAuthorizedError,
    UsernameExistsError,
)

__all__ = [
    "attribute_list",
    "attribute_map",
    "check_unique",
    "check_writable",
    "delivery_attribute",
    "fake_delivery",
    "mark_verified",
    "mfa_view",
    "new_user",
    "pre_sign_up",
    "recovery_attribute",
    "require_attributes",
    "required_message",
    "user_type",
]

_VERIFIABLE = ("email", "phone_number")


def attribute_map(items: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """``[{"Name", "Value"}]`` → ``{name: value}`` (a missing Value is the empty string)."""
    return {str(item["Name"]): str(item.get("Value") or "") for item in items or ()}


def attribute_list(attributes: Mapping[str, str]) -> list[dict[str, str]]:
    """``{name: value}`` → ``[{"Name", "Value"}, …]``, as the API returns attributes."""
    return [{"Name": name, "Value": value} for name, value in attributes.items()]


def check_writable(client: AppClient | None, names: Iterable[str]) -> None:
    """NotAuthorizedException when the app client may not write one of ``names``."""
    if client is None:
        return
    for name in names:
        if not client.writable(name):
            raise NotAuthorizedError("A client attempted to write unauthorized attribute")


def required_message(name: str) -> str:
    """Cognito's message for a missing required attribute."""
    return f"Attributes did not conform to the schema: {name}: The attribute {name} is required"


def require_attributes(pool: Pool, values: Mapping[str, str]) -> None:
    """InvalidParameterException for a schema-required attribute without a value."""
    for name, attr in pool.schema.items():
        if attr.required and name != "sub" and not values.get(name):
            raise InvalidParameterError(required_message(name))


def _owner(pool: Pool, attribute: str, value: str, *, verified_only: bool) -> User | None:
    wanted = pool.key(value)
    for user in pool.users.values():
        current = user.attributes.get(attribute)
        if not current or pool.key(current) != wanted:
            continue
        if verified_only and user.attributes.get(f"{attribute}_verified") != "true":
            continue
        return user
    return None


def new_user(
    svc: Services,
    pool: Pool,
    username: str,
    attributes: Mapping[str, str],
    *,
    status: str,
    exists_message: str,
) -> User:
    """Create (but not yet store) a user under the pool's username rules.

    * UsernameAttributes pools: the username must be an allowed e-mail/phone; it becomes that
      attribute, must be unique, and the internal username is the ``sub``.
    * AliasAttributes pools: the username may not look like an e-mail/phone alias.
    * Otherwise the username must be unused."""
    values = dict(attributes)
    sub = svc.randomness.uuid4()
    if pool.username_attributes:
        allowed = pool.username_attributes
        if "email" in allowed and is_email(username):
            attribute = "email"
        elif "phone_number" in allowed and is_phone(username):
            attribute = "phone_number"
        elif len(allowed) == 2:
            raise InvalidParameterError("Username should be either an email or a phone number.")
        elif allowed == ("email",):
            raise InvalidParameterError("Username should be an email.")
        else:
            raise InvalidParameterError("Username should be a phone number.")
        values[attribute] = username
        if _owner(pool, attribute, username, verified_only=False) is not None:
            noun = "email" if attribute == "email" else "phone_number"
            raise UsernameExistsError(f"An account with the given {noun} already exists.")
        internal = sub
    else:
        if "email" in pool.alias_attributes and is_email(username):
            raise InvalidParameterError(
                "Username cannot be of email format, since user pool is configured for email alias."
            )
        if "phone_number" in pool.alias_attributes and is_phone(username):
            raise InvalidParameterError(
                "Username cannot be of phone number format, since user pool is configured for "
                "phone number alias."
            )
        if pool.user(username) is not None:
            raise UsernameExistsError(exists_message)
        internal = username
    check_values(pool.schema, values)
    values["sub"] = sub
    now = svc.now()
    return User(
        username=internal,
        sub=sub,
        attributes={"sub": sub, **{k: v for k, v in values.items() if k != "sub" and v != ""}},
        status=status,
        created=now,
        modified=now,
    )


def mark_verified(pool: Pool, user: User, attribute: str, *, force_alias: bool = False) -> None:
    """Set ``<attribute>_verified`` to true, moving or refusing a clashing alias."""
    if attribute not in _VERIFIABLE:
        return
    value = user.attributes.get(attribute)
    if value and attribute in pool.alias_attributes:
        other = _owner(pool, attribute, value, verified_only=True)
        if other is not None and other is not user:
            if not force_alias:
                raise AliasExistsError(f"An account with the {attribute} already exists.")
            other.attributes[f"{attribute}_verified"] = "false"
    user.attributes[f"{attribute}_verified"] = "true"


def check_unique(pool: Pool, user: User, attribute: str, value: str) -> None:
    """AliasExistsException when ``value`` of a username attribute belongs to another user."""
    if attribute in pool.username_attributes:
        other = _owner(pool, attribute, value, verified_only=False)
        if other is not None and other is not user:
            raise AliasExistsError(f"An account with the given {attribute} already exists.")


def delivery_attribute(pool: Pool, user: User) -> str | None:
    """Where a sign-up code goes: the auto-verified phone number, else the e-mail."""
    for attribute in ("phone_number", "email"):
        if attribute in pool.auto_verified and user.attributes.get(attribute):
            return attribute
    return None


def recovery_attribute(pool: Pool, user: User) -> str | None:
    """Where a password-reset code goes, following AccountRecoverySetting (default: verified
    phone, then verified e-mail)."""
    setting = pool.settings.get("AccountRecoverySetting") or {}
    mechanisms = sorted(
        setting.get("RecoveryMechanisms") or [], key=lambda m: int(m.get("Priority", 0))
    )
    names = [str(m.get("Name")) for m in mechanisms] or ["verified_phone_number", "verified_email"]
    for name in names:
        attribute = {"verified_email": "email", "verified_phone_number": "phone_number"}.get(name)
        if attribute is None:
            continue
        if (
            user.attributes.get(attribute)
            and user.attributes.get(f"{attribute}_verified") == "true"
        ):
            return attribute
    return None


def fake_delivery(username: str) -> dict[str, str]:
    """The CodeDeliveryDetails shown for an unknown user when existence errors are prevented."""
    if is_phone(username):
        return {
            "Destination": mask_destination(username),
            "DeliveryMedium": "SMS",
            "AttributeName": "phone_number",
        }
    target = username if is_email(username) else f"{username}@example.com"
    return {
        "Destination": mask_destination(target),
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


def user_type(user: User, attributes: Iterable[str] | None = None) -> dict[str, Any]:
    """``UserType`` as AdminCreateUser and ListUsers return it."""
    values = user.attributes
    if attributes is not None:
        wanted = set(attributes)
        values = {k: v for k, v in values.items() if k in wanted}
    return {
        "Username": user.username,
        "Attributes": [{"Name": k, "Value": v} for k, v in values.items()],
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status,
    }


def mfa_view(user: User) -> dict[str, Any]:
    """The MFA members of GetUser / AdminGetUser: ``UserMFASettingList`` and
    ``PreferredMfaSetting`` when set, ``MFAOptions`` for legacy SMS settings."""
    view: dict[str, Any] = {}
    settings = user.mfa_settings()
    if settings:
        view["UserMFASettingList"] = settings
    if user.mfa_preferred in settings:
        view["PreferredMfaSetting"] = user.mfa_preferred
    if user.mfa_options:
        view["MFAOptions"] = [dict(option) for option in user.mfa_options]
    return view


def pre_sign_up(
    request: RequestContext,
    pool: Pool,
    client: AppClient | None,
    user: User,
    body: dict[str, Any],
    source: str,
) -> dict[str, bool]:
    """Run the PreSignUp trigger for ``user`` (not yet stored); return its response flags
    ``autoConfirmUser``, ``autoVerifyEmail``, ``autoVerifyPhone`` (all false without one)."""
    event = triggers.event(
        region=pool.region,
        pool_id=pool.id,
        username=user.username,
        client_id=client.id if client else None,
        source=source,
        request={
            "userAttributes": {k: v for k, v in user.attributes.items() if k != "sub"},
            "validationData": attribute_map(body.get("ValidationData")),
            "clientMetadata": dict(request.client_metadata),
        },
        response={"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    )
    lambda_config = pool.settings.get("LambdaConfig") or {}
    result = triggers.invoke(pool.triggers, lambda_config, "pre_sign_up", event)
    flags = {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}
    if result is not None:
        for name in flags:
            flags[name] = triggers.response_bool(result, name, "PreSignUp")
    for flag, attribute in (("autoVerifyEmail", "email"), ("autoVerifyPhone", "phone_number")):
        if flags[flag] and not user.attributes.get(attribute):
            raise InvalidLambdaResponseError(
                f"PreSignUp set {flag}, but the user has no {attribute} attribute"
            )
    return flags

"""Operations of a signed-in user (authorized by the access token), GlobalSignOut, RevokeToken.

Every access-token operation goes through
:meth:`~authflow.emulator.token_service.TokenService.authorize`: the token's signature
against the pool's access-token key, ``iss``, ``token_use``, expiry, the user, revocation (its
``origin_jti`` family) and the ``aws.cognito.signin.user.admin`` scope.
"""

from __future__ import annotations

import hmac
from typing import Any

from authflow.emulator.attributes import check_values
from authflow.emulator.credentials import WRONG_PASSWORD
from authflow.emulator.domain import AppClient, Pool, User
from authflow.emulator.jwt import decode_jwt
from authflow.emulator.ops.user_rules import (
    attribute_list,
    attribute_map,
    check_unique,
    check_writable,
    mark_verified,
    mfa_view,
    required_message,
)
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    InvalidParameterError,
    LimitExceededError,
    NotAuthorizedError,
    UnauthorizedError,
    UnsupportedOperationError,
    UnsupportedTokenTypeError,
)

__all__ = [
    "change_password",
    "delete_user",
    "delete_user_attributes",
    "get_user",
    "get_user_attribute_verification_code",
    "global_sign_out",
    "revoke_token",
    "update_user_attributes",
    "verify_user_attribute",
]

_VERIFIABLE = ("email", "phone_number")


def _verify_key(attribute: str) -> str:
    return f"VERIFY_ATTRIBUTE:{attribute}"


def get_user(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """GetUser: the attributes the token's app client may read, and the MFA settings
    (UserMFASettingList, PreferredMfaSetting, legacy MFAOptions)."""
    _, client, user, _ = svc.tokens.authorize(body["AccessToken"])
    visible = {k: v for k, v in user.attributes.items() if client.readable(k)}
    return {
        "Username": user.username,
        "UserAttributes": attribute_list(visible),
        **mfa_view(user),
    }


def change_password(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """ChangePassword: the previous password is checked and counts toward lockout; while locked
    out the answer is LimitExceededException, as Cognito gives for this operation."""
    pool, _, user, _ = svc.tokens.authorize(body["AccessToken"])
    if svc.credentials.is_locked_out(user):
        raise LimitExceededError("Attempt limit exceeded, please try after some time.")
    previous = body.get("PreviousPassword")
    if user.password is not None:
        if not previous or not user.password.matches(previous):
            svc.credentials.record_failure(user)
            raise NotAuthorizedError(WRONG_PASSWORD)
    proposed = body["ProposedPassword"]
    pool.password_policy.enforce(proposed)
    svc.credentials.record_success(user)
    svc.credentials.set_password(pool, user, proposed)
    return {}


def _send_verification(
    svc: Services,
    pool: Pool,
    client: AppClient,
    user: User,
    attribute: str,
    destination: str | None = None,
) -> dict[str, str]:
    return svc.codes.send(
        pool,
        user,
        "VERIFY_ATTRIBUTE",
        attribute,
        key=_verify_key(attribute),
        client=client,
        ttl=svc.config.attribute_code_seconds,
        destination=destination,
    )


def update_user_attributes(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """UpdateUserAttributes: a changed e-mail/phone becomes unverified and, when the pool
    auto-verifies it, gets a code. With UserAttributeUpdateSettings'
    AttributesRequireVerificationBeforeUpdate the old value stays until the new one is verified.
    A blank value deletes the attribute."""
    pool, client, user, _ = svc.tokens.authorize(body["AccessToken"])
    updates = attribute_map(body["UserAttributes"])
    check_writable(client, updates)
    for name in updates:
        attr = pool.schema.get(name)
        if attr is not None and not attr.mutable:
            raise InvalidParameterError(
                f"Attributes did not conform to the schema: {name}: Attribute cannot be updated. "
                "(changing an immutable attribute)"
            )
    check_values(pool.schema, {k: v for k, v in updates.items() if v})
    for name, value in updates.items():
        if not value and name in pool.schema and pool.schema[name].required:
            raise InvalidParameterError(required_message(name))
        if value and name in _VERIFIABLE:
            check_unique(pool, user, name, value)
    settings = pool.settings.get("UserAttributeUpdateSettings") or {}
    hold = set(settings.get("AttributesRequireVerificationBeforeUpdate") or ())
    deliveries: list[dict[str, str]] = []
    for name, value in updates.items():
        if not value:
            user.attributes.pop(name, None)
            if name in _VERIFIABLE:
                user.attributes.pop(f"{name}_verified", None)
            continue
        if user.attributes.get(name) == value:
            continue
        if name in _VERIFIABLE and name in pool.auto_verified and name in hold:
            # The current value stays in force until the new one is verified.
            details = _send_verification(svc, pool, client, user, name, destination=value)
            deliveries.append(details)
            continue
        user.attributes[name] = value
        if name in _VERIFIABLE:
            user.attributes[f"{name}_verified"] = "false"
            if name in pool.auto_verified:
                deliveries.append(_send_verification(svc, pool, client, user, name))
    user.modified = svc.now()
    return {"CodeDeliveryDetailsList": deliveries} if deliveries else {}


def delete_user_attributes(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """DeleteUserAttributes (never a required or immutable attribute)."""
    pool, client, user, _ = svc.tokens.authorize(body["AccessToken"])
    names = list(body["UserAttributeNames"])
    check_writable(client, names)
    for name in names:
        attr = pool.schema.get(name)
        if attr is not None and (attr.required or not attr.mutable):
            raise InvalidParameterError(f"Cannot delete the required or immutable attribute {name}")
    for name in names:
        user.attributes.pop(name, None)
        if name in _VERIFIABLE:
            user.attributes.pop(f"{name}_verified", None)
            svc.codes.discard(user, _verify_key(name))
    user.modified = svc.now()
    return {}


def get_user_attribute_verification_code(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """GetUserAttributeVerificationCode: a code for the user's e-mail or phone number."""
    pool, client, user, _ = svc.tokens.authorize(body["AccessToken"])
    name = body["AttributeName"]
    if name not in _VERIFIABLE:
        raise InvalidParameterError(f"Invalid attribute name {name} for verification.")
    pending = svc.codes.pending(user, _verify_key(name))
    destination = user.attributes.get(name)
    if pending is not None and pending.destination and pending.destination != destination:
        destination = pending.destination
    if not destination:
        raise InvalidParameterError(f"User has no attribute {name} to verify.")
    return {
        "CodeDeliveryDetails": _send_verification(
            svc, pool, client, user, name, destination=destination
        )
    }


def verify_user_attribute(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """VerifyUserAttribute: checks the code and marks the attribute verified."""
    pool, _, user, _ = svc.tokens.authorize(body["AccessToken"])
    name = body["AttributeName"]
    if name not in _VERIFIABLE:
        raise InvalidParameterError(f"Invalid attribute name {name} for verification.")
    record = svc.codes.check(user, _verify_key(name), body["Code"], consume=False)
    if record.destination and user.attributes.get(name) != record.destination:
        check_unique(pool, user, name, record.destination)
        user.attributes[name] = record.destination
    mark_verified(pool, user, name)
    svc.codes.discard(user, _verify_key(name))
    user.modified = svc.now()
    return {}


def delete_user(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """DeleteUser: the user and all their tokens are gone."""
    pool, _, user, _ = svc.tokens.authorize(body["AccessToken"])
    svc.tokens.revoke_user_tokens(pool, user)
    pool.remove_user(user)
    return {}


def global_sign_out(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """GlobalSignOut: every refresh token of the user is revoked, and with it every access token
    issued from the same sign-ins."""
    pool, _, user, _ = svc.tokens.authorize(body["AccessToken"])
    svc.tokens.revoke_user_tokens(pool, user)
    return {}


def revoke_token(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """RevokeToken: revokes a refresh token and the access/ID tokens of its sign-in.

    Bad client credentials → UnauthorizedException; revocation disabled on the client →
    UnsupportedOperationException; an access or ID token → UnsupportedTokenTypeException; an
    unknown token is accepted silently (RFC 7009), a token of another client refused."""
    client = svc.directory.find_client(body["ClientId"])
    if client is None:
        raise UnauthorizedError("Invalid client credentials.")
    if client.secret is not None:
        given = body.get("ClientSecret") or ""
        if not hmac.compare_digest(given.encode(), client.secret.encode()):
            raise UnauthorizedError("Invalid client credentials.")
    if not client.token_revocation:
        raise UnsupportedOperationError("Token revocation is not enabled for this client.")
    token = body["Token"]
    family = svc.tokens.find_family(token)
    if family is None:
        try:
            decode_jwt(token)
        except (ValueError, UnicodeError):
            return {}
        raise UnsupportedTokenTypeError("Only refresh tokens can be revoked.")
    if family.client_id != client.id:
        raise UnauthorizedError("The token was not issued to this client.")
    svc.tokens.revoke_family(family)
    return {}

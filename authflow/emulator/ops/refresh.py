"""Refreshing tokens: InitiateAuth REFRESH_TOKEN_AUTH / REFRESH_TOKEN, and
GetTokensFromRefreshToken with refresh-token rotation.

A refresh token works for the app client it was issued to, until it expires, its sign-in is
revoked or its user is gone; a DEVICE_KEY sent with it must be the device it was issued with.
With the client's RefreshTokenRotation ENABLED only GetTokensFromRefreshToken refreshes, and it
returns a new refresh token each time: the one submitted stays usable for RetryGracePeriodSeconds
after its first use and answers RefreshTokenReuseException afterwards.
"""

from __future__ import annotations

import hmac
from typing import Any

from authflow.emulator.domain import AppClient, Pool, RefreshToken, TokenFamily, User
from authflow.emulator.ops.signin_pipeline import device_key_param, required_param
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    RefreshTokenReuseError,
)

__all__ = ["get_tokens_from_refresh_token", "refresh_tokens"]


def _refreshable(
    svc: Services, pool: Pool, client: AppClient, token: str, device_key: str | None
) -> tuple[RefreshToken, TokenFamily, User]:
    """The record, family and user of a refresh token this client may use now."""
    found = svc.tokens.find_refresh(token)
    if found is None:
        raise NotAuthorizedError("Invalid Refresh Token")
    record, family = found
    if family.pool_id != pool.id or family.client_id != client.id:
        raise NotAuthorizedError("Invalid Refresh Token")
    if family.revoked:
        raise NotAuthorizedError("Refresh Token has been revoked")
    if svc.now() >= record.expires_at:
        raise NotAuthorizedError("Refresh Token has expired")
    user = pool.user(family.username)
    if user is None or user.sub != family.sub:
        raise NotAuthorizedError("Refresh Token has been revoked")
    if device_key is not None and device_key != family.device_key:
        # The device key must be the one the refresh token was issued with
        # (docs/protocol-notes.md §4.3.12).
        raise NotAuthorizedError("Invalid Refresh Token")
    return record, family, user


def refresh_tokens(
    svc: Services, request: RequestContext, pool: Pool, client: AppClient, body: dict[str, Any]
) -> dict[str, Any]:
    """InitiateAuth REFRESH_TOKEN_AUTH / REFRESH_TOKEN ``{REFRESH_TOKEN[, SECRET_HASH,
    DEVICE_KEY]}``: new ID and access tokens, never a new refresh token."""
    if client.refresh_token_rotation:
        # docs/protocol-notes.md §7.3: with rotation on, only GetTokensFromRefreshToken refreshes.
        raise InvalidParameterError(
            "Refresh token rotation is enabled for this client; "
            "use GetTokensFromRefreshToken to refresh tokens."
        )
    params = dict(body.get("AuthParameters") or {})
    token = required_param(params, "REFRESH_TOKEN")
    _, family, user = _refreshable(svc, pool, client, token, device_key_param(params))
    svc.credentials.check_secret_hash(
        client, user.username, params.get("SECRET_HASH"), refresh=True
    )
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": svc.tokens.issue(pool, client, user, family),
    }


def get_tokens_from_refresh_token(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """GetTokensFromRefreshToken: new ID and access tokens; with the client's
    RefreshTokenRotation ENABLED also a new refresh token. The submitted one then stays usable
    for RetryGracePeriodSeconds after its first use and answers RefreshTokenReuseException
    afterwards. Secret clients send the raw ``ClientSecret``."""
    client, pool = svc.directory.client(body["ClientId"])
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
    record, family, user = _refreshable(svc, pool, client, body["RefreshToken"], device_key)
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    rotate = client.refresh_token_rotation
    if rotate:
        now = svc.now()
        if record.superseded_at is None:
            record.superseded_at = now
        elif now >= record.superseded_at + client.refresh_grace_seconds:
            raise RefreshTokenReuseError("Refresh Token has been reused.")
    result = svc.tokens.issue(pool, client, user, family, rotate=rotate)
    return {"AuthenticationResult": result}

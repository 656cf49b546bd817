"""Refresh-token rotation: GetTokensFromRefreshToken with the app client's RefreshTokenRotation
(new refresh token, grace period, RefreshTokenReuseException), REFRESH_TOKEN_AUTH refused while
rotation is on, revocation and expiry, over boto3, raw HTTP and authflow's AiohttpTransport."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from authflow.emulator import Emulator, ManualClock
from authflow.protocol import GetTokensFromRefreshTokenRequest
from authflow.protocol.errors import NotAuthorizedError, RefreshTokenReuseError
from authflow.transport import AiohttpTransport, call

from .conftest import PASSWORD, Raw, error_of, make_user
from .srp_client import secret_hash

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
REUSED = ("RefreshTokenReuseException", "Refresh Token has been reused.")


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def rotating(emu: Emulator, grace: int = 0, **settings: Any) -> Any:
    pool = emu.create_user_pool("rotation")
    make_user(emu, pool.id, "ann")
    rotation = {"Feature": "ENABLED", "RetryGracePeriodSeconds": grace}
    return emu.create_user_pool_client(
        pool.id, explicit_auth_flows=FLOWS, refresh_token_rotation=rotation, **settings
    )


def sign_in(cognito: Any, client_id: str, **extra: str) -> Any:
    return cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD, **extra},
    )["AuthenticationResult"]


def test_without_rotation_the_refresh_token_is_kept(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool("plain")
    make_user(temu, pool.id, "ann")
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    first = sign_in(cognito, app.id)
    for _ in range(2):
        out = cognito.get_tokens_from_refresh_token(
            RefreshToken=first["RefreshToken"], ClientId=app.id
        )
        assert "RefreshToken" not in out["AuthenticationResult"]
        assert out["AuthenticationResult"]["AccessToken"]


def test_rotation_without_grace(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    app = rotating(temu)
    first = sign_in(cognito, app.id)
    assert error_of(
        lambda: cognito.initiate_auth(
            ClientId=app.id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    ) == (
        "InvalidParameterException",
        "Refresh token rotation is enabled for this client; "
        "use GetTokensFromRefreshToken to refresh tokens.",
    )
    clock.advance(60)
    second = cognito.get_tokens_from_refresh_token(
        RefreshToken=first["RefreshToken"], ClientId=app.id
    )["AuthenticationResult"]
    assert second["RefreshToken"] != first["RefreshToken"]
    before, after = claims(first["AccessToken"]), claims(second["AccessToken"])
    assert after["origin_jti"] == before["origin_jti"] and after["auth_time"] == before["auth_time"]
    assert after["iat"] == before["iat"] + 60
    assert (
        error_of(
            lambda: cognito.get_tokens_from_refresh_token(
                RefreshToken=first["RefreshToken"], ClientId=app.id
            )
        )
        == REUSED
    )
    third = cognito.get_tokens_from_refresh_token(
        RefreshToken=second["RefreshToken"], ClientId=app.id
    )["AuthenticationResult"]
    assert third["RefreshToken"] not in (first["RefreshToken"], second["RefreshToken"])
    # Revoking any token of the family revokes it all.
    cognito.revoke_token(Token=first["RefreshToken"], ClientId=app.id)
    for token in (second["RefreshToken"], third["RefreshToken"]):
        assert error_of(
            lambda token=token: cognito.get_tokens_from_refresh_token(
                RefreshToken=token, ClientId=app.id
            )
        ) == ("NotAuthorizedException", "Refresh Token has been revoked")
    assert error_of(lambda: cognito.get_user(AccessToken=third["AccessToken"])) == (
        "NotAuthorizedException",
        "Access Token has been revoked",
    )


def test_grace_period(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    app = rotating(temu, grace=10)
    first = sign_in(cognito, app.id)
    refresh = first["RefreshToken"]
    second = cognito.get_tokens_from_refresh_token(RefreshToken=refresh, ClientId=app.id)
    clock.advance(9)
    retry = cognito.get_tokens_from_refresh_token(RefreshToken=refresh, ClientId=app.id)
    assert (
        retry["AuthenticationResult"]["RefreshToken"]
        != second["AuthenticationResult"]["RefreshToken"]
    )
    clock.advance(1)
    assert (
        error_of(
            lambda: cognito.get_tokens_from_refresh_token(RefreshToken=refresh, ClientId=app.id)
        )
        == REUSED
    )
    # Both tokens handed out within the grace period work.
    for out in (second, retry):
        token = out["AuthenticationResult"]["RefreshToken"]
        assert cognito.get_tokens_from_refresh_token(RefreshToken=token, ClientId=app.id)[
            "AuthenticationResult"
        ]["RefreshToken"]


def test_rotated_tokens_get_their_own_lifetime(
    temu: Emulator, cognito: Any, clock: ManualClock
) -> None:
    app = rotating(temu, refresh_token_validity=1, token_validity_units={"RefreshToken": "hours"})
    first = sign_in(cognito, app.id)
    clock.advance(3000)
    second = cognito.get_tokens_from_refresh_token(
        RefreshToken=first["RefreshToken"], ClientId=app.id
    )["AuthenticationResult"]
    clock.advance(1000)  # past the first token's hour, inside the second's
    assert cognito.get_tokens_from_refresh_token(
        RefreshToken=second["RefreshToken"], ClientId=app.id
    )["AuthenticationResult"]
    clock.advance(3600)
    assert error_of(
        lambda: cognito.get_tokens_from_refresh_token(
            RefreshToken=second["RefreshToken"], ClientId=app.id
        )
    ) == ("NotAuthorizedException", "Refresh Token has expired")


def test_client_secret_and_device_key(temu: Emulator, cognito: Any) -> None:
    app = rotating(temu, generate_secret=True)
    assert app.secret is not None
    first = sign_in(cognito, app.id, SECRET_HASH=secret_hash(app.secret, "ann", app.id))
    refresh = first["RefreshToken"]
    assert error_of(
        lambda: cognito.get_tokens_from_refresh_token(RefreshToken=refresh, ClientId=app.id)
    ) == (
        "NotAuthorizedException",
        f"Client {app.id} is configured for secret but secret was not received",
    )
    assert (
        error_of(
            lambda: cognito.get_tokens_from_refresh_token(
                RefreshToken=refresh, ClientId=app.id, ClientSecret="x" * 51
            )
        )[0]
        == "NotAuthorizedException"
    )
    assert error_of(
        lambda: cognito.get_tokens_from_refresh_token(
            RefreshToken=refresh,
            ClientId=app.id,
            ClientSecret=app.secret,
            DeviceKey="us-east-1_00000000-0000-4000-8000-000000000000",
        )
    ) == ("NotAuthorizedException", "Invalid Refresh Token")
    assert cognito.get_tokens_from_refresh_token(
        RefreshToken=refresh, ClientId=app.id, ClientSecret=app.secret
    )["AuthenticationResult"]["RefreshToken"]
    other = temu.create_user_pool_client(app.pool_id, explicit_auth_flows=FLOWS)
    assert error_of(
        lambda: cognito.get_tokens_from_refresh_token(RefreshToken="abc.def", ClientId=other.id)
    ) == ("NotAuthorizedException", "Invalid Refresh Token")


async def test_reuse_over_raw_http_and_authflow_transport(emu: Emulator, raw: Raw) -> None:
    app = rotating(emu)
    first = (
        await raw.ok(
            "InitiateAuth",
            {
                "ClientId": app.id,
                "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "ann", "PASSWORD": PASSWORD},
            },
        )
    )["AuthenticationResult"]
    body = {"ClientId": app.id, "RefreshToken": first["RefreshToken"]}
    second = (await raw.ok("GetTokensFromRefreshToken", body))["AuthenticationResult"]
    assert await raw.error("GetTokensFromRefreshToken", body) == REUSED
    async with AiohttpTransport(emu.endpoint) as transport:
        request = GetTokensFromRefreshTokenRequest(
            refresh_token=second["RefreshToken"], client_id=app.id
        )
        rotated = await call(transport, request)
        assert rotated.authentication_result is not None
        assert rotated.authentication_result.refresh_token
        with pytest.raises(RefreshTokenReuseError):
            await call(transport, request)
        with pytest.raises(NotAuthorizedError):
            await call(
                transport,
                GetTokensFromRefreshTokenRequest(refresh_token="nope", client_id=app.id),
            )

"""Issued JWTs verified against the served JWKS with ``cryptography``; forged, expired, revoked,
wrong-type and wrong-scope access tokens refused by every token-authorized operation."""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from authflow.emulator import Emulator, ManualClock

from .conftest import PASSWORD, Raw, make_user


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def verify(token: str, jwks: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    head_b64, body_b64, sig_b64 = token.split(".")
    header = json.loads(b64d(head_b64))
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    public = rsa.RSAPublicNumbers(
        int.from_bytes(b64d(jwk["e"]), "big"), int.from_bytes(b64d(jwk["n"]), "big")
    ).public_key()
    public.verify(
        b64d(sig_b64), f"{head_b64}.{body_b64}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    return header, json.loads(b64d(body_b64))


@pytest.fixture
async def signed_in(emu: Emulator, raw: Raw) -> dict[str, Any]:
    pool = emu.create_user_pool("tokens")
    app = emu.create_user_pool_client(
        pool.id,
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        access_token_validity=10,
        id_token_validity=2,
        token_validity_units={"AccessToken": "minutes", "IdToken": "hours"},
    )
    user = make_user(
        emu, pool.id, "ana", email="ana@example.com", email_verified="true", name="Ana"
    )
    body = await raw.ok(
        "InitiateAuth",
        {
            "ClientId": app.id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "ana", "PASSWORD": PASSWORD},
        },
    )
    return {"pool": pool, "app": app, "user": user, **body["AuthenticationResult"]}


async def test_tokens_verify_against_served_jwks(
    emu: Emulator, raw: Raw, signed_in: dict[str, Any], clock: ManualClock
) -> None:
    pool, app = signed_in["pool"], signed_in["app"]
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emu.endpoint}/{pool.id}/.well-known/jwks.json") as resp:
            jwks = await resp.json()
    id_header, id_claims = verify(signed_in["IdToken"], jwks)
    at_header, at_claims = verify(signed_in["AccessToken"], jwks)
    assert id_header["alg"] == at_header["alg"] == "RS256"
    assert id_header["kid"] != at_header["kid"]  # two keys per pool
    issuer = f"{emu.endpoint}/{pool.id}"
    now = int(clock())
    sub = next(a["Value"] for a in signed_in["user"]["Attributes"] if a["Name"] == "sub")

    assert id_claims["iss"] == at_claims["iss"] == issuer
    assert id_claims["token_use"] == "id" and at_claims["token_use"] == "access"
    assert id_claims["aud"] == app.id and "aud" not in at_claims
    assert at_claims["client_id"] == app.id
    assert at_claims["scope"] == "aws.cognito.signin.user.admin"
    assert id_claims["sub"] == at_claims["sub"] == sub
    assert id_claims["cognito:username"] == at_claims["username"] == "ana"
    assert id_claims["email"] == "ana@example.com" and id_claims["email_verified"] is True
    assert id_claims["name"] == "Ana"
    assert id_claims["iat"] == at_claims["iat"] == now
    assert at_claims["exp"] - now == 600 and signed_in["ExpiresIn"] == 600
    assert id_claims["exp"] - now == 7200
    assert id_claims["auth_time"] == at_claims["auth_time"] == now
    assert id_claims["origin_jti"] == at_claims["origin_jti"]
    assert id_claims["event_id"] == at_claims["event_id"]
    assert id_claims["jti"] != at_claims["jti"]

    # A refresh keeps auth_time, origin_jti and event_id; new jti/iat/exp.
    clock.advance(120)
    body = await raw.ok(
        "InitiateAuth",
        {
            "ClientId": app.id,
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": signed_in["RefreshToken"]},
        },
    )
    _, refreshed = verify(body["AuthenticationResult"]["AccessToken"], jwks)
    assert refreshed["auth_time"] == now and refreshed["iat"] == now + 120
    assert refreshed["origin_jti"] == at_claims["origin_jti"]
    assert refreshed["jti"] != at_claims["jti"]


def forge(token: str, **changes: Any) -> str:
    head, body, sig = token.split(".")
    claims = json.loads(b64d(body))
    claims.update(changes)
    return f"{head}.{b64e(json.dumps(claims).encode())}.{sig}"


def resign(token: str, key: rsa.RSAPrivateKey, **changes: Any) -> str:
    head, body, _ = token.split(".")
    claims = {**json.loads(b64d(body)), **changes}
    signing_input = f"{head}.{b64e(json.dumps(claims).encode())}"
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64e(sig)}"


async def test_forged_and_foreign_tokens_are_refused(raw: Raw, signed_in: dict[str, Any]) -> None:
    token = signed_in["AccessToken"]
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    invalid = ("NotAuthorizedException", "Invalid Access Token")
    for bad in (
        forge(token, username="someone-else"),
        forge(token, exp=4_000_000_000),
        resign(token, other_key),
        signed_in["IdToken"],  # right pool, wrong key and token_use
        token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
        "not-a-jwt",
        "a.b.c",
    ):
        assert await raw.error("GetUser", {"AccessToken": bad}) == invalid
    assert (await raw.ok("GetUser", {"AccessToken": token}))["Username"] == "ana"


async def test_expired_token(raw: Raw, signed_in: dict[str, Any], clock: ManualClock) -> None:
    clock.advance(600)
    assert await raw.error("GetUser", {"AccessToken": signed_in["AccessToken"]}) == (
        "NotAuthorizedException",
        "Access Token has expired",
    )


async def test_global_sign_out_revokes_every_session(
    emu: Emulator, raw: Raw, signed_in: dict[str, Any]
) -> None:
    app = signed_in["app"]
    other = (
        await raw.ok(
            "InitiateAuth",
            {
                "ClientId": app.id,
                "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "ana", "PASSWORD": PASSWORD},
            },
        )
    )["AuthenticationResult"]
    await raw.ok("GlobalSignOut", {"AccessToken": signed_in["AccessToken"]})
    revoked = ("NotAuthorizedException", "Access Token has been revoked")
    for operation, body in (
        ("GetUser", {}),
        ("GlobalSignOut", {}),
        ("ChangePassword", {"PreviousPassword": PASSWORD, "ProposedPassword": "New-Pass-123"}),
        ("UpdateUserAttributes", {"UserAttributes": [{"Name": "name", "Value": "x"}]}),
        ("DeleteUserAttributes", {"UserAttributeNames": ["name"]}),
        ("GetUserAttributeVerificationCode", {"AttributeName": "email"}),
        ("VerifyUserAttribute", {"AttributeName": "email", "Code": "123456"}),
        ("DeleteUser", {}),
    ):
        for token in (signed_in["AccessToken"], other["AccessToken"]):
            assert await raw.error(operation, {"AccessToken": token, **body}) == revoked
    for refresh in (signed_in["RefreshToken"], other["RefreshToken"]):
        assert await raw.error(
            "InitiateAuth",
            {
                "ClientId": app.id,
                "AuthFlow": "REFRESH_TOKEN_AUTH",
                "AuthParameters": {"REFRESH_TOKEN": refresh},
            },
        ) == ("NotAuthorizedException", "Refresh Token has been revoked")


async def test_scope_is_required(emu: Emulator, raw: Raw, signed_in: dict[str, Any]) -> None:
    pool = signed_in["pool"]
    key = emu.core.services.tokens.access_key(emu.core.pools[pool.id])
    head, body, _ = signed_in["AccessToken"].split(".")
    claims = {**json.loads(b64d(body)), "scope": "openid"}
    signing_input = f"{head}.{b64e(json.dumps(claims).encode())}"
    token = f"{signing_input}.{b64e(key.sign(signing_input.encode()))}"
    assert await raw.error("GetUser", {"AccessToken": token}) == (
        "NotAuthorizedException",
        "Access Token does not have required scopes",
    )


async def test_deleted_and_disabled_users(
    emu: Emulator, raw: Raw, signed_in: dict[str, Any]
) -> None:
    pool = signed_in["pool"]
    await raw.ok("AdminDisableUser", {"UserPoolId": pool.id, "Username": "ana"})
    assert (await raw.error("GetUser", {"AccessToken": signed_in["AccessToken"]}))[0] == (
        "NotAuthorizedException"
    )
    await raw.ok("AdminDeleteUser", {"UserPoolId": pool.id, "Username": "ana"})
    assert await raw.error("GetUser", {"AccessToken": signed_in["AccessToken"]}) == (
        "UserNotFoundException",
        "User does not exist.",
    )

"""The HTTP surface over raw aiohttp: JSON 1.1 dispatch, error shapes and headers, validation
messages, well-known documents, health and outbox endpoints."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest

from authflow.emulator import Emulator
from authflow.protocol.errors import InternalErrorError

from .conftest import PASSWORD, Raw, make_user

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def app(emu: Emulator) -> tuple[str, str]:
    pool = emu.create_user_pool("wire", auto_verified_attributes=["email"])
    client = emu.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    return pool.id, client.id


async def test_success_has_request_id_and_json_content_type(raw: Raw, app: tuple[str, str]) -> None:
    _pool_id, client_id = app
    status, headers, body = await raw(
        "SignUp", {"ClientId": client_id, "Username": "alice", "Password": PASSWORD}
    )
    assert status == 200
    assert UUID.fullmatch(headers["x-amzn-RequestId"])
    assert headers["Content-Type"].startswith("application/x-amz-json-1.1")
    assert body["UserConfirmed"] is False and UUID.fullmatch(body["UserSub"])


async def test_error_shape_status_and_headers(raw: Raw, app: tuple[str, str]) -> None:
    _, client_id = app
    status, headers, body = await raw(
        "InitiateAuth",
        {
            "ClientId": client_id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "nobody", "PASSWORD": PASSWORD},
        },
    )
    assert status == 400
    assert body == {"__type": "UserNotFoundException", "message": "User does not exist."}
    assert headers["x-amzn-ErrorType"] == "UserNotFoundException:"
    assert headers["x-amzn-ErrorMessage"] == "User does not exist."
    assert UUID.fullmatch(headers["x-amzn-RequestId"])


@pytest.mark.parametrize(
    "target",
    [
        "AWSCognitoIdentityProviderService.NoSuchThing",
        "AWSCognitoIdentityProviderService.CreateIdentityProvider",
        "SomeOtherService.SignUp",
        "",
    ],
)
async def test_unknown_operation(raw: Raw, target: str) -> None:
    status, headers, body = await raw("", {}, target=target)
    assert status == 400
    assert body["__type"] == "UnknownOperationException"
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException:"


async def test_malformed_body_is_a_serialization_error(raw: Raw) -> None:
    status, _, body = await raw("SignUp", None, data=b"{not json")
    assert (status, body["__type"]) == (400, "SerializationException")
    status, _, body = await raw("SignUp", None, data=b"[1, 2]")
    assert (status, body["__type"]) == (400, "SerializationException")


async def test_wrong_json_type_is_a_serialization_error(raw: Raw, app: tuple[str, str]) -> None:
    status, _, body = await raw(
        "SignUp", {"ClientId": app[1], "Username": "bob", "Password": 12345678}
    )
    assert (status, body["__type"]) == (400, "SerializationException")


async def test_validation_message_is_coral_style_and_hides_sensitive_values(raw: Raw) -> None:
    code, message = await raw.error(
        "SignUp", {"ClientId": "ap-northeast-1_x", "Username": "a b", "Password": "has space"}
    )
    assert code == "InvalidParameterException"
    assert message == (
        "3 validation errors detected: "
        "Value at 'clientId' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\w+]+; "
        "Value at 'username' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+; "
        "Value at 'password' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\S]+"
    )
    assert "has space" not in message


async def test_validation_missing_required_enum_and_range(raw: Raw) -> None:
    code, message = await raw.error("InitiateAuth", {"AuthFlow": "MAGIC"})
    assert code == "InvalidParameterException"
    assert message.startswith("2 validation errors detected: ")
    assert (
        "Value 'MAGIC' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value "
        "set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, "
        "USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]" in message
    )
    assert "Value null at 'clientId' failed to satisfy constraint: Member must not be null" in (
        message
    )
    _, message = await raw.error(
        "CreateUserPoolClient",
        {"UserPoolId": "us-east-1_abc", "ClientName": "x", "AuthSessionValidity": 20},
    )
    assert message == (
        "1 validation error detected: Value '20' at 'authSessionValidity' failed to satisfy "
        "constraint: Member must have value less than or equal to 15"
    )


async def test_nested_member_paths(raw: Raw, app: tuple[str, str]) -> None:
    _, message = await raw.error(
        "SignUp",
        {
            "ClientId": app[1],
            "Username": "carol",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "c@example.com"}, {"Value": "x"}],
        },
    )
    assert message == (
        "1 validation error detected: Value null at 'userAttributes.2.member.name' failed to "
        "satisfy constraint: Member must not be null"
    )


async def test_internal_error_is_500(emu: Emulator, raw: Raw, app: tuple[str, str]) -> None:
    def explode(services: Any, request: Any, body: dict[str, Any]) -> dict[str, Any]:
        raise InternalErrorError("Internal failure.")

    def bug(services: Any, request: Any, body: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("hunter2-secret")

    emu.core.dispatcher.register("GetUser", explode, replace=True)
    status, headers, body = await raw("GetUser", {"AccessToken": "abc"})
    assert (status, body["__type"]) == (500, "InternalErrorException")
    assert headers["x-amzn-ErrorType"] == "InternalErrorException:"
    emu.core.dispatcher.register("GetUser", bug, replace=True)
    status, _, body = await raw("GetUser", {"AccessToken": "abc"})
    assert (status, body["__type"]) == (500, "InternalErrorException")
    assert "hunter2" not in body["message"]


async def test_health_and_outbox(emu: Emulator, raw: Raw, app: tuple[str, str]) -> None:
    _, client_id = app
    for name in ("dave", "erin"):
        await raw.ok(
            "SignUp",
            {
                "ClientId": client_id,
                "Username": name,
                "Password": PASSWORD,
                "UserAttributes": [{"Name": "email", "Value": f"{name}@example.com"}],
            },
        )
    async with aiohttp.ClientSession() as session:
        async with session.get(emu.endpoint + "/_emulator/health") as resp:
            assert resp.status == 200
        async with session.get(emu.endpoint + "/_emulator/outbox") as resp:
            messages = (await resp.json())["messages"]
        assert [m["username"] for m in messages] == ["dave", "erin"]
        async with session.get(emu.endpoint + "/_emulator/outbox?username=erin") as resp:
            (only,) = (await resp.json())["messages"]
    assert only["code"] == emu.outbox.latest(username="erin").code
    assert only["channel"] == "EMAIL" and only["purpose"] == "SIGN_UP"
    assert only["destination"] == "erin@example.com"
    assert re.fullmatch(r"\d{6}", only["code"])


async def test_well_known_documents(emu: Emulator, app: tuple[str, str]) -> None:
    pool_id, _ = app
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emu.endpoint}/{pool_id}/.well-known/jwks.json") as resp:
            keys = (await resp.json())["keys"]
        async with session.get(f"{emu.endpoint}/{pool_id}/.well-known/openid-configuration") as r:
            config = await r.json()
        async with session.get(f"{emu.endpoint}/us-east-1_nope/.well-known/jwks.json") as resp:
            assert resp.status == 404
    assert len(keys) == 2 and keys[0]["kid"] != keys[1]["kid"]
    assert {k["alg"] for k in keys} == {"RS256"} and {k["kty"] for k in keys} == {"RSA"}
    assert config["issuer"] == f"{emu.endpoint}/{pool_id}"
    assert config["jwks_uri"] == f"{emu.endpoint}/{pool_id}/.well-known/jwks.json"


async def test_admin_operations_accept_unsigned_requests(raw: Raw) -> None:
    body = await raw.ok("CreateUserPool", {"PoolName": "unsigned"})
    pool_id = body["UserPool"]["Id"]
    assert re.fullmatch(r"us-east-1_[0-9A-Za-z]{9}", pool_id)
    await raw.ok("AdminCreateUser", {"UserPoolId": pool_id, "Username": "frank"})


async def test_user_password_auth_over_raw_http(
    emu: Emulator, raw: Raw, app: tuple[str, str]
) -> None:
    pool_id, client_id = app
    make_user(emu, pool_id, "gina")
    body = await raw.ok(
        "InitiateAuth",
        {
            "ClientId": client_id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "gina", "PASSWORD": PASSWORD},
        },
    )
    assert body["ChallengeParameters"] == {}
    result = body["AuthenticationResult"]
    assert set(result) == {"AccessToken", "ExpiresIn", "TokenType", "RefreshToken", "IdToken"}
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600
    for token in (result["AccessToken"], result["IdToken"], result["RefreshToken"]):
        assert re.fullmatch(r"[A-Za-z0-9\-_=.]+", token)

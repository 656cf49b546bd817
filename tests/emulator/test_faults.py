"""Faults on demand: latency, throttling, 500 / bare 502, dropped connections (before or after the
operation ran), per operation or at a seeded rate; the Python API and the HTTP control endpoint;
authflow's AiohttpTransport retrying through them."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest

from authflow.emulator import Emulator, Faults
from authflow.protocol import GetUserRequest, InitiateAuthRequest, SignUpRequest
from authflow.protocol.errors import InternalErrorError, ServiceError, TransportError
from authflow.transport import AiohttpTransport, RetryPolicy, call

from .conftest import PASSWORD, Raw, error_of, make_user

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def login_body(client_id: str, username: str = "ann") -> dict[str, Any]:
    return {
        "ClientId": client_id,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD},
    }


@pytest.fixture
def app(emu: Emulator) -> Any:
    pool = emu.create_user_pool("faults")
    make_user(emu, pool.id, "ann")
    return emu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)


async def test_throttle_per_operation_and_times(emu: Emulator, raw: Raw, app: Any) -> None:
    rule = emu.faults.add("throttle", operation="InitiateAuth", times=2)
    assert rule.operation == "InitiateAuth"
    for _ in range(2):
        status, headers, body = await raw("InitiateAuth", login_body(app.id))
        assert (status, body) == (
            400,
            {"__type": "TooManyRequestsException", "message": "Rate exceeded"},
        )
        assert headers["x-amzn-ErrorType"] == "TooManyRequestsException:"
    assert (await raw.ok("InitiateAuth", login_body(app.id)))["AuthenticationResult"]
    assert emu.faults.rules == []  # spent
    assert emu.faults.injected == [("InitiateAuth", "throttle")] * 2


async def test_internal_error_and_bad_gateway(emu: Emulator, raw: Raw, app: Any) -> None:
    emu.faults.add("internal_error")  # any operation, once
    status, headers, body = await raw("InitiateAuth", login_body(app.id))
    assert status == 500 and body["__type"] == "InternalErrorException"
    assert headers["x-amzn-ErrorType"] == "InternalErrorException:"
    emu.faults.add("bad_gateway", operation="InitiateAuth")
    async with raw.session.post(
        emu.endpoint + "/",
        json=login_body(app.id),
        headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"},
    ) as resp:
        assert resp.status == 502 and resp.content_type == "text/html"
        assert "x-amzn-ErrorType" not in resp.headers
        assert "Bad Gateway" in await resp.text()


async def test_drop_before_and_after_the_operation(emu: Emulator, raw: Raw, app: Any) -> None:
    sign_up = {"ClientId": app.id, "Username": "bob", "Password": PASSWORD}
    emu.faults.add("drop", operation="SignUp")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await raw("SignUp", sign_up)
    assert await raw.error("AdminGetUser", {"UserPoolId": app.pool_id, "Username": "bob"}) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    emu.faults.add("drop_after", operation="SignUp")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await raw("SignUp", sign_up)
    user = await raw.ok("AdminGetUser", {"UserPoolId": app.pool_id, "Username": "bob"})
    assert user["UserStatus"] == "UNCONFIRMED"  # it happened; the answer was lost


async def test_latency(emu: Emulator, raw: Raw, app: Any) -> None:
    emu.faults.add("latency", operation="InitiateAuth", delay=0.2)
    started = time.monotonic()
    assert (await raw.ok("InitiateAuth", login_body(app.id)))["AuthenticationResult"]
    assert time.monotonic() - started >= 0.2
    async with AiohttpTransport(
        emu.endpoint, total_timeout=0.05, retry=RetryPolicy(max_attempts=1)
    ) as transport:
        emu.faults.add("latency", delay=0.3)
        with pytest.raises(TransportError) as info:
            await call(
                transport,
                InitiateAuthRequest(
                    auth_flow="USER_PASSWORD_AUTH",
                    client_id=app.id,
                    auth_parameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
                ),
            )
        assert info.value.sent is True


def test_rate_is_seeded_and_reproducible() -> None:
    def pattern(seed: int) -> list[bool]:
        faults = Faults(seed)
        faults.add("throttle", rate=0.5, times=None)
        return [faults.plan("InitiateAuth").failure is not None for _ in range(40)]

    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)
    assert 5 < sum(pattern(7)) < 35
    faults = Faults(3)
    faults.add("throttle", rate=0.5, times=3)
    fired = [faults.plan("GetUser").failure for _ in range(50)]
    assert fired.count("throttle") == 3  # bounded
    faults.clear()
    faults.add("throttle", rate=0.5, times=None)
    again = [faults.plan("GetUser").failure for _ in range(5)]
    faults.clear()
    faults.add("throttle", rate=0.5, times=None)
    assert [faults.plan("GetUser").failure for _ in range(5)] == again  # clear() restarts it


def test_rule_validation() -> None:
    faults = Faults()
    for kwargs in (
        {"kind": "explode"},
        {"kind": "throttle", "times": 0},
        {"kind": "throttle", "rate": 0},
        {"kind": "throttle", "rate": 1.5},
        {"kind": "latency"},
        {"kind": "latency", "delay": 31},
        {"kind": "throttle", "delay": 1},
    ):
        with pytest.raises(ValueError):
            faults.add(**kwargs)
    latency = faults.add("latency", delay=0.5, times=None)
    faults.add("latency", delay=0.25, times=None)
    faults.add("internal_error", operation="GetUser")
    plan = faults.plan("GetUser")
    assert (plan.delay, plan.failure) == (0.75, "internal_error")
    assert faults.remove(latency.id) and not faults.remove(latency.id)
    assert faults.plan("GetUser").delay == 0.25


async def test_http_control_endpoint(emu: Emulator, raw: Raw, app: Any) -> None:
    url = emu.endpoint + "/_emulator/faults"
    session = raw.session
    async with session.post(url, json={"kind": "throttle", "operation": "InitiateAuth"}) as resp:
        assert resp.status == 201
        rule = (await resp.json())["fault"]
        assert rule["kind"] == "throttle" and rule["times"] == 1
    async with session.post(url, json={"kind": "nope"}) as resp:
        assert resp.status == 400
    async with session.post(url, json={"kind": "throttle", "extra": 1}) as resp:
        assert resp.status == 400
    async with session.get(url) as resp:
        listed = await resp.json()
        assert [f["id"] for f in listed["faults"]] == [rule["id"]]
    assert (await raw.error("InitiateAuth", login_body(app.id)))[0] == "TooManyRequestsException"
    async with session.get(url) as resp:
        assert (await resp.json())["injected"] == [
            {"operation": "InitiateAuth", "kind": "throttle"}
        ]
    async with session.post(url, json={"kind": "internal_error", "times": None}) as resp:
        forever = (await resp.json())["fault"]
    async with session.delete(f"{url}/{forever['id']}") as resp:
        assert resp.status == 200
    async with session.delete(f"{url}/{forever['id']}") as resp:
        assert resp.status == 404
    async with session.post(url, json={"kind": "internal_error", "times": None}) as resp:
        assert resp.status == 201
    async with session.delete(url, params={"seed": "5"}) as resp:
        assert resp.status == 200
    async with session.get(url) as resp:
        state = await resp.json()
        assert state == {"seed": 5, "faults": [], "injected": []}
    assert (await raw.ok("InitiateAuth", login_body(app.id)))["AuthenticationResult"]


async def test_authflow_transport_retries_through_faults(emu: Emulator, app: Any) -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=0.0)
    async with AiohttpTransport(emu.endpoint, retry=policy) as transport:
        login = InitiateAuthRequest(
            auth_flow="USER_PASSWORD_AUTH",
            client_id=app.id,
            auth_parameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )
        emu.faults.add("throttle", operation="InitiateAuth", times=2)
        result = await call(transport, login)
        assert result.authentication_result is not None
        access = result.authentication_result.access_token
        assert access is not None

        emu.faults.add("internal_error", operation="InitiateAuth", times=3)
        with pytest.raises(InternalErrorError):
            await call(transport, login)

        # A lost answer is resent only for idempotent operations.
        emu.faults.add("drop_after", operation="GetUser")
        assert (await call(transport, GetUserRequest(access_token=access))).username == "ann"
        emu.faults.add("drop_after", operation="SignUp")
        with pytest.raises(TransportError) as info:
            await call(transport, SignUpRequest(client_id=app.id, username="cy", password=PASSWORD))
        assert info.value.sent is True
        emu.faults.add("bad_gateway", operation="SignUp")
        with pytest.raises(ServiceError) as bad:
            await call(
                transport, SignUpRequest(client_id=app.id, username="dee", password=PASSWORD)
            )
        assert bad.value.code == "HTTP502"
    assert emu.faults.rules == []


def test_boto3_sees_throttling(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool("boto")
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "eve")
    # The fixture's boto3 makes one retry (max_attempts=1 counts retries): both are throttled.
    temu.faults.add("throttle", operation="InitiateAuth", times=2)
    assert error_of(
        lambda: cognito.initiate_auth(
            ClientId=app.id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "eve", "PASSWORD": PASSWORD},
        )
    ) == ("TooManyRequestsException", "Rate exceeded")
    assert temu.faults.injected == [("InitiateAuth", "throttle")] * 2

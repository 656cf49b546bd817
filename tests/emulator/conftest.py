"""Fixtures: emulators on 127.0.0.1 (async, or on a thread for boto3), boto3 clients, raw HTTP;
no blocking call on the event loop (tests/loop_hygiene.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import aiohttp
import boto3
import pytest
from botocore.config import Config
from loop_hygiene import no_blocking_calls

from authflow.emulator import Emulator, ManualClock, threaded_emulator

__all__ = ["no_blocking_calls"]  # an autouse fixture: imported to apply here

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
_SESSION = boto3.session.Session()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def emu(clock: ManualClock) -> AsyncIterator[Emulator]:
    async with Emulator(clock=clock) as emulator:
        yield emulator


@pytest.fixture
def temu(clock: ManualClock) -> Iterator[Emulator]:
    """An emulator on its own loop in a thread, for synchronous boto3 calls."""
    with threaded_emulator(clock=clock) as emulator:
        yield emulator


def boto(emu: Emulator) -> Any:
    return _SESSION.client(
        "cognito-idp",
        endpoint_url=emu.endpoint,
        region_name=emu.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture
def cognito(temu: Emulator) -> Any:
    return boto(temu)


class Raw:
    """Raw AWS JSON 1.1 calls over aiohttp."""

    def __init__(self, session: aiohttp.ClientSession, endpoint: str) -> None:
        self.session = session
        self.endpoint = endpoint

    async def __call__(
        self, operation: str, body: Any, *, target: str | None = None, data: bytes | None = None
    ) -> tuple[int, Any, Any]:
        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": target or f"AWSCognitoIdentityProviderService.{operation}",
        }
        kwargs: dict[str, Any] = {"data": data} if data is not None else {"json": body}
        async with self.session.post(self.endpoint + "/", headers=headers, **kwargs) as resp:
            return resp.status, resp.headers, await resp.json(content_type=None)

    async def ok(self, operation: str, body: Any) -> Any:
        status, _, payload = await self(operation, body)
        assert status == 200, payload
        return payload

    async def error(self, operation: str, body: Any) -> tuple[str, str]:
        status, headers, payload = await self(operation, body)
        assert status == 400, payload
        assert headers["x-amzn-ErrorType"] == payload["__type"] + ":"
        return payload["__type"], payload["message"]


@pytest.fixture
async def raw(emu: Emulator) -> AsyncIterator[Raw]:
    async with aiohttp.ClientSession() as session:
        yield Raw(session, emu.endpoint)


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """Run a boto3 call that must fail; return (code, message)."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as info:
        call()
    err = info.value.response["Error"]
    return err["Code"], err["Message"]


PASSWORD = "Correct-Horse-9!"


def make_user(
    emu: Emulator,
    pool_id: str,
    username: str,
    password: str = PASSWORD,
    **attributes: str,
) -> dict[str, Any]:
    """A CONFIRMED user with a permanent password, provisioned through the admin operations."""
    user = emu.handle(
        "AdminCreateUser",
        {
            "UserPoolId": pool_id,
            "Username": username,
            "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": k, "Value": v} for k, v in attributes.items()],
        },
    )["User"]
    emu.handle(
        "AdminSetUserPassword",
        {"UserPoolId": pool_id, "Username": username, "Password": password, "Permanent": True},
    )
    return dict(user)

"""The emulator over real HTTP for end-to-end tests: fixtures (``clock``, ``emu``; conftests
re-export them) and helpers that make an app client and users."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.storage import MemoryStore

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
PASSWORD = "Correct-Horse-9!"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def emu(clock: ManualClock) -> AsyncIterator[Emulator]:
    async with Emulator(clock=clock) as emulator:
        yield emulator


def client(emu: Emulator, clock: ManualClock, *, store: MemoryStore | None = None,
           secret: bool = False, pool_settings: dict[str, Any] | None = None,
           pool_id: str | None = None, **client_settings: Any) -> AuthClient:
    if pool_id is None:
        pool_id = emu.create_user_pool("e2e", **(pool_settings or {})).id
    client_settings.setdefault("explicit_auth_flows", FLOWS)
    app = emu.create_user_pool_client(pool_id, generate_secret=secret, **client_settings)
    config = CognitoConfig(user_pool_id=pool_id, client_id=app.id, endpoint=emu.endpoint,
                           client_secret=app.secret if secret else None)
    return AuthClient(config, store=store or MemoryStore(), clock=clock)


async def admin_user(auth: AuthClient, username: str, temporary: str = "Temp-Pass-1!",
                     **attributes: str) -> None:
    await auth.transport.send("AdminCreateUser", {
        "UserPoolId": auth.config.user_pool_id, "Username": username,
        "TemporaryPassword": temporary, "MessageAction": "SUPPRESS",
        "UserAttributes": [{"Name": k, "Value": v} for k, v in attributes.items()],
    })


async def confirmed_user(auth: AuthClient, username: str, password: str = PASSWORD) -> None:
    await auth.transport.send("AdminCreateUser", {
        "UserPoolId": auth.config.user_pool_id, "Username": username,
        "MessageAction": "SUPPRESS", "TemporaryPassword": "Temp-Pass-1!"})
    await auth.transport.send("AdminSetUserPassword", {
        "UserPoolId": auth.config.user_pool_id, "Username": username, "Password": password,
        "Permanent": True})




class RequestLog:
    """Records the operations the emulator serves from now on (its core's ``handle`` is looked up
    per request, so wrapping it sees every one)."""

    def __init__(self, emu: Emulator) -> None:
        self.operations: list[str] = []
        self._handle = emu.core.handle
        emu.core.handle = self  # type: ignore[method-assign]

    def __call__(self, operation: str, body: Mapping[str, Any]) -> dict[str, Any]:
        self.operations.append(operation)
        return self._handle(operation, body)

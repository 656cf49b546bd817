"""A user pool on the emulator with a signed-in user: what verification and integration tests need.

The sign-in is USER_PASSWORD_AUTH through a real :class:`AuthClient` over HTTP, so the tokens are
exactly what the emulator issues.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import attrs

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.flows import SignInFlow

PASSWORD = "Correct-Horse-9!"
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


@attrs.define
class SignedIn:
    """An emulator, a pool and app client, an AuthClient and a signed-in user's flow."""

    emu: Emulator
    clock: ManualClock
    pool_id: str
    client_id: str
    auth: AuthClient
    flow: SignInFlow
    #: The tokens the sign-in returned (kept after a sign-out clears the flow's).
    access_token: str
    id_token: str


async def create_user(auth: AuthClient, username: str, password: str = PASSWORD) -> None:
    """A confirmed user with a permanent password, through the admin API."""
    pool = auth.config.user_pool_id
    await auth.transport.send("AdminCreateUser", {
        "UserPoolId": pool, "Username": username, "MessageAction": "SUPPRESS",
        "TemporaryPassword": "Temp-Pass-1!"})
    await auth.transport.send("AdminSetUserPassword", {
        "UserPoolId": pool, "Username": username, "Password": password, "Permanent": True})


@asynccontextmanager
async def signed_in(username: str = "alice", *, emu: Emulator | None = None,
                    clock: ManualClock | None = None) -> AsyncIterator[SignedIn]:
    """Sign ``username`` in on a new pool of ``emu`` (or of a new emulator)."""
    clock = clock or ManualClock(START)
    if emu is None:
        async with Emulator(clock=clock) as fresh, signed_in(username, emu=fresh, clock=clock) as s:
            yield s
        return
    pool = emu.create_user_pool("verify")
    app = emu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint)
    async with AuthClient(config, clock=clock) as auth:
        await create_user(auth, username)
        flow = auth.sign_in(username, PASSWORD, auth_flow="USER_PASSWORD_AUTH")
        await flow.step()
        assert flow.state == "Authenticated" and flow.tokens is not None
        assert flow.tokens.id_token is not None
        yield SignedIn(emu, clock, pool.id, app.id, auth, flow, flow.tokens.access_token,
                       flow.tokens.id_token)

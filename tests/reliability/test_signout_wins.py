"""A sign-out beats a refresh whose answer is still in flight (security regression).

``access_token(key)`` starts a refresh; the server has already issued the new tokens when
``flow.sign_out()`` revokes the session and deletes its record; then the refresh's answer arrives.
The refresh must not write the record back (its write is a compare-and-set over the record it
read), ``access_token`` must not hand out the token the server now calls revoked, and a refresh
token that rotation issued meanwhile is revoked too. Over real HTTP against the emulator.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest
from emulated_cognito import PASSWORD, confirmed_user

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import NotAuthorizedError, SessionNotFoundError
from authflow.storage import MemoryStore
from authflow.transport import AiohttpTransport

REFRESHES = ("GetTokensFromRefreshToken", "InitiateAuth:REFRESH_TOKEN_AUTH")


class HeldRefreshAnswers:
    """A transport that sends every request to the emulator but holds back the answer of a
    refresh until :attr:`release` is set (the server has processed it: the answer is in flight)."""

    def __init__(self, inner: AiohttpTransport) -> None:
        self.inner = inner
        self.answered = asyncio.Event()
        self.release = asyncio.Event()
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.refreshed: dict[str, Any] = {}

    async def send(self, operation: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        self.sent.append((operation, dict(payload)))
        answer = await self.inner.send(operation, payload)
        flow = payload.get("AuthFlow")
        if f"{operation}:{flow}" in REFRESHES or operation in REFRESHES:
            self.refreshed = answer["AuthenticationResult"]
            self.answered.set()
            await self.release.wait()
        return answer

    async def close(self) -> None:
        await self.inner.close()


@pytest.mark.parametrize("rotation", [False, True], ids=["refresh_token_auth", "rotation"])
async def test_sign_out_during_an_in_flight_refresh_wins(rotation: bool) -> None:
    clock = ManualClock(1_767_225_600.0)
    async with Emulator(clock=clock) as emu:
        pool = emu.create_user_pool("signout-wins")
        settings: dict[str, Any] = {}
        if rotation:
            settings["refresh_token_rotation"] = {"Feature": "ENABLED",
                                                  "RetryGracePeriodSeconds": 0}
        app = emu.create_user_pool_client(
            pool.id, explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            **settings)
        config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint,
                               use_token_rotation=rotation)
        transport = HeldRefreshAnswers(AiohttpTransport(emu.endpoint))
        store = MemoryStore()
        async with AuthClient(config, transport=transport, store=store, clock=clock) as auth:
            await confirmed_user(auth, "erin")
            flow = auth.sign_in("erin", PASSWORD)
            await flow.step()
            key = flow.session_key
            assert key is not None and flow.state == "Authenticated"
            clock.advance(3600)  # the access token has expired for the client and the server

            pending = asyncio.ensure_future(auth.access_token(key))
            await transport.answered.wait()  # the server issued new tokens; answer in flight
            await flow.sign_out()  # RevokeToken + delete: must win
            transport.release.set()

            with pytest.raises(SessionNotFoundError):
                await pending
            assert await store.get(key) is None, "the refresh wrote a signed-out session back"
            with pytest.raises(SessionNotFoundError):
                await auth.access_token(key)
            # the token the refresh obtained is revoked at the server: nobody may use it
            fresh = transport.refreshed["AccessToken"]
            with pytest.raises(NotAuthorizedError):
                await auth.transport.send("GetUser", {"AccessToken": fresh})
            revoked = [p["Token"] for op, p in transport.sent if op == "RevokeToken"]
            if rotation:  # the rotated refresh token the losing refresh obtained is revoked too
                assert transport.refreshed["RefreshToken"] in revoked
                assert len(revoked) == 2
            else:
                assert len(revoked) == 1
        await transport.close()

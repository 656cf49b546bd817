"""Refresh-token rotation when a refresh's answer is lost (regression).

With rotation, the server supersedes the submitted refresh token as soon as it processes the
refresh; if the answer is lost on the way back (``TransportError(sent=True)``) the client still
holds only the old token. Within the app client's RetryGracePeriodSeconds Cognito (and the
emulator) accept the old token again, so the session manager retries with it and nothing is lost.
With no grace period the session cannot be saved: it is signed out with its own event reason,
``session_lost``. Faults are the emulator's ``drop_after`` (the refresh runs, the connection is
closed before the answer), seeded, over real HTTP.
"""

from __future__ import annotations

from emulated_cognito import PASSWORD, START, confirmed_user

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import RefreshTokenReuseError, TransportError
from authflow.sessions import SessionEvent

SESSIONS = 25


async def _access_token(auth: AuthClient, key: str) -> str:
    """What a service does: a transient failure (the answer to a retry lost too) is tried
    again by the next call."""
    for _ in range(20):
        try:
            return await auth.access_token(key)
        except TransportError:
            continue
    raise AssertionError("20 transient failures in a row")


async def _run(grace: int) -> tuple[int, int, list[SessionEvent], Emulator]:
    """Sign in SESSIONS users, expire their tokens, drop half the refresh answers; return
    (sessions lost, refresh answers dropped, events, emulator)."""
    clock = ManualClock(START)
    async with Emulator(clock=clock) as emu:
        pool = emu.create_user_pool("rotation-lost")
        app = emu.create_user_pool_client(
            pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            refresh_token_rotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": grace})
        config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint,
                               use_token_rotation=True, rotation_grace_seconds=grace)
        events: list[SessionEvent] = []
        async with AuthClient(config, clock=clock) as auth:
            auth.on_event(events.append)
            keys = []
            for i in range(SESSIONS):
                await confirmed_user(auth, f"user{i}")
                flow = auth.sign_in(f"user{i}", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
                await flow.step()
                assert flow.session_key is not None
                keys.append(flow.session_key)
            clock.advance(3700)
            emu.faults.clear(seed=7)
            emu.faults.add("drop_after", operation="GetTokensFromRefreshToken", rate=0.5,
                           times=None)
            lost = 0
            for key in keys:
                try:
                    token = await _access_token(auth, key)
                except RefreshTokenReuseError:
                    lost += 1
                    continue
                me = await auth.transport.send("GetUser", {"AccessToken": token})
                assert me["Username"].startswith("user")
            dropped = sum(1 for _, kind in emu.faults.injected if kind == "drop_after")
            emu.faults.clear()
            # the survivors refresh again later with the token they were left with
            clock.advance(3700)
            for key in keys:
                if await auth.store.get(key) is not None:
                    assert await auth.access_token(key)
    return lost, dropped, events, emu


async def test_with_a_grace_period_no_session_is_lost() -> None:
    lost, dropped, events, _ = await _run(grace=30)
    assert dropped >= 10  # the answers of about half the refreshes were lost...
    assert lost == 0  # ...and every session survived
    assert not [e for e in events if e.kind == "signed_out"]
    assert sum(e.kind == "refreshed" for e in events) == 2 * 25


async def test_without_a_grace_period_a_lost_answer_is_reported_as_session_lost() -> None:
    lost, dropped, events, _ = await _run(grace=0)
    assert 0 < lost <= dropped  # every lost session had an answer dropped
    reasons = [e.reason for e in events if e.kind == "signed_out"]
    assert reasons == ["session_lost"] * lost

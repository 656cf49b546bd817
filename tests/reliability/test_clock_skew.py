"""Two processes whose clocks are 10 minutes apart share one session.

A record's expiry used to be the writer's local clock, so with 5-minute access tokens the
process whose clock is ahead saw every record the other wrote as expired (refreshing on nearly
every call) and the one behind served tokens the server had expired minutes ago. Expiry is now
compared in server time: the token's ``exp`` against each manager's own estimate of server minus
local time (learned from the ``iat`` of tokens it receives; the writer's estimate until then).
Here each manager has received tokens of its own (a sign-in) before they share the session.
"""

from __future__ import annotations

import math

import pytest
from emulated_cognito import PASSWORD, START, confirmed_user

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.protocol.jwt import jwt_claims
from authflow.storage import MemoryStore

VALIDITY = 300  # 5-minute access tokens
STEP = 20
DURATION = 2400
BLOCK = VALIDITY // STEP


@pytest.mark.parametrize("offset", [600.0, -600.0], ids=["ahead", "behind"])
async def test_two_managers_ten_minutes_apart_share_a_session(offset: float) -> None:
    clock = ManualClock(START)
    async with Emulator(clock=clock) as emu:
        pool = emu.create_user_pool("skew")
        app = emu.create_user_pool_client(
            pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            access_token_validity=VALIDITY // 60, token_validity_units={"AccessToken": "minutes"})
        config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint)
        store = MemoryStore()
        right = AuthClient(config, store=store, clock=clock)
        skewed = AuthClient(config, store=store, clock=lambda: clock() + offset)
        async with right, skewed:
            await confirmed_user(right, "sam")
            await confirmed_user(right, "pat")
            other = skewed.sign_in("pat", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
            await other.step()  # the skewed manager learns its own clock skew
            flow = right.sign_in("sam", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
            await flow.step()
            key = flow.session_key
            assert key is not None
            calls = 0
            for step in range(DURATION // STEP):
                clock.advance(STEP)
                auth = (right, skewed)[(step // BLOCK) % 2]  # 5-minute turns
                token = await auth.access_token(key)
                calls += 1
                exp = jwt_claims(token)["exp"]
                assert exp > clock(), f"served a token {clock() - exp:.0f} s past its exp"
                me = await auth.transport.send("GetUser", {"AccessToken": token})
                assert me["Username"] == "sam"
            refreshes = right.sessions.refresh_count + skewed.sessions.refresh_count
            # one refresh per token lifetime (minus the leeway), whoever holds the turn
            lifetimes = math.ceil(DURATION / (VALIDITY - config.refresh_leeway))
            assert refreshes <= lifetimes + 1, (refreshes, calls)
            assert skewed.sessions.clock_skew is not None
            assert abs(skewed.sessions.clock_skew + offset) < 5

"""The session manager against the emulator over real HTTP: one refresh for many callers."""

from __future__ import annotations

import asyncio

from emulated_cognito import PASSWORD, client, confirmed_user

from authflow.emulator import Emulator, ManualClock


async def test_expired_token_refreshes_once_for_many_callers(emu: Emulator,
                                                             clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "hank")
        flow = auth.sign_in("hank", PASSWORD)
        await flow.step()
        assert flow.session_key is not None
        first = await auth.access_token(flow.session_key)
        clock.advance(3600)
        tokens = await asyncio.gather(*(auth.access_token(flow.session_key) for _ in range(200)))
        assert len(set(tokens)) == 1 and tokens[0] != first
        assert auth.sessions.refresh_count == 1
        me = await auth.account(flow.session_key).get_user()
        assert me.username == "hank"



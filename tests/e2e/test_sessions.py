"""Sessions against the emulator over real HTTP: one refresh for many callers, one session per
sign-in (listed per user, signed out one by one or all at once), the per-user limit, and the
session events a service receives."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import attrs
import pytest
from emulated_cognito import PASSWORD, client, confirmed_user

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import (
    InternalErrorError,
    NotAuthorizedError,
    SessionNotFoundError,
)
from authflow.sessions import HUB_EVENTS, SIGN_OUT_REASONS, SessionEvent
from authflow.storage import MemoryStore


async def _signed_in(auth: AuthClient, login: str, **options: Any) -> Any:
    flow = auth.sign_in(login, PASSWORD, **options)
    await flow.step()
    assert flow.state == "Authenticated" and flow.session_key is not None
    return flow


async def test_expired_token_refreshes_once_for_many_callers(emu: Emulator,
                                                             clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "hank")
        flow = await _signed_in(auth, "hank")
        first = await auth.access_token(flow.session_key)
        clock.advance(3600)
        tokens = await asyncio.gather(*(auth.access_token(flow.session_key) for _ in range(200)))
        assert len(set(tokens)) == 1 and tokens[0] != first
        assert auth.sessions.refresh_count == 1
        me = await auth.account(flow.session_key).get_user()
        assert me.username == "hank"


async def _user_of(auth: AuthClient, token: str) -> str:
    return str((await auth.transport.send("GetUser", {"AccessToken": token}))["Username"])


async def test_two_sign_ins_of_one_user_are_two_sessions(emu: Emulator,
                                                         clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "ivy")
        laptop = await _signed_in(auth, "ivy")
        phone = await _signed_in(auth, "ivy", auth_flow="USER_PASSWORD_AUTH")
        assert laptop.session_key != phone.session_key
        listed = await auth.sessions_of("ivy")
        assert {s.key for s in listed} == {laptop.session_key, phone.session_key}
        assert all(s.username == "ivy" and s.login == "ivy" for s in listed)
        assert await auth.latest_session("ivy") in (laptop.session_key, phone.session_key)

        await phone.sign_out()  # the phone's sign-out ends the phone's session only
        assert phone.state == "SignedOut"
        assert await _user_of(auth, await auth.access_token(laptop.session_key)) == "ivy"
        clock.advance(3700)
        await laptop.refresh()  # its own refresh token was never overwritten nor revoked
        assert [s.key for s in await auth.sessions_of("ivy")] == [laptop.session_key]
        await auth.sign_out(laptop.session_key)  # by key, as any process sharing the store can
        assert await auth.sessions_of("ivy") == []
        with pytest.raises(SessionNotFoundError):
            await auth.access_token(laptop.session_key)
        with pytest.raises(NotAuthorizedError):  # revoked at the server too
            await _user_of(auth, laptop.tokens.access_token)


async def test_sign_out_all_and_global_sign_out(emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "joe")
        flows = [await _signed_in(auth, "joe") for _ in range(3)]
        assert await auth.sign_out_all("joe") == 3
        for flow in flows:
            with pytest.raises(SessionNotFoundError):
                await auth.access_token(flow.session_key)
        events: list[SessionEvent] = []
        auth.on_event(events.append)
        one, two = await _signed_in(auth, "joe"), await _signed_in(auth, "joe")
        await auth.sign_out(one.session_key, global_=True)
        assert await auth.sessions_of("joe") == []
        with pytest.raises(SessionNotFoundError):
            await auth.access_token(two.session_key)
        ended = {(e.key, e.reason) for e in events if e.kind == "signed_out"}
        assert ended == {(one.session_key, "signed_out_here"),
                         (two.session_key, "global_sign_out")}


async def test_a_global_sign_out_elsewhere_is_reported_as_such(emu: Emulator,
                                                               clock: ManualClock) -> None:
    store = MemoryStore()
    async with client(emu, clock, store=store) as auth:
        await confirmed_user(auth, "kay")
        listed = await _signed_in(auth, "kay")
        unlisted = await _signed_in(auth, "kay")
        # an index entry lost (say, a write that raced the sign-out): the record outlives it
        await auth.sessions.index.remove("kay", [unlisted.session_key])
        events: list[SessionEvent] = []
        auth.on_event(events.append)
        # another instance sharing the store signs the user out everywhere
        async with AuthClient(auth.config, store=store, clock=clock) as other:
            elsewhere: list[SessionEvent] = []
            other.on_event(elsewhere.append)
            there = await _signed_in(other, "kay", auth_flow="USER_PASSWORD_AUTH")
            await other.sign_out(there.session_key, global_=True)
        assert {(e.key, e.reason) for e in elsewhere if e.kind == "signed_out"} == {
            (there.session_key, "signed_out_here"), (listed.session_key, "global_sign_out")}
        with pytest.raises(SessionNotFoundError):  # its record went with the global sign-out
            await auth.access_token(listed.session_key)
        clock.advance(3700)
        with pytest.raises(NotAuthorizedError):  # revoked by it: the index says why
            await auth.access_token(unlisted.session_key)
        assert [(e.key, e.reason) for e in events] == [(unlisted.session_key, "global_sign_out")]


async def test_a_revoked_session_ends_with_its_reason(emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "lia")
        flow = await _signed_in(auth, "lia")
        events: list[SessionEvent] = []
        auth.on_event(events.append)
        # revoked behind authflow's back (another app, an admin): found out at the next refresh
        await auth.transport.send("RevokeToken", {"Token": flow.tokens.refresh_token,
                                                  "ClientId": auth.config.client_id})
        clock.advance(3700)
        with pytest.raises(NotAuthorizedError):
            await auth.access_token(flow.session_key)
        assert [(e.kind, e.reason) for e in events] == [("signed_out", "revoked")]
        assert await auth.sessions_of("lia") == []


async def test_a_deleted_user_ends_every_session(emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "max")
        one, two = await _signed_in(auth, "max"), await _signed_in(auth, "max")
        events: list[SessionEvent] = []
        auth.on_event(events.append)
        await auth.account(one.session_key).delete_user()
        assert {(e.key, e.reason) for e in events} == {(one.session_key, "user_deleted"),
                                                       (two.session_key, "user_deleted")}
        assert await auth.sessions_of("max") == []


async def test_the_oldest_sessions_beyond_the_limit_are_revoked(emu: Emulator,
                                                                clock: ManualClock) -> None:
    async with client(emu, clock) as base:
        config = CognitoConfig(user_pool_id=base.config.user_pool_id,
                               client_id=base.config.client_id, endpoint=emu.endpoint,
                               max_sessions_per_user=2)
    async with AuthClient(config, clock=clock) as auth:
        await confirmed_user(auth, "ned")
        events: list[SessionEvent] = []
        auth.on_event(events.append)
        flows = []
        for _ in range(3):
            flows.append(await _signed_in(auth, "ned"))
            clock.advance(1)  # distinct creation times
        assert [s.key for s in await auth.sessions_of("ned")] == [
            flows[2].session_key, flows[1].session_key]
        assert [(e.key, e.reason) for e in events if e.kind == "signed_out"] == [
            (flows[0].session_key, "replaced")]
        with pytest.raises(NotAuthorizedError):  # revoked, not orphaned
            await _user_of(auth, flows[0].tokens.access_token)


async def test_many_concurrent_sign_ins_are_all_indexed(emu: Emulator,
                                                        clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "ola")
        flows = await asyncio.gather(*(
            _signed_in(auth, "ola", auth_flow="USER_PASSWORD_AUTH") for _ in range(12)))
        listed = await auth.sessions_of("ola")
        assert {s.key for s in listed} == {f.session_key for f in flows}


async def test_events_for_every_kind_never_carry_a_token(emu: Emulator,
                                                         clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "pam")
        seen: list[SessionEvent] = []
        async_seen: list[str] = []

        async def async_callback(event: SessionEvent) -> None:
            await asyncio.sleep(0)
            async_seen.append(event.kind)

        auth.on_event(seen.append)
        auth.on_event(async_callback)
        stream = auth.events(maxsize=50)
        secrets: list[str | None] = []
        flow = await _signed_in(auth, "pam")
        secrets += [flow.tokens.access_token, flow.tokens.id_token, flow.tokens.refresh_token]
        clock.advance(3700)
        emu.faults.add("internal_error", operation="InitiateAuth", times=3)  # every retry
        with pytest.raises(InternalErrorError):
            await auth.access_token(flow.session_key)
        await flow.refresh()
        secrets += [flow.tokens.access_token, flow.tokens.id_token]
        await flow.sign_out()
        await auth.sessions.events.drain()
        kinds = [e.kind for e in seen]
        assert kinds == ["signed_in", "refresh_failed", "refreshed", "signed_out"]
        assert async_seen == kinds
        assert [e.hub_event for e in seen] == [HUB_EVENTS[k] for k in kinds] == [
            "signedIn", "tokenRefresh_failure", "tokenRefresh", "signedOut"]
        assert seen[1].reason == "transient" and seen[1].error == "InternalErrorError"
        assert seen[-1].reason in SIGN_OUT_REASONS
        streamed = [await stream.__anext__() for _ in kinds]
        assert streamed == seen
        for event in seen:
            for name, value in attrs.asdict(event).items():
                text = value if isinstance(value, str) else json.dumps(value)
                for secret in filter(None, secrets):
                    assert secret not in text and secret[-24:] not in text, name
            assert not any(secret in repr(event) for secret in filter(None, secrets))

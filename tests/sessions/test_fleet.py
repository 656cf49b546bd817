"""Sessions across OS processes sharing a store: the two steps of one sign-in in two processes
(saved by key), and four processes refreshing one session under refresh-token rotation with one
request between them. The emulator runs in this process over HTTP; the children are separate
Python processes importing this worktree's authflow; Redis is a real redis-server on a free port.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from emulated_cognito import PASSWORD, START
from redis_servers import RedisServer
from storage.conftest import private_dir, unique_prefix
from storage.processes import child, kill

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import SessionNotFoundError
from authflow.storage import FileStore, Store

PHONE = "+15555550177"

STORES = """
import asyncio, json, sys
from authflow import AuthClient, CognitoConfig
from authflow.storage import FileStore, RedisStore

def client(kind, where, prefix, endpoint, pool, app, rotation, now=None):
    store = (FileStore(where) if kind == "file" else RedisStore.from_url(where, prefix=prefix))
    cfg = CognitoConfig(user_pool_id=pool, client_id=app, endpoint=endpoint,
                        use_token_rotation=rotation == "1")
    clock = {} if now is None else {"clock": lambda: float(now)}
    return AuthClient(cfg, store=store, **clock), store
"""

STEP_ONE = STORES + """
async def main():
    kind, where, prefix, endpoint, pool, app, login, password = sys.argv[1:9]
    auth, store = client(kind, where, prefix, endpoint, pool, app, "0")
    async with auth:
        flow = auth.sign_in(login, password)
        step = await flow.step()
        key = await flow.save()
        print(json.dumps({"challenge": step.challenge, "key": key}), flush=True)
    await store.close()

asyncio.run(main())
"""

STEP_TWO = STORES + """
async def main():
    kind, where, prefix, endpoint, pool, app, key = sys.argv[1:8]
    auth, store = client(kind, where, prefix, endpoint, pool, app, "0")
    async with auth:
        flow = await auth.resume(key)
        print(json.dumps({"challenge": flow.challenge}), flush=True)
        code = sys.stdin.readline().strip()
        await flow.step(code)
        print(json.dumps({"state": flow.state, "session_key": flow.session_key}), flush=True)
    await store.close()

asyncio.run(main())
"""

REFRESHER = STORES + """
async def main():
    kind, where, prefix, endpoint, pool, app, key, now, callers = sys.argv[1:10]
    auth, store = client(kind, where, prefix, endpoint, pool, app, "1", now=now)
    async with auth:
        print("ready", flush=True)
        sys.stdin.readline()  # every process starts at once
        try:
            tokens = await asyncio.gather(*(auth.access_token(key) for _ in range(int(callers))))
            out = {"tokens": sorted(set(tokens)), "refreshes": auth.sessions.refresh_count}
        except Exception as exc:
            out = {"error": type(exc).__name__}
        print(json.dumps(out), flush=True)
    await store.close()

asyncio.run(main())
"""


class RequestCounter:
    """Counts the requests the emulator handles, by operation (wraps its core's ``handle``)."""

    def __init__(self, emu: Emulator) -> None:
        self.counts: Counter[str] = Counter()
        self._handle = emu.core.handle
        emu.core.handle = self  # type: ignore[method-assign]

    def __call__(self, operation: str, body: Mapping[str, Any]) -> dict[str, Any]:
        flow = body.get("AuthFlow")
        self.counts[f"{operation}:{flow}" if flow else operation] += 1
        return self._handle(operation, body)


def _store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Store, str, str]:
    """(store, where, prefix): a FileStore directory or a RedisStore on the test Redis."""
    prefix = unique_prefix()
    if kind == "file":
        where = str(private_dir(tmp_path))
        return FileStore(where), where, prefix
    from authflow.storage import RedisStore

    server: RedisServer = request.getfixturevalue("redis_server")
    return RedisStore.from_url(server.url, prefix=prefix), server.url, prefix


def _line(proc: Any) -> dict[str, Any]:
    line = proc.stdout.readline()
    if not line:
        raise AssertionError(proc.stderr.read())
    return dict(json.loads(line))


@pytest.mark.parametrize("kind", ["redis", "file"])
async def test_two_steps_of_one_sign_in_in_two_processes(
        kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    async with Emulator() as emu:  # the real clock: the children's SRP timestamps are real
        await _two_steps(emu, kind, tmp_path, request)


async def _two_steps(emu: Emulator, kind: str, tmp_path: Path,
                     request: pytest.FixtureRequest) -> None:
    pool = emu.create_user_pool("fleet")
    emu.handle("SetUserPoolMfaConfig", {"UserPoolId": pool.id, "MfaConfiguration": "ON",
                                        "SmsMfaConfiguration": {}})
    app = emu.create_user_pool_client(pool.id, explicit_auth_flows=[
        "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    for op, body in (("AdminCreateUser", {"MessageAction": "SUPPRESS", "UserAttributes": [
            {"Name": "phone_number", "Value": PHONE}]}),
                     ("AdminSetUserPassword", {"Password": PASSWORD, "Permanent": True})):
        emu.handle(op, {"UserPoolId": pool.id, "Username": "rita", **body})
    store, where, prefix = _store(kind, tmp_path, request)
    common = [kind, where, prefix, emu.endpoint, pool.id, app.id]
    first = child(STEP_ONE, *common, "rita", PASSWORD)
    try:
        saved = await asyncio.to_thread(_line, first)
    finally:
        kill(first)
    assert saved["challenge"] == "SMS_MFA"
    key = saved["key"]
    record = await store.get(key)
    assert record is not None and PASSWORD not in json.dumps(record)
    second = child(STEP_TWO, *common, key)
    try:
        assert (await asyncio.to_thread(_line, second))["challenge"] == "SMS_MFA"
        code = emu.outbox.latest(username="rita").code
        assert second.stdin is not None
        second.stdin.write(code + "\n")
        second.stdin.flush()
        done = await asyncio.to_thread(_line, second)
    finally:
        kill(second)
    assert done["state"] == "Authenticated"
    config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint)
    async with AuthClient(config, store=store) as here:  # a third process sees the session
        token = await here.access_token(done["session_key"])
        me = await here.transport.send("GetUser", {"AccessToken": token})
        assert me["Username"] == "rita"
        with pytest.raises(SessionNotFoundError):  # the pending sign-in is gone once finished
            await here.resume(key)
    assert await store.get(key) is None
    await store.close()


@pytest.mark.parametrize("kind", ["redis", "file"])
async def test_four_processes_refresh_one_session_with_one_request(
        emu: Emulator, clock: ManualClock, kind: str, tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    pool = emu.create_user_pool("fleet-rotation")
    app = emu.create_user_pool_client(
        pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        refresh_token_rotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0})
    for op, body in (("AdminCreateUser", {"MessageAction": "SUPPRESS"}),
                     ("AdminSetUserPassword", {"Password": PASSWORD, "Permanent": True})):
        emu.handle(op, {"UserPoolId": pool.id, "Username": "sid", **body})
    store, where, prefix = _store(kind, tmp_path, request)
    config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint,
                           use_token_rotation=True)
    async with AuthClient(config, store=store, clock=clock) as auth:
        flow = auth.sign_in("sid", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
        await flow.step()
        key = flow.session_key
        assert key is not None and flow.tokens is not None
        counter = RequestCounter(emu)
        # the children's clocks are past the access token's expiry
        args = [kind, where, prefix, emu.endpoint, pool.id, app.id, key, str(START + 3700), "50"]
        procs = [child(REFRESHER, *args) for _ in range(4)]
        try:
            for proc in procs:
                assert (await asyncio.to_thread(proc.stdout.readline)).strip() == "ready", \
                    proc.stderr.read()  # type: ignore[union-attr]
            for proc in procs:
                proc.stdin.write("go\n")  # type: ignore[union-attr]
                proc.stdin.flush()  # type: ignore[union-attr]
            results = [await asyncio.to_thread(_line, proc) for proc in procs]
        finally:
            for proc in procs:
                kill(proc)
        assert all("error" not in r for r in results), results
        assert counter.counts["GetTokensFromRefreshToken"] == 1
        assert sum(r["refreshes"] for r in results) == 1
        tokens = {token for r in results for token in r["tokens"]}
        assert len(tokens) == 1 and tokens != {flow.tokens.access_token}
        # the one rotated refresh token is in the store, and it works
        clock.advance(3700)
        fresh = await auth.access_token(key)
        assert (await auth.transport.send("GetUser", {"AccessToken": fresh}))["Username"] == "sid"
    await store.close()

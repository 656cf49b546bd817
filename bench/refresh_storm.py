"""Refresh storm: 1,000 concurrent ``auth.access_token(key)`` callers on one expired session.

An in-process :class:`~authflow.emulator.Emulator` and the :class:`~authflow.AuthClient` share a
:class:`~authflow.emulator.ManualClock`; after a sign-in (USER_PASSWORD_AUTH) the clock jumps past
the access token's expiry and ``--callers`` coroutines ask for a token at once. The emulator
counts the InitiateAuth REFRESH_TOKEN_AUTH requests it receives (its ``handle`` is wrapped).
authflow must send exactly one, and every caller must get the same fresh token.

Baseline, same run: the naive approach, where each caller refreshes on its own (``--callers``
concurrent REFRESH_TOKEN_AUTH requests through the same transport). Printed: requests received
and wall time per storm (median of ``--rounds``), and the ratios.

The fleet case: ``--processes`` (4) child processes, each with its own AuthClient and
``--fleet-callers`` (250) concurrent ``access_token()`` callers, on one expired session stored in
a RedisStore (a redis-server this script starts on a free 127.0.0.1 port; skipped with a note
without the binary), then in a FileStore (a private temporary directory). The children start
together (each waits for a "go" line); the emulator runs in this process and counts the refresh
requests it receives; the wall time is from "go" until every child answered. authflow must send
exactly one refresh request per store, and every caller in every process must get the same
fresh token.

Run:  PYTHONPATH=. python bench/refresh_storm.py [--callers 1000] [--rounds 5] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from _harness import redis_process

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.storage import FileStore, RedisStore, Store

PASSWORD = "Correct-Horse-9!"
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
TOKEN_VALIDITY = 3600.0
ROOT = str(Path(__file__).resolve().parent.parent)
#: What a fleet process runs (``python -c``): only the client and the stores, no emulator.
FLEET_CHILD = """
import asyncio, json, sys
from authflow import AuthClient, CognitoConfig
from authflow.storage import FileStore, RedisStore

async def main(kind, where, prefix, endpoint, pool, app, key, now, callers):
    store = FileStore(where) if kind == "file" else RedisStore.from_url(where, prefix=prefix)
    config = CognitoConfig(user_pool_id=pool, client_id=app, endpoint=endpoint)
    async with AuthClient(config, store=store, clock=lambda: float(now)) as auth:
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        tokens = await asyncio.gather(*(auth.access_token(key) for _ in range(int(callers))))
        print(json.dumps({"tokens": sorted(set(tokens))}), flush=True)
    await store.close()

asyncio.run(main(*sys.argv[1:10]))
"""


class CountingHandle:
    """Wraps ``EmulatorCore.handle`` to count requests by operation and AuthFlow."""

    def __init__(self, emu: Emulator) -> None:
        self.counts: collections.Counter[str] = collections.Counter()
        self._handle = emu.core.handle
        emu.core.handle = self  # type: ignore[method-assign]

    def __call__(self, operation: str, body: Mapping[str, Any]) -> dict[str, Any]:
        flow = body.get("AuthFlow") if operation == "InitiateAuth" else None
        self.counts[f"{operation}:{flow}" if flow else operation] += 1
        return self._handle(operation, body)

    @property
    def refreshes(self) -> int:
        return self.counts["InitiateAuth:REFRESH_TOKEN_AUTH"]


async def storm(
    counter: CountingHandle, clock: ManualClock, work: Callable[[], Awaitable[list[str]]]
) -> tuple[int, float, list[str]]:
    """Expire the tokens, run ``work`` and return (refresh requests, wall seconds, tokens)."""
    clock.advance(TOKEN_VALIDITY + 1)
    before = counter.refreshes
    t0 = time.perf_counter()
    tokens = await work()
    return counter.refreshes - before, time.perf_counter() - t0, tokens


async def run(callers: int, rounds: int) -> None:
    clock = ManualClock(START)
    async with Emulator(clock=clock) as emu:
        pool = emu.create_user_pool("storm")
        app = emu.create_user_pool_client(
            pool.id,
            explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )
        config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint)
        async with AuthClient(config, clock=clock) as auth:
            for op, body in (
                (
                    "AdminCreateUser",
                    {"MessageAction": "SUPPRESS", "TemporaryPassword": "Tmp-Pass-1!"},
                ),
                ("AdminSetUserPassword", {"Password": PASSWORD, "Permanent": True}),
            ):
                await auth.transport.send(op, {"UserPoolId": pool.id, "Username": "alice", **body})
            flow = auth.sign_in("alice", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
            await flow.step()
            key = flow.session_key
            assert key is not None and flow.tokens is not None
            refresh_token = flow.tokens.refresh_token
            counter = CountingHandle(emu)

            async def authflow_storm() -> list[str]:
                return list(await asyncio.gather(*(auth.access_token(key) for _ in range(callers))))

            async def naive_one() -> str:
                result = await auth.transport.send(
                    "InitiateAuth",
                    {
                        "AuthFlow": "REFRESH_TOKEN_AUTH",
                        "ClientId": app.id,
                        "AuthParameters": {"REFRESH_TOKEN": refresh_token},
                    },
                )
                return str(result["AuthenticationResult"]["AccessToken"])

            async def naive_storm() -> list[str]:
                return list(await asyncio.gather(*(naive_one() for _ in range(callers))))

            ours: list[tuple[int, float]] = []
            naive: list[tuple[int, float]] = []
            for _ in range(rounds):
                sent, wall, tokens = await storm(counter, clock, authflow_storm)
                if len(set(tokens)) != 1 or tokens[0] == flow.tokens.access_token:
                    raise RuntimeError("callers did not all get the same fresh token")
                ours.append((sent, wall))
                sent, wall, tokens = await storm(counter, clock, naive_storm)
                naive.append((sent, wall))

    def med(rows: list[tuple[int, float]], i: int) -> float:
        return statistics.median(r[i] for r in rows)

    print(
        f"Refresh storm: {callers} concurrent access_token() callers on one expired session, "
        f"in-process emulator (shared ManualClock); median of {rounds} rounds "
        f"(requests per round: authflow {[r[0] for r in ours]}, naive {[r[0] for r in naive]})"
    )
    o_req, o_wall = med(ours, 0), med(ours, 1) * 1000
    n_req, n_wall = med(naive, 0), med(naive, 1) * 1000
    print(
        f"  authflow (single-flight)        {o_req:6.0f} refresh requests   wall {o_wall:8.1f} ms"
    )
    print(
        f"  naive (each caller refreshes)   {n_req:6.0f} refresh requests   wall {n_wall:8.1f} ms"
    )
    exact = all(r[0] == 1 for r in ours)
    print(
        f"ratio: naive / authflow = {n_req / max(o_req, 1):.0f}x requests, "
        f"{n_wall / o_wall:.1f}x wall (target exactly 1 request: {'met' if exact else 'MISSED'})"
    )


# -- the fleet case ---------------------------------------------------------------------------


async def fleet(kind: str, where: str, processes: int, callers: int) -> tuple[int, float, bool]:
    """(refresh requests received, wall seconds, every caller got the same fresh token)."""
    clock = ManualClock(START)
    prefix = f"bench{secrets.token_hex(4)}"
    store: Store = FileStore(where) if kind == "file" else RedisStore.from_url(where, prefix=prefix)
    async with Emulator(clock=clock) as emu:
        pool = emu.create_user_pool("fleet")
        app = emu.create_user_pool_client(
            pool.id,
            explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )
        for op, body in (
            ("AdminCreateUser", {"MessageAction": "SUPPRESS"}),
            ("AdminSetUserPassword", {"Password": PASSWORD, "Permanent": True}),
        ):
            emu.handle(op, {"UserPoolId": pool.id, "Username": "alice", **body})
        config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint)
        async with AuthClient(config, store=store, clock=clock) as auth:
            flow = auth.sign_in("alice", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
            await flow.step()
            assert flow.session_key is not None and flow.tokens is not None
            counter = CountingHandle(emu)
            expired = str(START + TOKEN_VALIDITY + 1)  # the children's clocks: past expiry
            args = [kind, where, prefix, emu.endpoint, pool.id, app.id, flow.session_key,
                    expired, str(callers)]
            env = dict(os.environ, PYTHONPATH=ROOT)
            procs = [
                await asyncio.create_subprocess_exec(
                    sys.executable, "-c", FLEET_CHILD, *args, env=env,
                    stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                )
                for _ in range(processes)
            ]
            try:
                for proc in procs:
                    assert proc.stdout is not None
                    if (await proc.stdout.readline()).strip() != b"ready":
                        raise RuntimeError("a fleet process did not start")
                t0 = time.perf_counter()
                for proc in procs:
                    assert proc.stdin is not None
                    proc.stdin.write(b"go\n")
                    await proc.stdin.drain()
                answers = []
                for proc in procs:
                    assert proc.stdout is not None
                    answers.append(json.loads(await proc.stdout.readline()))
                wall = time.perf_counter() - t0
            finally:
                for proc in procs:
                    if proc.returncode is None:
                        proc.kill()  # our own child, by its pid
                    await proc.wait()
            tokens = {token for answer in answers for token in answer["tokens"]}
            same = len(tokens) == 1 and tokens != {flow.tokens.access_token}
            sent = counter.refreshes
    await store.close()
    return sent, wall, same


def _fleet_line(name: str, sent: int, wall: float, same: bool) -> str:
    plural = "" if sent == 1 else "s"
    return (f"  {name:<11} {sent} refresh request{plural}   wall {wall * 1000:8.1f} ms   "
            f"(same fresh token in every process: {'yes' if same else 'NO'})")


async def run_fleet(processes: int, callers: int) -> None:
    print(
        f"Fleet: {processes} processes x {callers} concurrent access_token() callers on one "
        f"expired session, sharing a store; refresh requests counted by the emulator"
    )
    results: list[tuple[int, bool]] = []
    with redis_process() as url:
        if url is None:
            print("  RedisStore  not measured: no redis-server binary")
        else:
            sent, wall, same = await fleet("redis", url, processes, callers)
            results.append((sent, same))
            print(_fleet_line("RedisStore", sent, wall, same))
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "sessions"
        directory.mkdir(mode=0o700)
        sent, wall, same = await fleet("file", str(directory), processes, callers)
        results.append((sent, same))
        print(_fleet_line("FileStore", sent, wall, same))
    exact = all(sent == 1 and same for sent, same in results)
    print(f"  (target exactly 1 request per store: {'met' if exact else 'MISSED'})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--callers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--fleet-callers", type=int, default=250)
    parser.add_argument("--quick", action="store_true", help="smoke run (~10 s)")
    args = parser.parse_args(argv)
    if args.quick:
        args.callers, args.rounds, args.processes, args.fleet_callers = 200, 1, 2, 50
    asyncio.run(run(args.callers, args.rounds))
    asyncio.run(run_fleet(args.processes, args.fleet_callers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

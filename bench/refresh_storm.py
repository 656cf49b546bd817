"""Refresh storm: 1,000 concurrent ``auth.access_token(key)`` callers on one expired session.

An in-process :class:`~authflow.emulator.Emulator` and the :class:`~authflow.AuthClient` share a
:class:`~authflow.emulator.ManualClock`; after a sign-in (USER_PASSWORD_AUTH) the clock jumps past
the access token's expiry and ``--callers`` coroutines ask for a token at once. The emulator
counts the InitiateAuth REFRESH_TOKEN_AUTH requests it receives (its ``handle`` is wrapped).
authflow must send exactly one, and every caller must get the same fresh token.

Baseline, same run: the naive approach, where each caller refreshes on its own (``--callers``
concurrent REFRESH_TOKEN_AUTH requests through the same transport). Printed: requests received
and wall time per storm (median of ``--rounds``), and the ratios.

Not covered here: 4 processes sharing a RedisStore making one refresh between them (a later
issue's RedisStore; this script says so when run).

Run:  PYTHONPATH=. python bench/refresh_storm.py [--callers 1000] [--rounds 5] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock

PASSWORD = "Correct-Horse-9!"
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
TOKEN_VALIDITY = 3600.0


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
    print("  (4 processes sharing a RedisStore: not measured, RedisStore is a later issue)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--callers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smoke run (~5 s)")
    args = parser.parse_args(argv)
    if args.quick:
        args.callers, args.rounds = 200, 1
    asyncio.run(run(args.callers, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

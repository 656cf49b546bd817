"""Event-loop lag while many SRP sign-ins run, for each way of taking the maths off the loop.

This is the measurement behind authflow.srp.aio's policy. A ticker coroutine sleeps 1 ms at a
time and records how late it wakes up ("lag"); meanwhile ``--n`` client sign-ins (new ephemeral +
PASSWORD_VERIFIER claim, the challenge of tests/vectors/srp.json) run concurrently through each
strategy. Printed per strategy: wall time, lag p50/p99/max, ticks seen. In-process only (no HTTP);
the end-to-end version against the emulator will reuse ``ticker``/``lag_during``.

Run:  PYTHONPATH=. python bench/srp_loop_lag.py [--n 100]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from authflow.srp import (
    SrpEphemeral,
    available_backends,
    client,
    new_ephemeral,
    new_ephemeral_async,
    parse_timestamp,
    password_claim,
    password_claim_async,
    set_backend,
    shutdown_executors,
)

VECTORS = Path(__file__).resolve().parent.parent / "tests" / "vectors" / "srp.json"
V: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))["user_srp"]
CLAIM_ARGS: dict[str, Any] = dict(
    pool_name=V["pool_name_part"],
    user_id=V["user_id_for_srp"],
    password=V["password"],
    salt_hex=V["salt_hex"],
    srp_b_hex=V["B_hex_SRP_B"],
    secret_block=V["secret_block_b64"],
    now=parse_timestamp(V["timestamp"]),
)


def sign_in() -> str:
    """One client sign-in computation (top-level so a process pool can run it)."""
    return password_claim(ephemeral=new_ephemeral(), **CLAIM_ARGS).signature


def claim_only(eph: SrpEphemeral) -> str:
    """The PASSWORD_VERIFIER part only, for the precomputed-(a, A) strategy."""
    return password_claim(ephemeral=eph, **CLAIM_ARGS).signature


async def ticker(samples: list[float], stop: asyncio.Event, period: float = 0.001) -> None:
    """Record how late (ms) each ``period`` sleep wakes up until ``stop`` is set."""
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(period)
        samples.append((time.perf_counter() - t0 - period) * 1000)


async def lag_during(work: Callable[[], Awaitable[object]]) -> dict[str, float]:
    """Run ``work()`` under the ticker; wall time (ms), lag p50/p99/max (ms) and tick count."""
    samples: list[float] = []
    stop = asyncio.Event()
    task = asyncio.create_task(ticker(samples, stop))
    await asyncio.sleep(0.02)
    samples.clear()
    t0 = time.perf_counter()
    await work()
    wall = (time.perf_counter() - t0) * 1000
    stop.set()
    await task
    s = sorted(samples) or [0.0]
    return {
        "wall": wall,
        "p50": statistics.median(s),
        "p99": s[min(len(s) - 1, int(0.99 * len(s)))],
        "max": s[-1],
        "ticks": len(s),
    }


@contextlib.contextmanager
def gil_held() -> Iterator[None]:
    """Make gmpy2 keep the GIL (as without ``allow_release_gil``): the counterfactual."""
    original = client.gil_released
    client.gil_released = lambda backend: contextlib.nullcontext()  # type: ignore[assignment]
    try:
        yield
    finally:
        client.gil_released = original


class Strategy:
    """A way to run ``n`` sign-ins: ``prepare`` (not measured, e.g. start a pool), ``work``
    (measured), ``close``."""

    def __init__(self, name: str, n: int) -> None:
        self.name = name
        self.n = n

    async def prepare(self) -> None:
        """Set up before the measurement."""

    async def work(self) -> object:
        """The measured part."""
        raise NotImplementedError

    async def close(self) -> None:
        """Tear down after the measurement."""


class Inline(Strategy):
    async def work(self) -> object:
        for _ in range(self.n):
            sign_in()
            await asyncio.sleep(0)
        return None


class InPool(Strategy):
    """``loop.run_in_executor(pool, sign_in)`` for each sign-in; ``None`` = default executor."""

    def __init__(self, name: str, n: int, factory: Callable[[], Executor | None]) -> None:
        super().__init__(name, n)
        self.factory = factory
        self.pool: Executor | None = None

    async def prepare(self) -> None:
        self.pool = self.factory()
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self.pool, sign_in) for _ in range(4)))

    async def work(self) -> object:
        loop = asyncio.get_running_loop()
        return await asyncio.gather(
            *(loop.run_in_executor(self.pool, sign_in) for _ in range(self.n))
        )

    async def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


class Precomputed(InPool):
    """(a, A) pairs computed ahead of time (not measured); only the claim runs during the burst."""

    async def prepare(self) -> None:
        await super().prepare()
        self.ephemerals = [new_ephemeral() for _ in range(self.n)]

    async def work(self) -> object:
        loop = asyncio.get_running_loop()
        return await asyncio.gather(
            *(loop.run_in_executor(self.pool, claim_only, e) for e in self.ephemerals)
        )


class AuthflowApi(Strategy):
    """What authflow ships: new_ephemeral_async + password_claim_async, default policy."""

    async def prepare(self) -> None:
        await self.one()  # start the pool

    async def one(self) -> str:
        eph = await new_ephemeral_async()
        return (await password_claim_async(ephemeral=eph, **CLAIM_ARGS)).signature

    async def work(self) -> object:
        return await asyncio.gather(*(self.one() for _ in range(self.n)))

    async def close(self) -> None:
        shutdown_executors()


def main(argv: list[str] | None = None) -> int:
    """Measure every strategy on every available backend and print one line each."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="concurrent sign-ins")
    parser.add_argument("--repeat", type=int, default=3, help="bursts per strategy")
    args = parser.parse_args(argv)
    asyncio.run(run(args.n, args.repeat))
    return 0


async def run(n: int, repeat: int) -> None:
    """All strategies, in one event loop; each burst ``repeat`` times (median p50/p99/wall, worst
    max)."""
    spawn = multiprocessing.get_context("spawn")

    def procs(workers: int, backend: str) -> Callable[[], Executor]:
        return lambda: ProcessPoolExecutor(
            workers, mp_context=spawn, initializer=set_backend, initargs=(backend,)
        )

    print(f"{n} concurrent client SRP sign-ins, {repeat} bursts per strategy; lag = lateness of a"
          " 1 ms sleep, in ms (median of the bursts' p50/p99/wall, worst max)")
    idle = await lag_during(lambda: asyncio.sleep(0.3))
    print(f"  {'idle loop (baseline)':52s} lag p50 {idle['p50']:6.2f}  p99 {idle['p99']:6.2f}  "
          f"max {idle['max']:6.2f}")
    for backend in [b for b in ("gmpy2", "pure") if b in available_backends()]:
        set_backend(backend)  # type: ignore[arg-type]
        strategies: list[tuple[Strategy, bool]] = [
            (Inline("inline on the loop", n), False),
            (InPool("asyncio.to_thread (default executor)", n, lambda: None), False),
            (InPool("ThreadPoolExecutor(1)", n, lambda: ThreadPoolExecutor(1)), False),
            (InPool("ThreadPoolExecutor(2)", n, lambda: ThreadPoolExecutor(2)), False),
            (Precomputed("precomputed (a, A) + ThreadPoolExecutor(1)", n,
                         lambda: ThreadPoolExecutor(1)), False),
            (InPool("ProcessPoolExecutor(1, spawn)", n, procs(1, backend)), False),
            (InPool("ProcessPoolExecutor(2, spawn)", n, procs(2, backend)), False),
            (AuthflowApi("authflow async API (shipped policy)", n), False),
        ]
        if backend == "gmpy2":  # the counterfactual: gmpy2 without allow_release_gil
            strategies.insert(2, (InPool("ThreadPoolExecutor(1), GIL held", n,
                                         lambda: ThreadPoolExecutor(1)), True))
        for strategy, hold in strategies:
            with gil_held() if hold else contextlib.nullcontext():
                await strategy.prepare()
                runs = [await lag_during(strategy.work) for _ in range(repeat)]
                await strategy.close()
            r = {k: statistics.median(x[k] for x in runs) for k in runs[0]}
            r["max"] = max(x["max"] for x in runs)
            label = f"{strategy.name} [{backend}]"
            print(f"  {label:52s} lag p50 {r['p50']:6.2f}  p99 {r['p99']:6.2f}  max {r['max']:6.2f}"
                  f"   wall {r['wall']:6.0f} ms  ticks {r['ticks']:4.0f}")


if __name__ == "__main__":
    raise SystemExit(main())

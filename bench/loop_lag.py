"""Event-loop lag while 100 USER_SRP_AUTH sign-ins run concurrently through one AuthClient.

The emulator runs in a child process (``python -m authflow.emulator --port 0``); the client
process runs one event loop with a ticker that sleeps 1 ms at a time and records how late it wakes
up (``srp_loop_lag.ticker``). A burst is ``--n`` concurrent ``auth.sign_in(user_i, pw).step()``
calls (distinct users) on one AuthClient. Per backend, two ways are measured in the same run:

* ``authflow``: the shipped policy (:mod:`authflow.srp.aio`: gmpy2 -> one worker thread with the
  GIL released; pure -> a spawned process pool);
* ``SRP on the loop`` (baseline): ``authflow.srp.set_executor`` with an executor that runs the
  maths inline on the loop thread, i.e. what calling the sync SRP functions would do.

Printed per line: lag p50/p99 (median over ``--bursts`` bursts) and max (worst burst) in ms, burst
wall time; then the ratios baseline/authflow and the verdict against the target (p99 <= 2 ms,
max <= 10 ms). ``--diagnose`` then instruments one burst per variant (the loop thread's CPU and
run-queue delay from /proc, every callback's wall and CPU time with the slowest ones by where they
resumed, late ``select`` returns) to find where the lag comes from.

Run:  PYTHONPATH=. python bench/loop_lag.py [--n 100] [--bursts 5] [--diagnose] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import gc
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import PASSWORD, Server, emulator_process, emulator_users
from srp_loop_lag import lag_during

from authflow import AuthClient, CognitoConfig
from authflow.srp import (
    available_backends,
    set_backend,
    set_executor,
    shutdown_executors,
)

P99_TARGET_MS = 2.0
MAX_TARGET_MS = 10.0


class InlineExecutor(Executor):
    """Runs every submitted call at once on the caller's thread (the loop): the baseline."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def _thread_schedstat(tid: int) -> tuple[float, float]:
    """(CPU seconds, seconds spent runnable but waiting for a core) of thread ``tid``."""
    try:
        fields = Path(f"/proc/self/task/{tid}/schedstat").read_text().split()
    except OSError:
        return (0.0, 0.0)
    return (int(fields[0]) / 1e9, int(fields[1]) / 1e9)


def _describe(handle: asyncio.Handle) -> str:
    """Where a callback resumes: the innermost awaiting frame of a task step, else its name."""
    callback = handle._callback  # type: ignore[attr-defined]
    task = getattr(callback, "__self__", None)
    if isinstance(task, asyncio.Task):
        coro: Any = task.get_coro()
        frame = None
        while coro is not None:
            frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None) or frame
            coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        if frame is not None:
            return "task resumed at " + _where(
                frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name
            )
        return "task " + task.get_coro().__qualname__
    name = getattr(callback, "__qualname__", None) or repr(callback)
    code = getattr(callback, "__code__", None)
    if code is not None:
        return _where(code.co_filename, code.co_firstlineno, name)
    return str(name)


def _where(path: str, line: int, name: str) -> str:
    for marker in ("site-packages/", "/authflow/", "/lib/python3.11/"):
        if marker in path:
            path = path[path.index(marker) + len(marker) :]
            break
    return f"{path}:{line} {name}"


class LoopProbe:
    """Instruments the running loop: every callback's wall and loop-thread CPU time (slow ones
    are kept with where they resumed), loop iterations whose callbacks together ran long (many
    short callbacks ready at once delay a timer as much as one long one), how late ``select``
    returns past its timeout, garbage-collector pauses, and the loop thread's run-queue delay from
    /proc (time it was runnable but had no core)."""

    def __init__(self, slow: float = 0.001) -> None:
        self.slow = slow
        self.iterations: list[tuple[float, float, int, collections.Counter[str]]] = []
        self._it: list[Any] = [0.0, 0.0, 0, collections.Counter()]
        self.gc_pauses: list[tuple[float, float, dict[str, int]]] = []
        self._gc_t0 = self._gc_c0 = 0.0
        self.callbacks: collections.defaultdict[str, list[float]] = collections.defaultdict(
            lambda: [0, 0.0, 0.0]
        )
        self.cb_wall = self.cb_cpu = 0.0
        self.select_over: list[float] = []
        self.tid = threading.get_native_id()

    def __enter__(self) -> LoopProbe:
        probe = self
        self._run = original_run = asyncio.events.Handle._run
        loop = asyncio.get_running_loop()
        selector: Any = loop._selector  # type: ignore[attr-defined]
        self._selector = selector
        self._select = original_select = selector.select

        def run(handle: asyncio.Handle) -> None:
            where = _describe(handle)
            w0, c0 = time.perf_counter(), time.thread_time()
            original_run(handle)
            wall, cpu = time.perf_counter() - w0, time.thread_time() - c0
            probe.cb_wall += wall
            probe.cb_cpu += cpu
            it = probe._it
            it[0] += wall
            it[1] += cpu
            it[2] += 1
            it[3][where.rsplit(" ", 1)[-1]] += wall
            if wall > probe.slow:
                entry = probe.callbacks[where]
                entry[0] += 1
                entry[1] += wall
                entry[2] += cpu

        def select(timeout: float | None = None) -> Any:
            if probe._it[0] > probe.slow:  # the iteration that just ended ran long
                probe.iterations.append(tuple(probe._it))  # type: ignore[arg-type]
            probe._it = [0.0, 0.0, 0, collections.Counter()]
            t0 = time.perf_counter()
            events = original_select(timeout)
            if timeout is not None:
                probe.select_over.append(time.perf_counter() - t0 - timeout)
            return events

        def on_gc(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                probe._gc_t0, probe._gc_c0 = time.perf_counter(), time.thread_time()
            else:
                wall = time.perf_counter() - probe._gc_t0
                probe.gc_pauses.append((wall, time.thread_time() - probe._gc_c0, info))

        asyncio.events.Handle._run = run  # type: ignore[method-assign]
        selector.select = select
        gc.callbacks.append(on_gc)
        self._on_gc = on_gc
        self.wall0 = time.perf_counter()
        self.sched0 = _thread_schedstat(self.tid)
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        cpu1, delay1 = _thread_schedstat(self.tid)
        self.cpu, self.run_delay = cpu1 - self.sched0[0], delay1 - self.sched0[1]
        asyncio.events.Handle._run = self._run  # type: ignore[method-assign]
        self._selector.select = self._select
        gc.callbacks.remove(self._on_gc)

    def report(self, label: str, lag: dict[str, float]) -> None:
        over = sorted(self.select_over)
        late = [o for o in over if o > 0.001]
        slow = sorted(self.callbacks.items(), key=lambda kv: -kv[1][1])
        n_slow = sum(int(v[0]) for _, v in slow)
        print(
            f"  {label}: lag p99 {lag['p99']:.2f} max {lag['max']:.2f} ms | loop thread over "
            f"{self.wall * 1000:.0f} ms: CPU {self.cpu * 1000:.0f} ms, waiting for a core "
            f"{self.run_delay * 1000:.0f} ms; callbacks {self.cb_wall * 1000:.0f} ms wall / "
            f"{self.cb_cpu * 1000:.0f} ms CPU; select returned >1 ms late {len(late)} times "
            f"(sum {sum(late) * 1000:.0f} ms, max {(over[-1] if over else 0) * 1000:.1f} ms); "
            f"{n_slow} callbacks > {self.slow * 1000:g} ms"
        )
        for where, (count, wall, cpu) in slow[:4]:
            print(
                f"      {int(count):4d}x {wall * 1000:7.1f} ms wall "
                f"{cpu * 1000:7.1f} ms CPU  {where}"
            )
        its = sorted(self.iterations, key=lambda i: -i[0])
        gcs = sorted(self.gc_pauses, key=lambda g: g[0])
        worst = (
            f"longest {gcs[-1][0] * 1000:.1f} ms wall / {gcs[-1][1] * 1000:.1f} ms CPU "
            f"(generation {gcs[-1][2].get('generation')}, {gcs[-1][2].get('collected')} "
            f"objects freed)"
            if gcs
            else "none"
        )
        print(
            f"    loop iterations whose callbacks ran > {self.slow * 1000:g} ms: {len(its)}; "
            f"GC: {len(gcs)} collections, {worst}; longest iterations:"
        )
        for wall, cpu, n, wheres in its[:4]:
            top = ", ".join(f"{w} {t * 1000:.1f}" for w, t in wheres.most_common(3))
            print(
                f"      {wall * 1000:6.1f} ms wall {cpu * 1000:6.1f} ms CPU, {n:4d} callbacks "
                f"(ms by function: {top})"
            )


async def burst(auth: AuthClient, users: list[str]) -> None:
    async def one(user: str) -> None:
        step = await auth.sign_in(user, PASSWORD).step()
        if step.state != "Authenticated":
            raise RuntimeError(f"sign-in ended in {step.state}")

    await asyncio.gather(*(one(u) for u in users))


async def measure(
    server: Server, users: list[str], backend: str, inline: bool, bursts: int
) -> dict[str, float]:
    set_backend(backend)  # type: ignore[arg-type]
    set_executor(InlineExecutor() if inline else None)
    config = CognitoConfig(
        user_pool_id=server.user_pool_id, client_id=server.client_id, endpoint=server.endpoint
    )
    try:
        async with AuthClient(config) as auth:
            await burst(auth, users[: max(4, len(users) // 10)])  # warm-up: connections, pools
            runs = [await lag_during(lambda: burst(auth, users)) for _ in range(bursts)]
    finally:
        set_executor(None)
        shutdown_executors()
    result = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    result["max"] = max(r["max"] for r in runs)
    return result


def _renice(pid: int, value: int) -> None:
    """Set the nice value of every thread of our child process ``pid``."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, int(task.name), value)


@contextlib.contextmanager
def _variant(name: str, server: Server) -> Iterator[None]:
    interval = sys.getswitchinterval()
    if name == "GIL switch interval 0.5 ms":
        sys.setswitchinterval(0.0005)
    elif name == "emulator at nice 19":
        _renice(server.pid, 19)
    elif name == "gc.freeze() after warm-up":
        gc.collect()
        gc.freeze()
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        _renice(server.pid, 0)
        gc.unfreeze()


VARIANTS = (
    "shipped policy",
    "SRP on the loop",
    "GIL switch interval 0.5 ms",
    "gc.freeze() after warm-up",
    "emulator at nice 19",
)


async def diagnose(server: Server, users: list[str], backend: str) -> None:
    """Where does the lag come from? One instrumented burst per variant of the shipped policy:
    shorter GIL switch interval (GIL hand-off), a frozen GC heap (collector pauses), the emulator
    niced (sharing the 2 cores with the server), and SRP on the loop for comparison."""
    config = CognitoConfig(
        user_pool_id=server.user_pool_id, client_id=server.client_id, endpoint=server.endpoint
    )
    print(f"\n--diagnose [{backend}] (one burst each; instrumentation adds some overhead)")
    for name in VARIANTS:
        set_backend(backend)  # type: ignore[arg-type]
        set_executor(InlineExecutor() if name == "SRP on the loop" else None)
        try:
            async with AuthClient(config) as auth:
                await burst(auth, users)  # warm-up: connections, pool
                with _variant(name, server):
                    probe = LoopProbe()
                    with probe:
                        lag = await lag_during(lambda: burst(auth, users))
                probe.report(name, lag)
        finally:
            set_executor(None)
            shutdown_executors()


def _rows(results: dict[tuple[str, str], dict[str, float]]) -> Iterator[str]:
    for (backend, way), r in results.items():
        yield (
            f"  {way + ' [' + backend + ']':<32} lag p50 {r['p50']:6.2f}  p99 {r['p99']:6.2f}"
            f"  max {r['max']:7.2f}   burst wall {r['wall']:6.0f} ms  ticks {r['ticks']:5.0f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="concurrent sign-ins per burst")
    parser.add_argument("--bursts", type=int, default=5, help="bursts per line")
    parser.add_argument("--backend", choices=["gmpy2", "pure", "both"], default="both")
    parser.add_argument("--diagnose", action="store_true", help="sample what blocks the loop")
    parser.add_argument("--quick", action="store_true", help="smoke run (~5 s)")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.bursts = 20, 1
    backends = [
        b for b in ("gmpy2", "pure") if b in available_backends() and args.backend in (b, "both")
    ]
    users = [f"user-{i:03d}" for i in range(args.n)]
    with emulator_process(niceness=19) as server:
        asyncio.run(emulator_users(server, users))
        results: dict[tuple[str, str], dict[str, float]] = {}

        async def run_all() -> None:
            idle = await lag_during(lambda: asyncio.sleep(0.5))
            results[("-", "idle loop")] = idle
            for backend in backends:
                for way, inline in (("authflow", False), ("SRP on the loop", True)):
                    results[(backend, way)] = await measure(
                        server, users, backend, inline, args.bursts
                    )
            if args.diagnose:
                for backend in backends:
                    await diagnose(server, users, backend)

        asyncio.run(run_all())

    print(
        f"Event-loop lag (lateness of a 1 ms sleep, ms) during {args.n} concurrent USER_SRP_AUTH "
        f"sign-ins through one AuthClient, emulator in a child process; p50/p99/wall = median of "
        f"{args.bursts} bursts, max = worst burst"
    )
    for line in _rows(results):
        print(line)
    for backend in backends:
        ours, base = results[(backend, "authflow")], results[(backend, "SRP on the loop")]
        ok = ours["p99"] <= P99_TARGET_MS and ours["max"] <= MAX_TARGET_MS
        print(
            f"ratio [{backend}]: SRP-on-the-loop / authflow = p99 "
            f"{base['p99'] / max(ours['p99'], 1e-9):.1f}x, max "
            f"{base['max'] / max(ours['max'], 1e-9):.1f}x; authflow p99 {ours['p99']:.2f} ms, "
            f"max {ours['max']:.2f} ms (target p99 <= {P99_TARGET_MS:g}, max <= "
            f"{MAX_TARGET_MS:g}: {'met' if ok else 'MISSED'})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

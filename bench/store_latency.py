"""Session-store latency: get/set p50 and p99 per store, MemoryStore as the reference.

Stores: MemoryStore, FileStore (a temporary directory; every set is fsynced, so the disk
decides), RedisStore (a redis-server this script starts on a free 127.0.0.1 port, no
persistence; skipped with a note if the binary is missing) and EncryptedStore(MemoryStore)
(AES-256-GCM cost alone). Each store gets ``--ops`` sets then ``--ops`` gets of a session-sized
record (~3 KB: three JWT-sized tokens), one at a time on one event loop, after a short warm-up;
each operation is timed alone. Printed: p50/p99 per store and operation, and each store's p50
as a multiple of MemoryStore's.

Run:  PYTHONPATH=. python bench/store_latency.py [--ops 2000] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import percentile, redis_process

from authflow.storage import EncryptedStore, FileStore, MemoryStore, RedisStore, Store


def session_record() -> dict[str, Any]:
    """A record shaped like SessionManager's (tokens dominate its size)."""
    token = secrets.token_urlsafe(900)
    return {
        "version": 1,
        "user_pool_id": "us-east-1_Bench1234",
        "client_id": "bench-client",
        "username": "b0c1d2e3-0000-4000-8000-000000000000",
        "login": "bench@example.com",
        "sub": "b0c1d2e3-0000-4000-8000-000000000000",
        "clock_skew": 0.25,
        "device_key": None,
        "tokens": {"access_token": token, "id_token": token[::-1], "refresh_token": token[:600],
                   "expires_at": 1_767_229_200.0, "token_type": "Bearer"},
    }


async def measure(store: Store, ops: int) -> dict[str, list[float]]:
    """Per-operation seconds of ``ops`` sets then ``ops`` gets, over ``ops // 10`` keys."""
    record = session_record()
    keys = [f"authflow:us-east-1_Bench1234:bench-client:session:user-{i}" for i in
            range(max(1, ops // 10))]
    for key in keys[:20]:  # warm-up: connections, caches, first files
        await store.set(key, record)
        await store.get(key)
    times: dict[str, list[float]] = {"set": [], "get": []}
    clock = time.perf_counter
    for i in range(ops):
        key = keys[i % len(keys)]
        start = clock()
        await store.set(key, record, ttl=3600)
        times["set"].append(clock() - start)
    for i in range(ops):
        key = keys[i % len(keys)]
        start = clock()
        got = await store.get(key)
        times["get"].append(clock() - start)
        assert got is not None
    return times


async def run(ops: int) -> None:
    results: dict[str, dict[str, list[float]] | None] = {}
    results["MemoryStore"] = await measure(MemoryStore(), ops)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "sessions"
        file_store = FileStore(directory)
        results["FileStore"] = await measure(file_store, ops)
        await file_store.close()
    with redis_process() as url:
        if url is None:
            print("RedisStore: redis-server not found, skipped")
            results["RedisStore"] = None
        else:
            redis_store = RedisStore.from_url(url)
            results["RedisStore"] = await measure(redis_store, ops)
            await redis_store.close()
    encrypted = EncryptedStore(MemoryStore(), [EncryptedStore.generate_key()])
    results["EncryptedStore(MemoryStore)"] = await measure(encrypted, ops)

    reference = results["MemoryStore"]
    assert reference is not None
    ref = {op: percentile(sorted(reference[op]), 0.5) for op in ("get", "set")}
    print(f"{ops} sets then {ops} gets per store, one at a time; milliseconds")
    print(f"{'store':<30}{'set p50':>10}{'set p99':>10}{'get p50':>10}{'get p99':>10}"
          f"{'set/mem':>10}{'get/mem':>10}")
    ratios = []
    for name, times in results.items():
        if times is None:
            print(f"{name:<30}{'n/a':>10}")
            ratios.append(f"{name} n/a")
            continue
        row = {op: sorted(times[op]) for op in ("set", "get")}
        p = {(op, q): percentile(row[op], q) * 1000 for op in ("set", "get") for q in (0.5, 0.99)}
        set_x = percentile(row["set"], 0.5) / ref["set"]
        get_x = percentile(row["get"], 0.5) / ref["get"]
        print(f"{name:<30}{p['set', 0.5]:>10.3f}{p['set', 0.99]:>10.3f}{p['get', 0.5]:>10.3f}"
              f"{p['get', 0.99]:>10.3f}{set_x:>9.1f}x{get_x:>9.1f}x")
        if name != "MemoryStore":
            ratios.append(f"{name} set {set_x:.1f}x get {get_x:.1f}x")
    print("ratio: p50 vs MemoryStore: " + "; ".join(ratios))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=2000, help="sets and gets per store")
    parser.add_argument("--quick", action="store_true", help="a ~5 s smoke run (200 ops)")
    args = parser.parse_args()
    asyncio.run(run(200 if args.quick else args.ops))


if __name__ == "__main__":
    main()

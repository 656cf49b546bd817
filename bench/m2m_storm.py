"""M2M storm: how many client-credentials token requests reach the token endpoint when many
callers ask for a machine token at once (Cognito bills each one, docs/oauth-notes.md §A6).

An in-process :class:`~authflow.emulator.Emulator` serves a pool domain with a resource server
and a client-credentials app client; it counts the ``/oauth2/token`` requests it receives (its
endpoint method is wrapped). Three runs of ``--callers`` concurrent ``m2m.access_token()`` calls:

* one process, :class:`~authflow.storage.MemoryStore`;
* ``--processes`` OS processes (``--callers`` split between them) sharing a
  :class:`~authflow.storage.FileStore`;
* the same sharing a :class:`~authflow.storage.RedisStore` on a ``redis-server`` this script
  starts on a free 127.0.0.1 port (skipped, and said so, when redis-server is not installed).

Baseline, same run: the naive approach, where each caller fetches its own token (``--callers``
concurrent ``client_credentials`` requests through the same transport). authflow must send
exactly one request per run.

Run:  PYTHONPATH=. python bench/m2m_storm.py [--callers 1000] [--processes 4] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the shared process runner and redis-server helper

from redis_servers import RedisServer, missing_reason  # noqa: E402
from token_requests import count_token_requests, storm_in_processes  # noqa: E402

from authflow import AuthClient, CognitoConfig  # noqa: E402
from authflow.emulator import Emulator  # noqa: E402
from authflow.storage import FileStore  # noqa: E402

SCOPES = ["orders/read"]


def provision(emu: Emulator) -> CognitoConfig:
    pool = emu.create_user_pool("m2m-bench")
    base = emu.create_user_pool_domain(pool.id, "m2m-bench")
    emu.handle(
        "CreateResourceServer",
        {
            "UserPoolId": pool.id,
            "Identifier": "orders",
            "Name": "Orders",
            "Scopes": [{"ScopeName": "read", "ScopeDescription": "Read"}],
        },
    )
    app = emu.create_user_pool_client(
        pool.id,
        "m2m",
        generate_secret=True,
        allowed_oauth_flows=["client_credentials"],
        allowed_oauth_scopes=SCOPES,
        allowed_oauth_flows_user_pool_client=True,
    )
    return CognitoConfig(
        user_pool_id=pool.id,
        client_id=app.id,
        client_secret=app.secret,
        endpoint=emu.endpoint,
        domain=base,
    )


async def fleet(
    config: CognitoConfig, counts: Counter[str], store: str, where: dict[str, str],
    callers: int, processes: int,
) -> tuple[int, float, int]:
    """(token requests, wall seconds of the slowest child's calls, distinct tokens) for
    ``processes`` children (their start-up is not timed)."""
    spec = {
        "config": {
            "user_pool_id": config.user_pool_id, "client_id": config.client_id,
            "client_secret": config.client_secret, "endpoint": config.endpoint,
            "domain": config.domain,
        },
        "store": store,
        "scopes": SCOPES,
        "callers": callers // processes,
        **where,
    }
    before = counts["client_credentials"]
    reports = await storm_in_processes(spec, processes)
    wall = max(report["seconds"] for report in reports)
    tokens = {token for report in reports for token in report["tokens"]}
    return counts["client_credentials"] - before, wall, len(tokens)


async def run(callers: int, processes: int) -> None:
    rows: list[tuple[str, int, float, int]] = []
    async with Emulator() as emu:
        config = provision(emu)
        counts = count_token_requests(emu)
        async with AuthClient(config) as auth:
            m2m = auth.client_credentials(SCOPES)
            t0 = time.perf_counter()
            tokens = await asyncio.gather(*(m2m.access_token() for _ in range(callers)))
            rows.append(("authflow, 1 process, MemoryStore", counts["client_credentials"],
                         time.perf_counter() - t0, len(set(tokens))))

            oauth = auth.oauth
            assert oauth is not None
            before = counts["client_credentials"]

            async def naive_one() -> str:
                body = await oauth.token(
                    {"grant_type": "client_credentials", "scope": " ".join(SCOPES)},
                    client_id=config.client_id,
                    client_secret=config.client_secret,
                )
                return str(body["access_token"])

            t0 = time.perf_counter()
            tokens = await asyncio.gather(*(naive_one() for _ in range(callers)))
            naive = ("naive (each caller fetches), 1 process",
                     counts["client_credentials"] - before, time.perf_counter() - t0,
                     len(set(tokens)))

        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp) / "store"
            FileStore(directory)  # created private once, before the children race for it
            sent, wall, distinct = await fleet(
                config, counts, "file", {"directory": str(directory)}, callers, processes
            )
            rows.append((f"authflow, {processes} processes, FileStore", sent, wall, distinct))
            reason = missing_reason()
            if reason is None:
                redis = RedisServer(Path(tmp) / "redis")
                redis.start()
                try:
                    sent, wall, distinct = await fleet(
                        config, counts, "redis", {"url": redis.url}, callers, processes
                    )
                finally:
                    redis.stop()
                rows.append(
                    (f"authflow, {processes} processes, RedisStore", sent, wall, distinct)
                )
            else:
                print(f"  (RedisStore not measured: {reason})")

    print(
        f"M2M storm: {callers} concurrent client_credentials access_token() callers, "
        f"in-process emulator counting /oauth2/token requests"
    )
    for label, sent, wall, distinct in [*rows, naive]:
        print(
            f"  {label:<42} {sent:6d} token requests   {distinct:5d} distinct tokens   "
            f"wall {wall * 1000:8.1f} ms"
        )
    exact = all(row[1] == 1 for row in rows)
    print(
        f"ratio: naive / authflow = {naive[1] / max(max(r[1] for r in rows), 1):.0f}x token "
        f"requests (target exactly 1 per run: {'met' if exact else 'MISSED'})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--callers", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="smoke run (~10 s)")
    args = parser.parse_args(argv)
    if args.quick:
        args.callers = 200
    asyncio.run(run(args.callers, args.processes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

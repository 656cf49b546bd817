"""Token requests, counted and caused, for the OAuth tests (tests/e2e) and the M2M storm
benchmark (bench/m2m_storm.py): :func:`count_token_requests` counts what the emulator's
``/oauth2/token`` receives; :func:`storm_in_processes` has several OS processes ask for the same
client-credentials token at once.

Each child builds an ``AuthClient`` on a shared ``FileStore`` or ``RedisStore``, says ``ready``,
waits until every child is ready, then runs ``callers`` concurrent ``m2m.access_token()`` calls and
prints the distinct tokens it got, the token requests it sent and the seconds the calls took, as
one JSON line.
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from authflow.emulator import Emulator

__all__ = ["ROOT", "count_token_requests", "storm_in_processes"]

#: The checkout the children import authflow from.
ROOT = Path(__file__).resolve().parents[1]

def count_token_requests(emu: Emulator) -> collections.Counter[str]:
    """Count the requests the emulator's ``/oauth2/token`` receives, by ``grant_type`` (its
    endpoint object is looked up per request, so wrapping its method sees every one)."""
    counts: collections.Counter[str] = collections.Counter()
    endpoints = emu.core.oauth
    original = endpoints.token

    def token(request: Any) -> Any:
        form = urllib.parse.parse_qs(request.body.decode("utf-8", "replace"))
        counts[form.get("grant_type", ["?"])[0]] += 1
        return original(request)

    endpoints.token = token  # type: ignore[method-assign]
    return counts


_CHILD = """
import asyncio, json, sys, time
from authflow import AuthClient, CognitoConfig
from authflow.storage import FileStore, RedisStore

async def main() -> None:
    spec = json.loads(sys.argv[1])
    config = CognitoConfig(**spec["config"])
    if spec["store"] == "file":
        store = FileStore(spec["directory"])
    else:
        store = RedisStore.from_url(spec["url"])
    async with AuthClient(config, store=store) as auth:
        m2m = auth.client_credentials(spec["scopes"])
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        started = time.perf_counter()
        tokens = await asyncio.gather(*(m2m.access_token() for _ in range(spec["callers"])))
        seconds = time.perf_counter() - started
        print(json.dumps({"tokens": sorted(set(tokens)), "requests": m2m.requests,
                          "seconds": seconds}), flush=True)
    await store.close()

asyncio.run(main())
"""


async def storm_in_processes(spec: dict[str, Any], processes: int = 4) -> list[dict[str, Any]]:
    """Run ``processes`` children with ``spec`` (``config``: CognitoConfig keywords; ``store``:
    ``"file"`` with ``directory`` or ``"redis"`` with ``url``; ``scopes``; ``callers``), release
    them together once all are ready, and return their reports. The event loop keeps running
    meanwhile, so an in-process emulator can serve them."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", _CHILD, json.dumps(spec), cwd=ROOT, env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(processes)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            line = await asyncio.wait_for(child.stdout.readline(), 60)
            if line.strip() != b"ready":
                _, err = await child.communicate()
                raise RuntimeError(err.decode()[-2000:])
        for child in children:
            assert child.stdin is not None
            child.stdin.write(b"go\n")
            await child.stdin.drain()
        reports = []
        for child in children:
            out, err = await asyncio.wait_for(child.communicate(), 120)
            if child.returncode != 0:
                raise RuntimeError(err.decode()[-2000:])
            reports.append(json.loads(out.decode().strip().splitlines()[-1]))
        return reports
    finally:
        for child in children:
            if child.returncode is None:
                child.kill()  # our own child, by its handle
                await child.wait()

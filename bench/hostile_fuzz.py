"""Hostile fuzz, long run: the sign-in engine against a hostile Cognito, and the emulator against
hostile requests.

1. ``--examples`` drives of the sign-in engine (tests/reliability/hostile_drive.py): every answer
   to InitiateAuth, RespondToAuthChallenge, refresh, ConfirmDevice, AssociateSoftwareToken… is
   drawn by hypothesis from tests/reliability/hostile_responses.py (wrong JSON types, missing
   and unknown members, lone surrogates, 10^400, NaN, 5,000-deep nesting, 100 KB strings,
   unknown challenges) while a caller signs in, refreshes and signs out. Counted: examples run,
   untyped errors (anything but an AuthflowError, or a flow left ChallengePending on an
   engine-answered challenge or Refreshing) and hangs (a drive not finished in ``--hang``
   seconds). Both must be 0.
2. ``--requests`` model-guided hostile requests to an in-process emulator over HTTP
   (tests/reliability/emulator_fuzz.py). Counted: HTTP 500 answers and dropped connections
   (both must be 0).

The CI suite runs a few thousand of these examples (tests/reliability); this is the long run.
Exit status 1 when a count that must be 0 is not.

Run:  PYTHONPATH=. python bench/hostile_fuzz.py [--examples 20000] [--requests 3000] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the strategies and the drive live with the tests

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from reliability.emulator_fuzz import Known, hostile_request  # noqa: E402
from reliability.hostile_drive import SIGN_IN_OPTIONS, Stranded, one_drive  # noqa: E402

from authflow.emulator import Emulator  # noqa: E402


class Tally:
    """What the engine fuzz met."""

    def __init__(self) -> None:
        self.examples = 0
        self.untyped: list[str] = []
        self.hangs = 0
        self.errors: collections.Counter[str] = collections.Counter()
        self.states: collections.Counter[str] = collections.Counter()


def fuzz_engine(examples: int, seed: int, hang: float) -> Tally:
    tally = Tally()

    @hypothesis_seed(seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(options=SIGN_IN_OPTIONS, device=st.booleans(), data=st.data())
    def run(options: dict[str, Any], device: bool, data: st.DataObject) -> None:
        tally.examples += 1
        try:
            met = asyncio.run(one_drive(data.draw, options, device, hang_seconds=hang))
        except TimeoutError:
            tally.hangs += 1
            return
        except Stranded as exc:  # the property broke: counted, and the run goes on
            tally.untyped.append(str(exc)[:200])
            return
        except Exception as exc:  # anything else escaping is untyped too
            tally.untyped.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            return
        for name in met:
            (tally.states if name[:1].isupper() and not name.endswith("Error")
             else tally.errors)[name] += 1

    run()
    return tally


async def fuzz_emulator(requests: int, seed: int) -> tuple[collections.Counter[int], int]:
    import aiohttp

    rng = random.Random(seed)
    statuses: collections.Counter[int] = collections.Counter()
    dropped = 0
    async with Emulator() as emu:
        pool = emu.create_user_pool("fuzz")
        app = emu.create_user_pool_client(pool.id, explicit_auth_flows=[
            "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH"])
        emu.handle("AdminCreateUser", {"UserPoolId": pool.id, "Username": "alice",
                                       "TemporaryPassword": "Correct-Horse-9!"})
        known = Known(pool.id, app.id, "alice")
        operations = sorted(emu.core.operations())
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=4)) as session:
            for _ in range(requests):
                operation = rng.choice(operations)
                headers = {"X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
                           "Content-Type": "application/x-amz-json-1.1"}
                try:
                    async with session.post(emu.endpoint + "/", headers=headers,
                                            data=hostile_request(operation, rng, known)) as r:
                        await r.read()
                        statuses[r.status] += 1
                except aiohttp.ClientError:
                    dropped += 1
    return statuses, dropped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=20_000, help="engine drives")
    parser.add_argument("--requests", type=int, default=3_000, help="hostile emulator requests")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--hang", type=float, default=10.0, help="seconds before a drive hangs")
    parser.add_argument("--quick", action="store_true", help="a few hundred of each (smoke)")
    args = parser.parse_args()
    if args.quick:
        args.examples, args.requests = 150, 200
    logging.disable(logging.CRITICAL)  # the engine logs every refused device confirmation

    started = time.perf_counter()
    tally = fuzz_engine(args.examples, args.seed, args.hang)
    engine_seconds = time.perf_counter() - started
    started = time.perf_counter()
    statuses, dropped = asyncio.run(fuzz_emulator(args.requests, args.seed))
    emulator_seconds = time.perf_counter() - started

    print(f"engine: examples run: {tally.examples} ({engine_seconds:.1f} s)")
    print(f"engine: untyped errors: {len(tally.untyped)}")
    print(f"engine: hangs: {tally.hangs}")
    print(f"engine: typed errors met: {dict(tally.errors.most_common(8))}")
    print(f"engine: states reached: {dict(tally.states)}")
    for line in tally.untyped[:10]:
        print(f"  untyped: {line}")
    print(f"emulator: requests: {sum(statuses.values()) + dropped} ({emulator_seconds:.1f} s)")
    print(f"emulator: HTTP 500: {statuses.get(500, 0)}")
    print(f"emulator: dropped connections: {dropped}")
    print(f"emulator: statuses: {dict(sorted(statuses.items()))}")
    bad = len(tally.untyped) + tally.hangs + statuses.get(500, 0) + dropped
    print(f"result: {'ok' if bad == 0 else 'FAILED'}")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

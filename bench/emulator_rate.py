"""USER_PASSWORD_AUTH sign-ins per second served: authflow's emulator vs moto's server.

Both servers run in child processes on 127.0.0.1 (``python -m authflow.emulator --port 0`` and
``python -m moto.server -H 127.0.0.1 -p <port>``), each with one pool, one app client allowing
USER_PASSWORD_AUTH and ``--concurrency`` confirmed users (emulator: its admin API; moto: boto3).
The same client drives both: raw aiohttp, ``--concurrency`` workers each sending InitiateAuth
USER_PASSWORD_AUTH back to back for ``--seconds`` (after a short warm-up), counting answers that
carry an AuthenticationResult. Servers alternate over ``--rounds`` rounds; printed: each round's
rate, the median per server and the ratio.

Run:  PYTHONPATH=. python bench/emulator_rate.py [--seconds 3] [--rounds 3] [--concurrency 16]
      [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp
from _harness import PASSWORD, emulator_process, emulator_users, moto_process

TARGET = "AWSCognitoIdentityProviderService.InitiateAuth"
HEADERS = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET}


def provision_moto(endpoint: str, usernames: list[str]) -> tuple[str, str]:
    """Pool, app client and confirmed users on moto, through boto3; (pool id, client id)."""
    import boto3

    idp = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool = idp.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="bench",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for name in usernames:
        idp.admin_create_user(
            UserPoolId=pool,
            Username=name,
            TemporaryPassword="Temp-Pass-1!",
            MessageAction="SUPPRESS",
        )
        idp.admin_set_user_password(
            UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True
        )
    return pool, client


async def rate(endpoint: str, client_id: str, usernames: list[str], seconds: float) -> float:
    """Sign-ins per second with ``len(usernames)`` requests in flight for ``seconds``."""
    bodies = [
        json.dumps(
            {
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": client_id,
                "AuthParameters": {"USERNAME": name, "PASSWORD": PASSWORD},
            }
        ).encode()
        for name in usernames
    ]
    connector = aiohttp.TCPConnector(limit=len(usernames))
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(body: bytes, until: float, counts: list[int]) -> None:
            while time.perf_counter() < until:
                async with session.post(endpoint + "/", data=body, headers=HEADERS) as resp:
                    payload: Any = await resp.json(content_type=None)
                if resp.status == 200 and "AuthenticationResult" in payload:
                    counts[0] += 1
                else:
                    counts[1] += 1
                    if counts[1] == 1:
                        print(f"  ! {endpoint}: HTTP {resp.status} {str(payload)[:200]}")

        warm = [0, 0]
        await asyncio.gather(*(worker(b, time.perf_counter() + 0.3, warm) for b in bodies))
        counts = [0, 0]
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(b, t0 + seconds, counts) for b in bodies))
        elapsed = time.perf_counter() - t0
    if counts[1]:
        raise RuntimeError(f"{endpoint}: {counts[1]} failed sign-ins")
    return counts[0] / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per server per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--quick", action="store_true", help="smoke run (~5 s)")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.rounds = 0.7, 1
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError:
        print("moto[server] / boto3 are not installed (pip install -e '.[test]'): skipping")
        print("ratio: n/a (moto missing)")
        return 0

    users = [f"user-{i:02d}" for i in range(args.concurrency)]
    rates: dict[str, list[float]] = {"authflow emulator": [], "moto server": []}
    with contextlib.ExitStack() as stack:
        emu = stack.enter_context(emulator_process())
        asyncio.run(emulator_users(emu, users))
        moto_endpoint = stack.enter_context(moto_process())
        moto_pool, moto_client = provision_moto(moto_endpoint, users)
        del moto_pool
        for _ in range(args.rounds):
            rates["authflow emulator"].append(
                asyncio.run(rate(emu.endpoint, emu.client_id, users, args.seconds))
            )
            rates["moto server"].append(
                asyncio.run(rate(moto_endpoint, moto_client, users, args.seconds))
            )

    print(
        f"USER_PASSWORD_AUTH sign-ins served per second, {args.concurrency} in flight from one "
        f"aiohttp client, servers in child processes, {args.rounds} alternating rounds of "
        f"{args.seconds:g} s; median (rounds)"
    )
    med = {name: statistics.median(r) for name, r in rates.items()}
    for name, r in rates.items():
        print(f"  {name:<18} {med[name]:8.0f} /s   ({', '.join(f'{x:.0f}' for x in r)})")
    ratio = med["authflow emulator"] / med["moto server"]
    print(
        f"ratio: emulator / moto = {ratio:.2f}x (target >= 3x: {'met' if ratio >= 3 else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

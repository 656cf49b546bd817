"""Whole-client CPU per USER_SRP_AUTH sign-in over HTTP: authflow (gmpy2, pure) vs pycognito.

Both clients sign in against the same emulator, which runs in a child process
(``python -m authflow.emulator --port 0``) so its CPU is not counted. One sign-in is everything the
client does: authflow ``AuthClient.sign_in(user, pw).step()`` (InitiateAuth, SRP, RespondToAuth-
Challenge, session record saved) on one AuthClient; pycognito ``Cognito.authenticate(pw)``
(boto3 calls, SRP, verification of the two JWTs). Client CPU = this process (all threads) plus its
descendants except the emulator, i.e. including authflow's SRP process pool with the pure backend.

Contenders run in interleaved batches (noise on the shared machine hits all of them alike); each
prints the median CPU ms per sign-in over the batches and the range. pycognito is measured twice:
one ``Cognito`` object reused for every sign-in (its boto3 client built once: the baseline, the
kindest to pycognito) and ``Cognito(...)`` built per sign-in (a new boto3 client each time, for
information).

Run:  PYTHONPATH=. python bench/signin_cpu.py [--batches 7] [--per-batch 25] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import PASSWORD, ClientCpu, Server, emulator_process, emulator_users

from authflow import AuthClient, CognitoConfig
from authflow.srp import available_backends, set_backend, shutdown_executors

BASELINE = "pycognito (Cognito reused)"


class Contender:
    """Signs in ``n`` times in a row with ``run(n)``; ``setup``/``close`` are not measured."""

    name = "?"

    def setup(self) -> None:
        """Prepare and warm up (first requests, pools, key caches)."""

    def run(self, n: int) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release resources."""


class Authflow(Contender):
    """``AuthClient.sign_in(...).step()`` on one AuthClient and one event loop."""

    def __init__(self, server: Server, backend: str, username: str) -> None:
        self.server = server
        self.backend = backend
        self.username = username
        self.name = f"authflow [{backend}]"
        self.loop = asyncio.new_event_loop()

    def setup(self) -> None:
        config = CognitoConfig(
            user_pool_id=self.server.user_pool_id,
            client_id=self.server.client_id,
            endpoint=self.server.endpoint,
        )
        self.auth = AuthClient(config)
        self.run(3)  # warm-up: connection, worker thread or process pool

    async def _sign_in(self, n: int) -> None:
        set_backend(self.backend)  # type: ignore[arg-type]
        for _ in range(n):
            step = await self.auth.sign_in(self.username, PASSWORD).step()
            if step.state != "Authenticated":
                raise RuntimeError(f"{self.name}: sign-in ended in {step.state}")

    def run(self, n: int) -> None:
        self.loop.run_until_complete(self._sign_in(n))

    def close(self) -> None:
        self.loop.run_until_complete(self.auth.close())
        self.loop.close()


class Pycognito(Contender):
    """pycognito's ``Cognito.authenticate`` over boto3, endpoint_url = the emulator."""

    def __init__(self, server: Server, username: str, *, reuse: bool) -> None:
        self.server = server
        self.username = username
        self.reuse = reuse
        self.name = BASELINE if reuse else "pycognito (Cognito(...) per sign-in)"

    def _new(self) -> Any:
        from pycognito import Cognito

        return Cognito(
            self.server.user_pool_id,
            self.server.client_id,
            username=self.username,
            boto3_client_kwargs={
                "endpoint_url": self.server.endpoint,
                "aws_access_key_id": "testing",
                "aws_secret_access_key": "testing",
            },
        )

    def setup(self) -> None:
        self.cognito = self._new()
        self.cognito.authenticate(PASSWORD)  # fetches and caches the pool's JWKS
        self.run(3)

    def run(self, n: int) -> None:
        for _ in range(n):
            cognito = self.cognito if self.reuse else self._new()
            if not self.reuse:
                cognito.pool_jwk = self.cognito.pool_jwk  # a service would cache the JWKS
            cognito.authenticate(PASSWORD)
            if cognito.token_type != "Bearer":
                raise RuntimeError(f"{self.name}: no tokens")


def measure(
    contenders: list[Contender], *, batches: int, per_batch: int, meter: ClientCpu
) -> dict[str, list[tuple[float, float]]]:
    """Interleaved batches; per contender a list of (CPU ms, wall ms) per sign-in."""
    results: dict[str, list[tuple[float, float]]] = {c.name: [] for c in contenders}
    for _ in range(batches):
        for c in contenders:
            wall = time.perf_counter()
            meter.start()
            c.run(per_batch)
            cpu = meter.stop()
            wall = time.perf_counter() - wall
            results[c.name].append((cpu / per_batch * 1000, wall / per_batch * 1000))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--batches", type=int, default=7)
    parser.add_argument("--per-batch", type=int, default=25, help="sign-ins per batch")
    parser.add_argument("--quick", action="store_true", help="smoke run (~5 s)")
    parser.add_argument(
        "--no-per-sign-in", action="store_true", help="skip pycognito with a new Cognito each time"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.batches, args.per_batch = 2, 3

    try:
        import pycognito  # noqa: F401

        have_pycognito = True
    except ImportError:
        print("pycognito is not installed (pip install -e '.[bench]'): measuring authflow only")
        have_pycognito = False

    with emulator_process() as server:
        backends = [b for b in ("gmpy2", "pure") if b in available_backends()]
        users = [f"user-{b}" for b in backends] + ["user-pycognito"]
        asyncio.run(emulator_users(server, users))
        contenders: list[Contender] = [Authflow(server, b, f"user-{b}") for b in backends]
        if have_pycognito:
            contenders.append(Pycognito(server, "user-pycognito", reuse=True))
            if not args.no_per_sign_in:
                contenders.append(Pycognito(server, "user-pycognito", reuse=False))
        for c in contenders:
            c.setup()
        meter = ClientCpu(exclude=[server.pid])
        try:
            results = measure(
                contenders, batches=args.batches, per_batch=args.per_batch, meter=meter
            )
        finally:
            for c in contenders:
                c.close()
            shutdown_executors()

    print(
        f"Client CPU per USER_SRP_AUTH sign-in over HTTP (emulator in a child process, not "
        f"counted), Python {sys.version.split()[0]}; median (min-max) of {args.batches} "
        f"interleaved batches of {args.per_batch} sequential sign-ins"
    )
    cpu: dict[str, float] = {}
    width = max(len(name) for name in results)
    for name, rows in results.items():
        cpus = [r[0] for r in rows]
        walls = [r[1] for r in rows]
        cpu[name] = statistics.median(cpus)
        print(
            f"  {name:<{width}}  CPU {cpu[name]:6.2f} ms/sign-in ({min(cpus):.2f}-{max(cpus):.2f})"
            f"   wall {statistics.median(walls):6.2f} ms"
        )
    if BASELINE not in cpu:
        print("ratio: n/a (no pycognito baseline)")
        return 0
    base = cpu[BASELINE]
    targets: dict[str, Callable[[float], bool]] = {
        "authflow [gmpy2]": lambda r: r >= 10.0,
        "authflow [pure]": lambda r: r >= 1.0,
    }
    for name, check in targets.items():
        if name in cpu:
            ratio = base / cpu[name]
            goal = ">= 10x" if "gmpy2" in name else ">= 1x (not slower)"
            verdict = "met" if check(ratio) else "MISSED"
            print(
                f"ratio: {name} uses {ratio:.2f}x less CPU than {BASELINE} "
                f"(target {goal}: {verdict})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

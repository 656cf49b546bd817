"""Client CPU per SRP sign-in: authflow (gmpy2 and pure) against pycognito, in one run.

One "sign-in" is the client's whole SRP work for USER_SRP_AUTH: draw a and compute A (SRP_A),
then answer PASSWORD_VERIFIER (u, x, S, HKDF, signature) for the same valid challenge from
tests/vectors/srp.json with a fixed TIMESTAMP. No network: this isolates the maths. CPU is
``time.process_time`` (process CPU time, all threads) per sign-in, median of several batches.
Before timing, every contender must reproduce the vector's PASSWORD_CLAIM_SIGNATURE.

Contenders are small objects with ``sign_in()``; the HTTP end-to-end version (against the emulator)
can add contenders that also send the requests, and reuse ``measure`` and ``report``.

Run:  PYTHONPATH=. python bench/srp_cpu.py [--batches 5] [--seconds 0.4] [--no-a-sizes]
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import time
import types
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from authflow.srp import (
    SrpEphemeral,
    available_backends,
    get_backend,
    new_ephemeral,
    parse_timestamp,
    password_claim,
    set_backend,
)

VECTORS = Path(__file__).resolve().parent.parent / "tests" / "vectors" / "srp.json"
V: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))["user_srp"]
NOW = parse_timestamp(V["timestamp"])
CHALLENGE = {  # PASSWORD_VERIFIER ChallengeParameters as Cognito sends them
    "SALT": V["salt_hex"],
    "SRP_B": V["B_hex_SRP_B"],
    "SECRET_BLOCK": V["secret_block_b64"],
    "USER_ID_FOR_SRP": V["user_id_for_srp"],
    "USERNAME": V["user_id_for_srp"],
}


class Contender:
    """Something that performs one client SRP sign-in computation per ``sign_in()`` call."""

    name = "?"

    def setup(self) -> None:
        """Prepare (imports, backend selection); not measured."""

    def sign_in(self) -> str:
        """One sign-in; returns the PASSWORD_CLAIM_SIGNATURE."""
        raise NotImplementedError

    def check(self) -> None:
        """Prove the computation is the real one: reproduce the vector's signature."""
        raise NotImplementedError


class Authflow(Contender):
    """authflow.srp: new_ephemeral() + password_claim() on the given backend."""

    def __init__(self, backend: str, a_bits: int | None = None) -> None:
        self.backend = backend
        self.a_bits = a_bits
        self.name = f"authflow [{backend}]" + (f" a={a_bits} bits" if a_bits else "")

    def setup(self) -> None:
        set_backend(self.backend)  # type: ignore[arg-type]

    def _claim(self, eph: SrpEphemeral) -> str:
        return password_claim(
            pool_name=V["pool_name_part"],
            user_id=CHALLENGE["USER_ID_FOR_SRP"],
            password=V["password"],
            ephemeral=eph,
            salt_hex=CHALLENGE["SALT"],
            srp_b_hex=CHALLENGE["SRP_B"],
            secret_block=CHALLENGE["SECRET_BLOCK"],
            now=NOW,
        ).signature

    def sign_in(self) -> str:
        if self.a_bits is None:
            eph = new_ephemeral()
        else:  # only for the a-size table: same code path, another private-value size
            eph = SrpEphemeral.from_private(
                secrets.randbits(self.a_bits) | (1 << (self.a_bits - 1))
            )
        return self._claim(eph)

    def check(self) -> None:
        self.setup()
        assert get_backend() == self.backend
        sig = self._claim(SrpEphemeral.from_private(int(V["a_hex"], 16)))
        assert sig == V["PASSWORD_CLAIM_SIGNATURE"], self.name


class Pycognito(Contender):
    """pycognito's AWSSRP: construction draws a and computes A; process_challenge does the rest.

    A dummy boto3 client keeps the network (and boto3's client creation) out of the measurement;
    its clock is frozen to the vector's TIMESTAMP."""

    name = "pycognito AWSSRP"

    def setup(self) -> None:
        from pycognito import aws_srp

        frozen = datetime(2025, 3, 3, 9, 5, 7)  # pycognito reads a naive utcnow()

        class _FrozenDatetime:
            @staticmethod
            def utcnow() -> datetime:
                return frozen

        aws_srp.datetime = types.SimpleNamespace(datetime=_FrozenDatetime)
        self.aws_srp = aws_srp
        assert frozen.replace(tzinfo=UTC) == NOW

    def _new(self) -> Any:
        return self.aws_srp.AWSSRP(
            username=V["username"],
            password=V["password"],
            pool_id=V["pool_id"],
            client_id=V["client_id"],
            client=object(),
        )

    def sign_in(self) -> str:
        srp = self._new()
        auth_params = srp.get_auth_params()
        return str(srp.process_challenge(CHALLENGE, auth_params)["PASSWORD_CLAIM_SIGNATURE"])

    def check(self) -> None:
        self.setup()
        cls = self.aws_srp.AWSSRP
        original = cls.generate_random_small_a
        cls.generate_random_small_a = lambda self: int(V["a_hex"], 16)
        try:
            srp = self._new()
            assert format(srp.large_a_value, "x") == V["A_hex_SRP_A"]
            response = srp.process_challenge(CHALLENGE, srp.get_auth_params())
        finally:
            cls.generate_random_small_a = original
        assert response["PASSWORD_CLAIM_SIGNATURE"] == V["PASSWORD_CLAIM_SIGNATURE"], self.name
        assert response["TIMESTAMP"] == V["timestamp"]


def measure(contender: Contender, *, batches: int, seconds: float) -> float:
    """Median process-CPU milliseconds per sign-in over ``batches`` batches of ~``seconds``."""
    contender.setup()
    contender.sign_in()  # warm-up
    start = time.process_time()
    calls = 0
    while calls < 2 or time.process_time() - start < seconds / 4:
        contender.sign_in()
        calls += 1
    n = max(3, int(seconds / ((time.process_time() - start) / calls)))
    results = []
    for _ in range(batches):
        t0 = time.process_time()
        for _ in range(n):
            contender.sign_in()
        results.append((time.process_time() - t0) / n * 1000)
    return statistics.median(results)


def report(rows: list[tuple[str, float]], baseline: str) -> None:
    """Print each figure and its ratio to the baseline row."""
    base = dict(rows)[baseline]
    width = max(len(name) for name, _ in rows)
    for name, ms in rows:
        ratio = "(baseline)" if name == baseline else f"{base / ms:5.2f}x less CPU than {baseline}"
        print(f"  {name:<{width}}  {ms:7.2f} ms/sign-in   {ratio}")


def main(argv: list[str] | None = None) -> int:
    """Check every contender against the vector, then time them and print figures and ratios."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.4, help="CPU seconds per batch")
    parser.add_argument("--no-a-sizes", action="store_true", help="skip the a-size table")
    args = parser.parse_args(argv)

    backends = [b for b in ("gmpy2", "pure") if b in available_backends()]
    contenders: list[Contender] = [*(Authflow(b) for b in backends), Pycognito()]
    for c in contenders:
        c.check()

    print(
        f"Client CPU per SRP sign-in (A + PASSWORD_VERIFIER), Python {sys.version.split()[0]}, "
        f"median of {args.batches} batches; every contender reproduced the vector first"
    )
    rows = [(c.name, measure(c, batches=args.batches, seconds=args.seconds)) for c in contenders]
    report(rows, Pycognito.name)
    figures = dict(rows)
    if "gmpy2" in backends:
        ratio = figures["authflow [pure]"] / figures["authflow [gmpy2]"]
        print(f"  authflow pure / gmpy2: {ratio:.2f}x")

    if not args.no_a_sizes:
        print("\nCost of the private value's size (authflow's code path, a of the given size)")
        sized = [
            (c.name, measure(c, batches=3, seconds=args.seconds / 2))
            for b in backends
            for c in (Authflow(b, bits) for bits in (256, 420, 512, 1024))
        ]
        sized.append((Pycognito.name, figures[Pycognito.name]))
        report(sized, Pycognito.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

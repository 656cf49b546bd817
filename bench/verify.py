"""Token verification: verified tokens per second on one core, and JWKS requests per key rotation.

Part 1, throughput with a warm key cache, in one process on one core (CPU time measured with
``time.process_time``; the JWKS is fetched once before measuring). Every verification is of a
token that verifier has not seen before (``--tokens`` distinct RS256 access tokens per round, a
fresh set each round, the same set for every verifier in a round), so no cache of verified tokens
could flatter a figure. The tokens are signed by a key we generate and served from our own
aiohttp.web JWKS on 127.0.0.1, and verified by:

* authflow — ``await TokenVerifier(...).verify(token)`` (signature, iss, token_use, client_id,
  exp/nbf/iat);
* cognitojwt — ``cognitojwt.decode(token, region, pool, app_client_id=...)`` (signature, exp,
  client_id), keys from our JWKS via ``AWS_COGNITO_JWKS_PATH``;
* PyJWT as most hand-written code uses it — ``PyJWKClient.get_signing_key_from_jwt`` then
  ``jwt.decode(..., algorithms=["RS256"], issuer=...)`` and a ``client_id``/``token_use`` check.

Within a round the verifiers take turns every 100 tokens (authflow, cognitojwt, PyJWT, RSA,
authflow, ...), so load that comes and goes on a shared machine falls on all of them alike; the
median rate of each over the rounds is printed, and the ratios are the medians of the per-round
ratios. The bare RSA-2048 verification (``cryptography``'s
``RSAPublicKey.verify`` on each token's already split parts) is measured too: it is the floor
every verifier pays. The load average is printed at the start and the end: on a shared machine,
figures from a loaded run are not comparable with a quiet one (ratios hold better).

Part 2, a kid-rotation storm: the JWKS server publishes a new key and ``--storm`` concurrent
verifications meet tokens signed by it; the JWKS requests the server receives are counted, per
rotation (authflow's target: 1). Then a flood of tokens with random kids (at most one request per
penalty window). For comparison, PyJWKClient meets the same rotation from a pool of threads, as
a synchronous service would.

Part 3, the same against the emulator: ``Emulator.rotate_signing_keys`` and ``--storm``
concurrent verifications of tokens it signed after the rotation (JWKS requests counted on the
emulator's side).

Run:  PYTHONPATH=. python bench/verify.py [--tokens 5000] [--rounds 7] [--storm 1000] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm

# The JWKS server and token signer the tests use (tests/jwks_support.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from jwks_support import CLIENT_ID, JwksServer, access_claims, rsa_key

from authflow.verify import TokenVerifier, UnknownKeyError

REGION = "us-east-1"


# Tokens per slice: within a round the verifiers take turns slice by slice (a few milliseconds
# each), so load that comes and goes on a shared machine falls on all of them alike.
SLICE = 100


def cpu(work: Callable[[], None]) -> float:
    """CPU seconds ``work`` took."""
    start = time.process_time()
    work()
    return time.process_time() - start


async def acpu(work: Callable[[], Any]) -> float:
    start = time.process_time()
    await work()
    return time.process_time() - start


def pyjwt_verifier(
    jwks_url: str, issuer: str, client: jwt.PyJWKClient | None = None
) -> Callable[[str], dict[str, Any]]:
    """What most hand-written Cognito verification looks like with PyJWT."""
    client = client or jwt.PyJWKClient(jwks_url)

    def verify(token: str) -> dict[str, Any]:
        key = client.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token, key.key, algorithms=["RS256"], issuer=issuer, options={"verify_aud": False}
        )
        if claims.get("token_use") != "access" or claims.get("client_id") != CLIENT_ID:
            raise ValueError("wrong token")
        return claims

    return verify


def split_token(token: str) -> tuple[bytes, bytes]:
    """``(signing input, signature)`` of a compact JWS, for the bare RSA floor."""
    head, body, sig = token.split(".")
    return f"{head}.{body}".encode(), jwt.utils.base64url_decode(sig)


async def throughput(
    server: JwksServer, count: int, rounds: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Median tokens per CPU second of each verifier, and the median per-round ratio of
    authflow's rate to each baseline's."""
    # count distinct tokens per round, a fresh set every round: no verifier ever sees a token
    # twice. (RSA signing costs ~0.5 ms a token: this takes a while.)
    batches = [[rsa_key(0).sign(access_claims(server.issuer)) for _ in range(count)]
               for _ in range(rounds)]
    assert len({t for batch in batches for t in batch}) == count * rounds
    warmup = rsa_key(0).sign(access_claims(server.issuer))
    jwks_url = f"{server.issuer}/.well-known/jwks.json"

    verifier = TokenVerifier(server.pool_id, client_ids=[CLIENT_ID], token_use="access",
                             endpoint=server.endpoint)
    await verifier.load_keys()
    await verifier.verify(warmup)

    os.environ["AWS_COGNITO_JWKS_PATH"] = jwks_url
    cognitojwt: Any = None
    try:
        import cognitojwt as _cognitojwt

        cognitojwt = _cognitojwt
        # The first call fetches the JWKS with blocking requests: off the loop serving it.
        await asyncio.to_thread(cognitojwt.decode, warmup, REGION, server.pool_id,
                                app_client_id=CLIENT_ID)
    except ImportError:
        print("cognitojwt is not installed (pip install 'authflow[bench]'): baseline skipped")
    pyjwt = pyjwt_verifier(jwks_url, server.issuer)
    await asyncio.to_thread(pyjwt, warmup)

    key = RSAAlgorithm.from_jwk(rsa_key(0).jwk())
    assert isinstance(key, RSAPublicKey)
    pkcs1v15, sha256 = padding.PKCS1v15(), hashes.SHA256()

    async def run_authflow(stream: list[str]) -> None:
        for token in stream:
            await verifier.verify(token)

    def run_cognitojwt(stream: list[str]) -> None:
        for token in stream:
            cognitojwt.decode(token, REGION, server.pool_id, app_client_id=CLIENT_ID)

    def run_pyjwt(stream: list[str]) -> None:
        for token in stream:
            pyjwt(token)

    def run_rsa(parts: list[tuple[bytes, bytes]]) -> None:
        for signing_input, signature in parts:
            key.verify(signature, signing_input, pkcs1v15, sha256)

    rates: dict[str, list[float]] = {"authflow": [], "cognitojwt": [], "pyjwt": [], "rsa": []}
    for stream in batches:
        spent = dict.fromkeys(rates, 0.0)
        for at in range(0, count, SLICE):
            part = stream[at : at + SLICE]
            spent["authflow"] += await acpu(functools.partial(run_authflow, part))
            if cognitojwt is not None:
                spent["cognitojwt"] += cpu(functools.partial(run_cognitojwt, part))
            spent["pyjwt"] += cpu(functools.partial(run_pyjwt, part))
            split_parts = [split_token(token) for token in part]
            spent["rsa"] += cpu(functools.partial(run_rsa, split_parts))
        for name, seconds in spent.items():
            if seconds:
                rates[name].append(count / seconds)
    await verifier.close()
    for name, values in rates.items():
        if values:
            print(f"  ({name} per round: {', '.join(f'{v:,.0f}' for v in values)})")
    ratios: dict[str, float] = {}
    for name in ("cognitojwt", "pyjwt"):
        if rates[name]:
            per_round = [a / b for a, b in zip(rates["authflow"], rates[name], strict=True)]
            ratios[name] = statistics.median(per_round)
            print(f"  (authflow / {name} per round: {', '.join(f'{r:.2f}' for r in per_round)})")
    medians = {name: statistics.median(values) for name, values in rates.items() if values}
    return medians, ratios


async def storm(server: JwksServer, callers: int, rotations: int) -> tuple[list[int], int]:
    verifier = TokenVerifier(server.pool_id, client_ids=[CLIENT_ID], token_use="access",
                             endpoint=server.endpoint)
    await verifier.load_keys()
    per_rotation = []
    for n in range(rotations):
        key = rsa_key(10 + n)
        server.rotate(key)
        tokens = [key.sign(access_claims(server.issuer)) for _ in range(min(callers, 50))]
        before = server.requests
        await asyncio.gather(*(verifier.verify(tokens[i % len(tokens)]) for i in range(callers)))
        per_rotation.append(server.requests - before)
    before = server.requests
    flood = [rsa_key(0).sign(access_claims(server.issuer), kid=str(uuid.uuid4()))
             for _ in range(callers)]
    outcomes = await asyncio.gather(*(verifier.verify(t) for t in flood), return_exceptions=True)
    assert all(isinstance(o, UnknownKeyError) for o in outcomes)
    await verifier.close()
    return per_rotation, server.requests - before


async def pyjwt_storm(server: JwksServer, callers: int, threads: int) -> int:
    jwks_client = jwt.PyJWKClient(f"{server.issuer}/.well-known/jwks.json")
    client = pyjwt_verifier("", server.issuer, jwks_client)
    await asyncio.to_thread(client, rsa_key(0).sign(access_claims(server.issuer)))
    # A rotation comes long after the last fetch: outside PyJWKClient's 30 s refetch cooldown.
    jwks_client._last_successful_fetch = None
    key = rsa_key(30)
    server.rotate(key)
    token = key.sign(access_claims(server.issuer))
    before = server.requests
    with ThreadPoolExecutor(threads) as pool:
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(pool, client, token) for _ in range(callers)))
    return server.requests - before


async def emulator_storm(callers: int, rotations: int) -> list[int]:
    """JWKS requests per rotation of the emulator's keys (counted where the emulator builds the
    document, once per request), ``callers`` concurrent verifications of new-kid tokens each."""
    from authflow.emulator import Emulator

    async with Emulator() as emu:
        pool = emu.create_user_pool("bench").id
        app = emu.create_user_pool_client(pool, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
        emu.handle("AdminCreateUser", {"UserPoolId": pool, "Username": "alice",
                                       "MessageAction": "SUPPRESS"})
        emu.handle("AdminSetUserPassword", {"UserPoolId": pool, "Username": "alice",
                                            "Password": "Correct-Horse-9!", "Permanent": True})
        served = [0]
        document = emu.core.jwks

        def counted(pool_id: str) -> dict[str, Any]:
            served[0] += 1
            return document(pool_id)

        emu.core.jwks = counted  # type: ignore[method-assign]
        sign_in = {"ClientId": app.id, "AuthFlow": "USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Correct-Horse-9!"}}
        per_rotation = []
        async with TokenVerifier(pool, client_ids=[app.id], token_use="access",
                                 endpoint=emu.endpoint) as verifier:
            await verifier.load_keys()
            for _ in range(rotations):
                emu.rotate_signing_keys(pool)
                tokens = [emu.handle("InitiateAuth", sign_in)["AuthenticationResult"]["AccessToken"]
                          for _ in range(20)]
                before = served[0]
                await asyncio.gather(*(verifier.verify(tokens[i % 20]) for i in range(callers)))
                per_rotation.append(served[0] - before)
        return per_rotation


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main(count: int, rounds: int, callers: int, rotations: int, storms: bool) -> None:
    print(f"load average at the start: {load()} ({os.cpu_count()} cores)")
    async with JwksServer(rsa_key(0)) as server:
        rates, ratios = await throughput(server, count, rounds)
        print(f"verified tokens per CPU second, one core, warm cache ({count} distinct tokens x "
              f"{rounds} rounds, median):")
        for name, label in (("authflow", "authflow TokenVerifier"), ("cognitojwt", "cognitojwt"),
                            ("pyjwt", "PyJWT + PyJWKClient"), ("rsa", "bare RSA-2048 verify")):
            if name in rates:
                print(f"  {label:<24} {rates[name]:>9,.0f}/s  ({1e6 / rates[name]:6.1f} us each)")
        share = rates["authflow"] / rates["rsa"]
        print(f"  RSA verification is {share:.0%} of authflow's CPU per token")
        ratio_c = (f"{ratios['cognitojwt']:.2f}x cognitojwt"
                   if "cognitojwt" in ratios else "cognitojwt n/a")
        ratio = (f"ratio (median of per-round ratios): authflow = {ratio_c}, "
                 f"{ratios['pyjwt']:.1f}x PyJWT+PyJWKClient")
        if not storms:
            print(f"load average at the end: {load()}")
            print(ratio)
            return
        per_rotation, flood = await storm(server, callers, rotations)
        print(f"kid rotation storm: {callers} concurrent verifications meet a new kid")
        print(f"  authflow JWKS requests per rotation: {per_rotation}")
        print(f"  authflow JWKS requests for {callers} tokens with random kids: {flood}")
        threads = 32
        baseline = await pyjwt_storm(server, callers, threads)
        print(f"  PyJWKClient ({threads} threads) JWKS requests for one rotation: {baseline}")
        print("  cognitojwt: never refetches (its key cache is per URL): a rotated key fails "
              "until the process restarts")
        on_emulator = await emulator_storm(callers, rotations)
        print(f"  emulator key rotations, {callers} concurrent verifications of new-kid tokens: "
              f"JWKS requests per rotation {on_emulator}")
        print(f"load average at the end: {load()}")
        print(f"{ratio}; JWKS requests per rotation {max(per_rotation)} "
              f"(emulator {max(on_emulator)}, PyJWKClient {baseline})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tokens", type=int, default=5_000, help="distinct tokens per round")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--storm", type=int, default=1000)
    parser.add_argument("--rotations", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke run (a few seconds)")
    parser.add_argument("--throughput-only", action="store_true",
                        help="part 1 only (tokens per second), no rotation storms")
    args = parser.parse_args()
    if args.quick:
        args.tokens, args.rounds, args.storm, args.rotations = 500, 1, 100, 1
    asyncio.run(main(args.tokens, args.rounds, args.storm, args.rotations,
                     not args.throughput_only))

"""Token verification: verified tokens per second on one core, and JWKS requests per key rotation.

Part 1, throughput with a warm key cache, in one process on one core (CPU time measured with
``time.process_time``; the JWKS is fetched once before measuring). The same RS256 access tokens,
signed by a key we generate and served from our own aiohttp.web JWKS on 127.0.0.1, are verified
by:

* authflow — ``await TokenVerifier(...).verify(token)`` (signature, iss, token_use, client_id,
  exp/nbf/iat);
* cognitojwt — ``cognitojwt.decode(token, region, pool, app_client_id=...)`` (signature, exp,
  client_id), keys from our JWKS via ``AWS_COGNITO_JWKS_PATH``;
* PyJWT as most hand-written code uses it — ``PyJWKClient.get_signing_key_from_jwt`` then
  ``jwt.decode(..., algorithms=["RS256"], issuer=...)`` and a ``client_id``/``token_use`` check.

Rounds are interleaved (authflow, cognitojwt, PyJWT, authflow, ...) and the median rate of each is
printed with the ratios. The bare RSA-2048 verification (PyJWT's ``RSAAlgorithm.verify``) is
measured too: it is the floor every verifier pays.

Part 2, a kid-rotation storm: the JWKS server publishes a new key and ``--storm`` concurrent
verifications meet tokens signed by it; the JWKS requests the server receives are counted, per
rotation (authflow's target: 1). Then a flood of tokens with random kids (at most one request per
penalty window). For comparison, PyJWKClient meets the same rotation from a pool of threads, as
a synchronous service would.

Run:  PYTHONPATH=. python bench/verify.py [--tokens 20000] [--rounds 5] [--storm 1000] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
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
from jwt.algorithms import RSAAlgorithm

# The JWKS server and token signer the tests use (tests/jwks_support.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from jwks_support import CLIENT_ID, JwksServer, access_claims, rsa_key

from authflow.verify import TokenVerifier, UnknownKeyError

REGION = "us-east-1"


def rate(count: int, work: Callable[[], None]) -> float:
    """Tokens per CPU second of ``work`` (which verifies ``count`` tokens)."""
    start = time.process_time()
    work()
    return count / max(time.process_time() - start, 1e-9)


async def arate(count: int, work: Callable[[], Any]) -> float:
    start = time.process_time()
    await work()
    return count / max(time.process_time() - start, 1e-9)


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


async def throughput(server: JwksServer, count: int, rounds: int) -> dict[str, float]:
    tokens = [rsa_key(0).sign(access_claims(server.issuer)) for _ in range(200)]
    stream = [tokens[i % len(tokens)] for i in range(count)]
    jwks_url = f"{server.issuer}/.well-known/jwks.json"

    verifier = TokenVerifier(server.pool_id, client_ids=[CLIENT_ID], token_use="access",
                             endpoint=server.endpoint)
    await verifier.load_keys()

    os.environ["AWS_COGNITO_JWKS_PATH"] = jwks_url
    cognitojwt: Any = None
    try:
        import cognitojwt as _cognitojwt

        cognitojwt = _cognitojwt
        # The first call fetches the JWKS with blocking requests: off the loop serving it.
        await asyncio.to_thread(cognitojwt.decode, tokens[0], REGION, server.pool_id,
                                app_client_id=CLIENT_ID)
    except ImportError:
        print("cognitojwt is not installed (pip install 'authflow[bench]'): baseline skipped")
    pyjwt = pyjwt_verifier(jwks_url, server.issuer)
    await asyncio.to_thread(pyjwt, tokens[0])

    async def run_authflow() -> None:
        for token in stream:
            await verifier.verify(token)

    def run_cognitojwt() -> None:
        for token in stream:
            cognitojwt.decode(token, REGION, server.pool_id, app_client_id=CLIENT_ID)

    def run_pyjwt() -> None:
        for token in stream:
            pyjwt(token)

    key = RSAAlgorithm.from_jwk(rsa_key(0).jwk())
    head, body, sig = tokens[0].split(".")
    signing_input = f"{head}.{body}".encode()
    signature = jwt.utils.base64url_decode(sig)
    rs256 = RSAAlgorithm(RSAAlgorithm.SHA256)

    def run_rsa() -> None:
        for _ in stream:
            rs256.verify(signing_input, key, signature)  # type: ignore[arg-type]

    rates: dict[str, list[float]] = {"authflow": [], "cognitojwt": [], "pyjwt": [], "rsa": []}
    for _ in range(rounds):
        rates["authflow"].append(await arate(count, run_authflow))
        if cognitojwt is not None:
            rates["cognitojwt"].append(rate(count, run_cognitojwt))
        rates["pyjwt"].append(rate(count, run_pyjwt))
        rates["rsa"].append(rate(count, run_rsa))
    await verifier.close()
    return {name: statistics.median(values) for name, values in rates.items() if values}


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


async def main(count: int, rounds: int, callers: int, rotations: int) -> None:
    async with JwksServer(rsa_key(0)) as server:
        rates = await throughput(server, count, rounds)
        print(f"verified tokens per CPU second, one core, warm cache ({count} tokens x "
              f"{rounds} rounds, median):")
        for name, label in (("authflow", "authflow TokenVerifier"), ("cognitojwt", "cognitojwt"),
                            ("pyjwt", "PyJWT + PyJWKClient"), ("rsa", "bare RSA-2048 verify")):
            if name in rates:
                print(f"  {label:<24} {rates[name]:>9,.0f}/s  ({1e6 / rates[name]:6.1f} us each)")
        share = rates["authflow"] / rates["rsa"]
        print(f"  RSA verification is {share:.0%} of authflow's CPU per token")
        per_rotation, flood = await storm(server, callers, rotations)
        print(f"kid rotation storm: {callers} concurrent verifications meet a new kid")
        print(f"  authflow JWKS requests per rotation: {per_rotation}")
        print(f"  authflow JWKS requests for {callers} tokens with random kids: {flood}")
        threads = 32
        baseline = await pyjwt_storm(server, callers, threads)
        print(f"  PyJWKClient ({threads} threads) JWKS requests for one rotation: {baseline}")
        print("  cognitojwt: never refetches (its key cache is per URL): a rotated key fails "
              "until the process restarts")
        ratio_c = (f"{rates['authflow'] / rates['cognitojwt']:.1f}x cognitojwt"
                   if "cognitojwt" in rates else "cognitojwt n/a")
        print(f"ratio: authflow = {ratio_c}, {rates['authflow'] / rates['pyjwt']:.1f}x "
              f"PyJWT+PyJWKClient; JWKS requests per rotation {max(per_rotation)} "
              f"(PyJWKClient {baseline})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--storm", type=int, default=1000)
    parser.add_argument("--rotations", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke run (a few seconds)")
    args = parser.parse_args()
    if args.quick:
        args.tokens, args.rounds, args.storm, args.rotations = 500, 1, 100, 1
    asyncio.run(main(args.tokens, args.rounds, args.storm, args.rotations))

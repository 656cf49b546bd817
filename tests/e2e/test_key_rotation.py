"""Key rotation end to end, over real HTTP: the emulator rotates a pool's signing keys while
TokenVerifier (and PyJWT's PyJWKClient) verify its tokens.

The JWKS requests are counted on the emulator's side: its JWKS route asks ``core.jwks`` for the
document on every request, and the test wraps that method (and checks the count against the
verifier's own :attr:`JwksCache.fetch_count`).
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections import Counter
from typing import Any

import jwt
import pytest
from emulated_cognito import PASSWORD, client, confirmed_user

from authflow import AuthClient
from authflow.emulator import Emulator, ManualClock
from authflow.verify import JwksCache, TokenVerifier, UnknownKeyError

USERS = ("ana", "ben", "cy")


class JwksRequests:
    """The JWKS documents the emulator has served, per pool."""

    def __init__(self, emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
        self.per_pool: Counter[str] = Counter()
        serve = emu.core.jwks

        def counted(pool_id: str) -> dict[str, Any]:
            self.per_pool[pool_id] += 1
            return serve(pool_id)

        monkeypatch.setattr(emu.core, "jwks", counted)


class Pool:
    """A pool with a few users; ``tokens()`` signs them in over HTTP."""

    def __init__(self, emu: Emulator, auth: AuthClient) -> None:
        self.emu = emu
        self.auth = auth
        self.id = auth.config.user_pool_id
        self.client_id = auth.config.client_id

    async def tokens(self, count: int) -> list[dict[str, Any]]:
        """``count`` fresh AuthenticationResults (distinct tokens), signed in over HTTP."""
        results = []
        for i in range(count):
            answer = await self.auth.transport.send("InitiateAuth", {
                "ClientId": self.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": USERS[i % len(USERS)], "PASSWORD": PASSWORD}})
            results.append(answer["AuthenticationResult"])
        return results

    def verifier(self, clock: ManualClock, **options: Any) -> TokenVerifier:
        options.setdefault("token_use", "access")
        return TokenVerifier(self.id, client_ids=[self.client_id], endpoint=self.emu.endpoint,
                             clock=clock, **options)


@pytest.fixture
async def pool(emu: Emulator, clock: ManualClock) -> Any:
    async with client(emu, clock) as auth:
        for name in USERS:
            await confirmed_user(auth, name)
        yield Pool(emu, auth)


@pytest.fixture
def served(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> JwksRequests:
    return JwksRequests(emu, monkeypatch)


def kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


async def test_a_warm_verifier_refetches_once_for_a_token_signed_after_rotation(
    pool: Pool, served: JwksRequests, clock: ManualClock
) -> None:
    (old,) = await pool.tokens(1)
    async with pool.verifier(clock, check_revocation=True) as verifier:
        await verifier.load_keys()
        assert served.per_pool[pool.id] == 1
        assert (await verifier.verify(old["AccessToken"])).username == "ana"
        assert served.per_pool[pool.id] == 1

        rotation = pool.emu.rotate_signing_keys(pool.id)
        (new,) = await pool.tokens(1)
        assert kid(new["AccessToken"]) == rotation.access_token_kid
        assert (await verifier.verify(new["AccessToken"])).username == "ana"
        assert served.per_pool[pool.id] == 2  # exactly one refetch
        # The old key is still published: the old token verifies from the refetched set, and
        # the emulator still accepts it (past the cached answer, the revocation check is a
        # GetUser with it).
        clock.advance(31)
        assert (await verifier.verify(old["AccessToken"])).username == "ana"
        assert verifier.revocation is not None and verifier.revocation.request_count == 3
        assert served.per_pool[pool.id] == verifier.jwks.fetch_count == 2


async def test_a_thousand_concurrent_verifications_of_new_kid_tokens_make_one_request(
    pool: Pool, served: JwksRequests, clock: ManualClock
) -> None:
    async with pool.verifier(clock) as verifier:
        await verifier.load_keys()
        for rotation_number in (1, 2, 3):
            pool.emu.rotate_signing_keys(pool.id)
            tokens = [t["AccessToken"] for t in await pool.tokens(20)]
            before = served.per_pool[pool.id]
            claims = await asyncio.gather(*(verifier.verify(tokens[i % 20]) for i in range(1000)))
            assert {c.username for c in claims} == set(USERS)
            assert served.per_pool[pool.id] - before == 1, rotation_number
        assert verifier.jwks.fetch_count == served.per_pool[pool.id] == 4


async def test_access_and_id_verifiers_sharing_a_cache_fetch_once_per_rotation(
    pool: Pool, served: JwksRequests, clock: ManualClock
) -> None:
    async with JwksCache() as cache, pool.verifier(clock, jwks_cache=cache) as access, \
            pool.verifier(clock, jwks_cache=cache, token_use="id") as ident:
        await access.load_keys()
        pool.emu.rotate_signing_keys(pool.id)
        results = await pool.tokens(10)
        checks = [access.verify(r["AccessToken"]) for r in results]
        checks += [ident.verify(r["IdToken"]) for r in results]
        claims = await asyncio.gather(*checks)
        assert {c.token_use for c in claims} == {"access", "id"}
        assert served.per_pool[pool.id] == cache.fetch_count == 2


async def test_a_withdrawn_key_stops_verifying_after_one_more_request(
    pool: Pool, served: JwksRequests, clock: ManualClock
) -> None:
    (first,) = await pool.tokens(1)
    async with pool.verifier(clock) as verifier:
        await verifier.load_keys()
        pool.emu.rotate_signing_keys(pool.id)
        pool.emu.rotate_signing_keys(pool.id)  # the first keys are withdrawn now
        (third,) = await pool.tokens(1)
        assert await verifier.verify(third["AccessToken"])
        assert served.per_pool[pool.id] == 2
        # The refetched set replaced the cached one: the first kid is unknown now, and the one
        # fetch that looks for it is followed by a penalty window without requests.
        for _ in range(3):
            with pytest.raises(UnknownKeyError):
                await verifier.verify(first["AccessToken"])
        assert served.per_pool[pool.id] == 3

    # retire_old: the replaced keys go at once.
    (before,) = await pool.tokens(1)
    async with pool.verifier(clock) as verifier:
        await verifier.load_keys()
        pool.emu.rotate_signing_keys(pool.id, retire_old=True)
        (after,) = await pool.tokens(1)
        assert await verifier.verify(after["AccessToken"])
        with pytest.raises(UnknownKeyError):
            await verifier.verify(before["AccessToken"])
        assert verifier.jwks.fetch_count == 3


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def _pyjwt_decode(issuer: str, token: str, audience: str | None = None) -> dict[str, Any]:
    """What a service using only PyJWT does: discovery, then PyJWKClient, then jwt.decode
    (blocking urllib: run off the loop)."""
    discovery = _get_json(f"{issuer}/.well-known/openid-configuration")
    assert discovery["issuer"] == issuer
    jwks_client = jwt.PyJWKClient(discovery["jwks_uri"])
    key = jwks_client.get_signing_key_from_jwt(token)
    claims: dict[str, Any] = jwt.decode(
        token, key.key, algorithms=discovery["id_token_signing_alg_values_supported"],
        issuer=issuer, audience=audience,
        options={"verify_exp": False, "verify_aud": audience is not None},
    )
    return claims


async def test_pyjwt_jwks_client_verifies_before_and_after_rotation(pool: Pool) -> None:
    issuer = f"{pool.emu.endpoint}/{pool.id}"
    (old,) = await pool.tokens(1)
    claims = await asyncio.to_thread(_pyjwt_decode, issuer, old["AccessToken"])
    assert claims["username"] == "ana" and claims["token_use"] == "access"
    rotation = pool.emu.rotate_signing_keys(pool.id)
    (new,) = await pool.tokens(1)
    for token, expected in ((new["AccessToken"], rotation.access_token_kid),
                            (old["AccessToken"], rotation.previous_kids[1])):
        assert kid(token) == expected
        claims = await asyncio.to_thread(_pyjwt_decode, issuer, token)
        assert claims["client_id"] == pool.client_id
    for token in (old["IdToken"], new["IdToken"]):
        claims = await asyncio.to_thread(_pyjwt_decode, issuer, token, pool.client_id)
        assert claims["cognito:username"] == "ana"
    # A client started before the rotation finds the new key by its refetch on an unknown kid
    # (PyJWKClient's cooldown between forced refreshes is its own choice; 0 here).
    jwks_client = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json", cooldown_duration=0)
    await asyncio.to_thread(jwks_client.get_signing_key_from_jwt, new["AccessToken"])
    pool.emu.rotate_signing_keys(pool.id)
    (newest,) = await pool.tokens(1)
    key = await asyncio.to_thread(jwks_client.get_signing_key_from_jwt, newest["AccessToken"])
    assert jwt.decode(newest["AccessToken"], key.key, algorithms=["RS256"], issuer=issuer,
                      options={"verify_exp": False})["username"] == "ana"

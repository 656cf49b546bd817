"""The JWKS cache: single-flight refetch on a new kid, rate limiting, stale-while-error, bounds."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jwks_support import CLIENT_ID, JwksServer, RsaKey, access_claims, id_claims, kids, rsa_key
from jwt.algorithms import RSAAlgorithm

from authflow.protocol.errors import InvalidStateError, ValidationError
from authflow.verify import (
    JwksCache,
    JwksTimeouts,
    JwksUnavailableError,
    TokenVerifier,
    UnknownKeyError,
)
from authflow.verify.jwks import parse_jwks


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
async def cache(monotonic: FakeMonotonic) -> AsyncIterator[JwksCache]:
    async with JwksCache(timeouts=JwksTimeouts(connect=0.5, total=0.5), clock=monotonic) as jwks:
        yield jwks


@pytest.fixture
def verifier(server: JwksServer, cache: JwksCache) -> TokenVerifier:
    return TokenVerifier(server.pool_id, client_ids=[CLIENT_ID], token_use="access",
                         endpoint=server.endpoint, jwks_cache=cache)


def token(server: JwksServer, key: RsaKey, **header: Any) -> str:
    return key.sign(access_claims(server.issuer), **header)


async def guarded(awaitable: Any) -> Any:
    # A guard against hanging forever, not a timing assertion.
    return await asyncio.wait_for(awaitable, 30)


async def test_a_kid_rotation_met_by_1000_concurrent_verifications_makes_one_request(
    server: JwksServer, verifier: TokenVerifier, cache: JwksCache
) -> None:
    await verifier.load_keys()
    assert server.requests == 1
    server.rotate(rsa_key(2))
    tokens = [token(server, rsa_key(2)) for _ in range(10)] * 100
    results = await guarded(asyncio.gather(*(verifier.verify(t) for t in tokens)))
    assert len(results) == 1000 and all(c.username == "alice" for c in results)
    assert server.requests == 2 and cache.fetch_count == 2
    # The old key still verifies (it is still published), without another request.
    assert await verifier.verify(token(server, rsa_key(0)))
    assert server.requests == 2


async def test_cold_cache_concurrent_first_tokens_make_one_request(
    server: JwksServer, verifier: TokenVerifier
) -> None:
    tokens = [token(server, rsa_key(0)) for _ in range(50)]
    await guarded(asyncio.gather(*(verifier.verify(t) for t in tokens)))
    assert server.requests == 1


async def test_a_flood_of_random_kids_costs_one_request_per_penalty_window(
    server: JwksServer, verifier: TokenVerifier, monotonic: FakeMonotonic
) -> None:
    await verifier.load_keys()
    flood = [token(server, rsa_key(0), kid=kid) for kid in kids(300)]
    outcomes = await guarded(
        asyncio.gather(*(verifier.verify(t) for t in flood), return_exceptions=True)
    )
    assert all(isinstance(o, UnknownKeyError) for o in outcomes)
    assert server.requests == 2  # the warm-up and one refetch
    for t in flood[:50]:  # one by one, still within the penalty
        with pytest.raises(UnknownKeyError):
            await verifier.verify(t)
    assert server.requests == 2
    monotonic.now += 10.1
    with pytest.raises(UnknownKeyError):
        await verifier.verify(flood[0])
    assert server.requests == 3
    # Known keys are not affected by the penalty.
    assert await verifier.verify(token(server, rsa_key(0)))


async def test_a_new_kid_during_the_penalty_waits_for_the_window_to_end(
    server: JwksServer, verifier: TokenVerifier, monotonic: FakeMonotonic
) -> None:
    with pytest.raises(UnknownKeyError):
        await verifier.verify(token(server, rsa_key(0), kid="random"))
    server.rotate(rsa_key(2))
    fresh = token(server, rsa_key(2))
    with pytest.raises(UnknownKeyError):
        await verifier.verify(fresh)
    monotonic.now += 10.1
    assert await verifier.verify(fresh)
    assert server.requests == 2


async def test_cached_keys_keep_verifying_while_the_jwks_endpoint_fails(
    server: JwksServer, verifier: TokenVerifier, monotonic: FakeMonotonic
) -> None:
    await verifier.load_keys()
    for mode in ("500", "html", "empty", "notjson", "hang"):
        server.mode = mode
        monotonic.now += 11
        with pytest.raises(JwksUnavailableError):
            await guarded(verifier.verify(token(server, rsa_key(2))))
        before = server.requests
        with pytest.raises(JwksUnavailableError):  # within the back-off: no request
            await verifier.verify(token(server, rsa_key(3)))
        assert server.requests == before
        assert (await verifier.verify(token(server, rsa_key(0)))).username == "alice"


@pytest.mark.parametrize("mode", ["500", "html", "empty", "notjson", "huge", "redirect", "hang"])
async def test_a_broken_jwks_endpoint_is_a_typed_error_never_a_hang(
    server: JwksServer, verifier: TokenVerifier, mode: str
) -> None:
    server.mode = mode
    with pytest.raises(JwksUnavailableError) as caught:
        await guarded(verifier.verify(token(server, rsa_key(0))))
    assert caught.value.retryable
    with pytest.raises(JwksUnavailableError):
        await guarded(verifier.load_keys())


async def test_an_unreachable_endpoint_is_retried_once(
    monotonic: FakeMonotonic,
) -> None:
    async with JwksServer(rsa_key(0)) as gone:
        endpoint, issuer = gone.endpoint, gone.issuer
    async with JwksCache(clock=monotonic) as cache:
        verifier = TokenVerifier(gone.pool_id, client_ids=None, token_use=None,
                                 endpoint=endpoint, jwks_cache=cache)
        with pytest.raises(JwksUnavailableError):
            await guarded(verifier.verify(rsa_key(0).sign(access_claims(issuer))))
        assert cache.fetch_count == 2


async def test_a_successful_fetch_replaces_the_set_and_a_failed_one_keeps_it(
    server: JwksServer, verifier: TokenVerifier, cache: JwksCache, monotonic: FakeMonotonic
) -> None:
    await verifier.load_keys()
    server.mode = "empty"
    with pytest.raises(JwksUnavailableError):
        await verifier.load_keys()
    assert cache.kids(verifier.jwks_uri) == {rsa_key(0).kid}
    server.mode = "ok"
    server.keys = [rsa_key(2)]  # key 0 withdrawn
    assert await verifier.load_keys() == {rsa_key(2).kid}
    with pytest.raises(UnknownKeyError):
        await verifier.verify(token(server, rsa_key(0)))


async def test_verifiers_sharing_a_cache_fetch_once(
    server: JwksServer, cache: JwksCache
) -> None:
    access = TokenVerifier(server.pool_id, client_ids=None, token_use="access",
                           endpoint=server.endpoint, jwks_cache=cache)
    ident = TokenVerifier(server.pool_id, client_ids=None, token_use="id",
                          endpoint=server.endpoint, jwks_cache=cache)
    await access.verify(token(server, rsa_key(0)))
    await ident.verify(rsa_key(0).sign(id_claims(server.issuer)))
    await access.close()
    await ident.close()
    assert server.requests == 1
    assert cache.cached_key(access.jwks_uri, rsa_key(0).kid) is not None  # not closed by them


async def test_a_cancelled_caller_does_not_cancel_the_fetch_others_wait_for(
    server: JwksServer, verifier: TokenVerifier
) -> None:
    server.delay = 0.2
    first = asyncio.ensure_future(verifier.verify(token(server, rsa_key(0))))
    second = asyncio.ensure_future(verifier.verify(token(server, rsa_key(0))))
    await asyncio.sleep(0.05)
    first.cancel()
    assert (await guarded(second)).username == "alice"
    assert first.cancelled()
    assert server.requests == 1


async def test_a_borrowed_session_is_left_open_and_a_closed_cache_refuses(
    server: JwksServer,
) -> None:
    async with aiohttp.ClientSession() as session:
        verifier = TokenVerifier(server.pool_id, client_ids=None, token_use="access",
                                 endpoint=server.endpoint, session=session)
        assert await verifier.verify(token(server, rsa_key(0)))
        await verifier.close()
        assert not session.closed
        with pytest.raises(InvalidStateError):
            await verifier.verify(token(server, rsa_key(2)))


@pytest.mark.parametrize(
    "options",
    [{"penalty": -1}, {"penalty": "10"}, {"penalty": 1e9}, {"max_bytes": 10},
     {"session": object()}],
)
def test_bad_cache_options(options: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        JwksCache(**options)


@pytest.mark.parametrize("timeouts", [{"connect": 0}, {"total": -1}, {"total": float("nan")}])
def test_bad_timeouts(timeouts: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        JwksTimeouts(**timeouts)


# -- parse_jwks ----------------------------------------------------------------------------------


def _doc(*entries: Any) -> bytes:
    return json.dumps({"keys": list(entries)}).encode()


def test_only_usable_rsa_signing_keys_are_kept() -> None:
    good = rsa_key(0).jwk()
    small = RsaKey("small", bits=1024).jwk()
    private = json.loads(RSAAlgorithm.to_jwk(rsa_key(2).private)) | {"kid": "private"}
    entries: list[Any] = [
        good,
        small,
        private,
        {**rsa_key(3).jwk(), "kid": "enc", "use": "enc"},
        {**rsa_key(3).jwk(), "kid": "rs512", "alg": "RS512"},
        {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
        {"kty": "RSA", "kid": "garbage", "n": "!!", "e": "AQAB"},
        {"kty": "RSA", "kid": "nonstr", "n": 5, "e": "AQAB"},
        {**rsa_key(3).jwk(), "kid": 7},
        "not a dict",
        {**rsa_key(3).jwk(), "kid": good["kid"]},  # a duplicate kid: the first one wins
    ]
    keys = parse_jwks(_doc(*entries))
    assert set(keys) == {good["kid"]}


@pytest.mark.parametrize(
    "body",
    [b"", b"<html>", b"[]", b'{"keys": {}}', b'{"keys": []}', b"\xff", b"[" * 100_000,
     _doc({"kty": "oct", "kid": "x", "k": "AA"})],
    ids=lambda b: repr(b)[:20],
)
def test_unusable_documents_are_unavailable(body: bytes) -> None:
    with pytest.raises(JwksUnavailableError):
        parse_jwks(body)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=300),
                 _json.map(lambda v: json.dumps(v).encode()),
                 st.lists(st.dictionaries(st.sampled_from(["kty", "kid", "n", "e", "use", "alg"]),
                                          _json, max_size=6), max_size=4)
                 .map(lambda ks: json.dumps({"keys": ks}).encode())))
def test_parse_jwks_of_anything_is_keys_or_unavailable(body: bytes) -> None:
    try:
        keys = parse_jwks(body)
    except JwksUnavailableError:
        return
    assert keys and all(isinstance(k, str) for k in keys)

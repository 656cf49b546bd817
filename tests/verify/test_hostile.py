"""Hypothesis: whatever arrives as a token, verify() returns claims or raises InvalidTokenError.

Three generators: arbitrary text and bytes; three segments of arbitrary base64url; and tokens
validly signed by the pool's key over arbitrary headers and JSON payloads (so every claim check
meets hostile values, not only the parser).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwks_support import CLIENT_ID, JwksServer, access_claims, b64url, rsa_key

from authflow.verify import InvalidTokenError, TokenClaims, TokenVerifier

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def warm() -> AsyncIterator[tuple[JwksServer, TokenVerifier]]:
    async with JwksServer(rsa_key(0)) as server:
        verifier = TokenVerifier(server.pool_id, client_ids=[CLIENT_ID], token_use=None,
                                 endpoint=server.endpoint, required_groups=())
        await verifier.load_keys()
        yield server, verifier
        await verifier.close()


async def outcome(verifier: TokenVerifier, token: Any) -> TokenClaims | InvalidTokenError:
    try:
        return await verifier.verify(token)
    except InvalidTokenError as exc:
        text = str(exc) + repr(exc)
        if isinstance(token, str):
            for part in token.split("."):
                assert len(part) < 12 or part not in text
        return exc


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=15,
)
_claim_names = st.sampled_from(
    ["sub", "iss", "exp", "iat", "nbf", "token_use", "client_id", "aud", "scope", "username",
     "cognito:username", "cognito:groups", "auth_time", "jti", "origin_jti", "device_key"]
)


@pytest.mark.asyncio(loop_scope="module")
@SETTINGS
@given(token=st.one_of(st.text(max_size=400), st.binary(max_size=400),
                       st.lists(st.text(alphabet="AZaz09-_=+/. ", max_size=60), min_size=1,
                                max_size=5).map(".".join)))
async def test_arbitrary_text_and_bytes(warm: tuple[JwksServer, TokenVerifier], token: Any) -> None:
    server, verifier = warm
    before = server.requests
    result = await outcome(verifier, token)
    assert isinstance(result, InvalidTokenError)
    assert server.requests - before <= 1


@pytest.mark.asyncio(loop_scope="module")
@SETTINGS
@given(header=st.dictionaries(st.sampled_from(["alg", "kid", "typ", "crit", "jku", "x5u"]), _json,
                              max_size=4),
       payload=st.binary(max_size=200))
async def test_arbitrary_headers_over_arbitrary_payloads(
    warm: tuple[JwksServer, TokenVerifier], header: dict[str, Any], payload: bytes
) -> None:
    _, verifier = warm
    token = ".".join([b64url(json.dumps(header).encode()), b64url(payload), b64url(b"x" * 256)])
    assert isinstance(await outcome(verifier, token), InvalidTokenError)


@pytest.mark.asyncio(loop_scope="module")
@SETTINGS
@given(over=st.dictionaries(_claim_names, _json, max_size=6),
       drop=st.sets(_claim_names, max_size=3))
async def test_validly_signed_hostile_claims(
    warm: tuple[JwksServer, TokenVerifier], over: dict[str, Any], drop: set[str]
) -> None:
    server, verifier = warm
    claims = {**access_claims(server.issuer, now=time.time()), **over}
    for name in drop:
        claims.pop(name, None)
    result = await outcome(verifier, rsa_key(0).sign(claims))
    if isinstance(result, TokenClaims):
        assert result.issuer == server.issuer and result.client_id == CLIENT_ID
        assert result.token_use in ("access", "id")


@pytest.mark.asyncio(loop_scope="module")
@SETTINGS
@given(payload=st.binary(max_size=300))
async def test_validly_signed_arbitrary_payload_bytes(
    warm: tuple[JwksServer, TokenVerifier], payload: bytes
) -> None:
    _, verifier = warm
    assert isinstance(await outcome(verifier, rsa_key(0).sign_bytes(payload)), InvalidTokenError)


def test_b64url_helper_round_trips() -> None:
    assert base64.urlsafe_b64decode(b64url(b"\xfb\xff") + "==") == b"\xfb\xff"

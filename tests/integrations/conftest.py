"""Fixtures: a JWKS server of our own and a verifier on it with short JWKS timeouts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from jwks_support import CLIENT_ID, JwksServer, rsa_key

from authflow.verify import JwksCache, JwksTimeouts, TokenVerifier


@pytest.fixture
async def server() -> AsyncIterator[JwksServer]:
    async with JwksServer(rsa_key(0)) as jwks:
        yield jwks


@pytest.fixture
async def verifier(server: JwksServer) -> AsyncIterator[TokenVerifier]:
    async with (
        JwksCache(timeouts=JwksTimeouts(connect=0.5, total=0.5)) as cache,
        TokenVerifier(server.pool_id, client_ids=[CLIENT_ID], token_use="access",
                      endpoint=server.endpoint, jwks_cache=cache) as v,
    ):
        yield v

"""Fixtures: a JWKS server of our own with one key, and verifiers pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from jwks_support import CLIENT_ID, JwksServer, rsa_key

from authflow.verify import TokenVerifier


@pytest.fixture
async def server() -> AsyncIterator[JwksServer]:
    async with JwksServer(rsa_key(0)) as jwks:
        yield jwks


@pytest.fixture
async def make_verifier(server: JwksServer) -> AsyncIterator[Callable[..., TokenVerifier]]:
    made: list[TokenVerifier] = []

    def make(**options: Any) -> TokenVerifier:
        options.setdefault("client_ids", [CLIENT_ID])
        options.setdefault("token_use", "access")
        verifier = TokenVerifier(server.pool_id, endpoint=server.endpoint, **options)
        made.append(verifier)
        return verifier

    yield make
    for verifier in made:
        await verifier.close()

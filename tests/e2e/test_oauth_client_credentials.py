"""Client-credentials tokens against the emulator: cached until shortly before expiry, fetched
once for 1,000 concurrent callers in one process and once for 4 real OS processes sharing a
FileStore (or a Redis), encrypted at rest with an EncryptedStore, typed errors for a wrong
secret or scope, and the aiohttp middleware that refetches once on a 401."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from redis_servers import REQUIRE_ENV, RedisServer, missing_reason
from token_requests import storm_in_processes

from authflow.emulator import Emulator, ManualClock
from authflow.integrations.aiohttp_client import ClientCredentialsAuth
from authflow.protocol.errors import InvalidClientError, InvalidScopeError, ValidationError
from authflow.protocol.jwt import jwt_claims
from authflow.storage import FileStore, MemoryStore
from authflow.storage.encrypted import EncryptedStore

from .managed_login import count_token_requests, m2m_app, oauth_client, web_app

READ = ["orders/read"]


async def test_token_is_fetched_once_and_cached(emu: Emulator, clock: ManualClock) -> None:
    app = m2m_app(emu)
    counts = count_token_requests(emu)
    async with oauth_client(emu, app, clock) as auth:
        m2m = auth.client_credentials(READ)
        assert auth.client_credentials(["orders/read", "orders/read"]) is m2m
        token = await m2m.access_token()
        claims = jwt_claims(token)
        assert claims["client_id"] == claims["sub"] == app.client_id
        assert claims["scope"] == "orders/read" and claims["token_use"] == "access"
        assert await m2m.access_token() == token
        assert counts["client_credentials"] == 1 and m2m.requests == 1
        assert m2m.key.startswith(f"authflow:{app.pool_id}:{app.client_id}:m2m:")
        stored = await auth.store.get(m2m.key)
        assert stored is not None and stored["access_token"] == token
        # a second client (another service instance) sharing the store makes no request
        async with oauth_client(emu, app, clock, store=auth.store) as other:
            assert await other.client_credentials(READ).access_token() == token
        assert counts["client_credentials"] == 1


async def test_refetched_shortly_before_expiry(emu: Emulator, clock: ManualClock) -> None:
    app = m2m_app(emu)
    counts = count_token_requests(emu)
    async with oauth_client(emu, app, clock) as auth:
        m2m = auth.client_credentials(READ)
        first = await m2m.access_token()
        clock.advance(3600 - 61)  # 61 s left: more than the 60 s leeway
        assert await m2m.access_token() == first and counts["client_credentials"] == 1
        clock.advance(2)  # 59 s left
        second = await m2m.access_token()
        assert second != first and counts["client_credentials"] == 2


async def test_scope_sets_are_separate_and_sorted(emu: Emulator, clock: ManualClock) -> None:
    app = m2m_app(emu)
    counts = count_token_requests(emu)
    async with oauth_client(emu, app, clock) as auth:
        both = auth.client_credentials(["orders/write", "orders/read"])
        assert auth.client_credentials(["orders/read", "orders/write"]) is both
        read = auth.client_credentials(READ)
        every = auth.client_credentials()
        assert len({both.key, read.key, every.key}) == 3
        tokens = [await source.access_token() for source in (both, read, every)]
        assert [jwt_claims(t)["scope"] for t in tokens] == [
            "orders/read orders/write", "orders/read", "orders/read orders/write",
        ]
        assert counts["client_credentials"] == 3


async def test_a_thousand_callers_make_one_request(emu: Emulator, clock: ManualClock) -> None:
    app = m2m_app(emu)
    counts = count_token_requests(emu)
    async with oauth_client(emu, app, clock) as auth:
        m2m = auth.client_credentials(READ)
        tokens = await asyncio.gather(*(m2m.access_token() for _ in range(1000)))
        assert len(set(tokens)) == 1 and counts["client_credentials"] == 1
        clock.advance(3600)
        tokens = await asyncio.gather(
            *(auth.client_credentials(READ).access_token() for _ in range(1000))
        )
        assert len(set(tokens)) == 1 and counts["client_credentials"] == 2


async def test_encrypted_at_rest_with_an_encrypted_store(
    emu: Emulator, clock: ManualClock
) -> None:
    app = m2m_app(emu)
    inner = MemoryStore()
    store = EncryptedStore(inner, [EncryptedStore.generate_key()])
    async with oauth_client(emu, app, clock, store=store) as auth:
        m2m = auth.client_credentials(READ)
        token = await m2m.access_token()
        raw = await inner.get(m2m.key)
        assert raw is not None and token not in json.dumps(raw)
        assert (await store.get(m2m.key) or {})["access_token"] == token


async def test_wrong_secret_unknown_scope_and_local_refusals(
    emu: Emulator, clock: ManualClock
) -> None:
    app = m2m_app(emu)
    counts = count_token_requests(emu)
    async with oauth_client(emu, app, clock, client_secret="wrong-secret-123") as auth:
        m2m = auth.client_credentials(READ)
        for _ in range(2):
            with pytest.raises(InvalidClientError) as caught:
                await m2m.access_token()
            assert "wrong-secret-123" not in str(caught.value) + repr(caught.value)
        assert counts["client_credentials"] == 2 and await auth.store.get(m2m.key) is None
    async with oauth_client(emu, app, clock) as auth:
        for scopes in (["orders/delete"], ["openid"], ["billing/read"]):
            with pytest.raises(InvalidScopeError):
                await auth.client_credentials(scopes).access_token()
        for bad in ("orders/read", ["has space"], [""], ['quo"te'], [1], [f"s{i}" for i in range(51)]):
            with pytest.raises(ValidationError):
                auth.client_credentials(bad)  # type: ignore[arg-type]
    async with oauth_client(emu, app, clock, client_secret=None) as auth:
        with pytest.raises(ValidationError) as local:
            auth.client_credentials(READ)
        assert local.value.field == "client_secret"
    async with oauth_client(emu, app, clock, domain=None) as auth:
        with pytest.raises(ValidationError) as no_domain:
            auth.client_credentials(READ)
        assert no_domain.value.field == "domain"


class Api:
    """An API that refuses the tokens in ``refused`` with 401 and records what it saw."""

    def __init__(self) -> None:
        self.refused: set[str] = set()
        self.refused_all = False
        self.seen: list[str] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.seen.append(token)
        if token in self.refused or self.refused_all:
            return web.json_response({"message": "expired"}, status=401)
        return web.json_response({"ok": True})


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    server = Api()
    app = web.Application()
    app.router.add_get("/orders", server.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield server
    await runner.cleanup()


async def test_middleware_refetches_once_on_401(
    emu: Emulator, clock: ManualClock, api: Api
) -> None:
    app = m2m_app(emu)
    counts = count_token_requests(emu)
    async with oauth_client(emu, app, clock) as auth:
        m2m = auth.client_credentials(READ)
        middleware = ClientCredentialsAuth(m2m)
        async with aiohttp.ClientSession(middlewares=(middleware,)) as http:
            async with http.get(api.url + "/orders") as response:
                assert response.status == 200
            first = api.seen[-1]
            assert first == await m2m.access_token()
            api.refused.add(first)  # the API no longer takes it (e.g. rotated keys)

            async def call() -> int:
                async with http.get(api.url + "/orders") as response:
                    return response.status

            statuses = await asyncio.gather(*(call() for _ in range(50)))
            assert statuses == [200] * 50 and middleware.retries == 50
            assert counts["client_credentials"] == 2  # one refetch for fifty 401s
            assert len(set(api.seen[-50:]) - {first}) == 1
            api.refused.add(api.seen[-1])
            api.refused_all = True  # from now on nothing will do: the 401 is the answer
            async with http.get(api.url + "/orders") as response:
                assert response.status == 401
            assert counts["client_credentials"] == 3 and middleware.retries == 51
        with pytest.raises(ValidationError):
            ClientCredentialsAuth(auth)  # type: ignore[arg-type]


def test_machine_tokens_need_a_secret_client(emu: Emulator, clock: ManualClock) -> None:
    # a code-flow client without a secret cannot even build a source
    app = web_app(emu)
    with pytest.raises(ValidationError):
        oauth_client(emu, app, clock).client_credentials(READ)


# -- several OS processes sharing a store ----------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["file", "redis"])
async def test_four_processes_make_one_request(
    emu: Emulator, clock: ManualClock, tmp_path: Path, kind: str
) -> None:
    redis: RedisServer | None = None
    if kind == "redis":
        reason = missing_reason()
        if reason is not None:
            if os.environ.get(REQUIRE_ENV):
                pytest.fail(reason)
            pytest.skip(reason)
        redis = RedisServer(tmp_path / "redis")
        redis.start()
    try:
        app = m2m_app(emu)
        counts = count_token_requests(emu)
        directory = tmp_path / "store"
        FileStore(directory)  # created private (0700) once, before the children race for it
        spec = {
            "config": {
                "user_pool_id": app.pool_id, "client_id": app.client_id,
                "client_secret": app.secret, "endpoint": emu.endpoint, "domain": app.base,
            },
            "store": kind,
            "directory": str(directory),
            "url": redis.url if redis else "",
            "scopes": READ,
            "callers": 250,
        }
        reports = await storm_in_processes(spec)
        tokens = {token for report in reports for token in report["tokens"]}
        assert len(tokens) == 1, reports
        assert counts["client_credentials"] == 1
        assert sum(report["requests"] for report in reports) == 1
    finally:
        if redis is not None:
            redis.stop()

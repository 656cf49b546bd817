"""BearerAuth: an aiohttp client session calling APIs with a user's token from the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from cognito_support import SignedIn, signed_in

from authflow.integrations.aiohttp_client import BearerAuth
from authflow.protocol.errors import ValidationError
from authflow.sessions.manager import SessionNotFoundError


class Api:
    """A resource server that records what it saw and refuses the tokens in :attr:`refuse`."""

    def __init__(self) -> None:
        self.seen: list[tuple[str | None, bytes]] = []
        self.refuse: set[str] = set()
        self.refuse_all = False
        self.redirect_to: str | None = None
        app = web.Application()
        app.router.add_route("*", "/api", self.handle)
        self.server = TestServer(app)

    async def handle(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization")
        self.seen.append((header, await request.read()))
        if self.redirect_to:
            raise web.HTTPFound(self.redirect_to)
        token = header.removeprefix("Bearer ") if header else None
        if self.refuse_all or token is None or token in self.refuse:
            return web.Response(status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return web.json_response({"ok": True})

    @property
    def url(self) -> str:
        return str(self.server.make_url("/api"))

    def tokens(self) -> list[str | None]:
        return [h.removeprefix("Bearer ") if h else None for h, _ in self.seen]


@pytest.fixture
async def s() -> AsyncIterator[SignedIn]:
    async with signed_in() as session:
        yield session


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    server = Api()
    async with server.server:
        yield server


def http(s: SignedIn, **options: Any) -> tuple[aiohttp.ClientSession, BearerAuth]:
    middleware = BearerAuth(s.auth, s.flow.session_key, **options)
    return aiohttp.ClientSession(middlewares=(middleware,)), middleware


async def test_requests_carry_the_users_access_token(s: SignedIn, api: Api) -> None:
    session, middleware = http(s)
    async with session, session.get(api.url) as response:
        assert response.status == 200
    assert api.tokens() == [s.access_token]
    assert middleware.retries == 0


async def test_a_401_forces_one_refresh_and_one_retry(s: SignedIn, api: Api) -> None:
    api.refuse = {s.access_token}
    session, middleware = http(s)
    async with session, session.post(api.url, json={"order": 1}) as response:
        assert response.status == 200
    first, second = api.tokens()
    assert first == s.access_token and second not in (None, s.access_token)
    assert [body for _, body in api.seen] == [b'{"order": 1}'] * 2  # the body was replayed
    assert s.auth.sessions.refresh_count == 1 and middleware.retries == 1


async def test_a_persistent_401_is_retried_once_never_looped(s: SignedIn, api: Api) -> None:
    api.refuse_all = True
    session, middleware = http(s)
    async with session, session.get(api.url) as response:
        assert response.status == 401
    assert len(api.seen) == 2 and middleware.retries == 1


async def test_concurrent_401s_cost_one_refresh(s: SignedIn, api: Api) -> None:
    api.refuse = {s.access_token}
    session, _ = http(s)
    async with session:
        async def one() -> int:
            async with session.get(api.url) as response:
                return response.status

        statuses = await asyncio.gather(*(one() for _ in range(20)))
    assert statuses == [200] * 20
    assert s.auth.sessions.refresh_count == 1


async def test_a_consumed_stream_body_is_not_sent_again(s: SignedIn, api: Api) -> None:
    api.refuse_all = True

    async def stream() -> AsyncIterator[bytes]:
        yield b"chunk-1"
        yield b"chunk-2"

    session, middleware = http(s)
    async with session, session.post(api.url, data=stream()) as response:
        assert response.status == 401
    assert len(api.seen) == 1 and middleware.retries == 0
    assert s.auth.sessions.refresh_count == 0


async def test_the_token_does_not_follow_a_redirect_to_another_origin(s: SignedIn, api: Api) -> None:
    other = Api()
    async with other.server:
        api.redirect_to = other.url
        session, _ = http(s)
        async with session, session.get(api.url) as response:
            assert response.status == 401  # the other server got no token, and no retry
            assert str(response.url) == other.url
        assert api.tokens() == [s.access_token]
        assert other.tokens() == [None]


async def test_only_listed_origins_get_the_token(s: SignedIn, api: Api) -> None:
    other = Api()
    async with other.server:
        other.refuse_all = False
        session, _ = http(s, origins=[str(api.server.make_url("/"))])
        async with session:
            async with session.get(other.url) as response:
                assert response.status == 401  # no token was sent
            async with session.get(api.url) as response:
                assert response.status == 200
        assert other.tokens() == [None] and api.tokens() == [s.access_token]


async def test_a_401_with_a_refresh_that_fails_returns_the_401(s: SignedIn, api: Api) -> None:
    api.refuse_all = True
    await s.auth.transport.send("GlobalSignOut", {"AccessToken": s.access_token})
    session, middleware = http(s)
    async with session:
        async with session.get(api.url) as response:
            assert response.status == 401
        assert len(api.seen) == 1 and middleware.retries == 0
        assert await s.auth.sessions.load(s.flow.session_key) is None  # signed out
        # Without a session there is no token to send: the typed error comes through.
        with pytest.raises(SessionNotFoundError):
            await session.get(api.url)
    assert len(api.seen) == 1


def test_bad_options(s: SignedIn) -> None:
    with pytest.raises(ValidationError):
        BearerAuth("auth", "key")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        BearerAuth(s.auth, "")
    with pytest.raises(ValidationError):
        BearerAuth(s.auth, "key", origins="https://api.example.com")
    with pytest.raises(ValidationError):
        BearerAuth(s.auth, "key", origins=["ftp://x"])
    text = repr(BearerAuth(s.auth, s.flow.session_key, origins=["https://api.example.com/x"]))
    assert text == "BearerAuth(origins=['https://api.example.com'])"

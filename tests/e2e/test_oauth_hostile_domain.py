"""A token endpoint that misbehaves (an HTML page, a 500, a huge body, a broken status line, an
echo of the request, no answer at all): every case is a typed error that names no secret, the
flow stays where a retry can help, and the client-credentials source caches nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from reliability.hostile import HostileServer, RawRequest, http_response

from authflow import AuthClient, CognitoConfig
from authflow.flows import AuthorizationCodeFlow
from authflow.protocol.errors import (
    AuthflowError,
    InvalidGrantError,
    OAuthError,
    ProtocolViolationError,
    TransportError,
)

from .managed_login import CALLBACK

CODE = "code-SECRET-0f3a9c"
CLIENT_SECRET = "client-secret-SECRET-7e21"


@pytest.fixture
async def hostile() -> AsyncIterator[HostileServer]:
    server = HostileServer()
    await server.start()
    yield server
    await server.close()


def _client(hostile: HostileServer, *, secret: str | None = None) -> AuthClient:
    config = CognitoConfig(
        user_pool_id="us-east-1_Hostile1",
        client_id="hostileclient",
        client_secret=secret,
        domain=hostile.url + "/domain",
    )
    return AuthClient(config)


async def _callback(flow: AuthorizationCodeFlow) -> str:
    """Start the flow; a callback with its state (its secrets are kept for :func:`_clean`)."""
    await flow.step()
    request = flow.snapshot()["request"]
    _SENT[id(flow)] = [CODE, request["code_verifier"]]
    return f"{CALLBACK}?code={CODE}&state={request['state']}"


def _echo(request: RawRequest) -> bytes:
    """The request as the peer saw it: headers (with the Basic credentials) and form."""
    return request.head + b"\n" + request.body


_SENT: dict[int, list[str]] = {}


def _secrets(flow: AuthorizationCodeFlow) -> list[str]:
    return _SENT[id(flow)]


def _clean(error: BaseException, secrets: list[str]) -> None:
    text = str(error) + repr(error)
    for secret in secrets:
        assert secret not in text


async def test_the_form_goes_to_the_domains_token_endpoint(hostile: HostileServer) -> None:
    hostile.answer = lambda request: http_response(
        b"HTTP/1.1 400 Bad Request",
        [(b"Content-Type", b"application/json;charset=UTF-8")],
        json.dumps({"error": "invalid_grant", "error_description": _echo(request).decode()})
        .encode(),
    )
    async with _client(hostile) as auth:
        flow = auth.authorize(CALLBACK)
        callback = await _callback(flow)
        with pytest.raises(InvalidGrantError) as caught:
            await flow.step(callback)
        request = hostile.requests[0]
        assert request.head.startswith(b"POST /domain/oauth2/token HTTP/1.1\r\n")
        assert b"content-type: application/x-www-form-urlencoded" in request.head.lower()
        assert b"authorization:" not in request.head.lower()  # a public client: client_id
        form = dict(pair.split("=", 1) for pair in request.body.decode().split("&"))
        assert set(form) == {"grant_type", "code", "redirect_uri", "code_verifier", "client_id"}
        assert form["grant_type"] == "authorization_code" and form["client_id"] == "hostileclient"
        _clean(caught.value, _secrets(flow))  # the echoed form is redacted
        assert flow.state == "Unauthenticated"


@pytest.mark.parametrize(
    ("status", "content_type", "retryable"),
    [
        (b"200 OK", b"text/html", False),
        (b"500 Internal Server Error", b"text/html", True),
        (b"502 Bad Gateway", b"text/plain", True),
        (b"400 Bad Request", b"text/html", False),
    ],
)
async def test_html_and_bare_errors_are_typed(
    hostile: HostileServer, status: bytes, content_type: bytes, retryable: bool
) -> None:
    hostile.answer = lambda request: http_response(
        b"HTTP/1.1 " + status,
        [(b"Content-Type", content_type)],
        b"<html><body><h1>Oops</h1><pre>" + _echo(request) + b"</pre></body></html>",
    )
    async with _client(hostile) as auth:
        flow = auth.authorize(CALLBACK)
        callback = await _callback(flow)
        with pytest.raises(AuthflowError) as caught:
            await flow.step(callback)
        error = caught.value
        _clean(error, _secrets(flow))
        if status.startswith(b"200"):
            assert isinstance(error, ProtocolViolationError) and "not JSON" in str(error)
        else:
            assert isinstance(error, OAuthError) and error.code == f"HTTP{status[:3].decode()}"
        assert error.retryable is retryable
        assert flow.state == ("ChallengePending" if retryable else "Unauthenticated")
        assert len(hostile.requests) == 1  # never resent: the code may have been spent


async def test_a_503_is_resent_because_it_was_not_processed(hostile: HostileServer) -> None:
    hostile.answer = lambda request: http_response(b"HTTP/1.1 503 Service Unavailable", [])
    async with _client(hostile) as auth:
        flow = auth.authorize(CALLBACK)
        callback = await _callback(flow)
        with pytest.raises(OAuthError) as caught:
            await flow.step(callback)
        assert caught.value.code == "HTTP503" and caught.value.retryable
        assert len(hostile.requests) == 3 and flow.state == "ChallengePending"


async def test_a_huge_answer_is_refused_unread(hostile: HostileServer) -> None:
    def answer(request: RawRequest) -> bytes:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        return head + b"Content-Length: 268435456\r\n\r\n" + b"{" + b" " * 65535

    hostile.answer = answer
    async with _client(hostile) as auth:
        flow = auth.authorize(CALLBACK)
        with pytest.raises(ProtocolViolationError, match="limit"):
            await flow.step(await _callback(flow))
        assert flow.state == "Unauthenticated"


async def test_a_broken_status_line_echoing_secrets(hostile: HostileServer) -> None:
    hostile.answer = lambda request: b"HTTP/1.1 OOPS " + request.body + b"\r\n\r\n"
    async with _client(hostile) as auth:
        flow = auth.authorize(CALLBACK)
        with pytest.raises(ProtocolViolationError) as caught:
            await flow.step(await _callback(flow))
        _clean(caught.value, _secrets(flow))


async def test_no_answer_at_all_keeps_the_callback(hostile: HostileServer) -> None:
    hostile.answer = lambda request: None  # closes the connection after reading the request
    async with _client(hostile) as auth:
        flow = auth.authorize(CALLBACK)
        with pytest.raises(TransportError) as caught:
            await flow.step(await _callback(flow))
        assert caught.value.sent is True and flow.state == "ChallengePending"
        assert len(hostile.requests) == 1


async def test_a_token_answer_that_is_not_one(hostile: HostileServer) -> None:
    bodies = [
        {"access_token": "a.b.c", "token_type": "mac", "expires_in": 3600},
        {"access_token": "a.b.c", "token_type": "Bearer", "expires_in": 1e100},
        {"access_token": "a.b.c", "token_type": "Bearer", "expires_in": True},
        {"access_token": "tok en", "token_type": "Bearer", "expires_in": 3600},
        {"access_token": ["a"], "token_type": "Bearer", "expires_in": 3600},
        {"token_type": "Bearer", "expires_in": 3600},
        [1, 2, 3],
    ]
    for body in bodies:
        hostile.answer = lambda request, body=body: http_response(  # type: ignore[misc]
            b"HTTP/1.1 200 OK", [(b"Content-Type", b"application/json")], json.dumps(body).encode()
        )
        async with _client(hostile, secret=CLIENT_SECRET) as auth:
            m2m = auth.client_credentials(["orders/read"])
            with pytest.raises(ProtocolViolationError):
                await m2m.access_token()
            assert await auth.store.get(m2m.key) is None  # nothing cached


async def test_client_credentials_never_leak_the_secret(hostile: HostileServer) -> None:
    hostile.answer = lambda request: http_response(
        b"HTTP/1.1 400 Bad Request",
        [(b"Content-Type", b"application/json")],
        json.dumps({"error": "invalid_client", "error_description": _echo(request).decode()})
        .encode(),
    )
    async with _client(hostile, secret=CLIENT_SECRET) as auth:
        m2m = auth.client_credentials(["orders/read"])
        for _ in range(2):
            with pytest.raises(OAuthError) as caught:
                await m2m.access_token()
            assert caught.value.code == "invalid_client"
            _clean(caught.value, [CLIENT_SECRET])
        assert len(hostile.requests) == 2 and m2m.requests == 2  # failures are not cached
        head = hostile.requests[0].head.lower()
        assert b"authorization: basic " in head and CLIENT_SECRET.encode() not in head
        assert b"client_secret" not in hostile.requests[0].body

"""AiohttpTransport against a real aiohttp.web server on 127.0.0.1.

Each test installs a tiny handler on the server; the server records every request it received,
so "how many requests reached the server" is a fact, not an inference.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authflow.protocol import errors as E
from authflow.transport import AiohttpTransport, RetryPolicy

Handler = Callable[[web.Request, bytes], Awaitable[web.StreamResponse]]


class Recorded:
    def __init__(self, request: web.Request, body: bytes) -> None:
        self.method = request.method
        self.path = request.path
        self.headers = request.headers
        self.body = body
        self.operation = request.headers.get("X-Amz-Target", "").rpartition(".")[2]


class Server:
    """The test server: ``handler`` answers, ``requests`` records, ``release`` frees hangs."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.handler: Handler = ok({})
        self.release = asyncio.Event()
        self.url = ""

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(Recorded(request, body))
        return await self.handler(request, body)


def ok(data: object, status: int = 200) -> Handler:
    async def handler(request: web.Request, body: bytes) -> web.StreamResponse:
        return web.json_response(data, status=status)

    return handler


def raw(
    body: bytes, status: int, headers: dict[str, str] | None = None, content_type: str | None = None
) -> Handler:
    async def handler(request: web.Request, _: bytes) -> web.StreamResponse:
        response = web.Response(body=body, status=status, headers=headers)
        if content_type:
            response.content_type = content_type
        return response

    return handler


def error(code: str, message: str = "nope", status: int = 400) -> Handler:
    return ok({"__type": code, "message": message}, status=status)


def sequence(*handlers: Handler) -> Handler:
    """Answer with each handler in turn, then keep using the last."""
    remaining = list(handlers)

    async def handler(request: web.Request, body: bytes) -> web.StreamResponse:
        current = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        return await current(request, body)

    return handler


def hang(server: Server) -> Handler:
    async def handler(request: web.Request, _: bytes) -> web.StreamResponse:
        await server.release.wait()
        return web.json_response({})

    return handler


async def drop(request: web.Request, _: bytes) -> web.StreamResponse:
    """Read the request, then drop the connection without answering."""
    assert request.transport is not None
    request.transport.abort()
    raise asyncio.CancelledError  # aiohttp treats this as "the peer went away"


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    srv = Server()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", srv.dispatch)
    runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sockets = site._server.sockets  # type: ignore[union-attr]
    host, port = sockets[0].getsockname()[:2]
    assert host == "127.0.0.1"
    srv.url = f"http://127.0.0.1:{port}/"
    yield srv
    srv.release.set()
    await runner.cleanup()


class Sleeps:
    """A no-op sleep that records the delays it was asked for."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def policy(sleeps: Sleeps, **kwargs: Any) -> RetryPolicy:
    kwargs.setdefault("max_attempts", 3)
    return RetryPolicy(sleep=sleeps, rng=lambda: 0.5, **kwargs)


@pytest.fixture
async def transport(server: Server, sleeps: Sleeps) -> AsyncIterator[AiohttpTransport]:
    async with AiohttpTransport(server.url, retry=policy(sleeps), total_timeout=5.0) as t:
        yield t


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# --- what goes on the wire ----------------------------------------------------------------------


async def test_request_headers_and_body_are_exact(server: Server) -> None:
    async with AiohttpTransport(server.url, extra_headers={"X-Trace": "t1"}) as transport:
        await transport.send("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": "c"})
    [req] = server.requests
    assert (req.method, req.path) == ("POST", "/")
    assert req.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert req.headers["X-Amz-Target"] == "AWSCognitoIdentityProviderService.InitiateAuth"
    assert req.headers["User-Agent"].startswith("authflow/")
    assert req.headers["X-Trace"] == "t1"
    assert "Authorization" not in req.headers and "X-Amz-Date" not in req.headers
    assert req.body == b'{"AuthFlow":"USER_SRP_AUTH","ClientId":"c"}'


async def test_empty_payload_sends_empty_object_and_custom_user_agent(server: Server) -> None:
    extra = {"content-type": "text/plain", "X-Amz-Target": "Evil.Op"}
    async with AiohttpTransport(server.url, user_agent="me/1", extra_headers=extra) as transport:
        await transport.send("GetUser", {})
    [req] = server.requests
    assert req.body == b"{}"
    assert req.headers["User-Agent"] == "me/1"
    assert req.headers.getall("Content-Type") == ["application/x-amz-json-1.1"]
    assert req.headers.getall("X-Amz-Target") == ["AWSCognitoIdentityProviderService.GetUser"]


async def test_non_ascii_payload_is_utf8_json(server: Server, transport: AiohttpTransport) -> None:
    await transport.send("SignUp", {"Username": "pässwörd-✓"})
    assert json.loads(server.requests[0].body.decode("utf-8")) == {"Username": "pässwörd-✓"}


async def test_endpoint_prefix_path_is_kept(server: Server) -> None:
    async with AiohttpTransport(server.url + "cognito") as transport:
        await transport.send("GetUser", {})
    assert server.requests[0].path == "/cognito"


# --- success ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        (
            ok({"Username": "alice", "UserAttributes": []}),
            {"Username": "alice", "UserAttributes": []},
        ),
        (raw(b"", 200), {}),
        (raw(b"  \r\n", 200), {}),
        (raw(b"{}", 200, content_type="text/html"), {}),  # content type is not consulted
        (raw(b'{"a":1}', 201), {"a": 1}),
    ],
)
async def test_success_bodies(
    server: Server, transport: AiohttpTransport, handler: Handler, expected: dict[str, Any]
) -> None:
    server.handler = handler
    assert await transport.send("GetUser", {}) == expected


@pytest.mark.parametrize("body", [b"<html>ok</html>", b"[1, 2]", b'"x"', b"null", b"\xff\xfe{"])
async def test_success_status_with_non_object_body_is_a_protocol_violation(
    server: Server, transport: AiohttpTransport, body: bytes
) -> None:
    server.handler = raw(body, 200)
    with pytest.raises(E.ProtocolViolationError):
        await transport.send("GetUser", {})
    assert len(server.requests) == 1  # not retried


# --- error shapes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "cls", "code", "message", "status"),
    [
        (
            raw(
                b'{"message":"Incorrect username or password."}',
                400,
                {"x-amzn-ErrorType": "NotAuthorizedException:", "x-amzn-RequestId": "rid-1"},
            ),
            E.NotAuthorizedError,
            "NotAuthorizedException",
            "Incorrect username or password.",
            400,
        ),
        (
            ok({"__type": "com.amazonaws.cognito#UserNotFoundException", "message": "m"}, 400),
            E.UserNotFoundError,
            "UserNotFoundException",
            "m",
            400,
        ),
        (
            ok({"code": "CodeMismatchException", "message": "bad code"}, 400),
            E.CodeMismatchError,
            "CodeMismatchException",
            "bad code",
            400,
        ),
        (
            ok({"__type": "ExpiredCodeException", "Message": "capital M"}, 400),
            E.ExpiredCodeError,
            "ExpiredCodeException",
            "capital M",
            400,
        ),
        (
            raw(
                b"",
                400,
                {"x-amzn-ErrorType": "UserNotConfirmedException:", "x-amzn-ErrorMessage": "hdr"},
            ),
            E.UserNotConfirmedError,
            "UserNotConfirmedException",
            "hdr",
            400,
        ),
        (  # a 403 / text/plain does not change what the code says
            raw(
                b'{"__type":"NotAuthorizedException","message":"x"}', 403, content_type="text/plain"
            ),
            E.NotAuthorizedError,
            "NotAuthorizedException",
            "x",
            403,
        ),
        (
            error("InternalErrorException", "boom", 500),
            E.InternalErrorError,
            "InternalErrorException",
            "boom",
            500,
        ),
        (  # cognito-local's unsupported-operation answer
            error("CognitoLocal#Unsupported", "No handler for X", 500),
            E.ServiceError,
            "Unsupported",
            "No handler for X",
            500,
        ),
        (  # an HTML error page with the code in the header (header wins, body ignored)
            raw(b"<html>oops</html>", 400, {"x-amzn-ErrorType": "InvalidParameterException"}),
            E.InvalidParameterError,
            "InvalidParameterException",
            "",
            400,
        ),
    ],
)
async def test_error_shapes(
    server: Server,
    transport: AiohttpTransport,
    handler: Handler,
    cls: type[E.ServiceError],
    code: str,
    message: str,
    status: int,
) -> None:
    server.handler = handler
    with pytest.raises(E.ServiceError) as info:
        await transport.send("ForgotPassword", {})
    err = info.value
    assert type(err) is cls
    assert (err.code, err.message, err.status, err.operation) == (
        code,
        message,
        status,
        "ForgotPassword",
    )


async def test_request_id_and_reason_code(server: Server, transport: AiohttpTransport) -> None:
    body = {"__type": "InvalidParameterException", "message": "m", "reasonCode": "INVALID_X"}
    server.handler = raw(json.dumps(body).encode(), 400, {"x-amzn-RequestId": "abc-123"})
    with pytest.raises(E.InvalidParameterError) as info:
        await transport.send("SignUp", {})
    assert info.value.request_id == "abc-123"
    assert info.value.reason_code == "INVALID_X"


async def test_html_500_is_a_typed_codeless_error(server: Server, sleeps: Sleeps) -> None:
    page = b"<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error</h1>"
    server.handler = raw(page, 500, content_type="text/html")
    async with AiohttpTransport(server.url, retry=policy(sleeps, max_attempts=1)) as transport:
        with pytest.raises(E.ServiceError) as info:
            await transport.send("SignUp", {})
    err = info.value
    assert type(err) is E.ServiceError
    assert (err.code, err.status, err.retryable) == ("HTTP500", 500, True)
    assert "500 Internal Server Error" in err.message and "text/html" in err.message
    assert "<h1>" not in str(err)


@pytest.mark.parametrize(("status", "retryable"), [(404, False), (302, False), (429, True)])
async def test_codeless_non_5xx(
    server: Server, sleeps: Sleeps, status: int, retryable: bool
) -> None:
    server.handler = raw(
        b"", status, {"Location": "http://127.0.0.1:1/"} if status == 302 else None
    )
    async with AiohttpTransport(server.url, retry=policy(sleeps, max_attempts=1)) as transport:
        with pytest.raises(E.ServiceError) as info:
            await transport.send("GetUser", {})
    assert (info.value.code, info.value.retryable) == (f"HTTP{status}", retryable)
    assert len(server.requests) == 1  # redirects are not followed


# --- retries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        error("TooManyRequestsException", "Rate exceeded"),
        error("ThrottlingException"),
        error("InternalErrorException", status=500),
        raw(b"", 503),
        raw(b"", 429),
    ],
)
async def test_not_processed_answers_are_retried_even_for_non_idempotent_ops(
    server: Server, transport: AiohttpTransport, sleeps: Sleeps, failure: Handler
) -> None:
    server.handler = sequence(failure, failure, ok({"ChallengeParameters": {}}))
    result = await transport.send("RespondToAuthChallenge", {"ChallengeName": "SMS_MFA"})
    assert result == {"ChallengeParameters": {}}
    assert len(server.requests) == 3
    assert sleeps.delays == [0.05, 0.1]  # full jitter with rng() == 0.5, base 0.1


async def test_attempts_are_capped(server: Server, sleeps: Sleeps) -> None:
    server.handler = error("TooManyRequestsException")
    async with AiohttpTransport(server.url, retry=policy(sleeps, max_attempts=4)) as transport:
        with pytest.raises(E.TooManyRequestsError):
            await transport.send("InitiateAuth", {})
    assert len(server.requests) == 4
    assert len(sleeps.delays) == 3


@pytest.mark.parametrize(
    "code", ["LimitExceededException", "NotAuthorizedException", "CodeMismatchException"]
)
async def test_definitive_errors_are_not_retried(
    server: Server, transport: AiohttpTransport, sleeps: Sleeps, code: str
) -> None:
    server.handler = error(code, "Attempt limit exceeded, please try after some time.")
    with pytest.raises(E.SERVICE_ERRORS[code]):
        await transport.send("GetUser", {})
    assert len(server.requests) == 1
    assert sleeps.delays == []


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_codeless_5xx_retried_only_when_idempotent(
    server: Server, transport: AiohttpTransport, status: int
) -> None:
    server.handler = raw(b"<html>Bad Gateway</html>", status)
    with pytest.raises(E.ServiceError):
        await transport.send("RespondToAuthChallenge", {})
    assert len(server.requests) == 1  # the upstream may have applied it
    server.requests.clear()
    server.handler = sequence(raw(b"<html>Bad Gateway</html>", status), ok({"Username": "a"}))
    assert await transport.send("GetUser", {}) == {"Username": "a"}
    assert len(server.requests) == 2


async def test_connection_reset_retried_when_idempotent(
    server: Server, transport: AiohttpTransport, sleeps: Sleeps
) -> None:
    server.handler = sequence(drop, drop, ok({"Username": "a"}))
    assert await transport.send("GetUser", {}) == {"Username": "a"}
    assert len(server.requests) == 3
    assert len(sleeps.delays) == 2


async def test_total_time_bounds_the_retries(server: Server) -> None:
    now = [0.0]
    delays: list[float] = []

    async def sleep(delay: float) -> None:
        delays.append(delay)
        now[0] += delay

    retry = RetryPolicy(
        max_attempts=10,
        base_delay=0.4,
        max_total_time=1.0,
        jitter="none",
        sleep=sleep,
        clock=lambda: now[0],
    )
    server.handler = error("InternalErrorException", status=500)
    async with AiohttpTransport(server.url, retry=retry) as transport:
        with pytest.raises(E.InternalErrorError):
            await transport.send("GetUser", {})
    # 0.4 fits in the 1 s budget, 0.4 + 0.8 does not: two attempts, one wait.
    assert delays == [0.4]
    assert len(server.requests) == 2


async def test_total_time_budget_clips_the_attempt_timeout(server: Server, sleeps: Sleeps) -> None:
    server.handler = hang(server)
    retry = policy(sleeps, max_total_time=0.2)
    async with AiohttpTransport(server.url, retry=retry, total_timeout=30.0) as transport:
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(E.TransportTimeoutError):
            await transport.send("GetUser", {})
        assert loop.time() - start < 2.0


# --- timeouts and the non-idempotent decision ---------------------------------------------------


class SlowResolver(AbstractResolver):
    def __init__(self) -> None:
        self.calls = 0

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls += 1
        await asyncio.sleep(10)
        raise AssertionError("unreachable")

    async def close(self) -> None:
        pass


async def test_connect_timeout_is_not_sent_and_is_retried(sleeps: Sleeps) -> None:
    resolver = SlowResolver()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=resolver)) as session:
        transport = AiohttpTransport(
            "http://cognito.invalid/",
            session=session,
            connect_timeout=0.05,
            total_timeout=5.0,
            retry=policy(sleeps),
        )
        with pytest.raises(E.TransportTimeoutError) as info:
            await transport.send("RespondToAuthChallenge", {"Session": "s" * 20})
    assert info.value.sent is False
    # Never written, so resent even though non-idempotent: three attempts, two waits (aiohttp
    # shares one in-flight DNS lookup between the attempts, so the resolver may see only one).
    assert resolver.calls >= 1
    assert len(sleeps.delays) == 2


async def test_connection_refused_is_not_sent_and_is_retried(sleeps: Sleeps) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    async with AiohttpTransport(url, retry=policy(sleeps)) as transport:
        with pytest.raises(E.TransportError) as info:
            await transport.send("RespondToAuthChallenge", {})
    assert info.value.sent is False
    assert not isinstance(info.value, E.TransportTimeoutError)
    assert len(sleeps.delays) == 2


async def test_total_timeout_on_idempotent_op_is_retried(server: Server, sleeps: Sleeps) -> None:
    server.handler = hang(server)
    async with AiohttpTransport(server.url, total_timeout=0.1, retry=policy(sleeps)) as transport:
        with pytest.raises(E.TransportTimeoutError) as info:
            await transport.send("GetUser", {"AccessToken": "tok"})
    assert info.value.sent is True
    assert len(server.requests) == 3


async def test_non_idempotent_request_that_times_out_after_sending_is_not_resent(
    server: Server, sleeps: Sleeps
) -> None:
    server.handler = hang(server)
    async with AiohttpTransport(server.url, total_timeout=0.2, retry=policy(sleeps)) as transport:
        with pytest.raises(E.TransportTimeoutError) as info:
            await transport.send("RespondToAuthChallenge", {"ChallengeName": "PASSWORD_VERIFIER"})
    assert isinstance(info.value, TimeoutError)
    assert info.value.sent is True
    assert info.value.operation == "RespondToAuthChallenge"
    assert len(server.requests) == 1
    assert server.requests[0].operation == "RespondToAuthChallenge"
    assert sleeps.delays == []


@pytest.mark.parametrize(
    "operation", ["RespondToAuthChallenge", "ConfirmSignUp", "ConfirmForgotPassword", "SignUp"]
)
async def test_non_idempotent_request_whose_connection_drops_is_not_resent(
    server: Server, transport: AiohttpTransport, sleeps: Sleeps, operation: str
) -> None:
    server.handler = drop
    with pytest.raises(E.TransportError) as info:
        await transport.send(operation, {})
    assert info.value.sent is True
    assert not isinstance(info.value, E.TransportTimeoutError)
    assert len(server.requests) == 1
    assert sleeps.delays == []


# --- sessions, lifecycle, tracing ---------------------------------------------------------------


async def test_borrowed_session_is_left_open(server: Server) -> None:
    async with aiohttp.ClientSession() as session:
        async with AiohttpTransport(server.url, session=session) as transport:
            await transport.send("GetUser", {})
        assert transport.closed
        assert not session.closed
        with pytest.raises(E.InvalidStateError):
            await transport.send("GetUser", {})


async def test_owned_session_is_closed_and_close_is_idempotent(server: Server) -> None:
    transport = AiohttpTransport(server.url)
    await transport.send("GetUser", {})
    session = transport._session
    assert session is not None and not session.closed
    await transport.close()
    await transport.close()
    assert session.closed
    with pytest.raises(E.InvalidStateError):
        await transport.send("GetUser", {})


async def test_borrowed_session_raise_for_status_does_not_leak_aiohttp_errors(
    server: Server,
) -> None:
    server.handler = error("UserNotFoundException")
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        transport = AiohttpTransport(server.url, session=session)
        with pytest.raises(E.UserNotFoundError):
            await transport.send("GetUser", {})


async def test_trace_configs_are_called(server: Server) -> None:
    seen: list[tuple[str, int]] = []

    async def on_end(
        session: aiohttp.ClientSession, ctx: object, params: aiohttp.TraceRequestEndParams
    ) -> None:
        seen.append((params.method, params.response.status))

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(on_end)
    async with AiohttpTransport(server.url, trace_configs=[trace]) as transport:
        await transport.send("GetUser", {})
    assert seen == [("POST", 200)]


async def test_trace_configs_with_a_borrowed_session_is_refused(server: Server) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(E.ValidationError):
            AiohttpTransport(server.url, session=session, trace_configs=[aiohttp.TraceConfig()])


@pytest.mark.parametrize(
    ("endpoint", "kwargs"),
    [
        ("cognito-idp.us-east-1.amazonaws.com", {}),
        ("ftp://example.com/", {}),
        ("http://127.0.0.1/", {"total_timeout": -1.0}),
        ("http://127.0.0.1/", {"connect_timeout": 0}),
    ],
)
def test_bad_configuration_is_refused(endpoint: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(E.ValidationError):
        AiohttpTransport(endpoint, **kwargs)


@pytest.mark.parametrize(
    ("operation", "payload"),
    [
        ("", {}),
        ("Get User", {}),
        ("GetUser\r\nX: y", {}),
        ("GetUser", {"AccessToken": b"bytes"}),
        ("GetUser", {"Limit": float("nan")}),
        ("GetUser", ["not", "a", "mapping"]),
    ],
)
async def test_bad_input_is_refused_before_sending(
    server: Server, transport: AiohttpTransport, operation: str, payload: Any
) -> None:
    with pytest.raises(E.ValidationError):
        await transport.send(operation, payload)
    assert server.requests == []


# --- secrets ------------------------------------------------------------------------------------

PASSWORD = "Correct-Horse-9!"
TOKEN = "eyJraWQiOiJhY2Nlc3MifQ.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"
CODE = "493817"
SECRET_HASH = "q2bWzQk3S1nq0ZmL7Xb0xGk0uVq0m3Yq9m5x6ZC3f2E="


def echo_payload(status: int = 400, code: str = "InvalidParameterException") -> Handler:
    """A server that quotes the whole request body in its error message and header."""

    async def handler(request: web.Request, body: bytes) -> web.StreamResponse:
        text = body.decode()
        return web.json_response(
            {"__type": code, "message": f"bad request {text}"},
            status=status,
            headers={"x-amzn-ErrorMessage": text.replace("\n", " ")},
        )

    return handler


@pytest.mark.parametrize(
    ("operation", "payload", "secrets"),
    [
        (
            "InitiateAuth",
            {
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": "client1",
                "AuthParameters": {
                    "USERNAME": "alice",
                    "PASSWORD": PASSWORD,
                    "SECRET_HASH": SECRET_HASH,
                },
            },
            [PASSWORD, SECRET_HASH],
        ),
        (
            "RespondToAuthChallenge",
            {
                "ChallengeName": "SMS_MFA",
                "Session": "S" * 40,
                "ChallengeResponses": {"USERNAME": "alice", "SMS_MFA_CODE": CODE},
            },
            ["S" * 40, CODE],
        ),
        (
            "ChangePassword",
            {"AccessToken": TOKEN, "PreviousPassword": PASSWORD, "ProposedPassword": "N3w-pass!!"},
            [TOKEN, PASSWORD, "N3w-pass!!"],
        ),
        (
            "ConfirmForgotPassword",
            {"Username": "alice", "ConfirmationCode": CODE, "Password": PASSWORD},
            [CODE, PASSWORD],
        ),
        (
            "SignUp",
            {
                "Username": "alice",
                "Password": PASSWORD,
                "UserAttributes": [{"Name": "phone_number", "Value": "+15555550100"}],
            },
            [PASSWORD, "+15555550100"],
        ),
    ],
)
async def test_secrets_echoed_by_the_server_are_redacted(
    server: Server,
    transport: AiohttpTransport,
    caplog: pytest.LogCaptureFixture,
    operation: str,
    payload: dict[str, Any],
    secrets: list[str],
) -> None:
    caplog.set_level(logging.DEBUG, logger="authflow")
    server.handler = echo_payload()
    with pytest.raises(E.InvalidParameterError) as info:
        await transport.send(operation, payload)
    err = info.value
    assert "bad request" in err.message and "***" in err.message
    for secret in secrets:
        assert secret in server.requests[0].body.decode()
        assert secret not in str(err)
        assert secret not in repr(err)
        assert secret not in err.message
        assert secret not in caplog.text
    assert "alice" in err.message or "alice" not in json.dumps(payload)  # USERNAME is kept


async def test_secrets_not_in_logs_across_retries_and_transport_errors(
    server: Server, transport: AiohttpTransport, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="authflow")
    server.handler = sequence(echo_payload(500, "InternalErrorException"), drop, echo_payload(400))
    with pytest.raises(E.ServiceError):
        await transport.send("GetUser", {"AccessToken": TOKEN})
    assert len(server.requests) == 3
    assert "GetUser" in caplog.text and "attempt" in caplog.text
    assert TOKEN not in caplog.text


def test_transport_repr_has_no_secret() -> None:
    transport = AiohttpTransport(
        "http://user:hunter22pw@127.0.0.1:9/",
        extra_headers={"X-Api-Key": "s3cr3t-api-key"},
    )
    text = repr(transport)
    assert "hunter22pw" not in text and "s3cr3t-api-key" not in text and "user" not in text
    assert "127.0.0.1:9" in text
    assert "hunter22pw" not in transport.endpoint


# --- anything the server may send ---------------------------------------------------------------

bodies = st.one_of(
    st.binary(max_size=200),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=10,
    ).map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"__type": st.text(max_size=40)},
        optional={"message": st.text(max_size=40), "Message": st.integers(), "code": st.text()},
    ).map(lambda value: json.dumps(value).encode()),
)
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    status=st.integers(200, 599),
    body=bodies,
    error_type=st.none() | header_text,
    content_type=st.sampled_from(
        [None, "application/json", "text/html", "application/x-amz-json-1.1"]
    ),
)
async def test_any_answer_gives_a_dict_or_an_authflow_error(
    server: Server,
    sleeps: Sleeps,
    status: int,
    body: bytes,
    error_type: str | None,
    content_type: str | None,
) -> None:
    headers = {"x-amzn-ErrorType": error_type} if error_type is not None else None
    server.handler = raw(body, status, headers, content_type)
    async with AiohttpTransport(server.url, retry=policy(sleeps, max_attempts=1)) as transport:
        try:
            result = await transport.send("GetUser", {"AccessToken": TOKEN})
        except E.AuthflowError as err:
            assert isinstance(err, E.ServiceError | E.ProtocolViolationError | E.TransportError)
            assert TOKEN not in str(err) and TOKEN not in repr(err)
            if isinstance(err, E.ServiceError):
                assert err.status == status and err.code
        else:
            assert isinstance(result, dict)
            assert 200 <= status < 300


@pytest.mark.parametrize(
    "answer",
    [
        b"NOT HTTP AT ALL\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    ],
)
async def test_an_answer_that_is_not_http_is_a_protocol_violation(
    sleeps: Sleeps, answer: bytes
) -> None:
    # aiohttp.web cannot send malformed HTTP, so this peer is a bare asyncio server.
    received: list[bytes] = []

    async def peer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(answer)
        await writer.drain()
        writer.close()

    tcp = await asyncio.start_server(peer, "127.0.0.1", 0)
    port = tcp.sockets[0].getsockname()[1]
    try:
        async with AiohttpTransport(f"http://127.0.0.1:{port}/", retry=policy(sleeps)) as transport:
            with pytest.raises(E.ProtocolViolationError):
                await transport.send("RespondToAuthChallenge", {"Session": "s" * 30})
    finally:
        tcp.close()
        await tcp.wait_closed()
    assert len(received) == 1 and sleeps.delays == []

"""An answer larger than any Cognito answer is refused before it costs memory."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from authflow.protocol.errors import ProtocolViolationError, ValidationError
from authflow.transport import MAX_RESPONSE_BYTES, AiohttpTransport, RetryPolicy

from .hostile import HostileServer, RawRequest, http_response

ONE_TRY = RetryPolicy(max_attempts=1)


def test_the_limit_is_one_mebibyte() -> None:
    assert MAX_RESPONSE_BYTES == 1024 * 1024


async def test_a_declared_huge_answer_is_refused_unread(hostile: HostileServer) -> None:
    async def answer(request: RawRequest) -> bytes:
        # declares 256 MiB, sends 64 KiB, then keeps the connection open
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
        return head + b"Content-Length: 268435456\r\n\r\n" + b"{" + b" " * 65535

    hostile.answer = answer
    async with AiohttpTransport(hostile.url, retry=ONE_TRY) as transport:
        with pytest.raises(ProtocolViolationError, match="limit"):
            await asyncio.wait_for(transport.send("GetUser", {"AccessToken": "x"}), 5)


async def test_an_endless_chunked_answer_is_cut_off_at_the_limit(hostile: HostileServer) -> None:
    chunk = b" " * 65536

    async def endless() -> AsyncIterator[bytes]:
        yield b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        while True:  # a body that never ends: without a cap the client reads until it times out
            yield f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"

    hostile.answer = lambda request: endless()
    async with AiohttpTransport(hostile.url, retry=ONE_TRY, total_timeout=30) as transport:
        with pytest.raises(ProtocolViolationError, match="longer than"):
            await transport.send("GetUser", {"AccessToken": "x"})
    # the client stopped reading soon after the cap (socket buffers hold a few MiB at most)
    assert hostile.sent < 16 * MAX_RESPONSE_BYTES


async def test_an_answer_at_the_limit_is_accepted(hostile: HostileServer) -> None:
    body = json.dumps({"Username": "alice", "Pad": "x" * (MAX_RESPONSE_BYTES - 40)}).encode()
    assert len(body) <= MAX_RESPONSE_BYTES

    hostile.answer = lambda request: http_response(b"HTTP/1.1 200 OK", [], body)
    async with AiohttpTransport(hostile.url, retry=ONE_TRY) as transport:
        data = await transport.send("GetUser", {"AccessToken": "x"})
    assert data["Username"] == "alice"


async def test_the_cap_applies_to_error_answers_too(hostile: HostileServer) -> None:
    body = json.dumps({"__type": "X", "message": "y" * (2 * MAX_RESPONSE_BYTES)}).encode()
    hostile.answer = lambda request: http_response(b"HTTP/1.1 400 Bad Request", [], body)
    async with AiohttpTransport(hostile.url, retry=ONE_TRY) as transport:
        with pytest.raises(ProtocolViolationError, match="limit"):
            await transport.send("GetUser", {"AccessToken": "x"})


@pytest.mark.parametrize("value", [0, 1023, -1, 1.5, "big", True, None])
def test_a_bad_cap_is_a_validation_error(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        AiohttpTransport("http://127.0.0.1:1", max_response_bytes=value)  # type: ignore[arg-type]
    assert info.value.field == "max_response_bytes"

"""A hostile Cognito: a raw TCP server on 127.0.0.1 that answers with whatever bytes a test
scripts, so tests can send what no well-behaved HTTP library would (malformed status lines, raw
UTF-8 in headers, bodies larger than any Cognito answer, answers that never end).

``HostileServer.answer`` is called with the request (method line, headers, body) and returns the
bytes to write (or an async iterator of pieces, written as they come, for answers that never
end); ``None`` closes the connection without an answer. ``sent`` counts the bytes written.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import attrs


@attrs.frozen
class RawRequest:
    """One request as the hostile server read it."""

    head: bytes
    body: bytes

    def json(self) -> dict[str, Any]:
        value = json.loads(self.body)
        assert isinstance(value, dict)
        return value


Answer = Callable[
    [RawRequest], Awaitable[bytes | None] | bytes | AsyncIterator[bytes] | None
]


def http_response(
    status_line: bytes, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> bytes:
    """Bytes of an HTTP/1.1 answer; nothing is checked or escaped."""
    lines = [status_line]
    lines += [name + b": " + value for name, value in headers]
    lines.append(b"Content-Length: " + str(len(body)).encode())
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class HostileServer:
    """Serve scripted bytes; ``requests`` records what arrived."""

    def __init__(self) -> None:
        self.answer: Answer = lambda request: None
        self.requests: list[RawRequest] = []
        self.sent = 0
        self._server: asyncio.Server | None = None
        self.url = ""

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            body = await reader.readexactly(length)
            request = RawRequest(head, body)
            self.requests.append(request)
            result = self.answer(request)
            if asyncio.iscoroutine(result):
                result = await result
            if hasattr(result, "__aiter__"):
                async for piece in result:  # type: ignore[union-attr]
                    writer.write(piece)
                    self.sent += len(piece)
                    await writer.drain()
            elif result is not None:
                writer.write(result)  # type: ignore[arg-type]
                self.sent += len(result)  # type: ignore[arg-type]
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

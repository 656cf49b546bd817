"""Cognito's AWS JSON 1.1 responses as the web layer writes them.

Success: the output JSON with ``Content-Type: application/x-amz-json-1.1``. Errors: HTTP 400 (500
only for ``InternalErrorException``), body ``{"__type": <Name>, "message": <text>}``, headers
``x-amzn-ErrorType: <Name>:`` and ``x-amzn-ErrorMessage``. Every response carries
``x-amzn-RequestId``.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from authflow.protocol.errors import ServiceError

__all__ = ["CONTENT_TYPE", "MAX_HEADER_MESSAGE", "error_response", "header_text", "json_response"]

#: The content type of every Cognito request and response.
CONTENT_TYPE = "application/x-amz-json-1.1"
#: The longest ``x-amzn-ErrorMessage`` written; the body keeps the whole message. Validation
#: messages echo the request's values, and HTTP clients refuse header lines past a few KiB.
MAX_HEADER_MESSAGE = 1024


def json_response(payload: Any, status: int, request_id: str, **headers: str) -> web.Response:
    """``payload`` as compact JSON with Cognito's content type and request id."""
    return web.Response(
        body=json.dumps(payload, separators=(",", ":")).encode("utf-8"),
        status=status,
        content_type=CONTENT_TYPE,
        headers={"x-amzn-RequestId": request_id, **headers},
    )


def error_response(error: ServiceError, request_id: str) -> web.Response:
    """Cognito's error response for ``error``."""
    status = 500 if error.code == "InternalErrorException" else 400
    headers = {"x-amzn-ErrorType": f"{error.code}:"}
    if error.message:
        headers["x-amzn-ErrorMessage"] = header_text(error.message)
    return json_response(
        {"__type": error.code, "message": error.message}, status, request_id, **headers
    )


def header_text(message: str, limit: int = MAX_HEADER_MESSAGE) -> str:
    """``message`` as a header value every HTTP client accepts: printable ASCII only (control
    characters become spaces, anything else ``?``), at most ``limit`` characters (cut with
    ``...``). Validation messages echo request values, so this is hostile input."""
    text = "".join(
        ch if " " <= ch <= "~" else (" " if ch < " " or ch == "\x7f" else "?") for ch in message
    )
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text

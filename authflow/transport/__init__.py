"""Transports: how a Cognito operation gets to the service and back.

``Transport`` is the protocol (``send(operation, payload) -> dict`` and ``close()``); ``call``
sends a typed request; ``AiohttpTransport`` is the real one, ``MockTransport`` the test double.
"""

from authflow.transport.aiohttp import MAX_RESPONSE_BYTES, AiohttpTransport
from authflow.transport.base import (
    IDEMPOTENT_OPERATIONS,
    ResponseType,
    RetryPolicy,
    Transport,
    WireRequest,
    call,
    redaction_forms,
    secrets_of,
)
from authflow.transport.mock import Handler, MockTransport

__all__ = [
    "IDEMPOTENT_OPERATIONS",
    "MAX_RESPONSE_BYTES",
    "AiohttpTransport",
    "Handler",
    "MockTransport",
    "ResponseType",
    "RetryPolicy",
    "Transport",
    "WireRequest",
    "call",
    "redaction_forms",
    "secrets_of",
]

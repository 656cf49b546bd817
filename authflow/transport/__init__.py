"""Transports: how a Cognito operation gets to the service and back.

``Transport`` is the protocol (``send(operation, payload) -> dict`` and ``close()``); ``call``
sends a typed request; ``AiohttpTransport`` is the real one, ``MockTransport`` the test double;
``OAuthTransport`` posts forms to a user pool domain's ``/oauth2/*`` endpoints.
``SigV4Signer`` (``AiohttpTransport(endpoint, signer=...)``) signs the IAM-authorized operations
with AWS credentials (``StaticCredentials``, a profile, botocore's default chain).
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
from authflow.transport.oauth import OAuthTransport
from authflow.transport.sigv4 import SigV4Signer, StaticCredentials, signature_required

__all__ = [
    "IDEMPOTENT_OPERATIONS",
    "MAX_RESPONSE_BYTES",
    "AiohttpTransport",
    "Handler",
    "MockTransport",
    "OAuthTransport",
    "ResponseType",
    "RetryPolicy",
    "SigV4Signer",
    "StaticCredentials",
    "Transport",
    "WireRequest",
    "call",
    "redaction_forms",
    "secrets_of",
    "signature_required",
]

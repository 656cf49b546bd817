"""authflow — Amazon Cognito User Pools client-side authentication as async state machines."""

from authflow.protocol.errors import (
    AuthflowError,
    InvalidStateError,
    ProtocolViolationError,
    ServiceError,
    TransportError,
    TransportTimeoutError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "AuthflowError",
    "InvalidStateError",
    "ProtocolViolationError",
    "ServiceError",
    "TransportError",
    "TransportTimeoutError",
    "ValidationError",
    "__version__",
]

"""Sessions: the atomic session record, the manager that keeps it fresh, the operations a
sign-in and its refreshes are sent with, and the client-credentials token source."""

from authflow.sessions.client_credentials import ClientCredentials, MachineToken
from authflow.sessions.manager import (
    DEFINITIVE_REFRESH_ERRORS,
    SessionEvent,
    SessionManager,
    SessionNotFoundError,
    tokens_from_result,
)
from authflow.sessions.record import (
    SESSION_SCHEMA_VERSION,
    DeviceRecord,
    RefreshRoute,
    SessionRecord,
    Tokens,
)
from authflow.sessions.signin_operations import AuthResponse, SignInOperations

__all__ = [
    "DEFINITIVE_REFRESH_ERRORS",
    "SESSION_SCHEMA_VERSION",
    "AuthResponse",
    "ClientCredentials",
    "DeviceRecord",
    "MachineToken",
    "RefreshRoute",
    "SessionEvent",
    "SessionManager",
    "SessionNotFoundError",
    "SessionRecord",
    "SignInOperations",
    "Tokens",
    "tokens_from_result",
]

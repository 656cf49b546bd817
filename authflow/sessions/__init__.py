"""Sessions: the atomic session record and the manager that keeps it fresh."""

from authflow.sessions.manager import (
    DEFINITIVE_REFRESH_ERRORS,
    SessionEvent,
    SessionManager,
    SessionNotFoundError,
    tokens_from_result,
)
from authflow.sessions.record import SESSION_SCHEMA_VERSION, DeviceRecord, SessionRecord, Tokens

__all__ = [
    "DEFINITIVE_REFRESH_ERRORS",
    "SESSION_SCHEMA_VERSION",
    "DeviceRecord",
    "SessionEvent",
    "SessionManager",
    "SessionNotFoundError",
    "SessionRecord",
    "Tokens",
    "tokens_from_result",
]

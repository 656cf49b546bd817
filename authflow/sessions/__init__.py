"""Sessions: the atomic session record, the manager that keeps it fresh (one refresh per fleet),
the per-user session index, pending sign-ins saved by key, session events, the operations a
sign-in and its refreshes are sent with, and the client-credentials token source."""

from authflow.sessions.client_credentials import ClientCredentials, MachineToken
from authflow.sessions.events import (
    HUB_EVENTS,
    SIGN_OUT_REASONS,
    EventStream,
    SessionEvent,
    SessionEvents,
)
from authflow.sessions.index import SessionIndex, SessionInfo
from authflow.sessions.keys import SessionKeys
from authflow.sessions.manager import (
    DEFINITIVE_REFRESH_ERRORS,
    SessionManager,
    SessionNotFoundError,
    tokens_from_result,
)
from authflow.sessions.pending import PendingSignIns
from authflow.sessions.record import (
    SESSION_SCHEMA_VERSION,
    DeviceRecord,
    RefreshRoute,
    SessionRecord,
    Tokens,
)
from authflow.sessions.refresh import refresh_lock_timeout
from authflow.sessions.signin_operations import AuthResponse, SignInOperations

__all__ = [
    "DEFINITIVE_REFRESH_ERRORS",
    "HUB_EVENTS",
    "SESSION_SCHEMA_VERSION",
    "SIGN_OUT_REASONS",
    "AuthResponse",
    "ClientCredentials",
    "DeviceRecord",
    "EventStream",
    "PendingSignIns",
    "MachineToken",
    "RefreshRoute",
    "SessionEvent",
    "SessionEvents",
    "SessionIndex",
    "SessionInfo",
    "SessionKeys",
    "SessionManager",
    "SessionNotFoundError",
    "SessionRecord",
    "SignInOperations",
    "Tokens",
    "refresh_lock_timeout",
    "tokens_from_result",
]

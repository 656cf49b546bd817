"""authflow — Amazon Cognito User Pools client-side authentication as async state machines.

>>> from authflow import AuthClient, CognitoConfig
>>> # async with AuthClient(CognitoConfig(user_pool_id=..., client_id=...)) as auth:
>>> #     flow = auth.sign_in("alice", "Correct-Horse-9!")
>>> #     step = await flow.step()

The names below are loaded lazily (PEP 562), so importing a bottom layer such as
``authflow.protocol`` or ``authflow.srp`` does not pull in aiohttp or transitions.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from authflow._version import __version__

if TYPE_CHECKING:
    from authflow.account import Account
    from authflow.client import AuthClient
    from authflow.config import CognitoConfig
    from authflow.flows import (
        ChallengeExpiredError,
        CodeDelivery,
        ForgotPasswordFlow,
        SignInFlow,
        SignUpFlow,
        Step,
        TransitionEvent,
    )
    from authflow.protocol.errors import (
        AuthflowError,
        InvalidStateError,
        ProtocolViolationError,
        ServiceError,
        TransportError,
        TransportTimeoutError,
        ValidationError,
    )
    from authflow.sessions import SessionEvent, SessionRecord, Tokens
    from authflow.storage import MemoryStore, Store

_EXPORTS = {
    "Account": "authflow.account",
    "AuthClient": "authflow.client",
    "CognitoConfig": "authflow.config",
    "ChallengeExpiredError": "authflow.flows",
    "CodeDelivery": "authflow.flows",
    "ForgotPasswordFlow": "authflow.flows",
    "SignInFlow": "authflow.flows",
    "SignUpFlow": "authflow.flows",
    "Step": "authflow.flows",
    "TransitionEvent": "authflow.flows",
    "AuthflowError": "authflow.protocol.errors",
    "InvalidStateError": "authflow.protocol.errors",
    "ProtocolViolationError": "authflow.protocol.errors",
    "ServiceError": "authflow.protocol.errors",
    "TransportError": "authflow.protocol.errors",
    "TransportTimeoutError": "authflow.protocol.errors",
    "ValidationError": "authflow.protocol.errors",
    "SessionEvent": "authflow.sessions",
    "SessionRecord": "authflow.sessions",
    "Tokens": "authflow.sessions",
    "MemoryStore": "authflow.storage",
    "Store": "authflow.storage",
}

__all__ = [
    "Account",
    "AuthClient",
    "AuthflowError",
    "ChallengeExpiredError",
    "CodeDelivery",
    "CognitoConfig",
    "ForgotPasswordFlow",
    "InvalidStateError",
    "MemoryStore",
    "ProtocolViolationError",
    "ServiceError",
    "SessionEvent",
    "SessionRecord",
    "SignInFlow",
    "SignUpFlow",
    "Step",
    "Store",
    "Tokens",
    "TransitionEvent",
    "TransportError",
    "TransportTimeoutError",
    "ValidationError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'authflow' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

"""authflow — Amazon Cognito User Pools client-side authentication as async state machines.

>>> from authflow import AuthClient, CognitoConfig
>>> # async with AuthClient(CognitoConfig(user_pool_id=..., client_id=...)) as auth:
>>> #     flow = auth.sign_in("alice", "Correct-Horse-9!")
>>> #     step = await flow.step()
"""

from authflow._version import __version__
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

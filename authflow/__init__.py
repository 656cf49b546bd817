"""authflow — Amazon Cognito User Pools client-side authentication as async state machines.

>>> from authflow import AuthClient, CognitoConfig
>>> # async with AuthClient(CognitoConfig(user_pool_id=..., client_id=...)) as auth:
>>> #     flow = auth.sign_in("alice", "Correct-Horse-9!")
>>> #     step = await flow.step()

The names below are loaded lazily (PEP 562), so importing a bottom layer such as
``authflow.protocol`` or ``authflow.srp`` does not pull in aiohttp or transitions. Every error
class is here too (``from authflow import CodeMismatchError``): one per Cognito exception, plus
authflow's own.
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
        CodeDelivery,
        ForgotPasswordFlow,
        SignInFlow,
        SignInOptions,
        SignUpFlow,
        Step,
        TransitionEvent,
    )
    from authflow.protocol.errors import (
        AccessDeniedError,
        AliasExistsError,
        AuthflowError,
        AuthorizationDeniedError,
        ChallengeExpiredError,
        CodeDeliveryFailureError,
        CodeMismatchError,
        ConcurrentModificationError,
        CredentialsError,
        DeviceKeyExistsError,
        EnableSoftwareTokenMFAError,
        ExpiredCodeError,
        ExpiredTokenError,
        FeatureUnavailableInTierError,
        ForbiddenError,
        IamAuthError,
        IncompleteSignatureError,
        InternalErrorError,
        InvalidClientError,
        InvalidEmailRoleAccessPolicyError,
        InvalidGrantError,
        InvalidLambdaResponseError,
        InvalidParameterError,
        InvalidPasswordError,
        InvalidRequestError,
        InvalidScopeError,
        InvalidSignatureError,
        InvalidSmsRoleAccessPolicyError,
        InvalidSmsRoleTrustRelationshipError,
        InvalidStateError,
        InvalidUserPoolConfigurationError,
        LimitExceededError,
        MFAMethodNotFoundError,
        MissingAuthenticationTokenError,
        NotAuthorizedError,
        OAuthError,
        OperationNotEnabledError,
        PasswordHistoryPolicyViolationError,
        PasswordResetRequiredError,
        ProtocolViolationError,
        RefreshTokenReuseError,
        ResourceNotFoundError,
        ServiceError,
        SessionNotFoundError,
        SignInRestartRequiredError,
        SoftwareTokenMFANotFoundError,
        StateMismatchError,
        TooManyFailedAttemptsError,
        TooManyRequestsError,
        TransportError,
        TransportTimeoutError,
        UnauthorizedClientError,
        UnauthorizedError,
        UnexpectedLambdaError,
        UnknownOperationError,
        UnrecognizedClientError,
        UnsupportedGrantTypeError,
        UnsupportedOperationError,
        UnsupportedTokenTypeError,
        UserLambdaValidationError,
        UsernameExistsError,
        UserNotConfirmedError,
        UserNotFoundError,
        UserPoolAddOnNotEnabledError,
        ValidationError,
        WebAuthnChallengeNotFoundError,
        WebAuthnClientMismatchError,
        WebAuthnConfigurationMissingError,
        WebAuthnCredentialNotSupportedError,
        WebAuthnNotEnabledError,
        WebAuthnOriginNotAllowedError,
        WebAuthnRelyingPartyMismatchError,
    )
    from authflow.sessions import SessionEvent, SessionRecord, Tokens
    from authflow.storage import MemoryStore, Store

#: Where each name that is not an error class lives (every ``...Error`` in ``__all__`` lives in
#: :mod:`authflow.protocol.errors`).
_EXPORTS = {
    "Account": "authflow.account",
    "AuthClient": "authflow.client",
    "CognitoConfig": "authflow.config",
    "CodeDelivery": "authflow.flows",
    "ForgotPasswordFlow": "authflow.flows",
    "SignInFlow": "authflow.flows",
    "SignInOptions": "authflow.flows",
    "SignUpFlow": "authflow.flows",
    "Step": "authflow.flows",
    "TransitionEvent": "authflow.flows",
    "SessionEvent": "authflow.sessions",
    "SessionRecord": "authflow.sessions",
    "Tokens": "authflow.sessions",
    "MemoryStore": "authflow.storage",
    "Store": "authflow.storage",
}
_ERRORS_MODULE = "authflow.protocol.errors"

__all__ = [
    "Account",
    "AccessDeniedError",
    "AliasExistsError",
    "AuthClient",
    "AuthflowError",
    "AuthorizationDeniedError",
    "ChallengeExpiredError",
    "CodeDelivery",
    "CodeDeliveryFailureError",
    "CodeMismatchError",
    "CognitoConfig",
    "ConcurrentModificationError",
    "CredentialsError",
    "DeviceKeyExistsError",
    "EnableSoftwareTokenMFAError",
    "ExpiredCodeError",
    "ExpiredTokenError",
    "FeatureUnavailableInTierError",
    "ForbiddenError",
    "ForgotPasswordFlow",
    "IamAuthError",
    "IncompleteSignatureError",
    "InternalErrorError",
    "InvalidClientError",
    "InvalidEmailRoleAccessPolicyError",
    "InvalidGrantError",
    "InvalidLambdaResponseError",
    "InvalidParameterError",
    "InvalidPasswordError",
    "InvalidSignatureError",
    "InvalidRequestError",
    "InvalidScopeError",
    "InvalidSmsRoleAccessPolicyError",
    "InvalidSmsRoleTrustRelationshipError",
    "InvalidStateError",
    "InvalidUserPoolConfigurationError",
    "LimitExceededError",
    "MFAMethodNotFoundError",
    "MemoryStore",
    "MissingAuthenticationTokenError",
    "NotAuthorizedError",
    "OAuthError",
    "OperationNotEnabledError",
    "PasswordHistoryPolicyViolationError",
    "PasswordResetRequiredError",
    "ProtocolViolationError",
    "RefreshTokenReuseError",
    "ResourceNotFoundError",
    "ServiceError",
    "SessionEvent",
    "SessionNotFoundError",
    "SessionRecord",
    "SignInFlow",
    "SignInOptions",
    "SignInRestartRequiredError",
    "SignUpFlow",
    "SoftwareTokenMFANotFoundError",
    "StateMismatchError",
    "Step",
    "Store",
    "Tokens",
    "TooManyFailedAttemptsError",
    "TooManyRequestsError",
    "TransitionEvent",
    "TransportError",
    "TransportTimeoutError",
    "UnauthorizedClientError",
    "UnauthorizedError",
    "UnexpectedLambdaError",
    "UnknownOperationError",
    "UnrecognizedClientError",
    "UnsupportedGrantTypeError",
    "UnsupportedOperationError",
    "UnsupportedTokenTypeError",
    "UserLambdaValidationError",
    "UserNotConfirmedError",
    "UserNotFoundError",
    "UserPoolAddOnNotEnabledError",
    "UsernameExistsError",
    "ValidationError",
    "WebAuthnChallengeNotFoundError",
    "WebAuthnClientMismatchError",
    "WebAuthnConfigurationMissingError",
    "WebAuthnCredentialNotSupportedError",
    "WebAuthnNotEnabledError",
    "WebAuthnOriginNotAllowedError",
    "WebAuthnRelyingPartyMismatchError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None and name.endswith("Error") and name in __all__:
        module = _ERRORS_MODULE
    if module is None:
        raise AttributeError(f"module 'authflow' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

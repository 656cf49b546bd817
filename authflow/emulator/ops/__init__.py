"""The operations the emulator serves, one module per area, registered by name.

* :mod:`.provisioning` — pools, app clients and the admin user operations SDKs provision with.
* :mod:`.signup` — SignUp, confirmation codes, forgotten passwords.
* :mod:`.auth` — InitiateAuth, RespondToAuthChallenge, GetTokensFromRefreshToken; password, SRP
  and refresh flows, NEW_PASSWORD_REQUIRED.
* :mod:`.custom` — CUSTOM_AUTH and its triggers; :mod:`.user_auth` — USER_AUTH choice-based
  sign-in; :mod:`.mfa` — MFA settings, TOTP set-up and the MFA / code challenges;
  :mod:`.devices` — remembered devices, device SRP, auth-event feedback.
* :mod:`.account` — the access-token-authorized user operations, GlobalSignOut, RevokeToken.

Each handler takes the core and the validated request body and returns the response body; it
raises :class:`~authflow.protocol.errors.ServiceError` subclasses for Cognito's errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from authflow.emulator.core import EmulatorCore

__all__ = ["OPERATIONS", "operation"]

Handler = Callable[["EmulatorCore", dict[str, Any]], dict[str, Any]]

#: Operation name → handler.
OPERATIONS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of operation ``name``."""

    def register(handler: Handler) -> Handler:
        if name in OPERATIONS:
            raise RuntimeError(f"operation {name} registered twice")
        OPERATIONS[name] = handler
        return handler

    return register


from authflow.emulator.ops import (  # noqa: E402,F401
    account,
    auth,
    custom,
    devices,
    mfa,
    provisioning,
    signup,
    user_auth,
)

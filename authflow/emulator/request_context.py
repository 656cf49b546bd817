"""What one request carries besides its body, handed to every handler as an argument.

Nothing per-request is ever stored on a shared object: the core builds one
:class:`RequestContext` per call of :meth:`~authflow.emulator.core.EmulatorCore.handle` and passes
it down (operation handler → InitiateAuth flow / challenge handler → trigger events). The admin
sign-in operations (AdminInitiateAuth, AdminRespondToAuthChallenge) run the same sign-in handlers
as InitiateAuth / RespondToAuthChallenge; what tells them apart travels here, as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

__all__ = ["RequestContext"]


def _frozen_metadata(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(value or {}))


@attrs.frozen
class RequestContext:
    """One request: its ``operation`` name and its ``ClientMetadata`` (what Lambda triggers see as
    ``clientMetadata``; empty when the request has none).

    ``admin`` is true for an administrator's operation (``Admin*``: IAM-authorized, naming its user
    pool); ``user_pool_id`` is the ``UserPoolId`` the request named, if any; ``signed_by`` is the
    access key id whose SigV4 signature the web layer verified (``None`` when nothing was verified:
    the emulator checks signatures only when given ``iam_credentials``, and a direct
    :meth:`~authflow.emulator.core.EmulatorCore.handle` call carries none).

    >>> RequestContext.from_body("SignUp", {"ClientMetadata": {"k": "v"}}).client_metadata["k"]
    'v'
    >>> context = RequestContext.from_body("AdminInitiateAuth", {"UserPoolId": "us-east-1_x"})
    >>> (context.admin, context.user_pool_id, context.signed_by)
    (True, 'us-east-1_x', None)
    """

    operation: str
    client_metadata: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen_metadata, repr=False
    )
    admin: bool = False
    user_pool_id: str | None = None
    signed_by: str | None = None

    @classmethod
    def from_body(
        cls, operation: str, body: Mapping[str, Any], *, signed_by: str | None = None
    ) -> RequestContext:
        """The context of a validated request ``body`` for ``operation`` (``signed_by``: the
        access key id of a verified SigV4 signature)."""
        pool_id = body.get("UserPoolId")
        return cls(
            operation,
            body.get("ClientMetadata") or {},
            admin=operation.startswith("Admin"),
            user_pool_id=pool_id if isinstance(pool_id, str) else None,
            signed_by=signed_by,
        )

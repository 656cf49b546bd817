"""What one request carries besides its body, handed to every handler as an argument.

Nothing per-request is ever stored on a shared object: the core builds one
:class:`RequestContext` per call of :meth:`~authflow.emulator.core.EmulatorCore.handle` and passes
it down (operation handler → InitiateAuth flow / challenge handler → trigger events). Admin
sign-in operations (AdminInitiateAuth, AdminRespondToAuthChallenge) will run the same sign-in
handlers with their own context.
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

    >>> RequestContext.from_body("SignUp", {"ClientMetadata": {"k": "v"}}).client_metadata["k"]
    'v'
    """

    operation: str
    client_metadata: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen_metadata, repr=False
    )

    @classmethod
    def from_body(cls, operation: str, body: Mapping[str, Any]) -> RequestContext:
        """The context of a validated request ``body`` for ``operation``."""
        return cls(operation, body.get("ClientMetadata") or {})

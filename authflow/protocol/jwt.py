"""Reading (not verifying) the claims of a Cognito JWT on the client side.

The client only reads its own tokens' claims (``exp``, ``iat``, ``username``, ``sub``) to schedule
refreshes and name sessions; verification is the resource server's job.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from authflow.protocol.errors import ProtocolViolationError

__all__ = ["jwt_claims"]


def jwt_claims(token: str) -> dict[str, Any]:
    """Return the payload claims of a compact JWS without checking its signature.

    Raises :class:`ProtocolViolationError` (never echoing the token) when it is not a JWT.

    >>> jwt_claims("e30.eyJzdWIiOiJ4In0.c2ln")
    {'sub': 'x'}
    """
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise ProtocolViolationError("token is not a compact JWT", field="token")
    payload = parts[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: a payload of 100,000 nested arrays
        raise ProtocolViolationError("token payload is not base64url JSON", field="token") from None
    if not isinstance(claims, dict):
        raise ProtocolViolationError("token payload is not a JSON object", field="token")
    try:
        # a claim holding a lone surrogate ("\\ud800") would fail every later encode()
        json.dumps(claims, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ProtocolViolationError("token payload is not valid Unicode", field="token") from None
    return claims

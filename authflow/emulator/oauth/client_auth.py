"""Client authentication at the token and revocation endpoints (docs/oauth-notes.md §A2, §A4).

``client_secret_basic`` (``Authorization: Basic base64(client_id:client_secret)``) or
``client_secret_post`` (``client_id`` and ``client_secret`` in the form); a public client sends
only ``client_id``. A client with a secret must authenticate; a secret sent for a client that has
none is refused too. Failures are ``invalid_client`` with the endpoint's status (400 at the token
endpoint — UNCONFIRMED —, 401 at the revocation endpoint).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping

from authflow.emulator.domain import AppClient, Pool
from authflow.emulator.oauth.http_messages import OAuthError

__all__ = ["authenticate_client"]


def _basic(authorization: str, status: int) -> tuple[str, str]:
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError("invalid_client", "unsupported authorization scheme", status=status)
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise OAuthError("invalid_client", "malformed Basic credentials", status=status) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id:
        raise OAuthError("invalid_client", "malformed Basic credentials", status=status)
    return client_id, secret


def authenticate_client(
    pool: Pool, authorization: str | None, params: Mapping[str, str], *, status: int = 400
) -> AppClient:
    """The app client of ``pool`` that authenticated itself with this request, or
    ``invalid_client`` (``invalid_request`` when two methods are mixed)."""
    body_id = params.get("client_id")
    secret: str | None = params.get("client_secret")
    if authorization:
        client_id, basic_secret = _basic(authorization, status)
        if secret is not None:
            raise OAuthError("invalid_request", "more than one client authentication method")
        if body_id is not None and body_id != client_id:
            raise OAuthError("invalid_client", status=status)
        secret = basic_secret
    elif body_id is None:
        raise OAuthError("invalid_client", "client authentication is required", status=status)
    else:
        client_id = body_id
    client = pool.clients.get(client_id)
    if client is None:
        raise OAuthError("invalid_client", status=status)
    if client.secret is None:
        if secret:
            raise OAuthError("invalid_client", "the client has no secret", status=status)
        return client
    if not secret or not hmac.compare_digest(secret.encode("utf-8"), client.secret.encode("utf-8")):
        raise OAuthError("invalid_client", status=status)
    return client

"""The userInfo endpoint's claims and errors (docs/oauth-notes.md §A4).

The access token must carry ``openid``; its scopes pick the attributes: ``profile`` → the OpenID
profile claims and custom attributes, ``email`` → ``email``, ``email_verified``, ``phone`` →
``phone_number``, ``phone_number_verified``; ``sub`` and ``username`` always. Values are the
stored strings (``"true"``/``"false"`` for the ``*_verified`` ones). Only attributes the token's
app client may read are given.

Errors carry Cognito's ``WWW-Authenticate`` texts: 400 ``invalid_request`` for a request without
a bearer token, 401 ``invalid_token`` for a token that is not (or no longer) good.
"""

from __future__ import annotations

from authflow.emulator.domain import AppClient, User
from authflow.emulator.oauth.http_messages import HttpAnswer, json_answer

__all__ = ["PROFILE_CLAIMS", "invalid_request", "invalid_token", "userinfo_claims"]

#: The attributes the ``profile`` scope gives (besides custom ones).
PROFILE_CLAIMS = (
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
    "address",
)
_SCOPE_CLAIMS = {
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
}


def userinfo_claims(client: AppClient, user: User, scopes: list[str]) -> dict[str, str]:
    """The userInfo answer for ``user`` seen through ``client`` with ``scopes``."""
    names: list[str] = []
    if "profile" in scopes:
        names += PROFILE_CLAIMS
        names += sorted(n for n in user.attributes if n.startswith("custom:"))
    for scope, claims in _SCOPE_CLAIMS.items():
        if scope in scopes:
            names += claims
    found = {n: user.attributes[n] for n in names if n in user.attributes and client.readable(n)}
    return {"sub": user.sub, **found, "username": user.username}


def _error(status: int, error: str, description: str) -> HttpAnswer:
    header = f'error="{error}", error_description="{description}"'
    return json_answer(
        {"error": error, "error_description": description},
        status,
        ("WWW-Authenticate", header),
    )


def invalid_request() -> HttpAnswer:
    """400: no usable bearer token in the request."""
    return _error(400, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint")


def invalid_token() -> HttpAnswer:
    """401: the access token is bad, expired, revoked, lacks ``openid``, or its user is gone."""
    return _error(
        401,
        "invalid_token",
        "Access token is expired, disabled, or deleted, or the user has globally signed out.",
    )

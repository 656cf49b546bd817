"""The token endpoint's grants: ``authorization_code``, ``refresh_token`` and
``client_credentials`` (docs/oauth-notes.md §A2, §A3).

Each grant runs after the client authenticated (:mod:`.client_auth`) and answers the token
response ``{id_token?, access_token, refresh_token?, expires_in, token_type: "Bearer"}`` or
raises :class:`~authflow.emulator.oauth.http_messages.OAuthError`. Tokens come from the
:class:`~authflow.emulator.token_service.TokenService`, so revocation and refresh rotation are
the API's: a code redeems into the token family its sign-in started; a refresh goes through the
``GetTokensFromRefreshToken`` operation itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authflow.emulator.domain import AppClient, Pool
from authflow.emulator.oauth.authorization_codes import AuthorizationCodes
from authflow.emulator.oauth.http_messages import OAuthError
from authflow.emulator.oauth.login import OperationRunner
from authflow.emulator.oauth.scopes import ScopeError, grant_client_scopes, parse_scope
from authflow.emulator.services import Services
from authflow.protocol.errors import ServiceError

__all__ = [
    "GRANT_TYPES",
    "authorization_code_grant",
    "client_credentials_grant",
    "refresh_token_grant",
    "token_response",
]

#: The grant types the token endpoint serves.
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")


def token_response(result: Mapping[str, Any], *, id_token: bool) -> dict[str, Any]:
    """The token endpoint's JSON for an AuthenticationResult (``id_token`` says whether the
    ID token is part of the grant)."""
    body: dict[str, Any] = {}
    if id_token and result.get("IdToken"):
        body["id_token"] = result["IdToken"]
    body["access_token"] = result["AccessToken"]
    if result.get("RefreshToken"):
        body["refresh_token"] = result["RefreshToken"]
    body["expires_in"] = result["ExpiresIn"]
    body["token_type"] = "Bearer"
    return body


def authorization_code_grant(
    svc: Services,
    codes: AuthorizationCodes,
    pool: Pool,
    client: AppClient,
    params: Mapping[str, str],
) -> dict[str, Any]:
    """``grant_type=authorization_code``: ``code``, ``redirect_uri`` and (after a PKCE
    authorize request) ``code_verifier``."""
    if "code" not in client.oauth_flows:
        raise OAuthError("unauthorized_client", "the code flow is not allowed for this client")
    code = params.get("code")
    redirect_uri = params.get("redirect_uri")
    if code is None or redirect_uri is None:
        raise OAuthError("invalid_request", "code and redirect_uri are required")
    grant = codes.redeem(code, client.id, redirect_uri, params.get("code_verifier"))
    family = pool.families.get(grant.origin_jti)
    user = pool.user(grant.username)
    if (
        family is None
        or family.revoked
        or user is None
        or user.sub != family.sub
        or not user.enabled
    ):
        raise OAuthError("invalid_grant")
    family.scopes = grant.scopes
    result = svc.tokens.issue(pool, client, user, family, nonce=grant.nonce)
    result["RefreshToken"] = grant.refresh_token
    return token_response(result, id_token="openid" in grant.scopes)


def refresh_token_grant(
    svc: Services, run: OperationRunner, client: AppClient, params: Mapping[str, str]
) -> dict[str, Any]:
    """``grant_type=refresh_token``: new ID and access tokens (and a new refresh token when
    the client rotates them), as GetTokensFromRefreshToken gives."""
    token = params.get("refresh_token")
    if token is None:
        raise OAuthError("invalid_request", "refresh_token is required")
    if "ALLOW_REFRESH_TOKEN_AUTH" not in client.auth_flows:
        raise OAuthError("unauthorized_client", "refresh is not allowed for this client")
    body = {"ClientId": client.id, "RefreshToken": token}
    if client.secret is not None:
        body["ClientSecret"] = client.secret
    try:
        response = run("GetTokensFromRefreshToken", body)
    except ServiceError:  # unknown, revoked, expired or reused token; the user is gone
        raise OAuthError("invalid_grant") from None
    family = svc.tokens.find_family(token)
    with_id = family is None or family.scopes is None or "openid" in family.scopes
    return token_response(response["AuthenticationResult"], id_token=with_id)


def client_credentials_grant(
    svc: Services, pool: Pool, client: AppClient, params: Mapping[str, str]
) -> dict[str, Any]:
    """``grant_type=client_credentials``: an access token for the client's custom ``scope``s
    (all it may have when none is named)."""
    if "client_credentials" not in client.oauth_flows or client.secret is None:
        raise OAuthError(
            "unauthorized_client", "the client_credentials flow is not allowed for this client"
        )
    try:
        scopes = grant_client_scopes(pool, client, parse_scope(params.get("scope")))
    except ScopeError as exc:
        raise OAuthError("invalid_scope", str(exc)) from None
    result = svc.tokens.issue_client_credentials(pool, client, scopes)
    return token_response(result, id_token=False)

"""The OpenID Connect discovery document of a pool (docs/oauth-notes.md §A4).

``{endpoint}/{poolId}/.well-known/openid-configuration`` lists the issuer and JWKS always, and
the authorization, token, userInfo, revocation and end-session endpoints only when the pool has a
domain — under the domain's path-routed base URL ``{endpoint}/domains/{prefix}`` — so the
document never advertises an endpoint the emulator does not serve.
"""

from __future__ import annotations

from typing import Any

from authflow.emulator.domain import Pool

__all__ = ["domain_base_url", "openid_configuration"]


def domain_base_url(endpoint: str, pool: Pool) -> str | None:
    """The pool's domain base URL on the emulator at ``endpoint``, if it has a domain."""
    if pool.domain is None:
        return None
    return f"{endpoint}/domains/{pool.domain.prefix}"


def openid_configuration(endpoint: str, issuer: str, pool: Pool) -> dict[str, Any]:
    """The discovery document of ``pool`` (tokens name ``issuer``)."""
    document: dict[str, Any] = {
        "issuer": issuer,
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
    }
    base = domain_base_url(endpoint, pool)
    if base is not None:
        document.update(
            {
                "authorization_endpoint": f"{base}/oauth2/authorize",
                "token_endpoint": f"{base}/oauth2/token",
                "userinfo_endpoint": f"{base}/oauth2/userInfo",
                "revocation_endpoint": f"{base}/oauth2/revoke",
                "end_session_endpoint": f"{base}/logout",
            }
        )
    document.update(
        {
            "response_types_supported": ["code", "token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
        }
    )
    return document

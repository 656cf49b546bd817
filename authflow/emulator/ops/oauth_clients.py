"""The OAuth 2.0 settings of an app client (Create/UpdateUserPoolClient), checked as Cognito
checks them (docs/oauth-notes.md §A5).

* ``SupportedIdentityProviders``: only ``COGNITO`` (the emulator has no federated providers).
* ``CallbackURLs``, ``LogoutURLs``, ``DefaultRedirectURI``: absolute, without a fragment; HTTPS,
  or HTTP only to ``localhost``, ``127.0.0.1`` or ``[::1]`` (any port); other schemes
  (``myapp://``) are allowed. ``DefaultRedirectURI`` must be one of the ``CallbackURLs``.
* ``AllowedOAuthScopes``: reserved scopes or ``identifier/scope`` of an existing resource
  server, else ``ScopeDoesNotExistException: Invalid scope requested: <scope>``.
* ``AllowedOAuthFlows``: ``client_credentials`` needs a client secret, custom scopes only, and
  cannot be combined with ``code`` or ``implicit``; ``code``/``implicit`` on an OAuth-enabled
  client need a callback URL.

Messages not marked observed in docs/emulator-oauth.md are the emulator's choice (UNCONFIRMED).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from authflow.emulator.domain import Pool
from authflow.emulator.oauth.scopes import RESERVED_SCOPES, custom_scopes
from authflow.protocol.errors import InvalidParameterError, ServiceError, service_error

__all__ = ["LOOPBACK_HOSTS", "check_client_oauth", "check_redirect_url"]

#: Hosts a plain-HTTP callback or logout URL may name.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _flow_error(message: str) -> ServiceError:
    return service_error("InvalidOAuthFlowException", message)


def check_redirect_url(url: str) -> None:
    """A callback or logout URL Cognito would register, or InvalidParameterException."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise InvalidParameterError(f"{url} is not a valid URL.") from None
    if not parts.scheme:
        raise InvalidParameterError(f"{url} is not an absolute URL.")
    if parts.fragment or "#" in url:
        raise InvalidParameterError(f"{url} cannot contain a fragment.")
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and not host:
        raise InvalidParameterError(f"{url} is not a valid URL.")
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        # Observed message (docs/emulator-oauth.md): "http://localhost.com/ cannot use the
        # HTTP protocol."
        raise InvalidParameterError(f"{url} cannot use the HTTP protocol.")


def check_client_oauth(pool: Pool, settings: dict[str, Any], *, has_secret: bool) -> None:
    """Check the OAuth members of a client's settings (as Create/UpdateUserPoolClient store
    them); ``has_secret`` says whether the client has (or is getting) a secret."""
    for provider in settings.get("SupportedIdentityProviders") or ():
        if provider != "COGNITO":
            raise InvalidParameterError(
                f"The provider {provider} does not exist for User Pool {pool.id}"
            )
    callbacks = list(settings.get("CallbackURLs") or ())
    for url in [*callbacks, *(settings.get("LogoutURLs") or ())]:
        check_redirect_url(url)
    default = settings.get("DefaultRedirectURI")
    if default is not None:
        check_redirect_url(default)
        if default not in callbacks:
            raise InvalidParameterError("DefaultRedirectURI must be one of the CallbackURLs.")
    scopes = list(settings.get("AllowedOAuthScopes") or ())
    known = custom_scopes(pool)
    for scope in scopes:
        if scope not in RESERVED_SCOPES and scope not in known:
            raise service_error("ScopeDoesNotExistException", f"Invalid scope requested: {scope}")
    flows = set(settings.get("AllowedOAuthFlows") or ())
    if "client_credentials" in flows:
        if flows & {"code", "implicit"}:
            raise _flow_error(
                "client_credentials flow can not be selected along with code flow or implicit flow"
            )
        if not has_secret:
            raise _flow_error(
                "client_credentials flow can not be selected if client does not have a "
                "client secret."
            )
        if any(scope in RESERVED_SCOPES for scope in scopes):
            raise _flow_error("client_credentials flow can only be used with custom scopes.")
    if settings.get("AllowedOAuthFlowsUserPoolClient") and flows & {"code", "implicit"}:
        if not callbacks:
            raise _flow_error(
                "CallbackUrls can not be empty when code flow or implicit flow is selected"
            )

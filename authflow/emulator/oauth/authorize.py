"""The authorize request (``GET {domain}/oauth2/authorize``, carried on to ``{domain}/login``),
checked as Cognito checks it (docs/oauth-notes.md §A1).

Two kinds of refusal:

* the client or its ``redirect_uri`` cannot be trusted (missing, unknown, not registered exactly,
  OAuth not enabled on the client): :class:`ErrorPageError` — the browser is sent to the domain's
  own error page (``{domain}/error?error=redirect_mismatch&client_id=…``, as Cognito does) and
  NEVER to the ``redirect_uri``;
* anything else: :class:`RedirectError` — back to the registered ``redirect_uri`` with
  ``error=…`` (and ``state``), in the query for ``response_type=code``, in the fragment for
  ``token``.

Every parameter appears at most once (RFC 6749 §3.1) and holds at most
:data:`~authflow.emulator.oauth.parameters.MAX_PARAMETER_LENGTH` characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from authflow.emulator.domain import AppClient, Pool
from authflow.emulator.oauth.parameters import describe_bad, parse_parameters
from authflow.emulator.oauth.scopes import ScopeError, grant_user_scopes, parse_scope

__all__ = [
    "AuthorizeRequest",
    "ErrorPageError",
    "RedirectError",
    "parse_authorize",
]

# RFC 7636 §4.2: a code challenge is 43-128 unreserved characters.
_CHALLENGE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_RESPONSE_FLOWS = {"code": "code", "token": "implicit"}


class ErrorPageError(Exception):
    """The request names no client or ``redirect_uri`` that may be redirected to."""

    def __init__(self, error: str, client_id: str | None) -> None:
        super().__init__(error)
        self.error = error
        self.client_id = client_id


class RedirectError(Exception):
    """An error to send back to the (registered) ``redirect_uri``."""

    def __init__(
        self,
        error: str,
        description: str,
        *,
        redirect_uri: str,
        state: str | None,
        fragment: bool,
    ) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.redirect_uri = redirect_uri
        self.state = state
        self.fragment = fragment

    def parameters(self) -> dict[str, str]:
        """The parameters the redirect carries."""
        params = {"error": self.error, "error_description": self.description}
        if self.state is not None:
            params["state"] = self.state
        return params


@attrs.frozen
class AuthorizeRequest:
    """A valid authorize request: the registered ``redirect_uri``, ``response_type`` (``code``
    or ``token``), the granted ``scopes`` and what the sign-in carries through."""

    client_id: str
    redirect_uri: str
    response_type: str
    scopes: tuple[str, ...]
    state: str | None = None
    nonce: str | None = attrs.field(default=None, repr=False)
    code_challenge: str | None = attrs.field(default=None, repr=False)
    login_hint: str | None = None

    @property
    def fragment(self) -> bool:
        """Whether answers go in the redirect's fragment (the implicit grant)."""
        return self.response_type == "token"


def parse_authorize(pool: Pool, pairs: Iterable[tuple[str, str]]) -> AuthorizeRequest:
    """Check an authorize request for ``pool``'s domain; raise :class:`ErrorPageError` or
    :class:`RedirectError` (see the module docs)."""
    params, bad = parse_parameters(pairs)
    client_id = params.get("client_id")
    if client_id is None or "client_id" in bad:
        raise ErrorPageError("invalid_request", None)
    client = pool.clients.get(client_id)
    if client is None:
        raise ErrorPageError("invalid_client", client_id)
    redirect_uri = params.get("redirect_uri")
    if redirect_uri is None or "redirect_uri" in bad or redirect_uri not in client.callback_urls:
        raise ErrorPageError("redirect_mismatch", client_id)
    return _checked(client, redirect_uri, params, bad)


def _checked(
    client: AppClient, redirect_uri: str, params: dict[str, str], bad: set[str]
) -> AuthorizeRequest:
    response_type = params.get("response_type")
    state = None if "state" in bad else params.get("state")

    def refuse(error: str, description: str) -> RedirectError:
        return RedirectError(
            error,
            description,
            redirect_uri=redirect_uri,
            state=state,
            fragment=response_type == "token",
        )

    if bad:
        raise refuse("invalid_request", describe_bad(bad))
    if response_type is None:
        raise refuse("invalid_request", "response_type is required")
    flow = _RESPONSE_FLOWS.get(response_type)
    if flow is None:
        raise refuse("unsupported_response_type", "response_type must be code or token")
    if flow not in client.oauth_flows:
        raise refuse("unauthorized_client", f"the {flow} flow is not allowed for this client")
    if "COGNITO" not in client.identity_providers:
        raise refuse("unauthorized_client", "COGNITO is not a supported identity provider")
    provider = params.get("identity_provider")
    if (provider is not None and provider != "COGNITO") or "idp_identifier" in params:
        raise refuse("invalid_request", "only the COGNITO identity provider is supported")
    if "resource" in params:
        raise refuse("invalid_request", "resource indicators are not supported by the emulator")
    try:
        scopes = grant_user_scopes(client, parse_scope(params.get("scope")))
    except ScopeError as exc:
        raise refuse("invalid_scope", str(exc)) from None
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if method is not None and challenge is None:
        raise refuse("invalid_request", "code_challenge_method without code_challenge")
    if challenge is not None:
        if method != "S256":
            raise refuse("invalid_request", "code_challenge_method must be S256")
        if not _CHALLENGE.fullmatch(challenge):
            raise refuse("invalid_request", "code_challenge is malformed")
    if "none" in (params.get("prompt") or "").split(" "):
        # The emulator keeps no browser session, so there is never one to reuse.
        raise refuse("login_required", "no signed-in session")
    return AuthorizeRequest(
        client_id=client.id,
        redirect_uri=redirect_uri,
        response_type=response_type,
        scopes=scopes,
        state=state,
        nonce=params.get("nonce"),
        code_challenge=challenge,
        login_hint=params.get("login_hint"),
    )

"""An authorization request in flight, and the authorization-code flow at rest.

* :class:`AuthorizationRequest` - what the engine sent the browser with: its ``state``, ``nonce``
  and PKCE ``code_verifier`` (all secrets, all single-use) and the URL itself;
* :class:`AuthorizationCodeSnapshot` - what ``AuthorizationCodeFlow.snapshot()`` writes and
  ``AuthClient.resume()`` reads, so the callback may reach another process than the one that
  built the URL.

Snapshot version 1 is ``{"version": 1, "kind": "authorization_code", "user_pool_id",
"client_id", "state", "redirect_uri", "scopes": [...], "identity_provider", "request":
{"state", "nonce", "code_verifier", "url", "created_at"} | null, "session_key"}``. Any member
missing or of the wrong type is a :class:`~authflow.protocol.errors.ValidationError` naming it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Mapping
from typing import Any

import attrs

from authflow.flows.session_flow import resumed_state
from authflow.protocol.checks import (
    check_finite,
    check_optional_text,
    check_record,
    check_text,
    check_text_list,
)
from authflow.protocol.errors import ValidationError
from authflow.protocol.oauth import (
    authorize_url,
    check_identity_provider,
    check_redirect_uri,
    check_scopes,
    new_pkce,
    new_secret,
)

__all__ = ["OAUTH_SNAPSHOT_VERSION", "AuthorizationCodeSnapshot", "AuthorizationRequest"]

#: The version :meth:`AuthorizationCodeSnapshot.to_json` writes.
OAUTH_SNAPSHOT_VERSION = 1
_KIND = "authorization_code"
_SECRET_MAX = 256


@attrs.frozen
class AuthorizationRequest:
    """One authorization request: the secrets it was sent with and its URL (none of them in a
    repr). ``created_at`` is the local epoch time it was made."""

    state: str = attrs.field(repr=False)
    nonce: str = attrs.field(repr=False)
    code_verifier: str = attrs.field(repr=False)
    url: str = attrs.field(repr=False)
    created_at: float

    @classmethod
    def new(
        cls,
        domain_url: str,
        *,
        client_id: str,
        redirect_uri: str,
        scopes: tuple[str, ...],
        identity_provider: str | None,
        now: float,
        token_bytes: Callable[[int], bytes] = secrets.token_bytes,
    ) -> AuthorizationRequest:
        """A fresh request: new ``state``, ``nonce`` and PKCE pair from ``token_bytes``."""
        state = new_secret(token_bytes)
        nonce = new_secret(token_bytes)
        verifier, challenge = new_pkce(token_bytes)
        url = authorize_url(
            domain_url,
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            state=state,
            nonce=nonce,
            code_challenge=challenge,
            identity_provider=identity_provider,
        )
        return cls(state=state, nonce=nonce, code_verifier=verifier, url=url, created_at=now)

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form (holds the secrets)."""
        return {
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "url": self.url,
            "created_at": self.created_at,
        }

    @classmethod
    def from_json(cls, data: object) -> AuthorizationRequest:
        """Read :meth:`to_json` output, checking every member."""
        record = check_record(data, "request")
        return cls(
            state=check_text(record.get("state"), "request.state", max_length=_SECRET_MAX),
            nonce=check_text(record.get("nonce"), "request.nonce", max_length=_SECRET_MAX),
            code_verifier=check_text(
                record.get("code_verifier"), "request.code_verifier", max_length=128
            ),
            url=check_text(record.get("url"), "request.url", max_length=16_384),
            created_at=check_finite(record.get("created_at"), "request.created_at"),
        )


@attrs.frozen(kw_only=True)
class AuthorizationCodeSnapshot:
    """One authorization-code flow's resumable state.

    It holds the pending request's PKCE verifier, ``state`` and ``nonce``: secrets that let
    whoever has them finish this sign-in with the callback, so store it like a token, and drop
    it once the callback has been handled (they are single-use).
    """

    user_pool_id: str
    client_id: str
    state: str
    redirect_uri: str
    scopes: tuple[str, ...]
    identity_provider: str | None = None
    request: AuthorizationRequest | None = None
    session_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON-safe version-1 record."""
        return {
            "version": OAUTH_SNAPSHOT_VERSION,
            "kind": _KIND,
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
            "state": self.state,
            "redirect_uri": self.redirect_uri,
            "scopes": list(self.scopes),
            "identity_provider": self.identity_provider,
            "request": None if self.request is None else self.request.to_json(),
            "session_key": self.session_key,
        }

    @staticmethod
    def is_one(data: object) -> bool:
        """Whether ``data`` claims to be such a snapshot (its ``kind``)."""
        return isinstance(data, AuthorizationCodeSnapshot) or (
            isinstance(data, Mapping) and data.get("kind") == _KIND
        )

    @classmethod
    def from_json(cls, data: object) -> AuthorizationCodeSnapshot:
        """Read a version-1 record, checking every member."""
        if not isinstance(data, Mapping) or data.get("kind") != _KIND:
            raise ValidationError("not an authorization-code snapshot", field="kind")
        version = data.get("version")
        if type(version) is not int or version != OAUTH_SNAPSHOT_VERSION:
            raise ValidationError("unsupported snapshot version", field="version")
        provider = data.get("identity_provider")
        raw_request = data.get("request")
        return cls(
            user_pool_id=check_text(data.get("user_pool_id"), "user_pool_id", max_length=55),
            client_id=check_text(data.get("client_id"), "client_id", max_length=128),
            state=check_text(data.get("state"), "state", max_length=64),
            redirect_uri=check_redirect_uri(data.get("redirect_uri")),
            scopes=check_scopes(check_text_list(data.get("scopes"), "scopes")),
            identity_provider=None if provider is None else check_identity_provider(provider),
            request=None if raw_request is None else AuthorizationRequest.from_json(raw_request),
            session_key=check_optional_text(data.get("session_key"), "session_key"),
        )

    def state_to_resume(
        self, *, user_pool_id: str, client_id: str, states: Collection[str]
    ) -> str:
        """The state a flow resumes in, after checking the snapshot fits: same pool and client,
        a known state, the request while one is pending, a session key once signed in. A refresh
        the snapshot interrupted resumes Authenticated."""
        state = resumed_state(
            self.state, self.session_key, snapshot_of=(self.user_pool_id, self.client_id),
            client=(user_pool_id, client_id), states=states,
        )
        if state == "ChallengePending" and self.request is None:
            raise ValidationError("a pending snapshot lacks its request", field="request")
        return state

"""AuthorizationCodeFlow: sign-in through the user pool's managed login page (OAuth 2.0 code
flow with PKCE, OpenID Connect), one explicit state machine driven by ``await flow.step()``.

States (the sign-in's five)::

    Unauthenticated ──start──▶ ChallengePending        (step(): the URL to send the browser to)
    ChallengePending ──redeem──▶ Authenticated         (step(callback_url): code → tokens)
                     ├─denied──▶ Unauthenticated       (the callback said error=...)
                     └─rejected──▶ Unauthenticated     (the code or its tokens were refused)
    Authenticated ──refresh──▶ Refreshing ──exchange──▶ (/oauth2/token, refresh_token grant)
                                ├─refreshed / refresh_failed──▶ Authenticated
                                └─expired──▶ SignedOut
    Authenticated ──sign_out──▶ SignedOut              (/oauth2/revoke; the logout URL)
    cancel: Unauthenticated | ChallengePending ──▶ SignedOut

Guarantees:

* ``state``, ``nonce`` and the PKCE S256 pair are fresh ``secrets`` values for every request and
  are single-use: once a callback carrying the right ``state`` has been handled (tokens, an
  ``error=``, or a refused code), they are forgotten and ``step()`` starts a new request.
* A callback whose ``state`` is missing or wrong (compared in constant time) raises
  :class:`~authflow.protocol.errors.StateMismatchError` and changes nothing: a forged callback
  cannot end the real sign-in. A malformed one raises
  :class:`~authflow.protocol.errors.ValidationError`, also changing nothing.
* ``error=...`` raises :class:`~authflow.protocol.errors.AuthorizationDeniedError` with the
  OAuth code (cut to RFC 6749's character set; no other callback parameter is repeated).
* A refused code (reused, expired, another client's or redirect URI's, wrong PKCE verifier)
  raises the token endpoint's typed error (:class:`~authflow.protocol.errors.InvalidGrantError`
  ...). A transient failure (network, 5xx, throttling, the JWKS out of reach) leaves the flow
  ChallengePending, so the same callback can be handled again; tokens already received are then
  checked again rather than the code redeemed twice.
* The tokens are verified (:mod:`authflow.flows.oauth_tokens`: signature, issuer, audience,
  ``nonce``, ``at_hash``) before the session is stored, in the client's store like any other,
  marked to refresh through ``/oauth2/token``. Tokens that fail a check are never stored, and
  their refresh token is revoked (best effort).
* ``snapshot()`` / ``AuthClient.resume()`` carry a pending request to another process.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from authflow.config import CognitoConfig
from authflow.flows.oauth_request import AuthorizationCodeSnapshot, AuthorizationRequest
from authflow.flows.oauth_tokens import CodeGrantChecks
from authflow.flows.session_flow import SESSION_STATES, SessionFlow, session_transitions
from authflow.flows.step import Step
from authflow.protocol.errors import (
    AuthflowError,
    InvalidStateError,
    SessionNotFoundError,
    StateMismatchError,
    ValidationError,
    oauth_error,
)
from authflow.protocol.oauth import (
    TokenResponse,
    check_identity_provider,
    check_redirect_uri,
    check_scopes,
    logout_url,
    parse_callback,
)
from authflow.sessions.manager import SessionManager, tokens_from_result
from authflow.sessions.record import Tokens
from authflow.transport.oauth import OAuthTransport

__all__ = ["AuthorizationCodeFlow"]

log = logging.getLogger("authflow.flows.oauth")

#: What ``step()`` expects while ChallengePending.
_EXPECTS = ("callback_url",)


class AuthorizationCodeFlow(SessionFlow):
    """A sign-in through the managed login page (see the module docstring).

    Create it with :meth:`authflow.AuthClient.authorize`; drive it with :meth:`step`::

        flow = auth.authorize("https://app.example.com/callback", scopes=["openid", "email"])
        step = await flow.step()            # ChallengePending: send the browser to step.url
        ...                                 # the browser comes back to the redirect URI
        step = await flow.step(callback_url)  # Authenticated: flow.session_key, flow.tokens
    """

    NAME = "AuthorizationCode"
    STATES: ClassVar[tuple[str, ...]] = SESSION_STATES
    INITIAL = "Unauthenticated"
    FINALS = frozenset({"SignedOut"})
    TRANSITIONS: ClassVar[tuple[dict[str, Any], ...]] = (
        {"trigger": "start", "source": "Unauthenticated", "dest": "ChallengePending",
         "before": "_new_request"},
        {"trigger": "redeem", "source": "ChallengePending", "dest": "Authenticated",
         "before": "_redeem_code"},
        {"trigger": "denied", "source": "ChallengePending", "dest": "Unauthenticated"},
        {"trigger": "rejected", "source": "ChallengePending", "dest": "Unauthenticated"},
        *session_transitions("_revoke"),
    )  # fmt: skip

    def __init__(
        self,
        *,
        config: CognitoConfig,
        oauth: OAuthTransport,
        sessions: SessionManager,
        checks: CodeGrantChecks,
        redirect_uri: str,
        scopes: Iterable[str] = ("openid",),
        identity_provider: str | None = None,
        clock: Callable[[], float] = time.time,
        token_bytes: Callable[[int], bytes] = secrets.token_bytes,
        initial: str | None = None,
    ) -> None:
        if config.domain_url is None:
            raise ValidationError(
                "the managed login needs the pool's domain: CognitoConfig(domain=...) or "
                "domain_prefix=...",
                field="domain",
            )
        self._redirect_uri = check_redirect_uri(redirect_uri)
        self._scopes = check_scopes(scopes)
        self._provider = (
            None if identity_provider is None else check_identity_provider(identity_provider)
        )
        super().__init__(initial=initial)
        self._config = config
        self._domain = config.domain_url
        self._oauth = oauth
        self._sessions = sessions
        self._checks = checks
        self._clock = clock
        self._token_bytes = token_bytes
        self._request: AuthorizationRequest | None = None
        # tokens already received for the pending request, not yet verified and stored
        self._redeemed: tuple[TokenResponse, float] | None = None
        self._tokens: Tokens | None = None
        self.session_key: str | None = None

    def __repr__(self) -> str:
        return (
            f"AuthorizationCodeFlow(state={self.state!r}, redirect_uri={self._redirect_uri!r}, "
            f"scopes={self._scopes!r})"
        )

    # -- public view --------------------------------------------------------------------------

    @property
    def redirect_uri(self) -> str:
        """Where the browser is sent back to."""
        return self._redirect_uri

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes asked for."""
        return self._scopes

    @property
    def authorization_url(self) -> str | None:
        """The URL to send the browser to while ChallengePending, else ``None``."""
        if self.state != "ChallengePending" or self._request is None:
            return None
        return self._request.url

    @property
    def tokens(self) -> Tokens | None:
        """The tokens once Authenticated (the latest after a refresh)."""
        return self._tokens

    @property
    def current(self) -> Step:
        """The :class:`Step` describing where the flow is now."""
        state = self.state
        if state == "ChallengePending":
            return Step(state=state, expects=_EXPECTS, url=self.authorization_url)
        return Step(state=state, tokens=self._tokens if state != "SignedOut" else None)

    # -- the driver ---------------------------------------------------------------------------

    async def step(self, callback: str | Mapping[str, str] | None = None) -> Step:
        """Advance the sign-in by one caller turn and return the new :class:`Step`.

        * Unauthenticated: ``step()`` makes a new authorization request; ``step.url`` is where
          to send the browser.
        * ChallengePending: ``step(callback)`` with the URL the browser was sent back to (or
          its query string, or a mapping of its query parameters) checks ``state``, redeems the
          code and verifies the tokens; the session is then stored (``flow.session_key``).

        Raises as the module docstring says; :class:`InvalidStateError` once Authenticated or
        SignedOut.
        """
        async with self._lock:
            state = self.state
            if state == "Unauthenticated":
                if callback is not None:
                    raise ValidationError(
                        "no authorization request is pending: step() makes one", field="callback"
                    )
                await self._fire("start")
            elif state == "ChallengePending":
                if callback is None:
                    raise ValidationError(
                        "waiting for the browser: step(callback_url)", field="callback"
                    )
                await self._receive(callback)
            else:
                raise InvalidStateError(
                    f"{self.NAME}: step() is not possible while {state}",
                    state=state,
                    trigger="step",
                )
            return self.current

    async def cancel(self) -> None:
        """Abandon an unfinished sign-in (→ SignedOut); the pending request is forgotten."""
        async with self._lock:
            await self._fire("cancel")
            self._request = None
            self._redeemed = None

    async def sign_out(self, *, logout_uri: str | None = None) -> str:
        """Revoke the session's refresh token (``/oauth2/revoke``: its access and ID tokens go
        with it), forget the session, and return the domain's logout URL to send the browser to
        so the managed login forgets the user too: to ``logout_uri`` (one of the app client's
        sign-out URLs) when given, else back to the login page for this flow's redirect URI.
        On error the flow stays Authenticated."""
        if logout_uri is not None:
            logout_uri = check_redirect_uri(logout_uri, field="logout_uri")
        async with self._lock:
            await self._fire("sign_out")
        return logout_url(
            self._domain,
            client_id=self._config.client_id,
            logout_uri=logout_uri,
            redirect_uri=None if logout_uri is not None else self._redirect_uri,
        )

    # -- the authorization request and the callback ------------------------------------------

    async def _new_request(self, event: Any) -> None:
        self._redeemed = None
        self._request = AuthorizationRequest.new(
            self._domain,
            client_id=self._config.client_id,
            redirect_uri=self._redirect_uri,
            scopes=self._scopes,
            identity_provider=self._provider,
            now=self._clock(),
            token_bytes=self._token_bytes,
        )

    async def _receive(self, raw: object) -> None:
        request = self._request
        assert request is not None
        answer = parse_callback(raw)
        if answer.state is None or not hmac.compare_digest(
            answer.state.encode("utf-8"), request.state.encode("utf-8")
        ):
            raise StateMismatchError()
        if answer.error is not None:
            error = oauth_error(
                answer.error, answer.error_description, operation="oauth2/authorize", denied=True
            )
            self._request = self._redeemed = None
            await self._fire("denied")
            raise error
        if answer.code is None and self._redeemed is None:
            raise ValidationError("the callback has neither a code nor an error", field="code")
        try:
            await self._fire("redeem", code=answer.code)
        except AuthflowError as exc:
            if exc.retryable:
                raise  # still ChallengePending: the same callback can be handled again
            refused, self._request, self._redeemed = self._redeemed, None, None
            await self._fire("rejected")
            if refused is not None:
                await self._revoke_refused(refused[0])
            raise

    async def _revoke_refused(self, response: TokenResponse) -> None:
        """Tokens that failed their checks (an injected code, a forged ID token) are not kept:
        their refresh token is revoked, best effort, so nobody can use the session."""
        if response.refresh_token is None:
            return
        cfg = self._config
        try:
            await self._oauth.revoke(
                response.refresh_token, client_id=cfg.client_id, client_secret=cfg.client_secret
            )
        except AuthflowError as exc:
            log.info("could not revoke refused tokens (%s)", type(exc).__name__)

    async def _redeem_code(self, event: Any) -> None:
        request = self._request
        assert request is not None
        if self._redeemed is None:
            received = self._clock()
            cfg = self._config
            body = await self._oauth.token(
                {
                    "grant_type": "authorization_code",
                    "code": event.kwargs["code"],
                    "redirect_uri": self._redirect_uri,
                    "code_verifier": request.code_verifier,
                },
                client_id=cfg.client_id,
                client_secret=cfg.client_secret,
            )
            self._redeemed = (TokenResponse.from_wire(body), received)
        response, received = self._redeemed
        claims = await self._checks.check(response, nonce=request.nonce)
        tokens = tokens_from_result(response.authentication_result(), received)
        self.session_key = await self._sessions.open_session(
            login=claims.username or claims.sub,
            tokens=tokens,
            received_at=received,
            device_key=None,
            refresh_with="oauth",
        )
        self._tokens = tokens
        self._request = self._redeemed = None

    # -- refresh and sign-out -----------------------------------------------------------------

    async def _send_refresh(self, event: Any) -> None:
        if self.session_key is None:
            raise InvalidStateError("no session to refresh", state=self.state)
        record = await self._sessions.refresh(self.session_key, force=True)
        self._tokens = record.tokens

    async def _revoke(self, event: Any) -> None:
        if self.session_key is None:
            raise InvalidStateError("no session to sign out", state=self.state)
        record = await self._sessions.load(self.session_key)
        if record is not None and record.tokens.refresh_token:
            cfg = self._config
            await self._oauth.revoke(
                record.tokens.refresh_token,
                client_id=cfg.client_id,
                client_secret=cfg.client_secret,
            )
        await self._sessions.forget(self.session_key)
        self._tokens = None

    # -- snapshot / resume ----------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """A versioned, JSON-safe record of the flow (:class:`AuthorizationCodeSnapshot`).

        While ChallengePending it holds the request's PKCE verifier, ``state`` and ``nonce``:
        secrets that finish this sign-in together with the callback. Store it like a token, and
        drop it once the callback was handled (they are single-use). ``AuthClient.resume``
        rebuilds the flow, in this process or another.
        """
        return AuthorizationCodeSnapshot(
            user_pool_id=self._config.user_pool_id,
            client_id=self._config.client_id,
            state=self.state,
            redirect_uri=self._redirect_uri,
            scopes=self._scopes,
            identity_provider=self._provider,
            request=self._request if self.state == "ChallengePending" else None,
            session_key=self.session_key,
        ).to_json()

    @classmethod
    async def from_snapshot(
        cls,
        record: Mapping[str, Any] | AuthorizationCodeSnapshot,
        *,
        config: CognitoConfig,
        oauth: OAuthTransport,
        sessions: SessionManager,
        checks: CodeGrantChecks,
        clock: Callable[[], float] = time.time,
    ) -> AuthorizationCodeFlow:
        """Rebuild a flow from :meth:`snapshot` output (see ``AuthClient.resume``)."""
        snap = (
            record
            if isinstance(record, AuthorizationCodeSnapshot)
            else AuthorizationCodeSnapshot.from_json(record)
        )
        state = snap.state_to_resume(
            user_pool_id=config.user_pool_id, client_id=config.client_id, states=cls.STATES
        )
        flow = cls(
            config=config,
            oauth=oauth,
            sessions=sessions,
            checks=checks,
            redirect_uri=snap.redirect_uri,
            scopes=snap.scopes,
            identity_provider=snap.identity_provider,
            clock=clock,
            initial=state,
        )
        flow._request = snap.request if state == "ChallengePending" else None
        flow.session_key = snap.session_key
        if state == "Authenticated":
            assert snap.session_key is not None
            session = await sessions.load(snap.session_key)
            if session is None:
                raise SessionNotFoundError(snap.session_key)
            flow._tokens = session.tokens
        return flow

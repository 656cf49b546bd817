"""The OAuth 2.0 / OpenID Connect endpoints and managed login pages of every pool domain.

:class:`OAuthEndpoints` is the synchronous logic behind ``{domain}/oauth2/authorize``,
``{domain}/login``, ``{domain}/error``, ``{domain}/oauth2/token``, ``{domain}/oauth2/userInfo``,
``{domain}/oauth2/revoke`` and ``{domain}/logout``: each method takes a
:class:`~authflow.emulator.oauth.http_messages.DomainRequest` and returns an
:class:`~authflow.emulator.oauth.http_messages.HttpAnswer`, under the core's lock. The web layer
(:mod:`authflow.emulator.oauth_routes`) routes requests to it and applies faults. What each
endpoint accepts and answers is in docs/emulator-oauth.md.
"""

from __future__ import annotations

import hmac
import threading
import urllib.parse
from typing import Any

from authflow.emulator.config import EmulatorConfig
from authflow.emulator.domain import AppClient, Pool
from authflow.emulator.jwt import decode_jwt
from authflow.emulator.oauth import discovery, grants, pages
from authflow.emulator.oauth.authorization_codes import AuthorizationCodes, CodeGrant
from authflow.emulator.oauth.authorize import (
    AuthorizeRequest,
    ErrorPageError,
    RedirectError,
    parse_authorize,
)
from authflow.emulator.oauth.client_auth import authenticate_client
from authflow.emulator.oauth.http_messages import (
    DomainRequest,
    HttpAnswer,
    OAuthError,
    html_answer,
    json_answer,
    redirect_answer,
    with_parameters,
)
from authflow.emulator.oauth.login import LoginStep, ManagedLogin, OperationRunner
from authflow.emulator.oauth.parameters import parse_form, parse_parameters
from authflow.emulator.oauth.userinfo import invalid_request, invalid_token, userinfo_claims
from authflow.emulator.ops.domains import find_domain_pool
from authflow.emulator.ops.signin_router import SignInRouter
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    InvalidParameterError,
    ServiceError,
    UnauthorizedError,
    UnsupportedTokenTypeError,
)

__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "OAuthEndpoints"]

#: The CSRF cookie and its hidden-field twin on the login forms (Cognito's names).
CSRF_COOKIE = "XSRF-TOKEN"
CSRF_FIELD = "_csrf"
_CORS = ("Access-Control-Allow-Origin", "*")
_SHOWN_LENGTH = 256


class OAuthEndpoints:
    """The OAuth 2.0 endpoints of one emulator; ``run`` runs a Cognito operation as the API
    would, ``sign_in`` holds the sign-in handlers the login pages reuse."""

    def __init__(
        self,
        svc: Services,
        lock: threading.RLock,
        sign_in: SignInRouter,
        run: OperationRunner,
        config: EmulatorConfig,
    ) -> None:
        self._svc = svc
        self._lock = lock
        self._run = run
        #: Authorization codes waiting to be redeemed.
        self.codes = AuthorizationCodes(
            svc.clock, svc.randomness, config.authorization_code_seconds
        )
        #: Managed-login sign-ins in progress.
        self.login = ManagedLogin(svc, sign_in, run)

    def __repr__(self) -> str:
        return f"<OAuthEndpoints {self.codes!r} {self.login!r}>"

    # ------------------------------------------------------------------ browser endpoints

    def authorize(self, req: DomainRequest) -> HttpAnswer:
        """``GET /oauth2/authorize``: on to the login page with every parameter, or an error."""
        with self._lock:
            found = self._authorize_request(req)
        if isinstance(found, HttpAnswer):
            return found
        return redirect_answer(_action(req))

    def login_form(self, req: DomainRequest) -> HttpAnswer:
        """``GET /login``: the sign-in form (with a fresh CSRF cookie)."""
        with self._lock:
            found = self._authorize_request(req)
            if isinstance(found, HttpAnswer):
                return found
            pool, areq = found
            csrf = self._svc.randomness.session_token()
            client = pool.clients[areq.client_id]
            html = pages.login_page(
                _action(req), csrf, client_name=client.name, username=areq.login_hint or ""
            )
        cookie = f"{CSRF_COOKIE}={csrf}; Path={req.base_path or '/'}; HttpOnly; SameSite=Lax"
        return html_answer(html, 200, ("Set-Cookie", cookie))

    def login_submit(self, req: DomainRequest) -> HttpAnswer:
        """``POST /login``: the sign-in form or a challenge form answered."""
        with self._lock:
            found = self._authorize_request(req)
            if isinstance(found, HttpAnswer):
                return found
            pool, areq = found
            try:
                fields = parse_form(req.content_type, req.body)
            except OAuthError:
                return html_answer(pages.error_page("invalid_request", None), 400)
            csrf = req.cookies.get(CSRF_COOKIE, "")
            given = fields.get(CSRF_FIELD, "")
            if not csrf or not hmac.compare_digest(csrf.encode(), given.encode()):
                return html_answer(pages.error_page("invalid_csrf_token", None), 403)
            client = pool.clients[areq.client_id]
            username = fields.get("username", "")
            if "transaction" in fields:
                step = self.login.answer(pool, client, fields["transaction"], fields)
            else:
                step = self.login.sign_in(pool, client, username, fields.get("password", ""))
            return self._after(req, pool, client, areq, step, csrf, username)

    def error_page(self, req: DomainRequest) -> HttpAnswer:
        """``GET /error``: the page shown instead of redirecting to an untrusted URI."""
        params, _ = parse_parameters(req.query)
        error = params.get("error", "invalid_request")[:_SHOWN_LENGTH]
        client_id = params.get("client_id")
        return html_answer(pages.error_page(error, client_id and client_id[:_SHOWN_LENGTH]), 400)

    def logout(self, req: DomainRequest) -> HttpAnswer:
        """``GET /logout``: ``client_id`` + a registered ``logout_uri`` → 302 there; the
        ``redirect_uri`` + ``response_type`` form → the login page; otherwise the error page."""
        with self._lock:
            pool = find_domain_pool(self._svc, req.prefix)
            if pool is None:
                return _no_domain()
            params, bad = parse_parameters(req.query)
            client_id = params.get("client_id")
            client = pool.clients.get(client_id) if client_id and not bad else None
            if client is None:
                return _refusal(req, ErrorPageError("invalid_request", client_id))
            logout_uri = params.get("logout_uri")
            if logout_uri is not None:
                if logout_uri not in client.logout_urls:
                    return _refusal(req, ErrorPageError("redirect_mismatch", client_id))
                return redirect_answer(logout_uri)
        if "redirect_uri" in params and "response_type" in params:
            return redirect_answer(_action(req))
        return _refusal(req, ErrorPageError("invalid_request", client_id))

    # ------------------------------------------------------------------ JSON endpoints

    def token(self, req: DomainRequest) -> HttpAnswer:
        """``POST /oauth2/token``: the authorization-code, refresh-token and client-credentials
        grants."""
        with self._lock:
            pool = find_domain_pool(self._svc, req.prefix)
            if pool is None:
                return _no_domain()
            try:
                params = parse_form(req.content_type, req.body)
                grant_type = params.get("grant_type")
                if grant_type is None:
                    raise OAuthError("invalid_request", "grant_type is required")
                if grant_type not in grants.GRANT_TYPES:
                    raise OAuthError("unsupported_grant_type")
                client = authenticate_client(pool, req.authorization, params)
                if grant_type == "authorization_code":
                    body = grants.authorization_code_grant(
                        self._svc, self.codes, pool, client, params
                    )
                elif grant_type == "refresh_token":
                    body = grants.refresh_token_grant(self._svc, self._run, client, params)
                else:
                    body = grants.client_credentials_grant(self._svc, pool, client, params)
            except OAuthError as error:
                return error.answer(_CORS)
        return json_answer(body, 200, _CORS)

    def userinfo(self, req: DomainRequest) -> HttpAnswer:
        """``GET``/``POST /oauth2/userInfo`` with ``Authorization: Bearer <access token>``."""
        scheme, _, token = (req.authorization or "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return invalid_request()
        with self._lock:
            pool = find_domain_pool(self._svc, req.prefix)
            if pool is None:
                return _no_domain()
            try:
                owner, client, user, claims = self._svc.tokens.authorize(token, "openid")
            except ServiceError:
                return invalid_token()
            if owner is not pool:
                return invalid_token()
            scopes = str(claims.get("scope", "")).split()
            return json_answer(userinfo_claims(client, user, scopes))

    def revoke(self, req: DomainRequest) -> HttpAnswer:
        """``POST /oauth2/revoke``: revoke a refresh token (and its sign-in's tokens) through
        the RevokeToken operation; 200 with an empty body, also for an unknown token."""
        with self._lock:
            pool = find_domain_pool(self._svc, req.prefix)
            if pool is None:
                return _no_domain()
            try:
                params = parse_form(req.content_type, req.body)
                token = params.get("token")
                if token is None:
                    raise OAuthError("invalid_request", "token is required")
                client = authenticate_client(pool, req.authorization, params, status=401)
                body = {"Token": token, "ClientId": client.id}
                if client.secret is not None:
                    body["ClientSecret"] = client.secret
                self._run("RevokeToken", body)
            except OAuthError as error:
                return error.answer()
            except UnsupportedTokenTypeError:
                return OAuthError("unsupported_token_type").answer()
            except UnauthorizedError:
                return OAuthError("invalid_client", status=401).answer()
            except (InvalidParameterError, ServiceError):
                return OAuthError("invalid_request").answer()
        return HttpAnswer(status=200, headers=(("Cache-Control", "no-store"),))

    # ------------------------------------------------------------------ discovery

    def openid_configuration(self, endpoint: str, pool_id: str) -> dict[str, Any]:
        """The discovery document of pool ``pool_id`` on the emulator at ``endpoint``."""
        with self._lock:
            pool = self._svc.directory.pool(pool_id)
            return discovery.openid_configuration(endpoint, self._svc.tokens.issuer(pool), pool)

    # ------------------------------------------------------------------ steps

    def _authorize_request(self, req: DomainRequest) -> tuple[Pool, AuthorizeRequest] | HttpAnswer:
        """The pool and valid authorize request ``req`` carries, or the answer refusing it."""
        pool = find_domain_pool(self._svc, req.prefix)
        if pool is None:
            return _no_domain()
        try:
            return pool, parse_authorize(pool, req.query)
        except (ErrorPageError, RedirectError) as error:
            return _refusal(req, error)

    def _after(
        self,
        req: DomainRequest,
        pool: Pool,
        client: AppClient,
        areq: AuthorizeRequest,
        step: LoginStep,
        csrf: str,
        username: str,
    ) -> HttpAnswer:
        if step.result is not None:
            return self._signed_in(pool, client, areq, step.result)
        tx = step.transaction
        if tx is not None:
            html = pages.challenge_page(
                _action(req), csrf, tx.id, tx.challenge, tx.parameters, tx.options, error=step.error
            )
            return html_answer(html)
        html = pages.login_page(
            _action(req), csrf, client_name=client.name, username=username, error=step.error
        )
        return html_answer(html)

    def _signed_in(
        self, pool: Pool, client: AppClient, areq: AuthorizeRequest, result: dict[str, Any]
    ) -> HttpAnswer:
        """Back to the client: a code (``response_type=code``) or tokens in the fragment."""
        claims = decode_jwt(str(result["AccessToken"]))[1]
        origin_jti, username = str(claims["origin_jti"]), str(claims["username"])
        params: dict[str, str] = {}
        if areq.response_type == "code":
            grant = CodeGrant(
                pool_id=pool.id,
                client_id=client.id,
                redirect_uri=areq.redirect_uri,
                scopes=areq.scopes,
                username=username,
                origin_jti=origin_jti,
                refresh_token=str(result["RefreshToken"]),
                nonce=areq.nonce,
                code_challenge=areq.code_challenge,
            )
            params["code"] = self.codes.issue(grant)
        else:
            family = pool.families[origin_jti]
            user = pool.user(username)
            assert user is not None  # it signed in under the lock just now
            family.scopes = areq.scopes
            tokens = self._svc.tokens.issue(pool, client, user, family, nonce=areq.nonce)
            if "openid" in areq.scopes:
                params["id_token"] = tokens["IdToken"]
            params["access_token"] = tokens["AccessToken"]
            params["token_type"] = "bearer"
            params["expires_in"] = str(tokens["ExpiresIn"])
        if areq.state is not None:
            params["state"] = areq.state
        return redirect_answer(with_parameters(areq.redirect_uri, params, fragment=areq.fragment))


def _action(req: DomainRequest) -> str:
    return f"{req.path('login')}?{req.raw_query}"


def _no_domain() -> HttpAnswer:
    return json_answer({"error": "not_found", "error_description": "no such domain"}, 404)


def _refusal(req: DomainRequest, error: ErrorPageError | RedirectError) -> HttpAnswer:
    if isinstance(error, RedirectError):
        url = with_parameters(error.redirect_uri, error.parameters(), fragment=error.fragment)
        return redirect_answer(url)
    params = {"error": error.error}
    if error.client_id is not None:
        params["client_id"] = error.client_id[:_SHOWN_LENGTH]
    return redirect_answer(f"{req.path('error')}?{urllib.parse.urlencode(params)}")

"""Helpers for the OAuth 2.0 endpoint tests: a pool with a domain and an OAuth app client, PKCE,
authorize URLs, and a browserless driver of the managed login pages over plain HTTP."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import urllib.parse
from collections.abc import Sequence
from typing import Any

import aiohttp
import attrs

from authflow.emulator import Emulator

from .conftest import PASSWORD, make_user

CALLBACK = "http://localhost:8700/callback"
LOGOUT = "http://localhost:8700/signed-out"
USER_SCOPES = ("openid", "email", "profile", "aws.cognito.signin.user.admin")


@attrs.frozen
class OAuthApp:
    """A pool with a domain and one OAuth app client."""

    pool_id: str
    client_id: str
    secret: str | None
    base: str


def oauth_app(
    emu: Emulator,
    *,
    prefix: str = "my-app",
    secret: bool = False,
    flows: Sequence[str] = ("code",),
    scopes: Sequence[str] = USER_SCOPES,
    pool_id: str | None = None,
    **settings: Any,
) -> OAuthApp:
    """A pool (new unless ``pool_id``) with domain ``prefix`` and an OAuth client."""
    if pool_id is None:
        pool_id = emu.create_user_pool("oauth").id
        emu.create_user_pool_domain(pool_id, prefix)
    settings.setdefault("callback_urls", [CALLBACK])
    settings.setdefault("logout_urls", [LOGOUT])
    client = emu.create_user_pool_client(
        pool_id,
        "web",
        generate_secret=secret,
        allowed_oauth_flows=list(flows),
        allowed_oauth_scopes=list(scopes),
        allowed_oauth_flows_user_pool_client=True,
        supported_identity_providers=["COGNITO"],
        **settings,
    )
    return OAuthApp(pool_id, client.id, client.secret, emu.domain_url(pool_id))


def m2m_app(emu: Emulator, prefix: str = "m2m-domain") -> OAuthApp:
    """A pool with domain ``prefix``, a resource server ``orders`` (scopes ``read``, ``write``)
    and a client-credentials app client with a secret."""
    pool = emu.create_user_pool("m2m")
    emu.create_user_pool_domain(pool.id, prefix)
    emu.handle(
        "CreateResourceServer",
        {
            "UserPoolId": pool.id,
            "Identifier": "orders",
            "Name": "Orders",
            "Scopes": [
                {"ScopeName": "read", "ScopeDescription": "Read"},
                {"ScopeName": "write", "ScopeDescription": "Write"},
            ],
        },
    )
    return oauth_app(
        emu,
        pool_id=pool.id,
        secret=True,
        flows=("client_credentials",),
        scopes=("orders/read", "orders/write"),
        callback_urls=[],
        logout_urls=[],
    )


def add_user(emu: Emulator, app: OAuthApp, username: str = "alice", **attributes: str) -> None:
    attributes.setdefault("email", f"{username}@example.com")
    make_user(emu, app.pool_id, username, **attributes)


def pkce() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge, computed here independently of the emulator."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(app: OAuthApp, **params: str | None) -> str:
    """``{base}/oauth2/authorize`` with Cognito's parameters (``None`` leaves one out)."""
    query: dict[str, str | None] = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": CALLBACK,
        "scope": " ".join(USER_SCOPES),
        "state": "state-123",
    }
    query.update(params)
    given = {k: v for k, v in query.items() if v is not None}
    return f"{app.base}/oauth2/authorize?{urllib.parse.urlencode(given)}"


def callback_parameters(location: str) -> dict[str, str]:
    """The parameters a redirect to the callback carries (query, or fragment when present)."""
    parts = urllib.parse.urlsplit(location)
    return dict(urllib.parse.parse_qsl(parts.fragment or parts.query, keep_blank_values=True))


def code_grant(app: OAuthApp, code: str, **extra: str) -> dict[str, str]:
    """The token request redeeming ``code`` for the public client of ``app``."""
    return {
        "grant_type": "authorization_code",
        "client_id": app.client_id,
        "code": code,
        "redirect_uri": CALLBACK,
        **extra,
    }


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@attrs.frozen
class Page:
    """One managed-login page: its URL, status and HTML."""

    url: str
    status: int
    html: str

    def hidden(self) -> dict[str, str]:
        return dict(re.findall(r"type='hidden' name='([^']+)' value='([^']*)'", self.html))

    def error(self) -> str | None:
        found = re.search(r"id='error'>([^<]*)<", self.html)
        return found.group(1) if found else None


class LoginDriver:
    """Drives the managed login over plain HTTP (cookies kept, redirects not followed)."""

    def __init__(self, session: aiohttp.ClientSession, origin: str) -> None:
        self.session = session
        self.origin = origin

    async def open(self, url: str) -> Page | str:
        """GET the authorize URL and follow it to the login page; a redirect that leaves the
        domain (to the client, or the error page) is returned as its Location."""
        async with self.session.get(url, allow_redirects=False) as resp:
            if resp.status != 302:
                return Page(url, resp.status, await resp.text())
            location = resp.headers["Location"]
        if not location.startswith("/domains/") or "/error?" in location:
            return location
        login_url = self.origin + location
        async with self.session.get(login_url, allow_redirects=False) as resp:
            return Page(login_url, resp.status, await resp.text())

    async def submit(self, page: Page, **fields: str) -> Page | str:
        """Post a form of ``page`` (its hidden fields plus ``fields``); the next page, or the
        Location it redirected to."""
        data = {**page.hidden(), **fields}
        async with self.session.post(page.url, data=data, allow_redirects=False) as resp:
            if resp.status == 302:
                return resp.headers["Location"]
            return Page(page.url, resp.status, await resp.text())

    async def sign_in(
        self, url: str, username: str = "alice", password: str = PASSWORD
    ) -> Page | str:
        page = await self.open(url)
        assert isinstance(page, Page), page
        return await self.submit(page, username=username, password=password)

    async def code(self, app: OAuthApp, username: str = "alice", **params: str | None) -> str:
        """Sign ``username`` in through the login page; the code the callback got."""
        location = await self.sign_in(authorize_url(app, **params), username)
        assert isinstance(location, str) and location.startswith(CALLBACK + "?"), location
        return callback_parameters(location)["code"]

    async def tokens(self, app: OAuthApp, username: str = "alice", **params: str | None) -> Any:
        """Sign in and redeem the code (public client); the token response."""
        code = await self.code(app, username, **params)
        status, _, body = await self.token(app.base, code_grant(app, code))
        assert status == 200, body
        return body

    async def token(
        self, base: str, data: dict[str, str], *, authorization: str | None = None
    ) -> tuple[int, Any, Any]:
        headers = {"Authorization": authorization} if authorization else {}
        async with self.session.post(f"{base}/oauth2/token", data=data, headers=headers) as resp:
            return resp.status, resp.headers, await resp.json(content_type=None)


def new_session() -> aiohttp.ClientSession:
    # The emulator is on 127.0.0.1: aiohttp keeps cookies for IP hosts only with unsafe=True.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

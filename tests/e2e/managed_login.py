"""Helpers for the engine's OAuth tests: an AuthClient on an emulated pool domain, a browserless
walk through the managed login (the emulator tests' LoginDriver), and a machine-to-machine app
client with a resource server."""

from __future__ import annotations

from typing import Any

from emulator.oauth_support import (
    CALLBACK,
    LOGOUT,
    USER_SCOPES,
    LoginDriver,
    OAuthApp,
    Page,
    add_user,
    new_session,
    oauth_app,
)
from token_requests import count_token_requests

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.storage import MemoryStore
from authflow.storage.base import Store

__all__ = [
    "CALLBACK",
    "LOGOUT",
    "USER_SCOPES",
    "LoginDriver",
    "OAuthApp",
    "Page",
    "add_user",
    "browser_callback",
    "m2m_app",
    "new_session",
    "oauth_app",
    "count_token_requests",
    "oauth_client",
    "oauth_config",
    "web_app",
]

REFRESHABLE = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def web_app(emu: Emulator, **settings: Any) -> OAuthApp:
    """A pool with a domain, user ``alice`` and a code-flow app client that may refresh."""
    settings.setdefault("explicit_auth_flows", REFRESHABLE)
    app = oauth_app(emu, **settings)
    add_user(emu, app)
    return app


def m2m_app(emu: Emulator, prefix: str = "m2m-domain") -> OAuthApp:
    """A pool with a domain, a resource server ``orders`` (scopes read, write) and a
    client-credentials app client with a secret."""
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


def oauth_config(emu: Emulator, app: OAuthApp, **overrides: Any) -> CognitoConfig:
    settings: dict[str, Any] = {
        "user_pool_id": app.pool_id,
        "client_id": app.client_id,
        "client_secret": app.secret,
        "endpoint": emu.endpoint,
        "domain": app.base,
    }
    settings.update(overrides)
    return CognitoConfig(**settings)


def oauth_client(
    emu: Emulator, app: OAuthApp, clock: ManualClock, *, store: Store | None = None,
    **overrides: Any,
) -> AuthClient:
    """An AuthClient for ``app`` with the domain configured, on the emulator's clock."""
    return AuthClient(
        oauth_config(emu, app, **overrides), store=store or MemoryStore(), clock=clock
    )


async def browser_callback(
    emu: Emulator, url: str, username: str = "alice", password: str | None = None
) -> str:
    """What a browser does with the engine's authorize URL: the login page, the username and
    password, then the redirect; returns the callback URL it was sent to."""
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        if password is None:
            location = await driver.sign_in(url, username)
        else:
            location = await driver.sign_in(url, username, password)
    assert isinstance(location, str), location
    return location


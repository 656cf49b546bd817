"""Helpers for the engine's OAuth tests: an AuthClient on an emulated pool domain, a browserless
walk through the managed login (the emulator tests' LoginDriver), flows waiting for or past
their callback, and (from the emulator tests) a machine-to-machine app client."""

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
    m2m_app,
    new_session,
    oauth_app,
)
from token_requests import count_token_requests

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.flows import AuthorizationCodeFlow
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
    "awaiting_callback",
    "browser_callback",
    "m2m_app",
    "new_session",
    "oauth_app",
    "count_token_requests",
    "oauth_client",
    "oauth_config",
    "signed_in",
    "web_app",
]

REFRESHABLE = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def web_app(emu: Emulator, **settings: Any) -> OAuthApp:
    """A pool with a domain, user ``alice`` and a code-flow app client that may refresh."""
    settings.setdefault("explicit_auth_flows", REFRESHABLE)
    app = oauth_app(emu, **settings)
    add_user(emu, app)
    return app


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



async def awaiting_callback(
    emu: Emulator, auth: AuthClient, redirect_uri: str = CALLBACK,
    scopes: tuple[str, ...] = USER_SCOPES,
) -> tuple[AuthorizationCodeFlow, str]:
    """A flow whose browser has signed ``alice`` in: the flow, still ChallengePending, and the
    callback URL the browser was sent to."""
    flow = auth.authorize(redirect_uri, scopes=scopes)
    step = await flow.step()
    assert step.url is not None
    return flow, await browser_callback(emu, step.url)


async def signed_in(emu: Emulator, auth: AuthClient) -> AuthorizationCodeFlow:
    """A flow that signed ``alice`` in through the managed login (Authenticated)."""
    flow, callback = await awaiting_callback(emu, auth)
    await flow.step(callback)
    assert flow.state == "Authenticated" and flow.session_key is not None
    return flow

"""The managed login in a real browser, driven by the engine: the authorize URL from
``auth.authorize(...).step()`` (state, nonce, PKCE S256), the emulator's login page in headless
Chromium, a username and password typed in (and a TOTP code for a user with MFA), the redirect to
a callback server of our own on 127.0.0.1, then ``flow.step(callback_url)``: the code redeemed,
the ID token verified, the session stored, and its access token good for GetUser."""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from aiohttp import web

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator
from authflow.protocol.jwt import jwt_claims

PASSWORD = "Correct-Horse-9!"
SCOPES = "openid email aws.cognito.signin.user.admin"


class CallbackServer:
    """The client application's redirect target: records each callback's full URL."""

    def __init__(self) -> None:
        self.calls: asyncio.Queue[str] = asyncio.Queue()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/callback", self._callback)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/callback"

    async def _callback(self, request: web.Request) -> web.Response:
        await self.calls.put(str(request.url))
        return web.Response(
            text="<html><body><h1>Signed in</h1></body></html>", content_type="text/html"
        )

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def callback() -> AsyncIterator[CallbackServer]:
    server = CallbackServer()
    await server.start()
    yield server
    await server.close()


def _provision(emu: Emulator, callback_url: str) -> tuple[str, str, str]:
    """A pool with a domain, TOTP MFA available, and an OAuth client; returns (pool id,
    client id, domain base URL)."""
    pool = emu.create_user_pool("browser")
    emu.handle(
        "SetUserPoolMfaConfig",
        {
            "UserPoolId": pool.id,
            "MfaConfiguration": "OPTIONAL",
            "SoftwareTokenMfaConfiguration": {"Enabled": True},
        },
    )
    base = emu.create_user_pool_domain(pool.id, "browser-app")
    client = emu.create_user_pool_client(
        pool.id,
        "browser-client",
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        allowed_oauth_flows=["code"],
        allowed_oauth_scopes=SCOPES.split(),
        allowed_oauth_flows_user_pool_client=True,
        callback_urls=[callback_url],
        supported_identity_providers=["COGNITO"],
    )
    return pool.id, client.id, base


def _user(emu: Emulator, pool_id: str, username: str) -> None:
    emu.handle(
        "AdminCreateUser",
        {
            "UserPoolId": pool_id,
            "Username": username,
            "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": f"{username}@example.com"}],
        },
    )
    emu.handle(
        "AdminSetUserPassword",
        {"UserPoolId": pool_id, "Username": username, "Password": PASSWORD, "Permanent": True},
    )


def _totp(emu: Emulator, client_id: str, username: str) -> str:
    """Set up TOTP MFA for ``username`` through the API; returns the secret."""
    tokens = emu.handle(
        "InitiateAuth",
        {
            "ClientId": client_id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD},
        },
    )["AuthenticationResult"]
    access = tokens["AccessToken"]
    secret = str(emu.handle("AssociateSoftwareToken", {"AccessToken": access})["SecretCode"])
    # The previous step's code, so the sign-in below can use the current one.
    previous = pyotp.TOTP(secret).at(int(emu.core.clock()) - 30)
    emu.handle("VerifySoftwareToken", {"AccessToken": access, "UserCode": previous})
    emu.handle(
        "SetUserMFAPreference",
        {
            "AccessToken": access,
            "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
        },
    )
    return secret


@pytest.mark.parametrize("with_mfa", [False, True], ids=["password", "password-and-totp"])
async def test_managed_login_in_chromium(
    browser: Any, callback: CallbackServer, tmp_path: Path, with_mfa: bool
) -> None:
    async with Emulator() as emu:
        pool_id, client_id, base = _provision(emu, callback.url)
        username = "bob" if with_mfa else "alice"
        _user(emu, pool_id, username)
        secret = _totp(emu, client_id, username) if with_mfa else None
        config = CognitoConfig(
            user_pool_id=pool_id, client_id=client_id, endpoint=emu.endpoint, domain=base
        )
        async with AuthClient(config) as auth:
            flow = auth.authorize(callback.url, scopes=SCOPES.split())
            step = await flow.step()
            assert step.state == "ChallengePending" and step.url is not None
            sent = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(step.url).query))
            assert sent["code_challenge_method"] == "S256" and sent["redirect_uri"] == callback.url

            page = await browser.new_page()
            await page.goto(step.url)
            await page.wait_for_selector("#username")
            assert await page.title() == "Sign in"
            screenshot = tmp_path / "login.png"
            await page.screenshot(path=str(screenshot))
            png = screenshot.read_bytes()
            assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000

            await page.fill("#username", username)
            await page.fill("#password", PASSWORD)
            await page.click("#submit")
            if secret is not None:
                await page.wait_for_selector("#code")
                assert "authenticator app" in await page.content()
                await page.fill("#code", pyotp.TOTP(secret).at(int(emu.core.clock())))
                await page.click("#submit")
            await page.wait_for_url(callback.url + "?*")
            assert await page.inner_text("h1") == "Signed in"

            callback_url = await asyncio.wait_for(callback.calls.get(), timeout=10)
            received = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback_url).query))
            assert set(received) == {"code", "state"} and received["state"] == sent["state"]
            step = await flow.step(callback_url)
            assert step.state == "Authenticated" and flow.session_key is not None
            assert flow.tokens is not None and flow.tokens.id_token is not None
            assert jwt_claims(flow.tokens.id_token)["nonce"] == sent["nonce"]
            assert jwt_claims(flow.tokens.access_token)["scope"] == SCOPES
            account = auth.account(flow.session_key)
            assert (await account.get_user()).username == username
            assert (await account.attributes())["email"] == f"{username}@example.com"

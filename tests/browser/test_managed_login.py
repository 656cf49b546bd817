"""The managed login in a real browser: an authorize URL built by hand (state, nonce, PKCE S256),
the emulator's login page in headless Chromium, a username and password typed in (and a TOTP
code for a user with MFA), the redirect to a callback server of our own on 127.0.0.1, the code
exchanged at the token endpoint with aiohttp, and the tokens used for GetUser."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pyotp
import pytest
from aiohttp import web

from authflow.emulator import Emulator

PASSWORD = "Correct-Horse-9!"
SCOPES = "openid email aws.cognito.signin.user.admin"


class CallbackServer:
    """The client application's redirect target: records each callback's query."""

    def __init__(self) -> None:
        self.calls: asyncio.Queue[dict[str, str]] = asyncio.Queue()
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
        await self.calls.put(dict(request.query))
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


def _authorize_url(base: str, client_id: str, callback_url: str) -> tuple[str, str, str, str]:
    """The authorize URL, built by hand; returns (url, state, nonce, PKCE verifier)."""
    state = secrets.token_urlsafe(16)
    nonce = secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest())
        .rstrip(b"=")
        .decode("ascii")
    )
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": callback_url,
            "scope": SCOPES,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{base}/oauth2/authorize?{query}", state, nonce, verifier


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


async def _exchange(base: str, client_id: str, callback_url: str, code: str, verifier: str) -> Any:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{base}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "client_id": client_id,
                "code": code,
                "redirect_uri": callback_url,
                "code_verifier": verifier,
            },
        ) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()


async def _get_user(emu: Emulator, access_token: str) -> Any:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            emu.endpoint + "/",
            json={"AccessToken": access_token},
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "AWSCognitoIdentityProviderService.GetUser",
            },
        ) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json(content_type=None)


@pytest.mark.parametrize("with_mfa", [False, True], ids=["password", "password-and-totp"])
async def test_managed_login_in_chromium(
    browser: Any, callback: CallbackServer, tmp_path: Path, with_mfa: bool
) -> None:
    async with Emulator() as emu:
        pool_id, client_id, base = _provision(emu, callback.url)
        username = "bob" if with_mfa else "alice"
        _user(emu, pool_id, username)
        secret = _totp(emu, client_id, username) if with_mfa else None
        url, state, nonce, verifier = _authorize_url(base, client_id, callback.url)

        page = await browser.new_page()
        await page.goto(url)
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

        received = await asyncio.wait_for(callback.calls.get(), timeout=10)
        assert set(received) == {"code", "state"} and received["state"] == state
        tokens = await _exchange(base, client_id, callback.url, received["code"], verifier)
        assert _claims(tokens["id_token"])["nonce"] == nonce
        assert _claims(tokens["access_token"])["scope"] == SCOPES
        user = await _get_user(emu, tokens["access_token"])
        assert user["Username"] == username
        assert {"Name": "email", "Value": f"{username}@example.com"} in user["UserAttributes"]

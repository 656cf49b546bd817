"""The managed login pages over plain HTTP: the sign-in form, and each challenge the emulator's
sign-in pipeline asks for (TOTP, e-mail code from the outbox, choosing a factor, setting up TOTP,
a new password), wrong answers, the CSRF check, and a client with a secret."""

from __future__ import annotations

import re
from typing import Any

import pyotp

from authflow.emulator import Emulator, ManualClock

from .conftest import PASSWORD
from .oauth_support import (
    CALLBACK,
    LoginDriver,
    OAuthApp,
    Page,
    add_user,
    authorize_url,
    callback_parameters,
    new_session,
    oauth_app,
)

OTHER_PASSWORD = "Another-Horse-7!"


def _mfa(emu: Emulator, app: OAuthApp, mode: str = "OPTIONAL", **factors: bool) -> None:
    body: dict[str, Any] = {"UserPoolId": app.pool_id, "MfaConfiguration": mode}
    if factors.get("totp", True):
        body["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
    if factors.get("email", False):
        body["EmailMfaConfiguration"] = {"Message": "Code {####}", "Subject": "Sign-in"}
    if factors.get("sms", False):
        body["SmsMfaConfiguration"] = {"SmsAuthenticationMessage": "Code {####}"}
    emu.handle("SetUserPoolMfaConfig", body)


def _totp_user(emu: Emulator, app: OAuthApp, clock: ManualClock, username: str = "alice") -> str:
    """A user with verified TOTP MFA, set up through the API; returns the secret."""
    client = emu.create_user_pool_client(
        app.pool_id, "api", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"]
    )
    tokens = emu.handle(
        "InitiateAuth",
        {
            "ClientId": client.id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD},
        },
    )["AuthenticationResult"]
    secret = emu.handle("AssociateSoftwareToken", {"AccessToken": tokens["AccessToken"]})[
        "SecretCode"
    ]
    code = pyotp.TOTP(secret).at(int(clock()))
    emu.handle("VerifySoftwareToken", {"AccessToken": tokens["AccessToken"], "UserCode": code})
    emu.handle(
        "SetUserMFAPreference",
        {
            "AccessToken": tokens["AccessToken"],
            "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
        },
    )
    clock.advance(30)  # the set-up code's step is spent
    return str(secret)


def _title(page: Page) -> str:
    found = re.search(r"<h1>([^<]*)</h1>", page.html)
    assert found, page.html
    return found.group(1)


async def test_totp_mfa_page(emu: Emulator, clock: ManualClock) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    _mfa(emu, app)
    secret = _totp_user(emu, app, clock)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        page = await driver.sign_in(authorize_url(app))
        assert isinstance(page, Page) and _title(page) == "Multi-factor authentication"
        assert "authenticator app" in page.html and page.hidden()["transaction"]
        wrong = await driver.submit(page, code="000000")
        assert isinstance(wrong, Page) and wrong.error() == "Invalid code received for user"
        assert wrong.hidden()["transaction"] == page.hidden()["transaction"]
        location = await driver.submit(wrong, code=pyotp.TOTP(secret).at(int(clock())))
        assert isinstance(location, str) and "code" in callback_parameters(location)
        # An answered transaction is spent.
        again = await driver.submit(page, code=pyotp.TOTP(secret).at(int(clock()) + 30))
        assert isinstance(again, Page) and _title(again) == "Sign in"
        assert again.error() == "Your sign-in has expired; please sign in again."


async def test_email_mfa_code_comes_from_the_outbox(emu: Emulator) -> None:
    app = oauth_app(emu)
    add_user(emu, app, email_verified="true")
    _mfa(emu, app, mode="ON", totp=False, email=True)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        page = await driver.sign_in(authorize_url(app))
        assert isinstance(page, Page) and "by email" in page.html
        message = emu.outbox.latest(username="alice", purpose="MFA")
        assert message.channel == "EMAIL" and message.client_id == app.client_id
        location = await driver.submit(page, code=message.code)
    assert isinstance(location, str) and location.startswith(CALLBACK)


async def test_choosing_a_factor(emu: Emulator, clock: ManualClock) -> None:
    app = oauth_app(emu)
    add_user(emu, app, email_verified="true")
    _mfa(emu, app, email=True)
    secret = _totp_user(emu, app, clock)
    user = emu.core.pools[app.pool_id].user("alice")
    assert user is not None
    user.mfa_enabled.add("EMAIL_OTP")
    user.mfa_preferred = None
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        page = await driver.sign_in(authorize_url(app))
        assert isinstance(page, Page) and _title(page) == "Choose how to verify"
        assert "value='SOFTWARE_TOKEN_MFA'" in page.html and "value='EMAIL_OTP'" in page.html
        page = await driver.submit(page, answer="SOFTWARE_TOKEN_MFA")
        assert isinstance(page, Page) and "authenticator app" in page.html
        location = await driver.submit(page, code=pyotp.TOTP(secret).at(int(clock())))
    assert isinstance(location, str) and location.startswith(CALLBACK)


async def test_setting_up_totp(emu: Emulator, clock: ManualClock) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    _mfa(emu, app, mode="ON")
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        page = await driver.sign_in(authorize_url(app))
        assert isinstance(page, Page) and _title(page) == "Set up your authenticator app"
        found = re.search(r"id='secret'>([A-Z2-7]+)<", page.html)
        assert found
        secret = found.group(1)
        wrong = await driver.submit(page, code="123456")
        assert isinstance(wrong, Page) and wrong.error() is not None
        location = await driver.submit(wrong, code=pyotp.TOTP(secret).at(int(clock())))
        assert isinstance(location, str) and location.startswith(CALLBACK)
        # TOTP is now the user's factor: the next sign-in asks for it.
        clock.advance(30)
        page = await driver.sign_in(authorize_url(app))
        assert isinstance(page, Page) and "authenticator app" in page.html
        location = await driver.submit(page, code=pyotp.TOTP(secret).at(int(clock())))
    assert isinstance(location, str) and location.startswith(CALLBACK)


async def test_new_password_required(emu: Emulator) -> None:
    app = oauth_app(emu)
    emu.handle(
        "AdminCreateUser",
        {
            "UserPoolId": app.pool_id,
            "Username": "newbie",
            "TemporaryPassword": PASSWORD,
            "MessageAction": "SUPPRESS",
        },
    )
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        page = await driver.sign_in(authorize_url(app), "newbie")
        assert isinstance(page, Page) and _title(page) == "Change your password"
        weak = await driver.submit(page, new_password="short")
        assert isinstance(weak, Page) and weak.error() is not None
        location = await driver.submit(weak, new_password=OTHER_PASSWORD)
        assert isinstance(location, str) and location.startswith(CALLBACK)
        location = await driver.sign_in(authorize_url(app), "newbie", OTHER_PASSWORD)
        assert isinstance(location, str) and location.startswith(CALLBACK)


async def test_wrong_password_and_unknown_user(emu: Emulator) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        page = await driver.sign_in(authorize_url(app), "alice", "Wrong-Password-1!")
        assert isinstance(page, Page) and page.status == 200
        assert page.error() == "Incorrect username or password."
        assert "value='alice'" in page.html  # the username stays filled in
        page = await driver.sign_in(authorize_url(app), "nobody")
        assert isinstance(page, Page) and page.error() == "User does not exist."
        page = await driver.sign_in(authorize_url(app), "alice", "")
        assert isinstance(page, Page) and page.error() == "Username and password are required."
        emu.handle("AdminDisableUser", {"UserPoolId": app.pool_id, "Username": "alice"})
        page = await driver.sign_in(authorize_url(app))
        assert isinstance(page, Page) and page.error() == "User is disabled."


async def test_login_hint_fills_in_the_username(emu: Emulator) -> None:
    app = oauth_app(emu)
    async with new_session() as session:
        page = await LoginDriver(session, emu.endpoint).open(
            authorize_url(app, login_hint="carol@example.com")
        )
    assert isinstance(page, Page) and "value='carol@example.com'" in page.html
    assert "Sign in to <strong>web</strong>" in page.html


async def test_csrf_token_is_required(emu: Emulator) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        page = await driver.open(authorize_url(app))
        assert isinstance(page, Page)
        forged = Page(page.url, page.status, page.html.replace(page.hidden()["_csrf"], "forged"))
        refused = await driver.submit(forged, username="alice", password=PASSWORD)
        assert isinstance(refused, Page) and refused.status == 403
        session.cookie_jar.clear()
        refused = await driver.submit(page, username="alice", password=PASSWORD)
        assert isinstance(refused, Page) and refused.status == 403


async def test_a_client_with_a_secret_signs_in(emu: Emulator) -> None:
    app = oauth_app(emu, secret=True)
    add_user(emu, app)
    async with new_session() as session:
        location = await LoginDriver(session, emu.endpoint).sign_in(authorize_url(app))
    assert isinstance(location, str) and "code" in callback_parameters(location)


async def test_sign_in_does_not_need_the_api_flows(emu: Emulator) -> None:
    # The client allows only SRP through the API; the managed login still signs in.
    app = oauth_app(emu, explicit_auth_flows=["ALLOW_USER_SRP_AUTH"])
    add_user(emu, app)
    async with new_session() as session:
        location = await LoginDriver(session, emu.endpoint).sign_in(authorize_url(app))
    assert isinstance(location, str) and location.startswith(CALLBACK)

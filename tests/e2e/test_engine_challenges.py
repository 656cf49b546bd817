"""authflow's own sign-in engine (AuthClient / SignInFlow) against the emulator over HTTP, through
every challenge the engine handles (MFA, TOTP and e-mail MFA set-up, custom auth, USER_AUTH choices,
remembered devices, refresh rotation): the emulator must answer what the engine sends
(USER_ID_FOR_SRP as USERNAME after SRP, SECRET_HASH over it, DEVICE_KEY on the answers, the
MFA_SETUP session chain…).
"""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from emulator.conftest import PASSWORD, make_user
from emulator.test_custom_auth import Quiz
from emulator.test_devices import claims

from authflow import AuthClient, ChallengeExpiredError, CognitoConfig
from authflow.emulator import Emulator, ManualClock, Triggers
from authflow.protocol.errors import CodeMismatchError, InvalidParameterError
from authflow.storage import MemoryStore

FLOWS = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_AUTH",
]
PHONE = "+15555550177"


def client(
    emu: Emulator,
    clock: ManualClock,
    pool_id: str,
    *,
    secret: bool = True,
    store: MemoryStore | None = None,
    rotation: bool = False,
    **settings: Any,
) -> AuthClient:
    if rotation:
        settings["refresh_token_rotation"] = {"Feature": "ENABLED"}
    app = emu.create_user_pool_client(
        pool_id, explicit_auth_flows=FLOWS, generate_secret=secret, **settings
    )
    config = CognitoConfig(
        user_pool_id=pool_id,
        client_id=app.id,
        endpoint=emu.endpoint,
        client_secret=app.secret,
        use_token_rotation=rotation,
    )
    return AuthClient(config, store=store or MemoryStore(), clock=clock)


def mfa(emu: Emulator, pool_id: str, mode: str, **configs: Any) -> None:
    emu.handle("SetUserPoolMfaConfig", {"UserPoolId": pool_id, "MfaConfiguration": mode, **configs})


def code(emu: Emulator, username: str, purpose: str = "MFA") -> str:
    return emu.outbox.latest(username=username, purpose=purpose).code


async def test_srp_then_sms_mfa(emu: Emulator, clock: ManualClock) -> None:
    pool = emu.create_user_pool("sms", username_attributes=["email"])
    mfa(emu, pool.id, "ON", SmsMfaConfiguration={})
    user = make_user(emu, pool.id, "amy@example.com", phone_number=PHONE)
    async with client(emu, clock, pool.id) as auth:
        flow = auth.sign_in("amy@example.com", PASSWORD)
        step = await flow.step()
        assert step.challenge == "SMS_MFA" and step.delivery is not None
        with pytest.raises(CodeMismatchError):
            await flow.step("000000" if code(emu, user["Username"]) != "000000" else "111111")
        assert flow.state == "ChallengePending"
        await flow.step(code(emu, user["Username"]))
        assert flow.state == "Authenticated"


async def test_totp_setup_then_totp_and_select(emu: Emulator, clock: ManualClock) -> None:
    pool = emu.create_user_pool("totp")
    mfa(emu, pool.id, "ON", SoftwareTokenMfaConfiguration={"Enabled": True})
    make_user(emu, pool.id, "bob", phone_number=PHONE)
    async with client(emu, clock, pool.id) as auth:
        flow = auth.sign_in("bob", PASSWORD)
        step = await flow.step()
        assert step.challenge == "MFA_SETUP" and step.secret_code
        totp = pyotp.TOTP(step.secret_code)
        await flow.step(totp.at(int(clock())))
        assert flow.state == "Authenticated"
        clock.advance(30)
        flow = auth.sign_in("bob", PASSWORD)
        step = await flow.step()
        assert step.challenge == "SOFTWARE_TOKEN_MFA"
        await flow.step(totp.at(int(clock())))
        assert flow.state == "Authenticated"
        # With SMS on too and both enabled, the user picks.
        mfa(
            emu,
            pool.id,
            "ON",
            SoftwareTokenMfaConfiguration={"Enabled": True},
            SmsMfaConfiguration={},
        )
        emu.handle(
            "AdminSetUserMFAPreference",
            {"UserPoolId": pool.id, "Username": "bob", "SMSMfaSettings": {"Enabled": True}},
        )
        flow = auth.sign_in("bob", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
        step = await flow.step()
        assert step.challenge == "SELECT_MFA_TYPE"
        assert step.choices == ("SMS_MFA", "SOFTWARE_TOKEN_MFA")
        await flow.step("SMS_MFA")
        await flow.step(code(emu, "bob"))
        assert flow.state == "Authenticated"


async def test_email_mfa_setup(emu: Emulator, clock: ManualClock) -> None:
    pool = emu.create_user_pool("email")
    mfa(
        emu,
        pool.id,
        "ON",
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration={"Message": "{####}", "Subject": "code"},
    )
    make_user(emu, pool.id, "cat")
    async with client(emu, clock, pool.id) as auth:
        flow = auth.sign_in("cat", PASSWORD)
        step = await flow.step()
        assert step.choices == ("SOFTWARE_TOKEN_MFA", "EMAIL_OTP")
        await flow.step("EMAIL_OTP")
        step = await flow.step({"EMAIL": "cat@example.com"})
        assert step.challenge == "EMAIL_OTP"
        await flow.step(code(emu, "cat"))
        assert flow.state == "Authenticated"


async def test_expired_mfa_session_restarts(emu: Emulator, clock: ManualClock) -> None:
    pool = emu.create_user_pool("expiry")
    mfa(emu, pool.id, "ON", SmsMfaConfiguration={})
    make_user(emu, pool.id, "dan", phone_number=PHONE)
    async with client(emu, clock, pool.id) as auth:
        flow = auth.sign_in("dan", PASSWORD)
        await flow.step()
        clock.advance(180)
        with pytest.raises(ChallengeExpiredError):
            await flow.step(code(emu, "dan"))
        assert flow.state == "Unauthenticated"


@pytest.mark.parametrize("srp_first", [False, True])
async def test_custom_auth(emu: Emulator, clock: ManualClock, srp_first: bool) -> None:
    pool = emu.create_user_pool("custom", triggers=Quiz(srp_first=srp_first).triggers())
    make_user(emu, pool.id, "eve")
    async with client(emu, clock, pool.id) as auth:
        flow = auth.sign_in(
            "eve", PASSWORD if srp_first else None, auth_flow="CUSTOM_AUTH", srp_first=srp_first
        )
        step = await flow.step()
        assert step.challenge == "CUSTOM_CHALLENGE" and step.parameters["question"]
        step = await flow.step("41")
        assert step.challenge == "CUSTOM_CHALLENGE"
        await flow.step("42")
        assert flow.state == "Authenticated"


async def test_user_auth_choices(emu: Emulator, clock: ManualClock) -> None:
    factors = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
    pool = emu.create_user_pool("choice", policies=factors, auto_verified_attributes=["email"])
    make_user(emu, pool.id, "fay", email="fay@example.com", email_verified="true")
    async with client(emu, clock, pool.id) as auth:
        for choice in ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"):
            flow = auth.sign_in("fay", PASSWORD, auth_flow="USER_AUTH")
            step = await flow.step()
            assert step.challenge == "SELECT_CHALLENGE"
            assert step.choices == ("PASSWORD_SRP", "PASSWORD", "EMAIL_OTP")
            await flow.step(choice)
            if choice == "EMAIL_OTP":
                await flow.step(code(emu, "fay", "SIGN_IN"))
            assert flow.state == "Authenticated", choice
        for preferred in ("PASSWORD", "PASSWORD_SRP"):
            flow = auth.sign_in(
                "fay", PASSWORD, auth_flow="USER_AUTH", preferred_challenge=preferred
            )
            await flow.step()
            assert flow.state == "Authenticated"

        # Passwordless sign-up, then the ConfirmSignUp Session signs in.
        signup = auth.sign_up("gil", None, attributes={"email": "gil@example.com"})
        await signup.step()
        await signup.step(code(emu, "gil", "SIGN_UP"))
        assert signup.session
        flow = auth.sign_in("gil", auth_flow="USER_AUTH", session=signup.session)
        await flow.step()
        assert flow.state == "Authenticated"


async def test_remembered_device(emu: Emulator, clock: ManualClock) -> None:
    device_config = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}
    pool = emu.create_user_pool("devices", device_configuration=device_config)
    mfa(emu, pool.id, "ON", SmsMfaConfiguration={})
    make_user(emu, pool.id, "hal", phone_number=PHONE)
    store = MemoryStore()
    async with client(emu, clock, pool.id, store=store) as auth:
        flow = auth.sign_in("hal", PASSWORD, remember_device=True, device_name="test")
        assert (await flow.step()).challenge == "SMS_MFA"
        await flow.step(code(emu, "hal"))
        assert flow.state == "Authenticated" and flow.session_key is not None
        devices = await auth.transport.send(
            "ListDevices", {"AccessToken": await auth.access_token(flow.session_key)}
        )
        (device,) = devices["Devices"]
        # The engine answers DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER itself; no MFA.
        sent = len(emu.outbox)
        again = auth.sign_in("hal", PASSWORD)
        await again.step()
        assert again.state == "Authenticated" and len(emu.outbox) == sent
        assert again.tokens is not None
        assert claims(again.tokens.access_token)["device_key"] == device["DeviceKey"]
        # Refresh carries the device key.
        clock.advance(60)
        await again.refresh()
        # Forgotten server-side: the engine drops it and signs in afresh (MFA again).
        await auth.transport.send(
            "ForgetDevice",
            {
                "AccessToken": await auth.access_token(again.session_key or ""),
                "DeviceKey": device["DeviceKey"],
            },
        )
        third = auth.sign_in("hal", PASSWORD)
        assert (await third.step()).challenge == "SMS_MFA"


async def test_refresh_rotation(emu: Emulator, clock: ManualClock) -> None:
    pool = emu.create_user_pool("rotation")
    make_user(emu, pool.id, "ivy")
    async with client(emu, clock, pool.id, rotation=True) as auth:
        flow = auth.sign_in("ivy", PASSWORD)
        await flow.step()
        assert flow.tokens is not None
        first = flow.tokens.refresh_token
        clock.advance(60)
        tokens = await flow.refresh()
        assert tokens.refresh_token and tokens.refresh_token != first
    # An engine not told about rotation is refused REFRESH_TOKEN_AUTH and switches over.
    app = emu.create_user_pool_client(
        pool.id, explicit_auth_flows=FLOWS, refresh_token_rotation={"Feature": "ENABLED"}
    )
    config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint)
    async with AuthClient(config, clock=clock) as unaware:
        flow = unaware.sign_in("ivy", PASSWORD)
        await flow.step()
        assert flow.tokens is not None
        first = flow.tokens.refresh_token
        for _ in range(2):
            clock.advance(60)
            tokens = await flow.refresh()
            assert flow.state == "Authenticated"
            assert tokens.refresh_token and tokens.refresh_token != first
            first = tokens.refresh_token
        with pytest.raises(InvalidParameterError, match="GetTokensFromRefreshToken"):
            await unaware.transport.send("InitiateAuth", {
                "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": app.id,
                "AuthParameters": {"REFRESH_TOKEN": first}})


def test_triggers_are_importable_from_the_package() -> None:
    assert Triggers().lambda_config("us-east-1") == {}

"""The engine end to end against the emulator over real HTTP on 127.0.0.1.

Sign-up, sign-in, reset, resume and sign-out run here; MFA (SMS, TOTP, e-mail, SELECT_MFA_TYPE,
MFA_SETUP), custom auth, USER_AUTH choices, remembered devices and rotation run end to end in
tests/e2e/test_engine_challenges.py; sessions end to end in tests/e2e/test_sessions.py and account operations in
tests/e2e/test_account.py. Only what the emulator cannot serve (WEB_AUTHN's credential relay, unknown
challenges, hostile or malformed server values) stays on scripted responses
(test_signin_scripted.py, test_signin_devices.py).
"""

from __future__ import annotations

import json

import pytest
from emulated_cognito import PASSWORD, admin_user, client, confirmed_user

from authflow import AuthClient, ChallengeExpiredError, InvalidStateError
from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import (
    CodeMismatchError,
    InvalidParameterError,
    InvalidPasswordError,
    NotAuthorizedError,
    ValidationError,
)
from authflow.protocol.operations import GetUserRequest
from authflow.storage import MemoryStore
from authflow.transport import call


async def test_design_story_sign_up_sign_in_refresh_sign_out(emu: Emulator,
                                                             clock: ManualClock) -> None:
    async with client(emu, clock, secret=True,
                      pool_settings={"auto_verified_attributes": ["email"]}) as auth:
        signup = auth.sign_up("alice", PASSWORD, attributes={"email": "alice@example.com"})
        assert (await signup.step()).state == "PendingConfirmation"
        assert signup.delivery is not None and signup.delivery.medium == "EMAIL"
        with pytest.raises(CodeMismatchError):
            await signup.step("000000")
        assert signup.state == "PendingConfirmation"
        code = emu.outbox.latest(username="alice").code
        assert (await signup.step(code)).state == "Confirmed"

        flow = auth.sign_in("alice", PASSWORD)
        step = await flow.step()
        assert step.state == flow.state == "Authenticated"
        assert flow.tokens is not None and flow.session_key is not None
        token = await auth.access_token(flow.session_key)
        assert token == flow.tokens.access_token
        me = await auth.account(flow.session_key).attributes()
        assert me["email"] == "alice@example.com"

        clock.advance(120)
        tokens = await flow.refresh()
        assert flow.state == "Authenticated" and tokens.access_token != token

        await flow.sign_out()
        assert flow.state == "SignedOut"
        with pytest.raises(InvalidStateError):
            await auth.access_token(flow.session_key)
        with pytest.raises(NotAuthorizedError):  # revoked with its refresh token
            await call(auth.transport, GetUserRequest(access_token=tokens.access_token))


async def test_new_password_required_with_required_attribute(emu: Emulator,
                                                            clock: ManualClock) -> None:
    schema = [{"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True}]
    async with client(emu, clock, pool_settings={"schema": schema}) as auth:
        await admin_user(auth, "bob", name="Bob")
        # an admin-created user whose required attribute is missing must supply it
        await auth.transport.send("AdminCreateUser", {
            "UserPoolId": auth.config.user_pool_id, "Username": "bea",
            "TemporaryPassword": "Temp-Pass-1!", "MessageAction": "SUPPRESS"})
        flow = auth.sign_in("bob", "Temp-Pass-1!")
        step = await flow.step()
        assert step.challenge == "NEW_PASSWORD_REQUIRED"
        with pytest.raises(InvalidPasswordError):
            await flow.step("short")
        assert flow.challenge == "NEW_PASSWORD_REQUIRED"  # answer again
        await flow.step(PASSWORD)
        assert flow.state == "Authenticated"

        flow = auth.sign_in("bea", "Temp-Pass-1!", auth_flow="USER_PASSWORD_AUTH")
        step = await flow.step()
        if step.required_attributes:
            with pytest.raises(ValidationError):
                await flow.step(PASSWORD)
        await flow.step({"NEW_PASSWORD": PASSWORD, "name": "Bea"})
        assert flow.state == "Authenticated"

        again = auth.sign_in("bob", PASSWORD)
        await again.step()
        assert again.state == "Authenticated"


async def test_wrong_srp_password_then_corrected(emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "carl")
        flow = auth.sign_in("carl", "Wrong-Horse-9!")
        with pytest.raises(NotAuthorizedError):
            await flow.step()
        assert flow.state == "Unauthenticated"
        await flow.step(PASSWORD)
        assert flow.state == "Authenticated"


async def test_email_alias_and_secret_hash_principal(emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock, secret=True,
                      pool_settings={"username_attributes": ["email"],
                                     "auto_verified_attributes": ["email"]}) as auth:
        signup = auth.sign_up("dana@example.com", PASSWORD,
                              attributes={"email": "dana@example.com"})
        await signup.step()
        await signup.step(emu.outbox.latest(username="dana@example.com").code)
        for flow_name in ("USER_SRP_AUTH", "USER_PASSWORD_AUTH"):
            flow = auth.sign_in("dana@example.com", PASSWORD, auth_flow=flow_name)
            await flow.step()
            assert flow.state == "Authenticated"
            assert flow.session_key is not None
            record = await auth.sessions.load(flow.session_key)
            assert record is not None and record.username == signup.user_sub
            assert record.login == "dana@example.com"
            clock.advance(30)
            await flow.refresh()  # SECRET_HASH over the internal username (the sub)


async def test_forgot_password(emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await admin_user(auth, "erin", email="erin@example.com", email_verified="true")
        await auth.transport.send("AdminSetUserPassword", {
            "UserPoolId": auth.config.user_pool_id, "Username": "erin", "Password": PASSWORD,
            "Permanent": True})
        reset = auth.forgot_password("erin")
        assert (await reset.step()).state == "CodeSent"
        assert reset.delivery is not None and reset.delivery.medium == "EMAIL"
        with pytest.raises(CodeMismatchError):
            await reset.step({"ConfirmationCode": "000000", "Password": "Another-Pass-7!"})
        code = emu.outbox.latest(username="erin", purpose="FORGOT_PASSWORD").code
        assert (await reset.step({"ConfirmationCode": code, "Password": "Another-Pass-7!"})).state \
            == "PasswordReset"
        flow = auth.sign_in("erin", "Another-Pass-7!")
        await flow.step()
        assert flow.state == "Authenticated"


async def test_expired_challenge_session(emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await admin_user(auth, "fred")
        flow = auth.sign_in("fred", "Temp-Pass-1!", auth_flow="USER_PASSWORD_AUTH")
        await flow.step()
        assert flow.challenge == "NEW_PASSWORD_REQUIRED"
        assert flow.current.deadline == pytest.approx(clock() + 180)
        clock.advance(16 * 60)
        with pytest.raises(ChallengeExpiredError):
            await flow.step(PASSWORD)
        assert flow.state == "Unauthenticated"
        await flow.restart("Temp-Pass-1!")
        await flow.step(PASSWORD)
        assert flow.state == "Authenticated"


async def test_resume_in_another_client_mid_challenge(emu: Emulator, clock: ManualClock) -> None:
    store = MemoryStore()
    async with client(emu, clock, store=store) as auth:
        await admin_user(auth, "gina")
        flow = auth.sign_in("gina", "Temp-Pass-1!")
        await flow.step()
        record = json.loads(json.dumps(flow.snapshot()))
        assert "Temp-Pass-1!" not in json.dumps(record)
        other = AuthClient(auth.config, store=store, clock=clock)
        async with other:
            resumed = await other.resume(record)
            assert resumed.challenge == "NEW_PASSWORD_REQUIRED"
            await resumed.step(PASSWORD)
            assert resumed.state == "Authenticated" and resumed.session_key is not None
            # the first process sees the session through the shared store
            assert await auth.access_token(resumed.session_key) == resumed.tokens.access_token  # type: ignore[union-attr]


async def test_global_sign_out_elsewhere_signs_this_flow_out_on_refresh(
        emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "ivan")
        one = auth.sign_in("ivan", PASSWORD)
        await one.step()
        # another device (its own store) signs the user out everywhere
        async with AuthClient(auth.config, store=MemoryStore(), clock=clock) as elsewhere:
            two = elsewhere.sign_in("ivan", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
            await two.step()
            await two.sign_out(global_=True)
        with pytest.raises(NotAuthorizedError):
            await one.refresh()
        assert one.state == "SignedOut"
        assert one.session_key is not None
        assert await auth.sessions.load(one.session_key) is None


async def test_demo_runs_the_story() -> None:
    from authflow.demo import run_demo

    lines: list[str] = []
    assert await run_demo(lines.append) == 0
    text = "\n".join(lines)
    assert "ChallengePending --verify_password--> ChallengePending (PASSWORD_VERIFIER)" in text
    assert "--challenged--> ChallengePending (NEW_PASSWORD_REQUIRED)" in text
    assert "Refreshing --refreshed--> Authenticated" in text
    assert text.rstrip().endswith("-> SignedOut")
    assert "Correct-Horse-9!" not in text and "eyJ" not in text


@pytest.mark.parametrize("factor", ["SMS_OTP", "EMAIL_OTP"])
async def test_user_auth_passwordless_one_time_codes(emu: Emulator, clock: ManualClock,
                                                     factor: str) -> None:
    policies = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}}
    async with client(emu, clock, pool_settings={"policies": policies},
                      explicit_auth_flows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]) as auth:
        await admin_user(auth, "kai", email="kai@example.com", email_verified="true",
                         phone_number="+15555550123", phone_number_verified="true")
        await auth.transport.send("AdminSetUserPassword", {
            "UserPoolId": auth.config.user_pool_id, "Username": "kai", "Password": PASSWORD,
            "Permanent": True})
        flow = auth.sign_in("kai", auth_flow="USER_AUTH", preferred_challenge=factor)
        step = await flow.step()
        assert step.challenge == factor
        assert step.expects == (f"{factor}_CODE",)
        assert step.delivery is not None
        assert step.delivery.medium == ("SMS" if factor == "SMS_OTP" else "EMAIL")
        message = emu.outbox.latest(username="kai", purpose="SIGN_IN")
        wrong = f"{(int(message.code) + 1) % 1_000_000:06d}"
        with pytest.raises(CodeMismatchError):
            await flow.step(wrong)
        assert flow.challenge == factor
        await flow.step(message.code)
        assert flow.state == "Authenticated"


async def test_no_secret_reaches_any_log_line(emu: Emulator, clock: ManualClock,
                                              caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    async with client(emu, clock, secret=True) as auth:
        await confirmed_user(auth, "lou")
        wrong = auth.sign_in("lou", "Wrong-Horse-0!")
        with pytest.raises(NotAuthorizedError):
            await wrong.step()
        flow = auth.sign_in("lou", PASSWORD)
        await flow.step()
        assert flow.tokens is not None and flow.session_key is not None
        clock.advance(60)
        await flow.refresh()
        reset = auth.forgot_password("lou")
        with pytest.raises(InvalidParameterError):
            await reset.step()  # no verified e-mail or phone -> typed error
    secrets = [PASSWORD, "Wrong-Horse-0!", flow.tokens.access_token,
               flow.tokens.refresh_token or "", auth.config.client_secret or ""]
    text = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert caplog.records  # the run did log
    for secret in secrets:
        assert secret and secret not in text

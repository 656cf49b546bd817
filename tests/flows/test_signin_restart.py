"""After a challenge Session dies, starting again is the caller's decision: ``flow.restart()``.

Until then ``step(answer)`` raises SignInRestartRequiredError and sends nothing, because before a
new InitiateAuth the answer would be taken as the password (and count towards the user's
lockout). ChallengeExpiredError says whether the Session expired or was used up (Cognito's text
does not always tell). Against the emulator over HTTP (its sessions take five wrong codes and
expire after the app client's AuthSessionValidity), plus scripted answers for what the emulator
does not say (Cognito's "session is expired" for a used-up session) and for a resumed flow.
"""

from __future__ import annotations

import base64
import json

import pytest
from emulated_cognito import RequestLog, client
from emulator.conftest import PASSWORD, make_user
from scripted_cognito import Script, auth_result, challenge, error, scripted_client

from authflow import (
    ChallengeExpiredError,
    CodeMismatchError,
    InvalidStateError,
    SignInFlow,
    SignInRestartRequiredError,
    srp,
)
from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import NotAuthorizedError

PHONE = "+15555550123"


def sms_pool(emu: Emulator) -> str:
    pool = emu.create_user_pool("mfa")
    emu.handle("SetUserPoolMfaConfig", {"UserPoolId": pool.id, "MfaConfiguration": "ON",
                                        "SmsMfaConfiguration": {}})
    make_user(emu, pool.id, "ann", phone_number=PHONE)
    return pool.id


def sms_code(emu: Emulator) -> str:
    return emu.outbox.latest(username="ann", purpose="MFA").code


async def test_a_session_used_up_by_wrong_codes_needs_an_explicit_restart(
    emu: Emulator, clock: ManualClock
) -> None:
    async with client(emu, clock, pool_id=sms_pool(emu)) as auth:
        flow = auth.sign_in("ann", PASSWORD)
        assert (await flow.step()).challenge == "SMS_MFA"
        right = sms_code(emu)
        wrong = "000000" if right != "000000" else "111111"
        for _ in range(5):
            with pytest.raises(CodeMismatchError):
                await flow.step(wrong)
            assert flow.state == "ChallengePending"
        with pytest.raises(ChallengeExpiredError) as info:
            await flow.step(wrong)  # the fifth wrong code spent the session
        assert info.value.reason == "used up"
        message = str(info.value)
        assert "used up after 5 wrong answers" in message and "expired" not in message
        assert "flow.restart()" in message
        assert flow.state == "Unauthenticated"

        requests = RequestLog(emu)
        with pytest.raises(SignInRestartRequiredError) as refused:
            await flow.step(right)  # the right code, too late: never sent as a password
        assert isinstance(refused.value, InvalidStateError)
        assert refused.value.reason == "used up" and "flow.restart()" in str(refused.value)
        with pytest.raises(SignInRestartRequiredError):
            await flow.step()
        assert requests.operations == [] and flow.state == "Unauthenticated"

        step = await flow.restart()
        assert step.challenge == "SMS_MFA"
        assert requests.operations[:2] == ["InitiateAuth", "RespondToAuthChallenge"]
        await flow.step(sms_code(emu))
        assert flow.state == "Authenticated"


async def test_an_expired_session_says_expired(emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock, pool_id=sms_pool(emu)) as auth:
        flow = auth.sign_in("ann", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
        await flow.step()
        clock.advance(181)  # past the app client's default AuthSessionValidity (3 minutes)
        with pytest.raises(ChallengeExpiredError) as info:
            await flow.step(sms_code(emu))
        assert info.value.reason == "expired"
        assert "expired" in str(info.value) and "used up" not in str(info.value)
        with pytest.raises(SignInRestartRequiredError) as refused:
            await flow.step(sms_code(emu))
        assert refused.value.reason == "expired" and "expired" in str(refused.value)
        await flow.restart()
        await flow.step(sms_code(emu))
        assert flow.state == "Authenticated"


async def test_restart_while_pending_asks_for_a_new_code(emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock, pool_id=sms_pool(emu)) as auth:
        flow = auth.sign_in("ann", PASSWORD)
        await flow.step()
        first = emu.outbox.latest(username="ann", purpose="MFA")
        events: list[str] = []
        flow.on_transition(lambda event: events.append(str(event)))
        step = await flow.restart()
        assert step.challenge == "SMS_MFA"
        assert emu.outbox.latest(username="ann", purpose="MFA") is not first
        assert events[0] == "SignIn: ChallengePending --restart--> Unauthenticated"
        await flow.step(sms_code(emu))
        assert flow.state == "Authenticated"
        with pytest.raises(InvalidStateError):
            await flow.restart()  # nothing to restart once signed in


def test_restart_is_a_transition_of_the_machine_and_the_diagram() -> None:
    restart = [t for t in SignInFlow.TRANSITIONS if t["trigger"] == "restart"]
    assert restart and restart[0]["dest"] == "Unauthenticated"
    assert set(restart[0]["source"]) == {"Unauthenticated", "ChallengePending"}
    assert "restart" in SignInFlow.diagram()
    assert not SignInFlow.lint()


# -- what the emulator does not say ---------------------------------------------------------------

EXPIRED = "Invalid session for the user, session is expired."


async def test_cognito_saying_expired_for_a_used_up_session_is_reported_as_used_up() -> None:
    # Cognito may answer a spent session with the "expired" text; the flow knows better: the
    # deadline has not passed and it saw the wrong answers
    script = (Script()
              .on("InitiateAuth", challenge("SMS_MFA", {}), challenge("SMS_MFA", {}))
              .on("RespondToAuthChallenge",
                  *[error("CodeMismatchException", "Invalid code received for user")] * 3,
                  error("NotAuthorizedException", EXPIRED), auth_result()))
    auth = scripted_client(script, clock=lambda: 1_700_000_000.0)
    flow = auth.sign_in("bob", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    for _ in range(3):
        with pytest.raises(CodeMismatchError):
            await flow.step("000000")
    with pytest.raises(ChallengeExpiredError) as info:
        await flow.step("000001")
    assert info.value.reason == "used up" and "after 3 wrong answers" in str(info.value)
    with pytest.raises(SignInRestartRequiredError):
        await flow.step("123456")
    assert len(script.sent("InitiateAuth")) == 1
    await flow.restart()
    await flow.step("123456")
    assert flow.state == "Authenticated"


async def test_a_resumed_flow_still_refuses_answers_after_the_session_died() -> None:
    script = (Script()
              .on("InitiateAuth", challenge("CUSTOM_CHALLENGE", {"q": "1+1"}), auth_result())
              .on("RespondToAuthChallenge", error("NotAuthorizedException", EXPIRED)))
    auth = scripted_client(script)
    flow = auth.sign_in("cy", auth_flow="CUSTOM_AUTH")
    await flow.step()
    with pytest.raises(ChallengeExpiredError):
        await flow.step("2")
    record = json.loads(json.dumps(flow.snapshot()))
    resumed = await auth.resume(record)
    assert resumed.state == "Unauthenticated"
    with pytest.raises(SignInRestartRequiredError) as refused:
        await resumed.step("2")
    assert "flow.restart()" in str(refused.value)
    assert len(script.sent("InitiateAuth")) == 1
    await resumed.restart()
    assert resumed.state == "Authenticated"


async def test_a_refused_password_still_lets_step_take_a_corrected_one() -> None:
    # an engine-answered step (PASSWORD_VERIFIER) refused: the caller was asked nothing, so
    # step(password) starts again as before
    salt = b"s" * 16
    verifier = srp.compute_verifier(pool_name="AbCdEf123", user_id="uid-1", password="Right-1!",
                                    salt=salt)
    params = {"SALT": salt.hex(), "SRP_B": srp.new_server_ephemeral(verifier).srp_b,
              "SECRET_BLOCK": base64.b64encode(b"b" * 32).decode(), "USER_ID_FOR_SRP": "uid-1"}
    script = (Script()
              .on("InitiateAuth", challenge("PASSWORD_VERIFIER", params, session=None),
                  auth_result())
              .on("RespondToAuthChallenge", error("NotAuthorizedException",
                                                  "Incorrect username or password.")))
    flow = scripted_client(script).sign_in("dan", "Wrong-1!")
    with pytest.raises(NotAuthorizedError):
        await flow.step()
    assert flow.state == "Unauthenticated"
    await flow.step("Right-1!")
    assert flow.state == "Authenticated"
    assert script.sent("InitiateAuth")[1]["AuthParameters"]["SRP_A"]

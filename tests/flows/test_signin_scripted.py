"""SignInFlow against scripted Cognito responses (MockTransport): every challenge shape, every
error path, without a server. End-to-end runs against the emulator live in tests/e2e/test_signin.py."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scripted_cognito import (
    CLIENT,
    POOL,
    SECRET,
    Script,
    auth_result,
    challenge,
    error,
    scripted_client,
)

from authflow import AuthClient
from authflow.flows import ChallengeExpiredError, SignInFlow
from authflow.protocol.errors import (
    AuthflowError,
    CodeMismatchError,
    InternalErrorError,
    InvalidStateError,
    NotAuthorizedError,
    ProtocolViolationError,
    SignInRestartRequiredError,
    ValidationError,
)
from authflow.protocol.secret_hash import secret_hash
from authflow.storage import MemoryStore


def make(script: Script, *, secret: str | None = None, store: MemoryStore | None = None,
         clock: Any = None, **cfg: Any) -> AuthClient:
    client: AuthClient = scripted_client(script, secret=secret, store=store, clock=clock, **cfg)
    return client


async def test_password_auth_straight_to_tokens() -> None:
    script = Script().on("InitiateAuth", auth_result("uid-1"))
    auth = make(script, secret=SECRET)
    flow = auth.sign_in("alice", "pw-Correct-9!", auth_flow="USER_PASSWORD_AUTH")
    assert flow.state == "Unauthenticated"
    step = await flow.step()
    assert step.state == flow.state == "Authenticated"
    assert step.tokens is flow.tokens and flow.tokens is not None
    sent = script.sent("InitiateAuth")[0]
    assert sent["AuthFlow"] == "USER_PASSWORD_AUTH"
    assert sent["AuthParameters"]["USERNAME"] == "alice"
    assert sent["AuthParameters"]["SECRET_HASH"] == secret_hash("alice", CLIENT, SECRET)
    assert flow.session_key and flow.session_key.startswith(f"authflow:{POOL}:{CLIENT}:session:")
    assert (await auth.sessions.load(flow.session_key)).username == "uid-1"  # type: ignore[union-attr]
    assert await auth.access_token(flow.session_key) == flow.tokens.access_token
    assert "pw-Correct-9!" not in json.dumps(flow.snapshot())
    with pytest.raises(InvalidStateError):
        await flow.step()


async def test_sms_mfa_wrong_code_keeps_challenge_then_right_code() -> None:
    params = {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+*****99",
              "USER_ID_FOR_SRP": "uid-7"}
    script = (Script()
              .on("InitiateAuth", challenge("SMS_MFA", params, session="sess-1" * 5))
              .on("RespondToAuthChallenge",
                  error("CodeMismatchException", "Invalid code received for user"),
                  auth_result("uid-7")))
    auth = make(script, secret=SECRET)
    flow = auth.sign_in("alice@example.com", "pw", auth_flow="USER_PASSWORD_AUTH")
    step = await flow.step()
    assert (step.state, step.challenge, step.expects) == ("ChallengePending", "SMS_MFA",
                                                          ("SMS_MFA_CODE",))
    assert step.delivery is not None and step.delivery.destination == "+*****99"
    with pytest.raises(CodeMismatchError):
        await flow.step("000000")
    assert flow.state == "ChallengePending" and flow.challenge == "SMS_MFA"
    await flow.step("123456")
    assert flow.state == "Authenticated"
    _first, second = script.sent("RespondToAuthChallenge")
    assert second["ChallengeResponses"] == {
        "SMS_MFA_CODE": "123456", "USERNAME": "uid-7",
        "SECRET_HASH": secret_hash("uid-7", CLIENT, SECRET)}
    assert second["Session"] == "sess-1" * 5 and second["ChallengeName"] == "SMS_MFA"


async def test_select_mfa_type_then_totp() -> None:
    script = (Script()
              .on("InitiateAuth", challenge(
                  "SELECT_MFA_TYPE", {"MFAS_CAN_CHOOSE": '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'}))
              .on("RespondToAuthChallenge", challenge("SOFTWARE_TOKEN_MFA", {}),
                  auth_result()))
    flow = make(script).sign_in("bob", "pw", auth_flow="USER_PASSWORD_AUTH")
    step = await flow.step()
    assert step.choices == ("SMS_MFA", "SOFTWARE_TOKEN_MFA") and step.expects == ("ANSWER",)
    with pytest.raises(ValidationError):
        await flow.step("EMAIL_OTP")  # not offered: refused locally
    assert len(script.sent("RespondToAuthChallenge")) == 0
    step = await flow.step("SOFTWARE_TOKEN_MFA")
    assert step.challenge == "SOFTWARE_TOKEN_MFA" and step.expects == ("SOFTWARE_TOKEN_MFA_CODE",)
    await flow.step({"SOFTWARE_TOKEN_MFA_CODE": "654321", "USERNAME": "ignored"})
    assert flow.state == "Authenticated"
    last = script.sent("RespondToAuthChallenge")[-1]["ChallengeResponses"]
    assert last == {"SOFTWARE_TOKEN_MFA_CODE": "654321", "USERNAME": "bob"}


async def test_custom_challenge_loop_of_any_length() -> None:
    rounds = [challenge("CUSTOM_CHALLENGE", {"question": f"q{i}"}, session=f"session-{i:020d}")
              for i in range(4)]
    script = Script().on("InitiateAuth", rounds[0]).on(
        "RespondToAuthChallenge", *rounds[1:], auth_result())
    flow = make(script).sign_in("carol", auth_flow="CUSTOM_AUTH")
    step = await flow.step()
    for i in range(4):
        assert step.challenge == "CUSTOM_CHALLENGE" and step.parameters["question"] == f"q{i}"
        step = await flow.step(f"answer-{i}")
    assert flow.state == "Authenticated"
    sent = script.sent("RespondToAuthChallenge")
    assert [s["ChallengeResponses"]["ANSWER"] for s in sent] == [f"answer-{i}" for i in range(4)]
    assert [s["Session"] for s in sent] == [f"session-{i:020d}" for i in range(4)]
    assert script.sent("InitiateAuth")[0]["AuthParameters"] == {"USERNAME": "carol"}


async def test_new_password_required_checks_required_attributes_locally() -> None:
    params = {"USER_ID_FOR_SRP": "dave", "requiredAttributes": '["userAttributes.name"]',
              "userAttributes": '{"email":"d@x.org","email_verified":"true"}'}
    script = Script().on("InitiateAuth", challenge("NEW_PASSWORD_REQUIRED", params)).on(
        "RespondToAuthChallenge", auth_result("dave"))
    flow = make(script).sign_in("dave", "Temp-pass-1", auth_flow="USER_PASSWORD_AUTH")
    step = await flow.step()
    assert step.required_attributes == ("name",)
    assert step.user_attributes["email"] == "d@x.org"
    assert step.expects == ("NEW_PASSWORD", "userAttributes.name")
    with pytest.raises(ValidationError, match="name"):
        await flow.step("New-pass-1!")
    assert not script.sent("RespondToAuthChallenge")
    await flow.step({"NEW_PASSWORD": "New-pass-1!", "name": "Dave"})
    responses = script.sent("RespondToAuthChallenge")[0]["ChallengeResponses"]
    assert responses == {"NEW_PASSWORD": "New-pass-1!", "userAttributes.name": "Dave",
                         "USERNAME": "dave"}


async def test_mfa_setup_totp_uses_session_chain() -> None:
    script = (Script()
              .on("InitiateAuth", challenge("MFA_SETUP", {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'},
                                            session="A" * 30))
              .on("AssociateSoftwareToken", {"SecretCode": "JBSWY3DPEHPK3PXP", "Session": "B" * 30})
              .on("VerifySoftwareToken", {"Status": "SUCCESS", "Session": "C" * 30})
              .on("RespondToAuthChallenge", auth_result()))
    flow = make(script).sign_in("erin", "pw", auth_flow="USER_PASSWORD_AUTH")
    step = await flow.step()
    assert step.challenge == "MFA_SETUP" and step.secret_code == "JBSWY3DPEHPK3PXP"
    assert step.otpauth_uri is not None and "secret=JBSWY3DPEHPK3PXP" in step.otpauth_uri
    assert step.expects == ("SOFTWARE_TOKEN_MFA_CODE",)
    assert "JBSWY3DPEHPK3PXP" not in repr(step)
    assert script.sent("AssociateSoftwareToken")[0] == {"Session": "A" * 30}
    with pytest.raises(ValidationError):
        await flow.step("12ab56")
    await flow.step("123456")
    assert script.sent("VerifySoftwareToken")[0]["Session"] == "B" * 30
    final = script.sent("RespondToAuthChallenge")[0]
    assert final["Session"] == "C" * 30 and final["ChallengeName"] == "MFA_SETUP"
    assert flow.state == "Authenticated"


async def test_mfa_setup_email_choice() -> None:
    script = (Script()
              .on("InitiateAuth", challenge(
                  "MFA_SETUP", {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]'}))
              .on("RespondToAuthChallenge",
                  challenge("EMAIL_OTP", {"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL"}), auth_result()))
    flow = make(script).sign_in("fay", "pw", auth_flow="USER_PASSWORD_AUTH")
    step = await flow.step()
    assert step.choices == ("SOFTWARE_TOKEN_MFA", "EMAIL_OTP") and step.expects == ("ANSWER",)
    step = await flow.step("EMAIL_OTP")
    assert step.expects == ("EMAIL",) and not script.calls[1:]
    step = await flow.step({"EMAIL": "fay@example.com"})
    assert step.challenge == "EMAIL_OTP" and step.expects == ("EMAIL_OTP_CODE",)
    assert script.sent("RespondToAuthChallenge")[0]["ChallengeResponses"]["EMAIL"] == "fay@example.com"
    await flow.step("111222")
    assert flow.state == "Authenticated"


@pytest.mark.parametrize("choice", ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"])
async def test_user_auth_select_challenge(choice: str) -> None:
    available = ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]
    follow = auth_result() if choice != "EMAIL_OTP" else challenge("EMAIL_OTP", {})
    script = Script().on("InitiateAuth", challenge("SELECT_CHALLENGE", {}, available=available)).on(
        "RespondToAuthChallenge", follow, auth_result())
    flow = make(script).sign_in("gus", "pw-gus", auth_flow="USER_AUTH")
    step = await flow.step()
    assert step.challenge == "SELECT_CHALLENGE" and step.choices == tuple(available)
    if choice == "WEB_AUTHN":
        with pytest.raises(ValidationError, match="CREDENTIAL"):
            await flow.step("WEB_AUTHN")
        await flow.step({"ANSWER": "WEB_AUTHN", "CREDENTIAL": {"id": "cred", "type": "public-key"}})
        sent = script.sent("RespondToAuthChallenge")[0]["ChallengeResponses"]
        assert json.loads(sent["CREDENTIAL"]) == {"id": "cred", "type": "public-key"}
    else:
        await flow.step(choice)
        sent = script.sent("RespondToAuthChallenge")[0]["ChallengeResponses"]
        assert sent["ANSWER"] == choice
        assert ("PASSWORD" in sent) == (choice == "PASSWORD")
        if choice == "EMAIL_OTP":
            await flow.step("999000")
    assert flow.state == "Authenticated"
    assert script.sent("InitiateAuth")[0]["AuthFlow"] == "USER_AUTH"


async def test_unknown_challenge_is_a_generic_pending_step() -> None:
    script = Script().on("InitiateAuth", challenge("FUTURE_CHALLENGE", {"X": "1"})).on(
        "RespondToAuthChallenge", auth_result())
    flow = make(script).sign_in("hal", "pw", auth_flow="USER_PASSWORD_AUTH")
    step = await flow.step()
    assert step.challenge == "FUTURE_CHALLENGE" and step.parameters == {"X": "1"}
    assert step.expects == ()
    await flow.step({"SOMETHING": "v"})
    assert script.sent("RespondToAuthChallenge")[0]["ChallengeResponses"] == {
        "SOMETHING": "v", "USERNAME": "hal"}


async def test_expired_session_gives_clear_error_and_restarts() -> None:
    script = (Script()
              .on("InitiateAuth", challenge("SMS_MFA", {}), auth_result())
              .on("RespondToAuthChallenge",
                  error("NotAuthorizedException", "Invalid session for the user, session is expired.")))
    flow = make(script).sign_in("ivy", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    with pytest.raises(ChallengeExpiredError) as info:
        await flow.step("123456")
    assert isinstance(info.value, NotAuthorizedError) and info.value.reason == "expired"
    assert flow.state == "Unauthenticated"
    with pytest.raises(SignInRestartRequiredError):  # restarting is the caller's decision
        await flow.step()
    assert len(script.sent("InitiateAuth")) == 1
    await flow.restart()
    assert flow.state == "Authenticated"


async def test_wrong_password_stays_unauthenticated_and_can_retry_with_new_password() -> None:
    script = Script().on("InitiateAuth",
                         error("NotAuthorizedException", "Incorrect username or password."),
                         auth_result())
    flow = make(script).sign_in("jay", "wrong", auth_flow="USER_PASSWORD_AUTH")
    with pytest.raises(NotAuthorizedError):
        await flow.step()
    assert flow.state == "Unauthenticated"
    await flow.step("right-password")
    assert script.sent("InitiateAuth")[1]["AuthParameters"]["PASSWORD"] == "right-password"


async def test_snapshot_and_resume_in_another_client() -> None:
    store = MemoryStore()
    script = Script().on("InitiateAuth", challenge("SMS_MFA", {"USER_ID_FOR_SRP": "kim-id"},
                                                   session="k" * 30)).on(
        "RespondToAuthChallenge", auth_result("kim-id"))
    flow = make(script, store=store).sign_in("kim", "pw-kim-secret", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    record = json.loads(json.dumps(flow.snapshot()))
    assert "pw-kim-secret" not in json.dumps(record)
    other = make(script, store=store)
    resumed = await other.resume(record)
    assert resumed.state == "ChallengePending" and resumed.challenge == "SMS_MFA"
    await resumed.step("123456")
    sent = script.sent("RespondToAuthChallenge")[0]
    assert sent["Session"] == "k" * 30 and sent["ChallengeResponses"]["USERNAME"] == "kim-id"
    again = await make(script, store=store).resume(resumed.snapshot())
    assert again.state == "Authenticated" and again.tokens == resumed.tokens


async def test_refresh_paths() -> None:
    script = (Script()
              .on("InitiateAuth", auth_result("lee", refresh="R1"),
                  {"AuthenticationResult": {"AccessToken": auth_result("lee", jti="b")[
                      "AuthenticationResult"]["AccessToken"], "ExpiresIn": 3600}},
                  error("InternalErrorException", "boom"),
                  error("NotAuthorizedException", "Refresh Token has been revoked")))
    flow = make(script, secret=SECRET).sign_in("lee@x.org", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    old = flow.tokens
    assert old is not None
    tokens = await flow.refresh()
    assert flow.state == "Authenticated" and tokens.access_token != old.access_token
    assert tokens.refresh_token == "R1"  # REFRESH_TOKEN_AUTH returns none: the old one is kept
    params = script.sent("InitiateAuth")[1]["AuthParameters"]
    assert params["REFRESH_TOKEN"] == "R1"
    assert params["SECRET_HASH"] == secret_hash("lee", CLIENT, SECRET)  # internal username
    with pytest.raises(InternalErrorError):
        await flow.refresh()
    assert flow.state == "Authenticated"  # transient: still signed in
    with pytest.raises(NotAuthorizedError):
        await flow.refresh()
    assert flow.state == "SignedOut" and flow.tokens is None


async def test_sign_out_revokes_and_global_sign_out() -> None:
    script = (Script().on("InitiateAuth", auth_result("nia", refresh="RT"), auth_result("nia"))
              .on("RevokeToken", {}).on("GlobalSignOut", {}))
    auth = make(script, secret=SECRET)
    flow = auth.sign_in("nia", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    await flow.sign_out()
    assert flow.state == "SignedOut"
    assert script.sent("RevokeToken")[0] == {"Token": "RT", "ClientId": CLIENT,
                                              "ClientSecret": SECRET}
    assert flow.session_key is not None
    with pytest.raises(InvalidStateError):
        await auth.access_token(flow.session_key)
    flow2 = auth.sign_in("nia", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow2.step()
    await flow2.sign_out(global_=True)
    assert "AccessToken" in script.sent("GlobalSignOut")[0] and flow2.state == "SignedOut"


async def test_cancel_and_misuse() -> None:
    script = Script().on("InitiateAuth", challenge("SMS_MFA", {}))
    flow = make(script).sign_in("oz", "pw", auth_flow="USER_PASSWORD_AUTH")
    with pytest.raises(InvalidStateError):
        await flow.refresh()
    await flow.step()
    with pytest.raises(ValidationError):
        await flow.step()  # an answer is needed
    await flow.cancel()
    assert flow.state == "SignedOut"
    with pytest.raises(InvalidStateError):
        await flow.step("123")


def test_bad_input_is_refused_before_any_request() -> None:
    auth = make(Script())
    with pytest.raises(ValidationError):
        auth.sign_in("", "pw")
    with pytest.raises(ValidationError):
        auth.sign_in("x", "pw", auth_flow="ADMIN_NO_SRP_AUTH")
    with pytest.raises(ValidationError):
        auth.sign_in("x", "pw", auth_flow="USER_AUTH", preferred_challenge="NOPE")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=8,
)
_responses = st.one_of(
    _json,
    st.fixed_dictionaries({}, optional={
        "ChallengeName": st.sampled_from(["PASSWORD_VERIFIER", "SMS_MFA", "MFA_SETUP", "X"]) | _json,
        "ChallengeParameters": st.dictionaries(st.text(max_size=12), st.text(max_size=12)) | _json,
        "Session": st.text(max_size=30) | _json,
        "AuthenticationResult": st.fixed_dictionaries({}, optional={
            "AccessToken": st.text(max_size=20), "ExpiresIn": st.integers() | _json,
            "NewDeviceMetadata": _json}) | _json,
        "AvailableChallenges": _json,
    }),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_responses)
def test_malformed_server_responses_give_typed_errors(body: Any) -> None:
    def reply(_payload: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(body, dict):  # what AiohttpTransport does with a non-object answer
            raise ProtocolViolationError("the answer is not a JSON object")
        return body

    async def run() -> None:
        script = Script().on("InitiateAuth", reply).on("RespondToAuthChallenge", reply)
        flow = make(script).sign_in("pat", "pw", auth_flow="USER_SRP_AUTH")
        try:
            await flow.step()
        except AuthflowError:
            pass
        assert flow.state in SignInFlow.STATES

    asyncio.run(run())


async def test_mfa_setup_sms_only_explains_what_to_do() -> None:
    script = Script().on("InitiateAuth", challenge("MFA_SETUP", {"MFAS_CAN_SETUP": '["SMS_MFA"]'}))
    flow = make(script).sign_in("sal", "pw", auth_flow="USER_PASSWORD_AUTH")
    step = await flow.step()
    assert step.choices == ("SMS_MFA",)
    with pytest.raises(ValidationError, match="phone_number"):
        await flow.step("SMS_MFA")
    assert flow.challenge == "MFA_SETUP" and len(script.calls) == 1


async def test_a_refused_answer_is_not_an_error_log_line(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.INFO)
    mismatch = error("CodeMismatchException", "Invalid code received for user")
    script = Script().on("InitiateAuth", challenge("SMS_MFA", {})).on(
        "RespondToAuthChallenge", mismatch, mismatch)
    flow = make(script).sign_in("quin", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    with pytest.raises(CodeMismatchError):
        await flow.step("000000")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    caplog.set_level(logging.DEBUG)
    with pytest.raises(CodeMismatchError):
        await flow.step("000001")
    assert any("CodeMismatchError" in r.getMessage() for r in caplog.records)  # still there at DEBUG

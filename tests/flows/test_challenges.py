"""The challenge table: every kind, its expectations and how answers become ChallengeResponses
(pure, no I/O), and the Step built for a pending challenge."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authflow.flows import ANSWER_KEYS, CHALLENGE_KINDS, ENGINE_CHALLENGES, SignInFlow, Step
from authflow.flows.challenges import (
    Challenge,
    ChooseSetup,
    Respond,
    SetUpTotp,
    VerifyTotp,
    kind_of,
    responses_from,
)
from authflow.protocol import CHALLENGE_NAMES
from authflow.protocol.errors import ValidationError


def pending(name: str, params: dict[str, str] | None = None, **fields: Any) -> Challenge:
    return Challenge(name=name, parameters=params or {}, principal="uid-1", **fields)


def test_every_challenge_cognito_issues_has_a_kind() -> None:
    # PASSWORD and PASSWORD_SRP are SELECT_CHALLENGE answers, ADMIN_NO_SRP_AUTH an admin flow
    assert set(CHALLENGE_KINDS) == CHALLENGE_NAMES - {"PASSWORD", "PASSWORD_SRP",
                                                      "ADMIN_NO_SRP_AUTH"}


def test_the_triggers_the_table_names_exist_in_the_machine() -> None:
    triggers = {t["trigger"] for t in SignInFlow.TRANSITIONS}
    for kind in CHALLENGE_KINDS.values():
        if kind.engine_trigger:
            assert kind.engine_trigger in triggers
    setup = pending("MFA_SETUP", {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'})
    assert kind_of("MFA_SETUP").on_arrival(setup) == "set_up_totp" and "set_up_totp" in triggers
    assert kind_of("MFA_SETUP").on_arrival(
        pending("MFA_SETUP", {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]'})) is None


def test_derived_catalogues() -> None:
    assert ENGINE_CHALLENGES == {"PASSWORD_VERIFIER", "DEVICE_SRP_AUTH",
                                 "DEVICE_PASSWORD_VERIFIER"}
    assert ANSWER_KEYS["SMS_MFA"] == "SMS_MFA_CODE" and ANSWER_KEYS["WEB_AUTHN"] == "CREDENTIAL"
    assert not ENGINE_CHALLENGES & set(ANSWER_KEYS)
    no_device_key = {k.name for k in CHALLENGE_KINDS.values() if not k.sends_device_key}
    assert no_device_key == {"NEW_PASSWORD_REQUIRED", "MFA_SETUP", "SELECT_CHALLENGE"}


def test_an_unknown_challenge_is_a_generic_question() -> None:
    kind = kind_of("FUTURE_CHALLENGE")
    assert kind.name == "FUTURE_CHALLENGE" and kind.engine_trigger is None
    assert kind.expected_keys(pending("FUTURE_CHALLENGE")) == ()
    assert kind.interpret(pending("FUTURE_CHALLENGE"), {"X": "1"}) == Respond({"X": "1"})
    assert kind.sends_device_key


def test_new_password_prefixes_attributes_and_checks_the_required_ones() -> None:
    challenge = pending("NEW_PASSWORD_REQUIRED",
                        {"requiredAttributes": '["userAttributes.name","userAttributes.locale"]'})
    kind = challenge.kind
    assert kind.expected_keys(challenge) == ("NEW_PASSWORD", "userAttributes.name",
                                             "userAttributes.locale")
    answer = kind.interpret(challenge, {"NEW_PASSWORD": "pw", "name": "Ann",
                                        "userAttributes.locale": "en"})
    assert answer == Respond({"NEW_PASSWORD": "pw", "userAttributes.name": "Ann",
                              "userAttributes.locale": "en"})
    with pytest.raises(ValidationError) as info:
        kind.interpret(challenge, {"NEW_PASSWORD": "pw", "name": "Ann"})
    assert info.value.field == "locale"
    with pytest.raises(ValidationError) as info:
        kind.interpret(challenge, {"name": "Ann", "locale": "en"})
    assert info.value.field == "NEW_PASSWORD"


def test_select_mfa_type_takes_only_an_offered_factor() -> None:
    challenge = pending("SELECT_MFA_TYPE", {"MFAS_CAN_CHOOSE": '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'})
    assert challenge.kind.choices(challenge) == ("SMS_MFA", "SOFTWARE_TOKEN_MFA")
    assert challenge.kind.interpret(challenge, {"ANSWER": "SMS_MFA"}) == Respond(
        {"ANSWER": "SMS_MFA"})
    with pytest.raises(ValidationError, match="ANSWER must be one of"):
        challenge.kind.interpret(challenge, {"ANSWER": "EMAIL_OTP"})


def test_select_challenge_completes_what_the_choice_needs() -> None:
    challenge = pending("SELECT_CHALLENGE",
                        available=("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN"))
    kind = challenge.kind
    assert kind.choices(challenge) == challenge.available
    assert kind.interpret(challenge, {"ANSWER": "PASSWORD"}) == Respond(
        {"ANSWER": "PASSWORD"}, with_password=True)
    assert kind.interpret(challenge, {"ANSWER": "PASSWORD", "PASSWORD": "given"}) == Respond(
        {"ANSWER": "PASSWORD", "PASSWORD": "given"})
    assert kind.interpret(challenge, {"ANSWER": "PASSWORD_SRP"}) == Respond(
        {"ANSWER": "PASSWORD_SRP"}, with_srp_a=True)
    assert kind.interpret(challenge, {"ANSWER": "EMAIL_OTP"}) == Respond({"ANSWER": "EMAIL_OTP"})
    with pytest.raises(ValidationError) as info:
        kind.interpret(challenge, {"ANSWER": "WEB_AUTHN"})
    assert info.value.field == "CREDENTIAL"
    with pytest.raises(ValidationError) as info:
        kind.interpret(challenge, {"ANSWER": "SMS_OTP"})
    assert info.value.field == "ANSWER"


def test_mfa_setup_moves_through_its_sub_steps() -> None:
    offered = {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA","EMAIL_OTP","SMS_MFA"]'}
    fresh = pending("MFA_SETUP", offered)
    kind = fresh.kind
    assert kind.expected_keys(fresh) == ("ANSWER",)
    assert kind.interpret(fresh, {"ANSWER": "SOFTWARE_TOKEN_MFA"}) == SetUpTotp()
    assert kind.interpret(fresh, {"ANSWER": "EMAIL_OTP"}) == ChooseSetup("EMAIL_OTP")
    assert kind.interpret(fresh, {"EMAIL": "a@x.org"}) == Respond({"EMAIL": "a@x.org"})
    with pytest.raises(ValidationError, match="phone_number"):
        kind.interpret(fresh, {"ANSWER": "SMS_MFA"})
    with pytest.raises(ValidationError, match="choose one of"):
        kind.interpret(fresh, {"ANSWER": "WEB_AUTHN"})
    email = pending("MFA_SETUP", offered, setup_choice="EMAIL_OTP")
    assert kind.expected_keys(email) == ("EMAIL",)
    totp = pending("MFA_SETUP", offered, totp_secret="JBSWY3DPEHPK3PXP")
    assert kind.expected_keys(totp) == ("SOFTWARE_TOKEN_MFA_CODE",)
    assert kind.interpret(totp, {"SOFTWARE_TOKEN_MFA_CODE": "123456",
                                 "FRIENDLY_DEVICE_NAME": "phone"}) == VerifyTotp("123456", "phone")
    for bad in ("12345", "12a456", "1234567"):
        with pytest.raises(ValidationError):
            kind.interpret(totp, {"SOFTWARE_TOKEN_MFA_CODE": bad})


def test_answers_become_challenge_responses() -> None:
    assert responses_from("123456", ("SMS_MFA_CODE",)) == {"SMS_MFA_CODE": "123456"}
    assert responses_from("free text", ()) == {"ANSWER": "free text"}
    assert responses_from({"ANSWER": "a", "USERNAME": "x", "SECRET_HASH": "y",
                           "DEVICE_KEY": "z"}, ()) == {"ANSWER": "a"}
    credential = {"id": "cred", "type": "public-key", "response": {"n": 1}}
    encoded = responses_from({"CREDENTIAL": credential}, ("CREDENTIAL",))["CREDENTIAL"]
    assert json.loads(encoded) == credential
    for bad in ("", 5, None, ["a"], {}, {"": "v"}, {"K": 5}, {"USERNAME": "only"},
                {"CREDENTIAL": {"n": float("nan")}}, {"CREDENTIAL": {"x": object()}}):
        with pytest.raises(ValidationError):
            responses_from(bad, ("ANSWER",))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=8,
)


@given(_json | st.dictionaries(st.text(max_size=12), _json, max_size=4))
def test_any_answer_is_responses_or_a_validation_error(answer: Any) -> None:
    try:
        responses = responses_from(answer, ("ANSWER",))
    except ValidationError:
        return
    assert responses and all(isinstance(k, str) and isinstance(v, str)
                             for k, v in responses.items())


def test_step_for_a_challenge() -> None:
    challenge = pending(
        "MFA_SETUP",
        {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]', "CODE_DELIVERY_DESTINATION": "a***",
         "userAttributes": '{"email": "a@x.org"}', "requiredAttributes": "not json"},
        totp_secret="JBSWY3DPEHPK3PXP", deadline=1234.5)
    step = Step.for_challenge(challenge, account="ann@x.org", issuer="Example Corp")
    assert (step.state, step.challenge, step.expects, step.choices) == (
        "ChallengePending", "MFA_SETUP", ("SOFTWARE_TOKEN_MFA_CODE",), ("SOFTWARE_TOKEN_MFA",))
    assert step.delivery is not None and step.delivery.destination == "a***"
    assert step.user_attributes == {"email": "a@x.org"} and step.required_attributes == ()
    assert step.otpauth_uri == ("otpauth://totp/Example%20Corp%3Aann%40x.org"
                                "?secret=JBSWY3DPEHPK3PXP&issuer=Example+Corp")
    assert step.deadline == 1234.5
    assert "JBSWY3DPEHPK3PXP" not in repr(step) and "JBSWY3DPEHPK3PXP" not in repr(challenge)

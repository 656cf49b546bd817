"""SignInOptions (defined once, checked once) and SignInSnapshot (versioned; version 1 still
resumes; tampered members are ValidationErrors naming the member)."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scripted_cognito import CLIENT, POOL, Script, auth_result, challenge, scripted_client

import authflow.flows
from authflow import AuthClient, SignInOptions
from authflow.flows import SIGN_IN_AUTH_FLOWS, SNAPSHOT_VERSION, SignInSnapshot
from authflow.flows.options import SignInOptionsArgs
from authflow.protocol import AUTH_FLOWS
from authflow.protocol.errors import AuthflowError, ValidationError
from authflow.storage import MemoryStore
from authflow.transport import SigV4Signer, StaticCredentials

V1 = Path(__file__).parent / "data" / "signin_snapshot_v1.json"

#: A value unlike the default, for every option: a new option without one fails the test below.
SAMPLES: dict[str, Any] = {
    "auth_flow": "USER_AUTH",
    "preferred_challenge": "EMAIL_OTP",
    "srp_first": True,
    "client_metadata": {"app": "web", "tenant": "t-1"},
    "remember_device": True,
    "device_name": "kim's laptop",
    "totp_issuer": "Example Corp",
    "session": "c" * 40,
    "operations": "admin",
}
#: Admin sign-ins need a transport that signs them.
SIGNER = SigV4Signer(StaticCredentials("AKIDOPTIONSEXAMPLE", "secret"), "us-east-1")


def test_samples_cover_every_option_with_a_value_that_is_not_the_default() -> None:
    fields = attrs.fields(SignInOptions)
    assert {f.name for f in fields} == set(SAMPLES)
    defaults = SignInOptions()
    for field in fields:
        assert getattr(defaults, field.name) != SAMPLES[field.name], field.name


def test_sign_in_keywords_are_the_options() -> None:
    assert set(SignInOptionsArgs.__annotations__) == {f.name for f in attrs.fields(SignInOptions)}
    auth = scripted_client(Script(), signer=SIGNER)
    by_keywords = auth.sign_in("kim", "pw", **SAMPLES)
    by_value = auth.sign_in("kim", "pw", options=SignInOptions(**SAMPLES))
    assert by_keywords.options == by_value.options == SignInOptions(**SAMPLES)


async def test_every_option_round_trips_through_snapshot_and_resume() -> None:
    store = MemoryStore()
    auth = scripted_client(Script(), store=store, signer=SIGNER)
    other = scripted_client(Script(), store=store, signer=SIGNER)
    for field in attrs.fields(SignInOptions):  # one at a time: a lost one cannot hide
        options = SignInOptions(**{field.name: SAMPLES[field.name]})
        flow = auth.sign_in("kim", "pw", options=options)
        record = json.loads(json.dumps(flow.snapshot()))
        resumed = await other.resume(record)
        assert getattr(resumed.options, field.name) == SAMPLES[field.name], field.name
        assert resumed.options == options
    everything = SignInOptions(**SAMPLES)
    resumed = await other.resume(json.loads(json.dumps(
        auth.sign_in("kim", "pw", options=everything).snapshot())))
    assert resumed.options == everything


async def test_options_round_trip_mid_challenge_and_still_shape_the_requests() -> None:
    store = MemoryStore()
    script = (Script()
              .on("InitiateAuth", challenge("EMAIL_OTP", {"CODE_DELIVERY_DESTINATION": "k***"},
                                            session="e" * 30))
              .on("RespondToAuthChallenge", auth_result("kim-id")))
    options = SignInOptions(**{**SAMPLES, "srp_first": False, "operations": "public"})
    flow = scripted_client(script, store=store).sign_in("kim", options=options)
    await flow.step()
    sent = script.sent("InitiateAuth")[0]
    assert sent["Session"] == SAMPLES["session"]
    assert sent["ClientMetadata"] == SAMPLES["client_metadata"]
    assert sent["AuthParameters"]["PREFERRED_CHALLENGE"] == "EMAIL_OTP"
    # ConfirmSignUp's Session is single-use: gone once sent, everything else kept
    assert flow.options == attrs.evolve(options, session=None)
    resumed = await scripted_client(script, store=store).resume(
        json.loads(json.dumps(flow.snapshot())))
    assert resumed.options == flow.options and resumed.challenge == "EMAIL_OTP"
    await resumed.step("123456")
    answered = script.sent("RespondToAuthChallenge")[0]
    assert answered["ClientMetadata"] == SAMPLES["client_metadata"]
    assert answered["Session"] == "e" * 30


BAD: list[tuple[str, Any]] = [
    ("auth_flow", 5), ("auth_flow", "NOPE"), ("auth_flow", "ADMIN_NO_SRP_AUTH"),
    ("auth_flow", "\ud800"), ("auth_flow", None), ("auth_flow", b"USER_AUTH"),
    ("preferred_challenge", 5), ("preferred_challenge", "SMS_MFA"),
    ("preferred_challenge", math.nan),
    ("srp_first", 1), ("srp_first", "true"), ("srp_first", math.nan), ("srp_first", None),
    ("client_metadata", []), ("client_metadata", "k=v"), ("client_metadata", {"k": 5}),
    ("client_metadata", {5: "v"}), ("client_metadata", {"k": "\udc00"}),
    ("client_metadata", {"": "v"}), ("client_metadata", {f"k{i}": "v" for i in range(1000)}),
    ("remember_device", 0), ("remember_device", "yes"),
    ("device_name", 5), ("device_name", ""), ("device_name", "x" * 5000),
    ("device_name", "\udc00"),
    ("totp_issuer", ""), ("totp_issuer", None), ("totp_issuer", 7), ("totp_issuer", "\ud800"),
    ("session", 5), ("session", ""), ("session", "s" * 3000), ("session", math.inf),
    ("auth_flow", "ADMIN_USER_PASSWORD_AUTH"),  # only admin sign-ins send it
    ("operations", "root"), ("operations", 5), ("operations", None), ("operations", "\ud800"),
]


@pytest.mark.parametrize(("name", "value"), BAD, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD)])
def test_a_bad_option_is_a_validation_error_naming_it(name: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        SignInOptions(**{name: value})
    assert info.value.field is not None and info.value.field.startswith(name)
    assert "\ud800" not in str(info.value) and "\udc00" not in str(info.value)
    auth = scripted_client(Script())
    with pytest.raises(ValidationError):  # the same check, reached through sign_in
        auth.sign_in("kim", "pw", **{name: value})


_any = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    | st.binary(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=6,
)


@settings(max_examples=300)
@given(st.sampled_from(sorted(SAMPLES)), _any)
def test_any_value_for_any_option_is_accepted_or_a_validation_error(name: str,
                                                                    value: Any) -> None:
    try:
        SignInOptions(**{name: value})
    except ValidationError as exc:
        assert exc.field is not None and exc.field.startswith(name)


def test_sign_in_refuses_unknown_options_and_mixed_forms() -> None:
    auth = scripted_client(Script())
    with pytest.raises(ValidationError) as info:
        auth.sign_in("kim", "pw", auth_flo="USER_AUTH")  # type: ignore[call-arg]
    assert info.value.field == "auth_flo"
    with pytest.raises(ValidationError) as info:
        auth.sign_in("kim", "pw", options=SignInOptions(), auth_flow="USER_AUTH")
    assert info.value.field == "options"
    with pytest.raises(ValidationError) as info:
        auth.sign_in("kim", "pw", options={"auth_flow": "USER_AUTH"})  # type: ignore[arg-type]
    assert info.value.field == "options"


def test_the_flows_auth_flow_set_has_its_own_name() -> None:
    assert SIGN_IN_AUTH_FLOWS < AUTH_FLOWS  # protocol's AUTH_FLOWS is every AuthFlowType
    assert not hasattr(authflow.flows, "AUTH_FLOWS")


# -- snapshots ----------------------------------------------------------------------------------


# read once, at import: async tests must not read files on the event loop (tests/loop_hygiene.py)
_V1_TEXT = V1.read_text(encoding="utf-8")


def v1() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_V1_TEXT)
    assert data["version"] == 1
    return data


async def test_a_version_1_snapshot_still_resumes_and_answers() -> None:
    script = Script().on("RespondToAuthChallenge", auth_result("kim-id"))
    auth: AuthClient = scripted_client(script)
    flow = await auth.resume(v1())
    assert flow.state == "ChallengePending" and flow.challenge == "SMS_MFA"
    assert flow.options == SignInOptions(
        auth_flow="USER_PASSWORD_AUTH", client_metadata={"app": "web"}, remember_device=True,
        device_name="kim's laptop", totp_issuer="Example")
    step = flow.current
    assert step.expects == ("SMS_MFA_CODE",) and step.deadline == 1767225780.0
    assert step.delivery is not None and step.delivery.destination == "+*******9878"
    assert flow.snapshot()["version"] == SNAPSHOT_VERSION == 2
    await flow.step("123456")
    sent = script.sent("RespondToAuthChallenge")[0]
    assert sent["Session"] == "k" * 30 and sent["ClientMetadata"] == {"app": "web"}
    assert sent["ChallengeResponses"] == {"SMS_MFA_CODE": "123456", "USERNAME": "kim-id"}
    assert flow.state == "Authenticated"


def test_version_1_reads_as_the_same_record_as_version_2() -> None:
    old = SignInSnapshot.from_json(v1())
    assert SignInSnapshot.from_json(json.loads(json.dumps(old.to_json()))) == old
    assert old.challenge is not None and old.challenge.principal == "kim-id"


def _v2() -> dict[str, Any]:
    data: dict[str, Any] = SignInSnapshot.from_json(v1()).to_json()
    return json.loads(json.dumps(data))


def _resume(record: Any) -> None:
    asyncio.run(scripted_client(Script()).resume(record))


TAMPERED_V1: list[tuple[str, Any, str]] = [
    ("parameters", [], "parameters"),
    ("available_challenges", 5, "available_challenges"),
    ("available_challenges", "SMS_MFA", "available_challenges"),
    ("challenge", [], "challenge"),
    ("challenge", "\ud800", "challenge"),
    ("login", "\ud800", "login"),
    ("login", 5, "login"),
    ("parameters", {"X": "\udfff"}, "parameters.X"),
    ("parameters", {"X": 5}, "parameters.X"),
    ("deadline", math.nan, "deadline"),
    ("deadline", "soon", "deadline"),
    ("deadline", True, "deadline"),
    ("session", 5, "session"),
    ("session", {"s": 1}, "session"),
    ("principal", [], "principal"),
    ("totp_secret", 5, "totp_secret"),
    ("client_metadata", [], "client_metadata"),
    ("srp_first", "yes", "srp_first"),
    ("auth_flow", "REFRESH_TOKEN_AUTH", "auth_flow"),
    ("state", 5, "state"),
    ("state", "Nowhere", "state"),
    ("session_key", 5, "session_key"),
    ("user_pool_id", "us-east-1_Other", "client_id"),
]


@pytest.mark.parametrize(("key", "value", "field"), TAMPERED_V1,
                         ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(TAMPERED_V1)])
def test_a_tampered_version_1_member_is_named(key: str, value: Any, field: str) -> None:
    record = {**v1(), key: value}
    with pytest.raises(ValidationError) as info:
        _resume(record)
    assert info.value.field == field


TAMPERED_V2: list[tuple[str | None, str, Any, str]] = [
    ("challenge", "parameters", [], "challenge.parameters"),
    ("challenge", "available_challenges", 5, "challenge.available_challenges"),
    ("challenge", "name", [], "challenge.name"),
    ("challenge", "session", "\ud800", "challenge.session"),
    ("challenge", "deadline", math.inf, "challenge.deadline"),
    (None, "challenge", [], "challenge"),
    (None, "challenge", None, "challenge"),  # ChallengePending without one
    (None, "options", [], "options"),
    (None, "options", None, "options"),
    ("options", "auth_flow", 5, "auth_flow"),
    ("options", "client_metadata", {"k": ["deep"]}, "client_metadata.k"),
    (None, "login", "", "login"),
]


@pytest.mark.parametrize(("part", "key", "value", "field"), TAMPERED_V2,
                         ids=[f"{k}-{i}" for i, (_, k, _, _) in enumerate(TAMPERED_V2)])
def test_a_tampered_version_2_member_is_named(part: str | None, key: str, value: Any,
                                              field: str) -> None:
    record = _v2()
    (record if part is None else record[part])[key] = value
    with pytest.raises(ValidationError) as info:
        _resume(record)
    assert info.value.field == field


@pytest.mark.parametrize("version", [0, 3, 99, "2", 2.0, True, None, [2]])
def test_an_unknown_version_is_a_validation_error(version: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _resume({**_v2(), "version": version})
    assert info.value.field == "version"


@pytest.mark.parametrize("record", [None, [], 5, {"version": 2}, {"kind": "sign_up"}])
def test_what_is_not_a_sign_in_snapshot_is_refused(record: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _resume(record)
    assert info.value.field == "kind"


def test_a_string_is_a_saved_key_and_must_be_one() -> None:
    with pytest.raises(ValidationError) as info:
        _resume("sign_in")  # resume(str) reads a key saved by flow.save()
    assert info.value.field == "key"


def test_an_authenticated_snapshot_needs_its_session_key() -> None:
    record = {**_v2(), "state": "Authenticated", "challenge": None}
    with pytest.raises(ValidationError) as info:
        _resume(record)
    assert info.value.field == "session_key"


def test_deep_or_huge_values_are_refused_without_recursing() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    record = _v2()
    record["challenge"]["parameters"] = {"X": deep}
    with pytest.raises(ValidationError) as info:
        _resume(record)
    assert info.value.field == "challenge.parameters.X"
    record = _v2()
    record["challenge"]["parameters"] = {f"k{i}": "v" for i in range(100_000)}
    with pytest.raises(ValidationError) as info:
        _resume(record)
    assert info.value.field == "challenge.parameters"


def _mutations() -> st.SearchStrategy[tuple[str | None, str, Any]]:
    record = _v2()
    keys: list[tuple[str | None, str]] = [(None, k) for k in record]
    keys += [("challenge", k) for k in record["challenge"]]
    keys += [("options", k) for k in record["options"]]
    return st.tuples(st.sampled_from(keys).map(lambda pk: pk), _any).map(
        lambda t: (t[0][0], t[0][1], t[1]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_any_single_tampering_resumes_or_is_a_typed_error(mutation: tuple[str | None, str,
                                                                          Any]) -> None:
    part, key, value = mutation
    record = _v2()
    (record if part is None else record[part])[key] = value
    try:
        _resume(record)
    except AuthflowError:
        pass


def test_no_secret_in_a_snapshots_repr() -> None:
    record = _v2()
    record["challenge"]["totp_secret"] = "TOTPSECRETVALUE"
    record["options"]["session"] = "signup-session-secret"
    snap = SignInSnapshot.from_json(record)
    text = repr(snap)
    for secret in ("k" * 30, "TOTPSECRETVALUE", "signup-session-secret", "+*******9878"):
        assert secret not in text
    assert "SMS_MFA" in text and POOL in text and CLIENT in text


async def test_an_authenticated_version_1_snapshot_resumes_with_the_stored_session() -> None:
    store = MemoryStore()
    script = Script().on("InitiateAuth", auth_result("kim-id"))
    flow = scripted_client(script, store=store).sign_in("kim", "pw",
                                                        auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    for state in ("Authenticated", "Refreshing"):  # an interrupted refresh resumes signed in
        record = {**v1(), "state": state, "challenge": None, "session": None,
                  "session_key": flow.session_key}
        resumed = await scripted_client(Script(), store=store).resume(record)
        assert resumed.state == "Authenticated" and resumed.tokens == flow.tokens
    await store.delete(flow.session_key or "")
    with pytest.raises(authflow.SessionNotFoundError):
        await scripted_client(Script(), store=store).resume(record)

"""Every public call refuses a bad argument with a ValidationError naming it, before anything is
fetched or sent: hypothesis draws, for each argument of each call, values of the wrong type, empty
or oversized strings, lone surrogates, NaN and infinities, maps and lists holding the wrong things.
Nothing else may escape (no TypeError, AttributeError, KeyError…), and the transport records no
request (Account's session is expired, so fetching its token first would send a refresh)."""

from __future__ import annotations

import asyncio
import copy
import math
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scripted_cognito import CLIENT, POOL, auth_result, challenge

from authflow import AuthClient, CognitoConfig
from authflow.emulator._service_model import OPERATION_INPUTS, SHAPES
from authflow.emulator.core import EmulatorCore
from authflow.protocol.errors import ValidationError
from authflow.protocol.shapes import AuthenticationResult
from authflow.sessions.keys import new_id
from authflow.sessions.manager import tokens_from_result
from authflow.sessions.record import SessionRecord
from authflow.storage import MemoryStore
from authflow.transport import MockTransport

EXAMPLES = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# -- bad values, by what the argument is -----------------------------------------------------------

_NOT_TEXT = st.one_of(
    st.integers(), st.floats(allow_nan=True), st.booleans(), st.binary(max_size=4),
    st.lists(st.text(max_size=3), max_size=2), st.dictionaries(st.text(max_size=3),
                                                               st.text(max_size=3), max_size=2),
    st.just(object()),
)
_SURROGATE = st.builds(lambda a, b: a + "\ud800" + b, st.text(max_size=5), st.text(max_size=5))
_HUGE = st.just("x" * 70_000)
BAD_TEXT = st.one_of(_NOT_TEXT, st.just(""), _SURROGATE, _HUGE, st.none())
BAD_OPTIONAL_TEXT = st.one_of(_NOT_TEXT, st.just(""), _SURROGATE, _HUGE)
BAD_MAP = st.one_of(
    st.text(min_size=1, max_size=3), st.integers(), st.lists(st.text(), min_size=1, max_size=2),
    st.dictionaries(st.text(min_size=1, max_size=3),
                    st.one_of(st.integers(), st.none(), st.lists(st.text(), max_size=1),
                              st.dictionaries(st.text(), st.text(), max_size=1)),
                    min_size=1, max_size=2),
    st.builds(lambda v: {"\udfffk": v}, st.text(max_size=3)),
    st.builds(lambda k: {k: "v\ud800"}, st.text(min_size=1, max_size=3)),
    st.just({5: "v"}), st.just({"": "v"}),
)
BAD_LIST = st.one_of(
    st.text(min_size=1, max_size=3), st.integers(), st.dictionaries(st.text(), st.text(),
                                                                    max_size=1),
    st.lists(st.one_of(st.integers(), st.none(), st.just(""), _SURROGATE), min_size=1,
             max_size=3),
)
BAD_FLAG = st.one_of(st.integers(), st.text(max_size=4), st.none(), st.floats(),
                     st.lists(st.booleans(), max_size=1))
BAD_SECONDS = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 0, 0.0, -1, -1e-9, True, False]),
    st.text(max_size=3), st.none(), st.lists(st.floats(), max_size=1),
)
BAD_NUMBER = st.one_of(st.sampled_from([math.nan, math.inf, -math.inf, True]), st.text(max_size=3),
                       st.lists(st.floats(), max_size=1))
BAD_COUNT = st.one_of(st.sampled_from([-1, 2**31, 10**400, True, 1.0, math.nan]),
                      st.text(max_size=3))
BAD_PAIR = st.one_of(st.text(max_size=3), st.integers(), st.just((True,)),
                     st.just((True, False, True)), st.just((1, 0)), st.just(("yes", True)),
                     st.just((True, None)))
BAD_OBJECT = st.one_of(st.none(), st.text(max_size=3), st.integers(), st.just(object()),
                       st.dictionaries(st.text(), st.text(), max_size=1))
BAD_CALLABLE = st.one_of(st.none(), st.text(max_size=3), st.integers(), st.just(object()))
BAD_ANSWER = st.one_of(
    st.just(""), _SURROGATE, st.integers(), st.floats(), st.lists(st.text(), max_size=2),
    st.just(object()), st.dictionaries(st.text(min_size=1, max_size=3),
                                       st.one_of(st.integers(), st.none(), _SURROGATE),
                                       min_size=1, max_size=2),
    st.just({}), st.just({"": "1"}), st.just({5: "1"}), st.just({"SMS_MFA_CODE": "1\udc80"}),
)
BAD_JSON_DOCUMENT = st.one_of(
    st.just({"a": math.nan}), st.just({"a": object()}), st.just({"\ud800": 1}),
    st.just({"a": {1, 2}}), st.just(b"raw"),
    st.builds(lambda depth: _nested(depth), st.integers(200, 5_000)),
)


def _nested(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth):
        value = {"a": value}
    return value


# -- the calls ---------------------------------------------------------------------------------------


class Recorder:
    """A MockTransport handler that records every request and answers a refresh."""

    def __init__(self) -> None:
        self.operations: list[str] = []

    async def __call__(self, operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.operations.append(operation)
        if operation == "InitiateAuth":
            return auth_result("uid-1")
        if operation == "RespondToAuthChallenge":
            return auth_result("uid-1")
        if operation == "SignUp":
            return {"UserConfirmed": False, "UserSub": "sub-1"}
        return {}


CONFIG = {"user_pool_id": POOL, "client_id": CLIENT}


def make_client(recorder: Recorder, store: MemoryStore | None = None) -> AuthClient:
    return AuthClient(CognitoConfig(**CONFIG), transport=MockTransport(recorder),
                      store=store or MemoryStore(), clock=lambda: 1_700_000_000.0)


async def expired_session(auth: AuthClient) -> str:
    """A stored session whose access token expired: reading it would send a refresh."""
    result = AuthenticationResult.from_wire(auth_result("uid-1")["AuthenticationResult"])
    tokens = tokens_from_result(result, 1_600_000_000.0)
    session_id = new_id()
    record = SessionRecord.from_tokens(user_pool_id=POOL, client_id=CLIENT, login="alice",
                                       tokens=tokens, received_at=1_600_000_000.0,
                                       session_id=session_id)
    key = auth.sessions.keys.session(session_id)
    await auth.store.set(key, record.to_json())
    return key


Call = Callable[[AuthClient, str, dict[str, Any]], Awaitable[Any] | Any]


def _account(method: str) -> Call:
    def run(auth: AuthClient, key: str, kwargs: dict[str, Any]) -> Any:
        return getattr(auth.account(key), method)(**kwargs)

    return run


#: (call name, how to call it, valid keyword arguments, {argument: bad values}).
ACCOUNT_CALLS: list[tuple[str, dict[str, Any], dict[str, st.SearchStrategy[Any]]]] = [
    ("update_attributes", {"attributes": {"name": "A"}, "client_metadata": None},
     {"attributes": st.one_of(BAD_MAP, st.none(), st.just({})), "client_metadata": BAD_MAP}),
    ("delete_attributes", {"names": ["locale"]},
     {"names": st.one_of(BAD_LIST, st.none(), st.just([]))}),
    ("send_attribute_code", {"attribute": "email", "client_metadata": None},
     {"attribute": BAD_TEXT, "client_metadata": BAD_MAP}),
    ("verify_attribute", {"attribute": "email", "code": "123456"},
     {"attribute": BAD_TEXT, "code": BAD_TEXT}),
    ("change_password", {"previous": "Old-Pass-1!", "proposed": "New-Pass-2!"},
     {"previous": BAD_OPTIONAL_TEXT, "proposed": BAD_TEXT}),
    ("set_mfa_preference", {"totp": (True, True)},
     {"sms": BAD_PAIR, "totp": BAD_PAIR, "email": BAD_PAIR, "webauthn": BAD_FLAG.filter(
         lambda v: v is not None)}),
    ("set_user_settings", {"mfa_options": [("SMS", "phone_number")]},
     {"mfa_options": st.one_of(st.text(max_size=3), st.integers(), st.none(),
                               st.lists(BAD_PAIR, min_size=1, max_size=2),
                               st.just([("SMS", "\ud800")]), st.just([("SMS", 5)]))}),
    ("verify_software_token", {"code": "123456", "friendly_device_name": None},
     {"code": BAD_TEXT, "friendly_device_name": BAD_OPTIONAL_TEXT}),
    ("list_devices", {"limit": None, "pagination_token": None},
     {"limit": BAD_COUNT, "pagination_token": BAD_OPTIONAL_TEXT}),
    ("get_device", {"device_key": "us-east-1_d"}, {"device_key": BAD_TEXT}),
    ("update_device_status", {"device_key": "us-east-1_d", "remembered": True},
     {"device_key": BAD_TEXT, "remembered": BAD_FLAG}),
    ("forget_device", {"device_key": "us-east-1_d"}, {"device_key": BAD_TEXT}),
    ("list_sessions", {"next_token": None}, {"next_token": BAD_OPTIONAL_TEXT}),
    ("revoke_session", {"session_id": "s-1"}, {"session_id": BAD_TEXT}),
    ("complete_webauthn_registration", {"credential": {"id": "x"}},
     {"credential": BAD_JSON_DOCUMENT}),
    ("list_webauthn_credentials", {"next_token": None, "max_results": None},
     {"next_token": BAD_OPTIONAL_TEXT, "max_results": BAD_COUNT}),
    ("delete_webauthn_credential", {"credential_id": "c-1"}, {"credential_id": BAD_TEXT}),
    ("auth_event_feedback", {"username": "alice", "event_id": "e", "feedback_token": "t",
                             "valid": True},
     {"username": BAD_TEXT, "event_id": BAD_TEXT, "feedback_token": BAD_TEXT,
      "valid": BAD_FLAG}),
]

SIGN_IN_OPTIONS: dict[str, st.SearchStrategy[Any]] = {
    "username": BAD_TEXT, "password": BAD_OPTIONAL_TEXT, "auth_flow": BAD_TEXT,
    "preferred_challenge": BAD_OPTIONAL_TEXT, "srp_first": BAD_FLAG,
    "client_metadata": BAD_MAP, "remember_device": BAD_FLAG,
    "device_name": BAD_OPTIONAL_TEXT, "totp_issuer": BAD_TEXT, "session": BAD_OPTIONAL_TEXT,
    "options": BAD_OBJECT.filter(lambda v: v is not None),
}

CONFIG_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "user_pool_id": BAD_TEXT, "client_id": BAD_TEXT, "client_secret": BAD_OPTIONAL_TEXT,
    "endpoint": BAD_OPTIONAL_TEXT, "region": BAD_TEXT, "refresh_leeway": BAD_SECONDS,
    "auth_session_validity": BAD_SECONDS, "use_token_rotation": BAD_FLAG, "fips": BAD_FLAG,
    "dualstack": BAD_FLAG,
}


def assert_names(error: ValidationError, argument: str) -> None:
    field = error.field or ""
    assert field.startswith(argument) or argument in str(error), (argument, field, str(error))


def outcome(run: Callable[[], Any]) -> BaseException | None:
    try:
        result = run()
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    except BaseException as exc:
        return exc
    return None


def check_refused(run: Callable[[], Any], argument: str, recorder: Recorder | None) -> None:
    error = outcome(run)
    assert isinstance(error, ValidationError), (argument, repr(error))
    assert_names(error, argument)
    if recorder is not None:
        assert recorder.operations == [], f"{argument}: sent {recorder.operations}"


# -- configuration and client -------------------------------------------------------------------


@pytest.mark.parametrize("field", sorted(CONFIG_FIELDS))
@EXAMPLES
@given(data=st.data())
def test_cognito_config_fields(field: str, data: st.DataObject) -> None:
    bad = data.draw(CONFIG_FIELDS[field])
    check_refused(lambda: CognitoConfig(**{**CONFIG, field: bad}), field, None)


def test_nan_refresh_leeway_would_serve_expired_tokens_so_it_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        CognitoConfig(**CONFIG, refresh_leeway=float("nan"))
    assert info.value.field == "refresh_leeway"


@pytest.mark.parametrize("argument", ["transport", "store", "clock"])
@EXAMPLES
@given(data=st.data())
def test_auth_client_arguments(argument: str, data: st.DataObject) -> None:
    bad = data.draw(BAD_CALLABLE if argument == "clock" else
                    BAD_OBJECT.filter(lambda v: v is not None))
    config = CognitoConfig(**CONFIG)
    check_refused(lambda: AuthClient(config, **{argument: bad}), argument, None)


# -- starting flows --------------------------------------------------------------------------------


@pytest.mark.parametrize("argument", sorted(SIGN_IN_OPTIONS))
@EXAMPLES
@given(data=st.data())
def test_sign_in_arguments(argument: str, data: st.DataObject) -> None:
    bad = data.draw(SIGN_IN_OPTIONS[argument])
    recorder = Recorder()
    auth = make_client(recorder)
    kwargs: dict[str, Any] = {"username": "alice", "password": "Correct-Horse-9!", argument: bad}

    async def run() -> None:
        flow = auth.sign_in(**kwargs)
        await flow.step()

    check_refused(run, argument, recorder)


@pytest.mark.parametrize("argument", ["username", "password", "attributes", "validation_data",
                                      "client_metadata"])
@EXAMPLES
@given(data=st.data())
def test_sign_up_arguments(argument: str, data: st.DataObject) -> None:
    strategy = {"username": BAD_TEXT, "password": BAD_OPTIONAL_TEXT}.get(argument, BAD_MAP)
    recorder = Recorder()
    auth = make_client(recorder)
    kwargs: dict[str, Any] = {"username": "alice", "password": "Correct-Horse-9!",
                              argument: data.draw(strategy)}
    check_refused(lambda: auth.sign_up(**kwargs), argument, recorder)


@pytest.mark.parametrize("argument", ["username", "client_metadata"])
@EXAMPLES
@given(data=st.data())
def test_forgot_password_arguments(argument: str, data: st.DataObject) -> None:
    recorder = Recorder()
    auth = make_client(recorder)
    bad = data.draw(BAD_TEXT if argument == "username" else BAD_MAP)
    kwargs: dict[str, Any] = {"username": "alice", argument: bad}
    check_refused(lambda: auth.forgot_password(**kwargs), argument, recorder)


@pytest.mark.parametrize("call", ["access_token", "account"])
@EXAMPLES
@given(bad=BAD_TEXT)
def test_session_keys(call: str, bad: Any) -> None:
    recorder = Recorder()
    auth = make_client(recorder)
    check_refused(lambda: getattr(auth, call)(bad), "session_key", recorder)


# -- Account -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "argument"),
    [(method, argument) for method, _, bad in ACCOUNT_CALLS for argument in bad],
)
@EXAMPLES
@given(data=st.data())
def test_account_arguments(method: str, argument: str, data: st.DataObject) -> None:
    valid, bad = next((v, b) for m, v, b in ACCOUNT_CALLS if m == method)
    value = data.draw(bad[argument])
    recorder = Recorder()
    auth = make_client(recorder)

    async def run() -> None:
        key = await expired_session(auth)
        await getattr(auth.account(key), method)(**{**valid, argument: value})

    check_refused(run, argument, recorder)


def test_every_account_method_is_covered() -> None:
    from authflow import Account

    public = {name for name in vars(Account) if not name.startswith("_")
              and callable(getattr(Account, name))}
    without_arguments = {"get_user", "attributes", "associate_software_token", "auth_factors",
                         "start_webauthn_registration", "global_sign_out", "delete_user"}
    assert public - without_arguments == {method for method, _, _ in ACCOUNT_CALLS}


# -- flows in progress -------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(bad=BAD_ANSWER)
@example(bad="12\ud800")
@example(bad={"SMS_MFA_CODE": "1\udc80"})
@example(bad={"SMS_MFA_CODE": 123456})
def test_a_challenge_answer(bad: Any) -> None:
    sent: list[str] = []

    async def handler(operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        sent.append(operation)
        return challenge("SMS_MFA", {"CODE_DELIVERY_DESTINATION": "+***1"})

    async def run() -> None:
        auth = AuthClient(CognitoConfig(**CONFIG), transport=MockTransport(handler),
                          store=MemoryStore())
        flow = auth.sign_in("alice", "Correct-Horse-9!", auth_flow="USER_PASSWORD_AUTH")
        await flow.step()
        assert flow.challenge == "SMS_MFA"
        try:
            await flow.step(bad)
        finally:
            assert sent == ["InitiateAuth"], sent  # the bad answer was never sent
            assert flow.state == "ChallengePending"

    error = outcome(run)
    assert isinstance(error, ValidationError), repr(error)


@EXAMPLES
@given(bad_password=BAD_OPTIONAL_TEXT, bad_flag=BAD_FLAG)
def test_restart_and_sign_out_arguments(bad_password: Any, bad_flag: Any) -> None:
    recorder = Recorder()
    auth = make_client(recorder)

    async def restart() -> None:
        flow = auth.sign_in("alice", "Correct-Horse-9!", auth_flow="USER_PASSWORD_AUTH")
        await flow.restart(password=bad_password)

    async def sign_out() -> None:
        flow = auth.sign_in("alice", "Correct-Horse-9!", auth_flow="USER_PASSWORD_AUTH")
        await flow.step()
        recorder.operations.clear()
        await flow.sign_out(global_=bad_flag)

    check_refused(sign_out, "global_", recorder)
    recorder.operations.clear()
    check_refused(restart, "password", recorder)


@EXAMPLES
@given(bad=BAD_ANSWER)
def test_sign_up_and_reset_codes(bad: Any) -> None:
    recorder = Recorder()
    auth = make_client(recorder)

    async def confirm() -> None:
        signup = auth.sign_up("alice", "Correct-Horse-9!")
        await signup.step()
        recorder.operations.clear()
        await signup.step(bad)

    async def reset() -> None:
        flow = auth.forgot_password("alice")
        await flow.step()
        recorder.operations.clear()
        await flow.step({"ConfirmationCode": "123456", "Password": bad})

    recorder.operations.clear()
    error = outcome(confirm)
    assert isinstance(error, ValidationError) and recorder.operations == [], repr(error)
    error = outcome(reset)
    assert isinstance(error, ValidationError) and recorder.operations == [], repr(error)


# -- resume ------------------------------------------------------------------------------------------


def _pending_snapshot() -> dict[str, Any]:
    return {
        "version": 2, "kind": "sign_in", "user_pool_id": POOL, "client_id": CLIENT,
        "state": "ChallengePending", "login": "alice", "session_key": None,
        "options": {"auth_flow": "USER_PASSWORD_AUTH"},
        "challenge": {"name": "SMS_MFA", "parameters": {"CODE_DELIVERY_DESTINATION": "+***1"},
                      "session": "s" * 24, "deadline": 1_700_000_180.0,
                      "available_challenges": [], "principal": "uid-1", "totp_secret": None,
                      "setup_choice": None},
    }


RESUME_MEMBERS: dict[tuple[str, ...], st.SearchStrategy[Any]] = {
    ("user_pool_id",): BAD_TEXT, ("client_id",): BAD_TEXT, ("state",): BAD_TEXT,
    ("login",): BAD_TEXT, ("session_key",): BAD_OPTIONAL_TEXT,
    ("options",): st.one_of(st.text(max_size=2), st.integers(), st.lists(st.text(), max_size=1)),
    ("options", "auth_flow"): BAD_OPTIONAL_TEXT, ("options", "client_metadata"): BAD_MAP,
    ("options", "remember_device"): BAD_FLAG.filter(lambda v: v is not None),
    ("challenge",): st.one_of(st.text(max_size=2), st.integers(), st.lists(st.text(),
                                                                         max_size=1)),
    ("challenge", "name"): BAD_TEXT, ("challenge", "parameters"): BAD_MAP.filter(
        lambda v: v is not None),
    ("challenge", "session"): BAD_OPTIONAL_TEXT, ("challenge", "deadline"): BAD_NUMBER,
    ("challenge", "available_challenges"): BAD_LIST, ("challenge", "principal"):
        BAD_OPTIONAL_TEXT, ("challenge", "totp_secret"): BAD_OPTIONAL_TEXT,
}


@pytest.mark.parametrize("path", sorted(RESUME_MEMBERS), ids=".".join)
@EXAMPLES
@given(data=st.data())
def test_resume_records(path: tuple[str, ...], data: st.DataObject) -> None:
    record = copy.deepcopy(_pending_snapshot())
    target = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(RESUME_MEMBERS[path])
    recorder = Recorder()
    auth = make_client(recorder)
    error = outcome(lambda: auth.resume(record))
    assert isinstance(error, ValidationError), (path, repr(error))
    assert recorder.operations == []


# -- the emulator's provisioning calls ---------------------------------------------------------------


def _members(operation: str) -> set[str]:
    return {name for name, _ in SHAPES[OPERATION_INPUTS[operation]].members}


@pytest.mark.parametrize("call", ["create_user_pool", "create_user_pool_client"])
@settings(max_examples=40, deadline=None)
@given(name=st.from_regex(r"[a-z][a-z_]{2,30}", fullmatch=True))
def test_emulator_provisioning_refuses_unknown_settings(call: str, name: str) -> None:
    operation = "CreateUserPool" if call == "create_user_pool" else "CreateUserPoolClient"
    pascal = "".join(part[:1].upper() + part[1:] for part in name.split("_"))
    core = EmulatorCore()
    pool = core.create_user_pool("p")
    args: tuple[Any, ...] = ("p",) if call == "create_user_pool" else (pool.id,)
    if pascal in _members(operation):
        return  # a real setting (rare): nothing to refuse
    with pytest.raises(ValidationError) as info:
        getattr(core, call)(*args, **{name: "x"})
    assert info.value.field == name and name in str(info.value)


def test_a_setting_of_another_operation_says_where_it_belongs() -> None:
    core = EmulatorCore()
    with pytest.raises(ValidationError) as info:
        core.create_user_pool("p", software_token_mfa_configuration={"Enabled": True})
    assert info.value.field == "software_token_mfa_configuration"
    assert "SetUserPoolMfaConfig" in str(info.value)
    assert not core.pools  # nothing was created
    with pytest.raises(ValidationError, match="GenerateSecret"):
        core.create_user_pool_client(core.create_user_pool("q").id, generate_secrets=True)


def test_a_mapping_that_is_not_a_dict_is_accepted() -> None:
    class Frozen(Mapping[str, str]):
        def __init__(self, data: dict[str, str]) -> None:
            self._data = data

        def __getitem__(self, key: str) -> str:
            return self._data[key]

        def __iter__(self) -> Any:
            return iter(self._data)

        def __len__(self) -> int:
            return len(self._data)

    recorder = Recorder()
    auth = make_client(recorder)
    flow = auth.sign_in("alice", "Correct-Horse-9!", client_metadata=Frozen({"k": "v"}))
    assert dict(flow.options.client_metadata) == {"k": "v"}

"""The session manager on scripted responses: single-flight refresh, the sign-in operation set it
refreshes through, the session a sign-in opens, and SessionNotFoundError wherever a record is
missing."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scripted_cognito import CLIENT, POOL, SECRET, Script, auth_result, challenge, scripted_client

import authflow
from authflow import CognitoConfig
from authflow.flows import SignInFlow, SignInOptions
from authflow.protocol.errors import InvalidStateError, SessionNotFoundError
from authflow.protocol.operations import InitiateAuthRequest, RespondToAuthChallengeRequest
from authflow.protocol.secret_hash import secret_hash
from authflow.sessions import SessionEvent, SessionManager, SignInOperations, Tokens
from authflow.sessions import manager as manager_module
from authflow.sessions.signin_operations import PUBLIC, AuthResponse
from authflow.storage import MemoryStore
from authflow.transport import MockTransport, WireRequest


async def test_access_token_single_flight_for_many_callers() -> None:
    now = [1_000.0]
    calls = 0

    def refresh_reply(payload: dict[str, Any]) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        return auth_result("mo", jti=f"r{calls}", refresh=None)

    script = Script().on("InitiateAuth", auth_result("mo", expires_in=100), refresh_reply,
                         refresh_reply)
    auth = scripted_client(script, clock=lambda: now[0])
    flow = auth.sign_in("mo", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    assert flow.session_key is not None
    first = await auth.access_token(flow.session_key)
    now[0] += 3000  # expired
    tokens = await asyncio.gather(*(auth.access_token(flow.session_key) for _ in range(1000)))
    assert calls == 1 and len(set(tokens)) == 1 and tokens[0] != first


def _manager(script: Script, *, secret: str | None = None,
             operations: SignInOperations = PUBLIC) -> tuple[SessionManager, MemoryStore]:
    config = CognitoConfig(user_pool_id=POOL, client_id=CLIENT, client_secret=secret)
    store = MemoryStore()
    return SessionManager(config, MockTransport(script), store, clock=lambda: 1_000.0,
                          operations=operations), store


async def test_open_session_stores_one_record_per_sign_in_under_a_random_key() -> None:
    manager, store = _manager(Script())
    events: list[SessionEvent] = []
    manager.on_event(events.append)
    access = auth_result("uid-42")["AuthenticationResult"]["AccessToken"]
    tokens = Tokens(access_token=access, id_token=None, refresh_token="R", expires_at=4600.0)
    keys = [await manager.open_session(login="alice@example.com", tokens=tokens,
                                       received_at=1000.0, device_key="us-east-1_dev")
            for _ in range(2)]
    assert keys[0] != keys[1]  # the second sign-in does not overwrite the first
    for key in keys:
        session_id = manager.keys.session_id_of(key)
        assert session_id is not None and len(session_id) == 22
        assert key == f"authflow:{POOL}:{CLIENT}:session:{session_id}"
        record = await manager.load(key)
        assert record is not None and record.session_id == session_id
        assert (record.login, record.username, record.device_key) == (
            "alice@example.com", "uid-42", "us-east-1_dev")
        assert record.tokens == tokens
    assert [(e.kind, e.key, e.username) for e in events] == [
        ("signed_in", keys[0], "uid-42"), ("signed_in", keys[1], "uid-42")]
    listed = await manager.sessions_of("uid-42")
    assert {info.key for info in listed} == set(keys)
    assert await manager.sessions_of("alice@example.com") == listed  # by login, too
    # two session records, the user's index and the login pointer; nothing else
    assert repr(store) == "MemoryStore(keys=4)"


async def test_refresh_request_carries_secret_hash_over_the_username_and_the_device() -> None:
    script = Script().on("InitiateAuth", auth_result("uid-7", jti="new", refresh=None))
    manager, _ = _manager(script, secret=SECRET)
    access = auth_result("uid-7")["AuthenticationResult"]["AccessToken"]
    key = await manager.open_session(
        login="bo", received_at=1000.0, device_key="us-east-1_d1",
        tokens=Tokens(access_token=access, id_token=None, refresh_token="R7", expires_at=1.0))
    record = await manager.refresh(key, force=True)
    assert record.tokens.refresh_token == "R7"  # none came back: the old one is kept
    assert script.sent("InitiateAuth") == [{
        "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT,
        "AuthParameters": {"REFRESH_TOKEN": "R7", "DEVICE_KEY": "us-east-1_d1",
                           "SECRET_HASH": secret_hash("uid-7", CLIENT, SECRET)}}]


class Recording:
    """A SignInOperations whose requests are PUBLIC's, noting which factory built each."""

    def __init__(self) -> None:
        self.built: list[str] = []

    def start(self, config: CognitoConfig, *, auth_flow: str, parameters: Mapping[str, str],
              client_metadata: Mapping[str, str] | None,
              session: str | None) -> WireRequest[AuthResponse]:
        self.built.append(f"start:{auth_flow}")
        return PUBLIC.start(config, auth_flow=auth_flow, parameters=parameters,
                            client_metadata=client_metadata, session=session)

    def answer(self, config: CognitoConfig, *, challenge_name: str, session: str | None,
               responses: Mapping[str, str],
               client_metadata: Mapping[str, str] | None) -> WireRequest[AuthResponse]:
        self.built.append(f"answer:{challenge_name}")
        return PUBLIC.answer(config, challenge_name=challenge_name, session=session,
                             responses=responses, client_metadata=client_metadata)


async def test_sign_in_and_refresh_go_through_the_managers_operation_set() -> None:
    recording = Recording()
    operations = SignInOperations("recording", start=recording.start, answer=recording.answer)
    assert "recording" in repr(operations)
    script = (Script()
              .on("InitiateAuth", challenge("SMS_MFA", {"USER_ID_FOR_SRP": "uid-3"}),
                  auth_result("uid-3", jti="again"))
              .on("RespondToAuthChallenge", auth_result("uid-3")))
    manager, store = _manager(script, operations=operations)
    config = CognitoConfig(user_pool_id=POOL, client_id=CLIENT)
    flow = SignInFlow(config=config, transport=MockTransport(script), store=store,
                      sessions=manager, username="cy", password="pw",
                      options=SignInOptions(auth_flow="USER_PASSWORD_AUTH"))
    await flow.step()
    await flow.step("123456")
    await flow.refresh()
    assert recording.built == ["start:USER_PASSWORD_AUTH", "answer:SMS_MFA",
                               "start:REFRESH_TOKEN_AUTH"]
    assert [op for op, _ in script.calls] == ["InitiateAuth", "RespondToAuthChallenge",
                                              "InitiateAuth"]


def test_public_operations_build_the_unsigned_requests() -> None:
    config = CognitoConfig(user_pool_id=POOL, client_id=CLIENT)
    start = PUBLIC.start(config, auth_flow="USER_AUTH", parameters={"USERNAME": "a"},
                         client_metadata={"k": "v"}, session="s" * 20)
    assert isinstance(start, InitiateAuthRequest)
    assert start.to_wire() == {"AuthFlow": "USER_AUTH", "ClientId": CLIENT,
                               "AuthParameters": {"USERNAME": "a"}, "ClientMetadata": {"k": "v"},
                               "Session": "s" * 20}
    answer = PUBLIC.answer(config, challenge_name="SMS_MFA", session=None,
                           responses={"USERNAME": "a", "SMS_MFA_CODE": "1"}, client_metadata=None)
    assert isinstance(answer, RespondToAuthChallengeRequest)
    assert answer.to_wire() == {"ClientId": CLIENT, "ChallengeName": "SMS_MFA",
                                "ChallengeResponses": {"USERNAME": "a", "SMS_MFA_CODE": "1"}}
    assert PUBLIC.refresh(config, {"REFRESH_TOKEN": "r"}).to_wire()["AuthFlow"] == \
        "REFRESH_TOKEN_AUTH"


async def test_a_missing_session_is_one_typed_error_everywhere() -> None:
    manager, _ = _manager(Script())
    key = manager.keys.session("A" * 22)
    for attempt in (manager.access_token(key), manager.refresh(key), manager.sign_out(key)):
        with pytest.raises(SessionNotFoundError) as info:
            await attempt
        assert info.value.key == key and info.value.state == "SignedOut"
        assert isinstance(info.value, InvalidStateError)
    clone = pickle.loads(pickle.dumps(info.value))
    assert type(clone) is SessionNotFoundError and clone.key == key
    # importable from where it used to live, and from the top
    assert manager_module.SessionNotFoundError is SessionNotFoundError
    assert authflow.SessionNotFoundError is SessionNotFoundError


async def test_a_stored_session_expires_with_its_refresh_token() -> None:
    now = [1_700_000_000.0]
    store = MemoryStore(clock=lambda: now[0])
    script = Script().on(
        "InitiateAuth", auth_result("uid-t", iat=1_700_000_000, refresh="R1"),
        auth_result("uid-t", iat=1_700_003_700, refresh=None, jti="r1", expires_in=3000),
        auth_result("uid-t", iat=1_700_007_100, refresh="R2", jti="r2"))  # a rotated token
    auth = scripted_client(script, store=store, clock=lambda: now[0],
                           refresh_token_validity=7200)
    flow = auth.sign_in("t", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    key = flow.session_key
    assert key is not None
    now[0] += 3700
    await auth.access_token(key)  # refreshed; the refresh token (and its expiry) unchanged
    record = await auth.sessions.load(key)
    assert record is not None and record.refresh_expires == 1_700_007_200
    now[0] += 3400  # 7100 s in: a rotated refresh token starts its own validity
    await auth.access_token(key)
    record = await auth.sessions.load(key)
    assert record is not None and record.tokens.refresh_token == "R2"
    assert record.refresh_expires == 1_700_007_100 + 7200
    now[0] += 7199
    assert await store.get(key) is not None
    now[0] += 1
    with pytest.raises(SessionNotFoundError):
        await auth.access_token(key)


@pytest.mark.parametrize(("name", "value"), [
    ("rotation_grace_seconds", -1), ("rotation_grace_seconds", 61),
    ("rotation_grace_seconds", float("nan")), ("rotation_grace_seconds", "30"),
    ("refresh_token_validity", 59), ("refresh_token_validity", float("inf")),
    ("refresh_token_validity", True), ("refresh_token_validity", 10**12),
    ("max_sessions_per_user", 0), ("max_sessions_per_user", 1.5),
    ("max_sessions_per_user", False)])
def test_session_settings_are_validated(name: str, value: Any) -> None:
    with pytest.raises(authflow.ValidationError) as info:
        CognitoConfig(user_pool_id=POOL, client_id=CLIENT, **{name: value})
    assert info.value.field == name


def test_the_refresh_lock_outlasts_the_transports_worst_case() -> None:
    from authflow.sessions import refresh_lock_timeout
    from authflow.transport import AiohttpTransport, RetryPolicy

    config = CognitoConfig(user_pool_id=POOL, client_id=CLIENT, rotation_grace_seconds=60)
    quick = AiohttpTransport("http://127.0.0.1:1", total_timeout=2.0,
                             retry=RetryPolicy(max_attempts=2, max_total_time=None,
                                               base_delay=1.0, jitter="none"))
    # one request at most 2 x 2 s + a 1 s wait; a retry may start up to 60 s (the grace) later
    assert refresh_lock_timeout(quick, config) == 60 + 5 + 2
    assert refresh_lock_timeout(MockTransport(Script()), config) == 60 + 30 + 2  # defaults


@settings(max_examples=100, deadline=None)
@given(st.none() | st.integers() | st.binary(max_size=4) | st.lists(st.text(max_size=2))
       | st.text(max_size=200) | st.sampled_from(["", "\ud800", "x" * 129, "a:b", "{x}"]))
def test_hostile_names_and_keys_are_typed(value: Any) -> None:
    auth = scripted_client(Script())

    async def run() -> None:
        for call in (auth.sessions_of, auth.latest_session, auth.sign_out_all, auth.sign_out,
                     auth.access_token):
            try:
                result = await call(value)
            except (authflow.ValidationError, SessionNotFoundError):
                continue
            assert result in ([], None, 0), (call, result)

    asyncio.run(run())


async def test_global_must_be_a_flag() -> None:
    auth = scripted_client(Script())
    with pytest.raises(authflow.ValidationError) as info:
        await auth.sign_out(auth.sessions.keys.session("A" * 22), global_="yes")  # type: ignore[arg-type]
    assert info.value.field == "global_"


async def test_forget_drops_one_session_unless_the_user_was_deleted() -> None:
    manager, store = _manager(Script())
    events: list[SessionEvent] = []
    manager.on_event(events.append)
    access = auth_result("uid-f")["AuthenticationResult"]["AccessToken"]
    tokens = Tokens(access_token=access, id_token=None, refresh_token="R", expires_at=4600.0)
    keys = [await manager.open_session(login="f", tokens=tokens, received_at=1000.0,
                                       device_key=None) for _ in range(3)]
    await manager.forget(keys[0])  # e.g. a CLI dropping a cached session
    assert {s.key for s in await manager.sessions_of("uid-f")} == set(keys[1:])
    assert events[-1].kind == "signed_out" and events[-1].reason == "forgotten"
    await manager.forget(keys[1], reason="user_deleted")  # DeleteUser: every session goes
    assert await manager.sessions_of("uid-f") == []
    assert [await store.get(key) for key in keys] == [None, None, None]
    assert {(e.key, e.reason) for e in events[-2:]} == {(keys[1], "user_deleted"),
                                                         (keys[2], "user_deleted")}

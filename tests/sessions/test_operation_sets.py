"""The operation sets as data: ADMIN builds the Admin twins with the pool id, a session record
remembers the set it signed in with (and refreshes through it), the manager hands a set out only
when it can send it, and hostile stored values are typed errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scripted_cognito import CLIENT, POOL, SECRET, Script, auth_result, challenge, scripted_client

from authflow import CognitoConfig, SignInOptions
from authflow.protocol.errors import CredentialsError, ProtocolViolationError, ValidationError
from authflow.protocol.operations import (
    AdminInitiateAuthRequest,
    AdminRespondToAuthChallengeRequest,
)
from authflow.protocol.secret_hash import secret_hash
from authflow.sessions import SessionManager, SessionRecord, Tokens
from authflow.sessions.signin_operations import ADMIN, OPERATION_SETS, PUBLIC
from authflow.storage import MemoryStore
from authflow.transport import MockTransport, SigV4Signer, StaticCredentials

SIGNER = SigV4Signer(StaticCredentials("AKIDSESSIONSTEST0001", "secret"), "us-east-1")
CONFIG = CognitoConfig(user_pool_id=POOL, client_id=CLIENT, client_secret=SECRET)


def test_admin_builds_the_admin_twins_with_the_pool_id() -> None:
    start = ADMIN.start(CONFIG, auth_flow="ADMIN_USER_PASSWORD_AUTH",
                        parameters={"USERNAME": "a", "PASSWORD": "pw"}, client_metadata=None,
                        session=None)
    assert isinstance(start, AdminInitiateAuthRequest)
    assert start.to_wire() == {"UserPoolId": POOL, "ClientId": CLIENT,
                               "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                               "AuthParameters": {"USERNAME": "a", "PASSWORD": "pw"}}
    answer = ADMIN.answer(CONFIG, challenge_name="SMS_MFA", session="s" * 20,
                          responses={"SMS_MFA_CODE": "1"}, client_metadata={"k": "v"})
    assert isinstance(answer, AdminRespondToAuthChallengeRequest)
    assert answer.to_wire()["UserPoolId"] == POOL and answer.to_wire()["ClientMetadata"] == {
        "k": "v"}
    assert ADMIN.refresh(CONFIG, {"REFRESH_TOKEN": "r"}).to_wire()["AuthFlow"] == (
        "REFRESH_TOKEN_AUTH")
    assert dict(OPERATION_SETS) == {"public": PUBLIC, "admin": ADMIN}
    assert "ADMIN_USER_PASSWORD_AUTH" in ADMIN.auth_flows - PUBLIC.auth_flows
    assert "USER_PASSWORD_AUTH" in PUBLIC.auth_flows - ADMIN.auth_flows


def test_the_manager_hands_out_a_set_only_when_it_can_send_it() -> None:
    transport = MockTransport(Script())
    public = SessionManager(CONFIG, transport, MemoryStore())
    assert public.operation_set("public") is PUBLIC
    with pytest.raises(CredentialsError, match="credentials="):
        public.operation_set("admin")
    admin = SessionManager(CONFIG, transport, MemoryStore(), admin_operations=ADMIN)
    assert admin.operation_set("admin") is ADMIN
    with pytest.raises(ValidationError) as info:
        admin.operation_set("root")
    assert info.value.field == "operations"


async def test_an_admin_session_refreshes_through_admin_initiate_auth() -> None:
    script = (Script()
              .on("AdminInitiateAuth", challenge("SMS_MFA", {"USER_ID_FOR_SRP": "uid-9"}),
                  auth_result("uid-9", jti="refreshed", refresh=None))
              .on("AdminRespondToAuthChallenge", auth_result("uid-9")))
    auth = scripted_client(script, secret=SECRET, signer=SIGNER)
    flow = auth.admin_sign_in("ann@example.com", "pw", auth_flow="ADMIN_USER_PASSWORD_AUTH")
    await flow.step()
    await flow.step("123456")
    assert flow.session_key is not None
    record = await auth.sessions.load(flow.session_key)
    assert record is not None and record.operations == "admin"
    await flow.refresh()
    start, refresh = script.sent("AdminInitiateAuth")
    assert start["UserPoolId"] == POOL and start["AuthFlow"] == "ADMIN_USER_PASSWORD_AUTH"
    assert refresh == {"UserPoolId": POOL, "ClientId": CLIENT, "AuthFlow": "REFRESH_TOKEN_AUTH",
                       "AuthParameters": {"REFRESH_TOKEN": "refresh-token-1",
                                          "SECRET_HASH": secret_hash("uid-9", CLIENT, SECRET)}}
    (answer,) = script.sent("AdminRespondToAuthChallenge")
    assert answer["ChallengeResponses"]["USERNAME"] == "uid-9"
    assert auth.transport.signed == ["AdminInitiateAuth", "AdminRespondToAuthChallenge",
                                     "AdminInitiateAuth"]
    assert [op for op, _ in script.calls] == auth.transport.signed


def _record(**changes: Any) -> dict[str, Any]:
    access = auth_result("uid-1")["AuthenticationResult"]["AccessToken"]
    record = SessionRecord.from_tokens(
        user_pool_id=POOL, client_id=CLIENT, login="a", received_at=1.0, operations="admin",
        tokens=Tokens(access_token=access, id_token=None, refresh_token="r", expires_at=2.0))
    return {**json.loads(json.dumps(record.to_json())), **changes}


def test_records_keep_their_operation_set_and_old_ones_are_public() -> None:
    assert SessionRecord.from_json(_record()).operations == "admin"
    old = _record()
    del old["operations"]  # written before admin sign-ins existed
    assert SessionRecord.from_json(old).operations == "public"
    assert SessionRecord.from_json(_record(operations=None)).operations == "public"


@given(st.one_of(st.integers(), st.floats(), st.booleans(), st.text(max_size=80),
                 st.lists(st.text(max_size=3), max_size=2),
                 st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2)))
def test_any_stored_operations_value_is_read_or_refused_typed(value: Any) -> None:
    try:
        record = SessionRecord.from_json(_record(operations=value))
    except ProtocolViolationError as exc:
        assert exc.field == "operations"
    else:
        assert record.operations == value and value.isidentifier() and len(value) <= 32


@pytest.mark.parametrize("value", [5, "", "a b", "x" * 100, "\ud800", ["admin"]])
def test_a_tampered_snapshot_operation_set_is_named(value: Any) -> None:
    auth = scripted_client(Script(), signer=SIGNER)
    record = json.loads(json.dumps(auth.admin_sign_in("kim", "pw").snapshot()))
    assert record["options"]["operations"] == "admin"
    record["options"]["operations"] = value
    with pytest.raises(ValidationError) as info:
        SignInOptions.from_json(record["options"])
    assert info.value.field == "operations"

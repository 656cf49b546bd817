"""Hostile values in tokens and stored records (regression).

``iat``/``exp`` of 10^400 or NaN in a token's claims used to raise OverflowError (or store a NaN
skew); an absurd ExpiresIn made a token look fresh for centuries; a corrupt or foreign record in
the store surfaced as an untyped parsing error. Now: ProtocolViolationError for what a server
sent, ExpiresIn beyond a day is clamped (the token's ``exp`` wins), CorruptRecordError naming the
key for what the store holds, other sessions unaffected.
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scripted_cognito import Script, auth_result, fake_jwt, scripted_client

from authflow.protocol.errors import AuthflowError, ProtocolViolationError
from authflow.storage import CorruptRecordError, MemoryStore

IAT = 1_700_000_000


def _raw_jwt(payload: str) -> str:
    """A JWT whose payload is ``payload`` verbatim (JSON that json.dumps would not write)."""
    body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    return f"e30.{body}.c2ln"


def _result_with_access(access: str, **extra: Any) -> dict[str, Any]:
    result = auth_result("uid-h")
    result["AuthenticationResult"]["AccessToken"] = access
    result["AuthenticationResult"].update(extra)
    return result


HOSTILE_TIMES = ["1" + "0" * 400, "NaN", "Infinity", "-Infinity", "1e400", "-1", "true",
                 '"1700000000"', "[1]", "1e300"]


@pytest.mark.parametrize("claim", ["iat", "exp"])
@pytest.mark.parametrize("value", HOSTILE_TIMES)
async def test_hostile_iat_or_exp_is_a_protocol_violation(claim: str, value: str) -> None:
    other = "exp" if claim == "iat" else "iat"
    access = _raw_jwt(f'{{"username":"uid-h","sub":"s","{other}":{IAT + 3600 * (other == "exp")},'
                      f'"{claim}":{value}}}')
    script = Script().on("InitiateAuth", _result_with_access(access))
    store = MemoryStore()
    auth = scripted_client(script, store=store, clock=lambda: float(IAT))
    flow = auth.sign_in("h", "pw", auth_flow="USER_PASSWORD_AUTH")
    with pytest.raises(ProtocolViolationError) as info:
        await flow.step()
    assert info.value.field == claim
    assert repr(store) == "MemoryStore(keys=0)"  # nothing half-written


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["iat", "exp", "username", "sub", "auth_time"]),
                       st.none() | st.booleans() | st.integers() | st.floats()
                       | st.sampled_from([math.nan, math.inf, 10**400, -(10**400), 1e300])
                       | st.text(max_size=4) | st.lists(st.integers(), max_size=2), max_size=5))
def test_any_claims_sign_in_or_fail_typed(claims: dict[str, Any]) -> None:
    access = _raw_jwt(json.dumps(claims))  # NaN/Infinity written as JSON extensions
    script = Script().on("InitiateAuth", _result_with_access(access))
    auth = scripted_client(script, clock=lambda: float(IAT))
    flow = auth.sign_in("h", "pw", auth_flow="USER_PASSWORD_AUTH")
    try:
        asyncio.run(flow.step())
    except AuthflowError as exc:
        assert isinstance(exc, ProtocolViolationError), type(exc)
    else:
        assert flow.state == "Authenticated"


async def test_an_absurd_expires_in_does_not_keep_a_token_fresh_for_ever() -> None:
    now = [float(IAT)]
    access = fake_jwt({"username": "uid-x", "sub": "s", "iat": IAT, "exp": IAT + 3600})
    refreshed = auth_result("uid-x", iat=IAT + 7200, refresh=None, jti="r")
    script = (Script().on("InitiateAuth", _result_with_access(access, ExpiresIn=2**62),
                          refreshed))
    auth = scripted_client(script, clock=lambda: now[0])
    flow = auth.sign_in("x", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    assert flow.session_key is not None
    assert await auth.access_token(flow.session_key) == access
    now[0] += 7200  # past the token's exp: it must be refreshed, whatever ExpiresIn said
    token = await auth.access_token(flow.session_key)
    assert token != access
    assert len(script.sent("InitiateAuth")) == 2


async def test_expires_in_without_exp_is_clamped_to_a_day() -> None:
    now = [float(IAT)]
    access = fake_jwt({"username": "uid-y", "sub": "s", "iat": IAT})
    script = Script().on("InitiateAuth", _result_with_access(access, ExpiresIn=10**12),
                         auth_result("uid-y", iat=IAT + 90_000, refresh=None, jti="r"))
    auth = scripted_client(script, clock=lambda: now[0])
    flow = auth.sign_in("y", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    assert flow.tokens is not None and flow.tokens.expires_at == IAT + 86_400
    now[0] += 86_400
    assert await auth.access_token(flow.session_key or "") != access


@pytest.mark.parametrize("expires_in", [0, -5])
async def test_a_non_positive_expires_in_is_a_protocol_violation(expires_in: int) -> None:
    script = Script().on("InitiateAuth", _result_with_access(
        fake_jwt({"username": "u", "iat": IAT}), ExpiresIn=expires_in))
    flow = scripted_client(script).sign_in("u", "pw", auth_flow="USER_PASSWORD_AUTH")
    with pytest.raises(ProtocolViolationError) as info:
        await flow.step()
    assert info.value.field == "ExpiresIn"


S = "SECRETISH-VALUE"  # record content never appears in an error message
CORRUPT: list[Any] = [
    {"hello": S},
    {"version": 2},
    {"version": 1, "tokens": S},
    {"version": 2, "tokens": {"access_token": 5, "refresh_token": S}},
    {"version": 2, "session_id": S, "user_pool_id": S, "client_id": S, "username": S,
     "login": S, "tokens": {"access_token": S, "expires_at": "soon"}},
    {"version": 2, "session_id": S, "user_pool_id": S, "client_id": S, "username": S,
     "login": S, "tokens": {"access_token": S, "expires_at": 10**400}},
    {"version": 99, "tokens": S},
    {"version": True},
]


@pytest.mark.parametrize("record", CORRUPT, ids=[str(i) for i in range(len(CORRUPT))])
async def test_a_corrupt_or_foreign_record_is_typed_and_named_and_others_are_fine(
        record: dict[str, Any]) -> None:
    store = MemoryStore()
    script = Script().on("InitiateAuth", auth_result("uid-a"), auth_result("uid-b"))
    auth = scripted_client(script, store=store, clock=lambda: float(IAT))
    flows = []
    for name in ("a", "b"):
        flow = auth.sign_in(name, "pw", auth_flow="USER_PASSWORD_AUTH")
        await flow.step()
        flows.append(flow)
    bad, good = flows[0].session_key, flows[1].session_key
    assert bad and good
    await store.set(bad, record)
    with pytest.raises(CorruptRecordError) as info:
        await auth.access_token(bad)
    assert info.value.key == bad and bad in str(info.value)
    assert S not in str(info.value) and S not in repr(info.value)
    assert await auth.access_token(good) == flows[1].tokens.access_token
    assert await store.get(bad) == record  # a foreign record is not destroyed

"""MemoryStore and the session record: atomic JSON-safe values, expiry, locks, strict parsing,
and no secret in any repr."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scripted_cognito import fake_jwt

from authflow import CognitoConfig, SignInFlow, Step
from authflow.protocol.errors import ProtocolViolationError, ValidationError
from authflow.sessions import DeviceRecord, SessionRecord, Tokens
from authflow.storage import MemoryStore, Store


async def test_memory_store_is_a_store_and_copies_records() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    assert isinstance(store, Store)
    record: dict[str, Any] = {"a": [1, 2], "b": {"c": None}}
    await store.set("k", record)
    record["a"].append(3)  # mutating what was stored must not change the stored record
    got = await store.get("k")
    assert got == {"a": [1, 2], "b": {"c": None}}
    assert got is not None
    got["a"].append(9)
    assert (await store.get("k")) == {"a": [1, 2], "b": {"c": None}}
    await store.set("t", {"x": 1}, ttl=10)
    now[0] = 9.9
    assert await store.get("t") == {"x": 1}
    now[0] = 10.0
    assert await store.get("t") is None
    await store.delete("k")
    await store.delete("missing")
    assert await store.get("k") is None
    with pytest.raises(ValidationError):
        await store.set("bad", {"x": object()})
    with pytest.raises(ValidationError):
        await store.set("nan", {"x": float("nan")})
    assert await store.get("bad") is None  # nothing half-written


async def test_memory_store_lock_excludes_and_times_out() -> None:
    store = MemoryStore()
    order: list[str] = []

    async def worker(name: str) -> None:
        async with store.lock("L"):
            order.append(f"{name}-in")
            await asyncio.sleep(0.01)
            order.append(f"{name}-out")

    await asyncio.gather(worker("a"), worker("b"))
    assert order in (["a-in", "a-out", "b-in", "b-out"], ["b-in", "b-out", "a-in", "a-out"])
    async with store.lock("L"):
        with pytest.raises(TimeoutError):
            async with store.lock("L", timeout=0.01):
                pass
    async with store.lock("L", timeout=0.01):  # released after the timeout, usable again
        pass


def _record() -> SessionRecord:
    access = fake_jwt({"username": "uid-9", "sub": "sub-9", "iat": 1000})
    tokens = Tokens(access_token=access, id_token="id.tok.en", refresh_token="refresh-secret",
                    expires_at=4600.0)
    return SessionRecord.from_tokens(user_pool_id="us-east-1_A1", client_id="c1", login="al",
                                     tokens=tokens, received_at=990.0, device_key="us-east-1_d")


def test_session_record_round_trip_and_identity() -> None:
    record = _record()
    assert record.username == "uid-9" and record.sub == "sub-9"
    assert record.clock_skew == 10.0
    data = json.loads(json.dumps(record.to_json()))
    assert SessionRecord.from_json(data) == record
    new = fake_jwt({"username": "uid-9", "iat": 5000, "exp": 8600})
    refreshed = record.with_tokens(Tokens(access_token=new, id_token=None, refresh_token=None,
                                          expires_at=9999.0), received_at=4990.0,
                                   refresh_validity=100.0)
    assert (refreshed.clock_skew, refreshed.issued_at, refreshed.access_expires) == (
        10.0, 5000.0, 8600.0)
    assert refreshed.refresh_expires == record.refresh_expires  # same refresh token
    assert refreshed.tokens.refresh_token == "refresh-secret"
    assert refreshed.tokens.id_token == "id.tok.en"


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(["version", "user_pool_id", "client_id", "username",
                                        "login", "tokens", "clock_skew", "sub"]),
                       st.none() | st.integers() | st.text(max_size=5)
                       | st.dictionaries(st.text(max_size=12), st.text(max_size=5)
                                         | st.floats(allow_nan=False)), max_size=8)
       | st.lists(st.integers()) | st.text())
def test_malformed_session_records_are_typed_errors(data: Any) -> None:
    try:
        SessionRecord.from_json(data)
    except ProtocolViolationError:
        pass


def test_device_record_parsing() -> None:
    device = DeviceRecord("us-east-1_k", "-g", "device-secret-value")
    assert DeviceRecord.from_json(device.to_json()) == device
    with pytest.raises(ProtocolViolationError):
        DeviceRecord.from_json({"device_key": "k"})
    with pytest.raises(ProtocolViolationError):
        DeviceRecord.from_json([1])


def test_no_secret_in_any_repr() -> None:
    record = _record()
    config = CognitoConfig(user_pool_id="us-east-1_A1", client_id="c1",
                           client_secret="client-secret-value")
    step = Step(state="ChallengePending", challenge="MFA_SETUP", secret_code="TOTPSECRETVALUE",
                otpauth_uri="otpauth://totp/x?secret=TOTPSECRETVALUE",
                parameters={"SECRET_BLOCK": "secret-block-value"}, tokens=record.tokens)
    device = DeviceRecord("us-east-1_k", "-g", "device-secret-value")
    text = " ".join(repr(x) for x in (record, record.tokens, config, step, device))
    for secret in (record.tokens.access_token, "refresh-secret", "id.tok.en",
                   "client-secret-value", "TOTPSECRETVALUE", "secret-block-value",
                   "device-secret-value"):
        assert secret not in text, secret
    assert "SignInFlow" in repr(SignInFlow)

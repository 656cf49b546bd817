"""Pending sign-ins saved by key (``flow.save()`` / ``auth.resume(key)``) on scripted responses:
the key is unguessable, the record never holds the password, expires with the challenge, follows
the sign-in from step to step and is gone once it finishes, is cancelled, dies or is superseded."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scripted_cognito import POOL, Script, auth_result, challenge, error, scripted_client

from authflow import AuthClient, ChallengeExpiredError
from authflow.protocol.errors import (
    InvalidStateError,
    SessionNotFoundError,
    ValidationError,
)
from authflow.sessions.keys import ID_PATTERN
from authflow.storage import CorruptRecordError, MemoryStore

PASSWORD = "pw-Correct-9!"
DEAD = "Invalid session for the user, session is expired."


class Now:
    """One settable clock for the client and its MemoryStore."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _sms() -> dict[str, Any]:
    return challenge("SMS_MFA", {"CODE_DELIVERY_DESTINATION": "+***77", "USER_ID_FOR_SRP": "u1"},
                     session="S" * 30)


def _client(script: Script, store: MemoryStore, now: Now) -> AuthClient:
    return scripted_client(script, store=store, clock=now)  # type: ignore[no-any-return]


async def _pending(script: Script) -> tuple[Any, AuthClient, MemoryStore, Now]:
    now = Now()
    store = MemoryStore(clock=now)
    auth = _client(script, store, now)
    flow = auth.sign_in("ann", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
    assert (await flow.step()).challenge == "SMS_MFA"
    return flow, auth, store, now


async def test_a_saved_sign_in_is_an_unguessable_key_without_the_password() -> None:
    flow, auth, store, now = await _pending(Script().on("InitiateAuth", _sms()))
    key = await flow.save()
    prefix = f"authflow:{POOL}:{auth.config.client_id}:pending:"
    assert key.startswith(prefix) and ID_PATTERN.fullmatch(key[len(prefix):])
    assert flow.saved_key == key
    record = await store.get(key)
    assert record is not None
    assert PASSWORD not in json.dumps(record)
    assert record["snapshot"]["challenge"]["session"] == "S" * 30
    now.now += 179  # the challenge lasts auth_session_validity (3 minutes)...
    assert await store.get(key) is not None
    now.now += 1  # ...and so does the saved record
    assert await store.get(key) is None
    with pytest.raises(SessionNotFoundError):
        await auth.resume(key)


async def test_only_a_live_pending_sign_in_can_be_saved() -> None:
    script = Script().on("InitiateAuth", _sms())
    now = Now()
    auth = _client(script, MemoryStore(clock=now), now)
    flow = auth.sign_in("ann", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
    with pytest.raises(InvalidStateError):
        await flow.save()  # Unauthenticated
    await flow.step()
    now.now += 181
    with pytest.raises(InvalidStateError):  # its challenge Session has expired
        await flow.save()
    assert flow.saved_key is None


async def test_the_record_follows_the_sign_in_and_goes_when_it_finishes() -> None:
    script = (Script().on("InitiateAuth", _sms())
              .on("RespondToAuthChallenge",
                  challenge("NEW_PASSWORD_REQUIRED", {"USER_ID_FOR_SRP": "u1",
                                                      "requiredAttributes": "[]"},
                            session="T" * 30),
                  auth_result("u1")))
    flow, auth, store, now = await _pending(script)
    first = await flow.save()
    key = await flow.save()  # a new save supersedes the first
    assert key != first and await store.get(first) is None
    # another process resumes by key and answers the SMS code...
    other = _client(script, store, now)
    resumed = await other.resume(key)
    assert resumed.challenge == "SMS_MFA" and resumed.saved_key == key
    await resumed.step("123456")
    # ...the record now holds the next challenge, under the same key
    record = await store.get(key)
    assert record is not None and record["snapshot"]["challenge"]["name"] == "NEW_PASSWORD_REQUIRED"
    third = await _client(script, store, now).resume(key)
    assert third.challenge == "NEW_PASSWORD_REQUIRED"
    await third.step("New-Password-7!")
    assert third.state == "Authenticated" and third.saved_key is None
    assert await store.get(key) is None
    with pytest.raises(SessionNotFoundError):
        await auth.resume(key)


@pytest.mark.parametrize("ending", ["cancel", "dead challenge"])
async def test_a_cancelled_or_dead_sign_in_deletes_its_record(ending: str) -> None:
    script = (Script().on("InitiateAuth", _sms())
              .on("RespondToAuthChallenge", error("NotAuthorizedException", DEAD)))
    flow, _, store, _ = await _pending(script)
    key = await flow.save()
    if ending == "cancel":
        await flow.cancel()
    else:
        with pytest.raises(ChallengeExpiredError):
            await flow.step("123456")
    assert await store.get(key) is None and flow.saved_key is None


async def test_a_wrong_code_keeps_the_saved_record() -> None:
    script = (Script().on("InitiateAuth", _sms())
              .on("RespondToAuthChallenge", error("CodeMismatchException", "Invalid code."),
                  auth_result("u1")))
    flow, _, store, _ = await _pending(script)
    key = await flow.save()
    with pytest.raises(Exception, match="Invalid code"):
        await flow.step("000000")
    assert await store.get(key) is not None  # still pending: answer again, here or elsewhere
    await flow.step("123456")
    assert await store.get(key) is None


async def test_a_record_that_is_not_a_pending_sign_in_is_typed() -> None:
    flow, auth, store, _ = await _pending(Script().on("InitiateAuth", _sms()))
    key = await flow.save()
    for bad in ({"hello": "world"}, {"version": 1, "kind": "pending_sign_in", "snapshot": 5}):
        await store.set(key, bad)
        with pytest.raises(CorruptRecordError) as info:
            await auth.resume(key)
        assert info.value.key == key
    record = {"version": 1, "kind": "pending_sign_in", "snapshot": {**flow.snapshot(),
                                                                    "state": "Unauthenticated"}}
    await store.set(key, record)  # a pending key must hold a pending sign-in
    with pytest.raises(CorruptRecordError):
        await auth.resume(key)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80) | st.sampled_from([
    f"authflow:{POOL}:clientid123:pending:" + "A" * 22,
    f"authflow:{POOL}:clientid123:pending:" + "A" * 21,
    f"authflow:{POOL}:clientid123:session:" + "A" * 22,
    f"authflow:{POOL}:clientid123:pending:" + "A" * 21 + "\ud800"]))
def test_any_string_resumes_or_fails_typed(key: str) -> None:
    auth = scripted_client(Script())
    try:
        asyncio.run(auth.resume(key))
    except ValidationError as exc:
        assert exc.field == "key"
    except SessionNotFoundError:
        assert auth.sessions.keys.is_pending(key)
    else:
        raise AssertionError("nothing was saved")

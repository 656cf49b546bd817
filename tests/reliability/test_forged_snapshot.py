"""A snapshot is never a credential (security regression).

``resume()`` used to trust the ``session_key`` inside an Authenticated snapshot: edited to Alice's
key (``...:session:alice``, computable from her username) it handed out Alice's tokens. Session
keys now hold a 128-bit random session id, and a resumed snapshot must match the stored record's
identity. A key that is not a pending sign-in does not resume as one, and a failed SRP proof
leaves no SECRET_BLOCK, SRP_B or SALT in the snapshot.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from emulated_cognito import PASSWORD, client, confirmed_user

from authflow import AuthClient
from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import (
    AuthflowError,
    InvalidStateError,
    NotAuthorizedError,
    SessionNotFoundError,
    ValidationError,
)


async def _signed_in(auth: AuthClient, username: str) -> Any:
    await confirmed_user(auth, username)
    flow = auth.sign_in(username, PASSWORD)
    await flow.step()
    assert flow.state == "Authenticated" and flow.session_key is not None
    return flow


def _forged(snapshot: dict[str, Any], session_key: str) -> dict[str, Any]:
    forged = json.loads(json.dumps(snapshot))
    forged["session_key"] = session_key
    return forged


async def test_a_snapshot_edited_to_another_users_key_does_not_resume(
        emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        alice = await _signed_in(auth, "alice")
        mallory = await _signed_in(auth, "mallory")
        mine = mallory.snapshot()
        cfg = auth.config
        guessed = f"authflow:{cfg.user_pool_id}:{cfg.client_id}:session:alice"
        for key in (guessed, alice.session_key, alice.session_key + "x",
                    alice.session_key.rsplit(":", 1)[0] + ":" + "A" * 22):
            with pytest.raises((ValidationError, SessionNotFoundError)) as info:
                stolen = await auth.resume(_forged(mine, key))
                # never reached on a fixed build: on main this was Alice's tokens
                assert stolen.tokens is None or stolen.tokens != alice.tokens
            assert isinstance(info.value, AuthflowError)
            assert alice.tokens.access_token not in str(info.value)
        # Mallory's own snapshot still resumes, with her tokens
        again = await auth.resume(json.loads(json.dumps(mine)))
        assert again.state == "Authenticated" and again.tokens == mallory.tokens


async def test_resume_by_key_only_takes_a_pending_sign_in_key(
        emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        alice = await _signed_in(auth, "alice")
        cfg = auth.config
        for key in (alice.session_key, f"authflow:{cfg.user_pool_id}:device:alice",
                    "authflow:us-east-1_Other:x:pending:" + "A" * 22, "", "pending"):
            with pytest.raises(ValidationError) as info:
                await auth.resume(key)
            assert info.value.field == "key"
        missing = f"authflow:{cfg.user_pool_id}:{cfg.client_id}:pending:" + "B" * 22
        with pytest.raises(SessionNotFoundError):
            await auth.resume(missing)


async def test_a_failed_srp_proof_leaves_no_spent_srp_values_in_the_snapshot(
        emu: Emulator, clock: ManualClock) -> None:
    async with client(emu, clock) as auth:
        await confirmed_user(auth, "bob")
        flow = auth.sign_in("bob", "Wrong-Horse-9!")
        with pytest.raises(NotAuthorizedError):
            await flow.step()
        assert flow.state == "Unauthenticated"
        text = json.dumps(flow.snapshot())
        for name in ("SECRET_BLOCK", "SRP_B", "SALT"):
            assert name not in text, name
        # the resumed flow is a clean start: it needs the password again
        resumed = await auth.resume(flow.snapshot())
        with pytest.raises((ValidationError, InvalidStateError)):
            await resumed.step()
        await resumed.step(PASSWORD)
        assert resumed.state == "Authenticated"

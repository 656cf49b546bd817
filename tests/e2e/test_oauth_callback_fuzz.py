"""Hypothesis over callback URLs: whatever reaches ``flow.step(callback)`` gives a typed
authflow error, never a crash or a hang. Without this sign-in's ``state`` nothing changes; with
it, the code goes to the emulator's real token endpoint and whatever it answers is typed."""

from __future__ import annotations

import itertools
import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import (
    AuthflowError,
    AuthorizationDeniedError,
    StateMismatchError,
    ValidationError,
)

from .managed_login import CALLBACK, oauth_client, web_app

FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TEXT = st.text(max_size=80)  # includes lone surrogates, controls, NUL, non-ASCII
NAMES = st.one_of(
    st.sampled_from(["state", "code", "error", "error_description", "session", "iss"]), TEXT
)
PAIRS = st.lists(st.tuples(NAMES, TEXT), max_size=8)
_PREFIXES = (f"fuzz-{n}" for n in itertools.count())  # the emulator lives across examples


def _as_url(pairs: list[tuple[str, str]], form: int) -> str | dict[str, str]:
    if form == 0:
        return CALLBACK + "?" + urllib.parse.urlencode(
            [(k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass"))
             for k, v in pairs]
        )
    if form == 1:
        return CALLBACK + "?" + "&".join(f"{k}={v}" for k, v in pairs)  # raw, unencoded
    if form == 2:
        return dict(pairs)
    return "&".join(f"{k}={v}" for k, v in pairs)  # a bare query string


@FUZZ
@given(pairs=PAIRS, form=st.integers(0, 3), raw=st.one_of(st.none(), TEXT, st.binary()))
async def test_callbacks_without_the_state_change_nothing(
    emu: Emulator, clock: ManualClock, pairs: list[tuple[str, str]], form: int,
    raw: str | bytes | None,
) -> None:
    app = web_app(emu, prefix=next(_PREFIXES))
    async with oauth_client(emu, app, clock) as auth:
        flow = auth.authorize(CALLBACK)
        await flow.step()
        callback: object = _as_url(pairs, form) if raw is None else raw
        try:
            await flow.step(callback)  # type: ignore[arg-type]
        except (StateMismatchError, ValidationError) as error:
            assert str(error).isprintable()
        else:
            raise AssertionError("a callback without this sign-in's state was accepted")
        assert flow.state == "ChallengePending"


@FUZZ
@given(pairs=PAIRS, encode=st.booleans())
async def test_callbacks_with_the_state_are_typed_answers(
    emu: Emulator, clock: ManualClock, pairs: list[tuple[str, str]], encode: bool
) -> None:
    app = web_app(emu, prefix=next(_PREFIXES))
    async with oauth_client(emu, app, clock) as auth:
        flow = auth.authorize(CALLBACK)
        await flow.step()
        state = flow.snapshot()["request"]["state"]
        pairs = [(k, v) for k, v in pairs if k != "state"] + [("state", state)]
        callback = _as_url(pairs, 0 if encode else 2)
        try:
            await flow.step(callback)
        except AuthorizationDeniedError as error:
            assert all(0x20 <= ord(c) < 0x7F for c in str(error))
            assert flow.state == "Unauthenticated"
        except AuthflowError as error:
            assert flow.state in ("ChallengePending", "Unauthenticated")
            assert type(error).__module__.startswith("authflow.")
        else:
            raise AssertionError("a made-up code was redeemed")

"""The sign-in engine against a hostile Cognito: every InitiateAuth, RespondToAuthChallenge,
refresh, ConfirmDevice, AssociateSoftwareToken… answer is drawn from hostile_responses.py
(wrong JSON types, members missing or added, lone surrogates, 10^400, NaN, nesting thousands of
levels deep, 100 KB strings, unknown challenges), and a caller drives the flow through sign-in,
refresh and sign-out. Whatever comes back, every call proceeds or raises a typed AuthflowError,
the flow is never left waiting on a challenge only the engine answers, and no run hangs.

bench/hostile_fuzz.py runs the same drive for tens of thousands of examples.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .hostile_drive import SIGN_IN_OPTIONS, one_drive


@settings(max_examples=500, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(options=SIGN_IN_OPTIONS, device=st.booleans(), data=st.data())
def test_hostile_answers_get_typed_errors_and_never_strand(
    options: dict[str, Any], device: bool, data: st.DataObject
) -> None:
    asyncio.run(one_drive(data.draw, options, device))


def test_the_drive_goes_everywhere() -> None:
    # the strategies are hostile enough to be refused and plausible enough to get through:
    # challenges are met, sign-ins complete, damaged answers are refused as such
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(options=SIGN_IN_OPTIONS, data=st.data())
    def run(options: dict[str, Any], data: st.DataObject) -> None:
        seen.update(asyncio.run(one_drive(data.draw, options, False)))

    run()
    assert {"ChallengePending", "Authenticated", "ProtocolViolationError"} <= seen, seen

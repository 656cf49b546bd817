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
from scripted_cognito import CLIENT, POOL

from authflow import AuthClient, CognitoConfig, SignInFlow, SignInRestartRequiredError
from authflow.flows import ENGINE_CHALLENGES
from authflow.protocol.errors import AuthflowError, ProtocolViolationError
from authflow.storage import MemoryStore
from authflow.transport import MockTransport

from .hostile_responses import ANSWER_KINDS, hostile_answer

#: Per example: how long a drive may take before it counts as a hang (never reached in practice;
#: a guard, not a timing assertion).
HANG_SECONDS = 60.0
#: Caller turns per drive.
TURNS = 8

SIGN_IN_OPTIONS = st.one_of(
    st.fixed_dictionaries({"auth_flow": st.just("USER_SRP_AUTH")}),
    st.fixed_dictionaries({"auth_flow": st.just("USER_PASSWORD_AUTH")}),
    st.fixed_dictionaries({"auth_flow": st.just("CUSTOM_AUTH"), "srp_first": st.booleans()}),
    st.fixed_dictionaries({"auth_flow": st.just("USER_AUTH"), "preferred_challenge":
                           st.sampled_from(["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"])}),
)


class HostileCognito:
    """A MockTransport handler whose every answer is drawn (``draw`` is hypothesis' draw)."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw
        self.requests: list[str] = []

    async def __call__(self, operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(operation)
        if operation == "GetTokensFromRefreshToken" or (
            operation == "InitiateAuth" and payload.get("AuthFlow") == "REFRESH_TOKEN_AUTH"
        ):
            kind = "refresh"
        elif operation in ("InitiateAuth", "RespondToAuthChallenge"):
            kind = "sign_in"
        else:
            kind = operation if operation in ANSWER_KINDS else "UpdateDeviceStatus"
        answer = self.draw(hostile_answer(kind))
        if not isinstance(answer, dict):  # what a transport makes of a non-object
            raise ProtocolViolationError(f"{operation}: the answer is not a JSON object")
        return answer


def a_callers_answer(flow: SignInFlow) -> str | dict[str, str] | None:
    """What a caller answers from the Step alone (``None``: start over)."""
    step = flow.current
    if step.choices:
        return step.choices[0]
    if step.expects:
        return {key: "Correct-Horse-9!" if "PASSWORD" in key else "123456"
                for key in step.expects}
    return None if step.challenge in (None, "") else {"ANSWER": "42"}


def check(flow: SignInFlow, error: BaseException) -> None:
    assert isinstance(error, AuthflowError), f"untyped {type(error).__name__}: {error!r}"
    assert flow.state != "Refreshing"
    if flow.state == "ChallengePending":
        assert flow.challenge not in ENGINE_CHALLENGES, f"stranded on {flow.challenge}"


async def drive(flow: SignInFlow) -> list[str]:
    """Sign in, refresh and sign out as a caller would, whatever the server says; return the
    states the flow was seen in and the names of the errors met (every one checked)."""
    met: list[str] = []
    for _ in range(TURNS):
        met.append(flow.state)
        try:
            if flow.state == "SignedOut":
                break
            if flow.state == "Unauthenticated":
                await flow.step()
            elif flow.state == "ChallengePending":
                answer = a_callers_answer(flow)
                await (flow.step(answer) if answer is not None else flow.restart())
            else:
                if flow.device_pending:
                    await flow.confirm_device()
                await flow.refresh()
                await flow.sign_out()
        except SignInRestartRequiredError as exc:
            check(flow, exc)
            met.append(type(exc).__name__)
            try:
                await flow.restart()
            except Exception as again:
                check(flow, again)
                met.append(type(again).__name__)
        except Exception as exc:
            check(flow, exc)
            met.append(type(exc).__name__)
    return met


async def one_drive(draw: Any, options: dict[str, Any], device: bool) -> list[str]:
    store = MemoryStore()
    auth = AuthClient(CognitoConfig(user_pool_id=POOL, client_id=CLIENT),
                      transport=MockTransport(HostileCognito(draw)), store=store)
    if device:  # a remembered device, so DEVICE_SRP_AUTH answers are met too
        await store.set(auth.sessions.device_key_for("alice"), {
            "device_key": "us-east-1_d", "device_group_key": "-grpKey01",
            "device_password": "p" * 40})
    flow = auth.sign_in("alice", "Correct-Horse-9!", remember_device=True, **options)
    return await asyncio.wait_for(drive(flow), HANG_SECONDS)


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

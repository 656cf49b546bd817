"""A caller driving the sign-in engine through a hostile Cognito: :func:`one_drive` signs in,
answers challenges from the Step alone, refreshes and signs out, with every answer drawn from
hostile_responses.py, and checks after each error that it is a typed AuthflowError and that the
flow is not stranded (:class:`Stranded` otherwise). Used by test_hostile_responses.py and
bench/hostile_fuzz.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import strategies as st
from scripted_cognito import CLIENT, POOL

from authflow import AuthClient, CognitoConfig, SignInFlow, SignInRestartRequiredError
from authflow.flows import ENGINE_CHALLENGES
from authflow.protocol.errors import AuthflowError, ProtocolViolationError
from authflow.storage import MemoryStore
from authflow.transport import MockTransport

from .hostile_responses import ANSWER_KINDS, hostile_answer

__all__ = ["HANG_SECONDS", "SIGN_IN_OPTIONS", "HostileCognito", "Stranded", "drive", "one_drive"]


class Stranded(AssertionError):
    """The property broke: an untyped error, or a flow left where the caller cannot go on."""


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
    """Raise :class:`Stranded` unless ``error`` is typed and ``flow`` can go on."""
    if not isinstance(error, AuthflowError):
        raise Stranded(f"untyped {type(error).__name__}: {error!r}") from error
    if flow.state == "Refreshing":
        raise Stranded("left Refreshing") from error
    if flow.state == "ChallengePending" and flow.challenge in ENGINE_CHALLENGES:
        raise Stranded(f"stranded on {flow.challenge}") from error


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


async def one_drive(
    draw: Any, options: dict[str, Any], device: bool, *, hang_seconds: float = HANG_SECONDS
) -> list[str]:
    """One drive on a fresh client (``device``: with a remembered device in its store); a drive
    longer than ``hang_seconds`` raises TimeoutError (a hang)."""
    store = MemoryStore()
    auth = AuthClient(CognitoConfig(user_pool_id=POOL, client_id=CLIENT),
                      transport=MockTransport(HostileCognito(draw)), store=store)
    if device:  # a remembered device, so DEVICE_SRP_AUTH answers are met too
        await store.set(auth.sessions.device_key_for("alice"), {
            "device_key": "us-east-1_d", "device_group_key": "-grpKey01",
            "device_password": "p" * 40})
    flow = auth.sign_in("alice", "Correct-Horse-9!", remember_device=True, **options)
    return await asyncio.wait_for(drive(flow), hang_seconds)

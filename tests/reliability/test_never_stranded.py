"""A sign-in never strands: from every state, after any one request fails in any way, ``step()``
(or ``restart()``, ``refresh()``, ``sign_out()``, ``confirm_device()``) either proceeds or raises
a typed AuthflowError, and the flow is left where the caller can go on — never ChallengePending
on a challenge only the engine answers, never Refreshing — so that driving it on reaches
Authenticated, refreshes and signs out. A failed ConfirmDevice never costs the sign-in.

The server is a stateful scripted Cognito (tests/reliability/stateful_cognito.py): single-use
sessions and SRP proofs, real SRP verification, device confirmation. Every request of every
scenario is failed in every way (``test_every_failure_of_every_request``); hypothesis adds
damaged answers (``test_hostile_answers_never_strand_the_flow``).
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scripted_cognito import CLIENT, POOL, Script, auth_result, challenge

from authflow import AuthClient, CognitoConfig, SignInFlow, SignInRestartRequiredError, srp
from authflow.flows import ENGINE_CHALLENGES
from authflow.protocol.errors import (
    AuthflowError,
    ChallengeExpiredError,
    InvalidStateError,
    ProtocolViolationError,
    ValidationError,
)
from authflow.storage import MemoryStore
from authflow.transport import MockTransport

from .hostile_responses import damage
from .stateful_cognito import CODE, FAULTS, PASSWORD, POOL_NAME, Fault, StatefulCognito

#: (auth_flow, mfa, devices, a remembered device first)
SCENARIOS = [
    ("USER_PASSWORD_AUTH", None, False, False),
    ("USER_PASSWORD_AUTH", "sms", True, False),
    ("USER_SRP_AUTH", None, True, False),
    ("USER_SRP_AUTH", "sms", True, True),
    ("USER_SRP_AUTH", "totp_setup", True, False),
]
#: Turns a driver may take before the sign-in must be through (one fault costs a few).
TURNS = 12


def answer_for(flow: SignInFlow) -> str | None:
    """What a user answers, or ``None`` when the challenge is not one they can answer."""
    step = flow.current
    if step.challenge in ("SMS_MFA", "SOFTWARE_TOKEN_MFA"):
        return CODE
    if step.challenge == "MFA_SETUP":
        return "SOFTWARE_TOKEN_MFA" if step.expects == ("ANSWER",) else CODE
    return None


def check_continuable(flow: SignInFlow, error: BaseException) -> None:
    """The property: a typed error that says something, and a state the caller can go on from."""
    assert isinstance(error, AuthflowError), f"untyped {type(error).__name__}: {error!r}"
    assert str(error), f"{type(error).__name__} says nothing"
    if isinstance(error, ChallengeExpiredError | SignInRestartRequiredError):
        assert "flow.restart()" in str(error)
    # SignedOut only by a definitive refresh failure (the refresh token was refused): the
    # caller signs in anew
    assert flow.state in ("Unauthenticated", "ChallengePending", "Authenticated", "SignedOut")
    if flow.state == "ChallengePending":
        assert flow.challenge not in ENGINE_CHALLENGES, f"stranded on {flow.challenge}"


async def sign_in(flow: SignInFlow, *, hostile: bool = False) -> list[BaseException]:
    """Drive ``flow`` like a caller until Authenticated; every error is checked. After a
    ``hostile`` answer the caller's answer may not fit the damaged challenge: refused locally,
    they start over."""
    errors: list[BaseException] = []
    for _ in range(TURNS):
        try:
            if flow.state == "Authenticated":
                return errors
            if flow.state == "Unauthenticated":
                await flow.step()
            else:
                answer = answer_for(flow)
                await (flow.step(answer) if answer is not None else flow.restart())
        except ValidationError as exc:
            assert hostile, f"the driver's answer was refused: {exc}"
            assert flow.state == "ChallengePending"
            errors.append(exc)
            await flow.restart()
        except SignInRestartRequiredError as exc:
            check_continuable(flow, exc)
            errors.append(exc)
            try:
                await flow.restart()
            except Exception as again:
                check_continuable(flow, again)
                errors.append(again)
        except Exception as exc:
            check_continuable(flow, exc)
            errors.append(exc)
    raise AssertionError(f"not signed in after {TURNS} turns ({flow!r}): {errors}")


async def until_done(call: Any, flow: SignInFlow, tries: int = 3) -> list[BaseException]:
    """Call ``call()`` until it works (one fault costs one try) or the flow is SignedOut."""
    errors: list[BaseException] = []
    for _ in range(tries):
        try:
            await call()
            return errors
        except Exception as exc:
            check_continuable(flow, exc)
            errors.append(exc)
            if flow.state == "SignedOut":
                return errors
    raise AssertionError(f"{call} kept failing: {errors}")


def make_client(server: StatefulCognito, store: MemoryStore) -> AuthClient:
    config = CognitoConfig(user_pool_id=POOL, client_id=CLIENT)
    return AuthClient(config, transport=MockTransport(server), store=store)


async def run_scenario(
    scenario: tuple[str, str | None, bool, bool], fault: Fault | None, server: StatefulCognito
) -> None:
    auth_flow, _mfa, devices, remembered_first = scenario
    store = MemoryStore()
    auth = make_client(server, store)
    if remembered_first:  # a clean sign-in that leaves a remembered device
        first = auth.sign_in("alice", PASSWORD, auth_flow=auth_flow, remember_device=True)
        await sign_in(first)
        assert not first.device_pending
    server.requests.clear()
    server.fault = fault

    flow = auth.sign_in("alice", PASSWORD, auth_flow=auth_flow, remember_device=True)
    await sign_in(flow, hostile=fault is not None and fault.kind == "hostile")
    # signed in: the session is stored and valid on the server, whatever failed on the way
    assert flow.session_key is not None and flow.tokens is not None
    if fault is None or fault.kind != "hostile":
        assert flow.tokens.access_token in server.access_tokens
        assert await auth.access_token(flow.session_key) == flow.tokens.access_token
    for _ in range(3):  # a failed confirmation is retried while it stays pending
        if not flow.device_pending:
            break
        try:
            await flow.confirm_device()
        except Exception as exc:
            check_continuable(flow, exc)
    assert not flow.device_pending
    if devices and (fault is None or fault.kind != "hostile"):
        device = await store.get(auth.sessions.device_key_for("alice"))
        assert device is not None and server.devices[device["device_key"]].remembered
    if fault is not None and fault.kind == "hostile":
        # the damaged answer may have been the tokens: a refresh token the server refuses
        # signs the session out, none at all cannot be refreshed (both typed)
        if flow.tokens.refresh_token is None:
            with pytest.raises(InvalidStateError):
                await flow.refresh()
            return
        await until_done(flow.refresh, flow)
        if flow.state == "SignedOut":
            return
    else:
        assert not await until_done(flow.refresh, flow) or fault is not None
    assert flow.state == "Authenticated"
    await until_done(flow.sign_out, flow)
    assert flow.state == "SignedOut"


def request_count(scenario: tuple[str, str | None, bool, bool]) -> int:
    """How many requests the scenario sends when nothing fails."""
    server = StatefulCognito(mfa=scenario[1], devices=scenario[2])
    asyncio.run(run_scenario(scenario, None, server))
    return len(server.requests)


CASES = [
    (scenario, index, kind)
    for scenario in SCENARIOS
    for index in range(request_count(scenario))
    for kind in FAULTS
    if kind != "hostile"
]


@pytest.mark.parametrize(("scenario", "index", "kind"), CASES,
                         ids=[f"{s[0]}-{s[1]}-{s[2]}-{s[3]}-req{i}-{k}" for s, i, k in CASES])
def test_every_failure_of_every_request(
    scenario: tuple[str, str | None, bool, bool], index: int, kind: str
) -> None:
    server = StatefulCognito(mfa=scenario[1], devices=scenario[2])
    asyncio.run(run_scenario(scenario, Fault(index, kind), server))
    assert server.injected and server.injected[0][1] == kind


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=st.sampled_from(SCENARIOS), index=st.integers(0, 12),
       kind=st.sampled_from(FAULTS), data=st.data())
def test_hostile_answers_never_strand_the_flow(
    scenario: tuple[str, str | None, bool, bool], index: int, kind: str, data: st.DataObject
) -> None:
    server = StatefulCognito(mfa=scenario[1], devices=scenario[2],
                             damage=lambda answer: damage(data.draw, answer))
    asyncio.run(run_scenario(scenario, Fault(index, kind), server))


# -- the two strandings this guards against, as they were reported ---------------------------------


def _srp_server() -> tuple[Any, dict[str, str], int]:
    salt = b"s" * 16
    verifier = srp.compute_verifier(pool_name=POOL_NAME, user_id="uid-1", password=PASSWORD,
                                    salt=salt)
    server = srp.new_server_ephemeral(verifier)
    params = {"SALT": salt.hex(), "SRP_B": server.srp_b, "USER_ID_FOR_SRP": "uid-1",
              "SECRET_BLOCK": base64.b64encode(b"b" * 48).decode()}
    return server, params, verifier


@pytest.mark.parametrize("sent", [False, True])
async def test_confirm_device_dropped_after_password_verifier_keeps_the_tokens(
    sent: bool,
) -> None:
    from authflow.protocol.errors import TransportError

    _server, params, _v = _srp_server()

    def confirm(_payload: dict[str, Any]) -> dict[str, Any]:
        raise TransportError("ConfirmDevice: server disconnected", sent=sent)

    script = (Script().on("InitiateAuth", challenge("PASSWORD_VERIFIER", params))
              .on("RespondToAuthChallenge", auth_result(device=("us-east-1_d1", "-g1")))
              .on("ConfirmDevice", confirm))
    auth = AuthClient(CognitoConfig(user_pool_id=POOL, client_id=CLIENT),
                      transport=MockTransport(script), store=MemoryStore())
    flow = auth.sign_in("alice", PASSWORD)
    step = await flow.step()
    assert step.state == flow.state == "Authenticated"
    assert flow.session_key is not None and flow.device_pending


@pytest.mark.parametrize("result", [
    {"AuthenticationResult": {"TokenType": "Bearer"}},  # no AccessToken
    {"AuthenticationResult": {"AccessToken": "not-a-jwt", "ExpiresIn": 3600}},
])
async def test_a_malformed_result_after_password_verifier_does_not_strand(
    result: dict[str, Any],
) -> None:
    _server, params, _v = _srp_server()
    script = (Script().on("InitiateAuth", challenge("PASSWORD_VERIFIER", params),
                          challenge("PASSWORD_VERIFIER", params))
              .on("RespondToAuthChallenge", result, auth_result()))
    auth = AuthClient(CognitoConfig(user_pool_id=POOL, client_id=CLIENT),
                      transport=MockTransport(script), store=MemoryStore())
    flow = auth.sign_in("alice", PASSWORD)
    with pytest.raises(ProtocolViolationError):
        await flow.step()
    assert flow.state == "Unauthenticated"  # not ChallengePending on PASSWORD_VERIFIER
    await flow.step()  # the caller was asked nothing: step() simply starts again
    assert flow.state == "Authenticated"


async def test_confirm_device_needs_a_pending_device() -> None:
    server = StatefulCognito()
    flow = make_client(server, MemoryStore()).sign_in("alice", PASSWORD)
    with pytest.raises(InvalidStateError):
        await flow.confirm_device()

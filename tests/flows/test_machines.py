"""The machines themselves: sound tables, the documented state names, diagrams that never drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from authflow.diagrams import render_all
from authflow.flows import ALL_FLOWS, Flow, SignInFlow, lint_machine

DIAGRAMS = Path(__file__).resolve().parents[2] / "diagrams"


@pytest.mark.parametrize("flow", ALL_FLOWS, ids=lambda f: f.NAME)
def test_machine_tables_are_sound(flow: type[Flow]) -> None:
    assert flow.lint() == []


def test_signin_states_are_the_documented_five() -> None:
    assert tuple(SignInFlow.STATES) == (
        "Unauthenticated", "ChallengePending", "Authenticated", "Refreshing", "SignedOut")


def test_engine_answered_challenges_are_transitions() -> None:
    triggers = {t["trigger"] for t in SignInFlow.TRANSITIONS}
    assert {"verify_password", "authenticate_device", "verify_device_password"} <= triggers
    loops = [line for line in SignInFlow.diagram().splitlines()
             if line.strip().startswith("ChallengePending --> ChallengePending:")]
    assert len(loops) == 1
    for trigger in ("verify_password", "authenticate_device", "verify_device_password"):
        assert f"{trigger} [internal]" in loops[0]


def test_lint_finds_problems() -> None:
    states = ["A", "B", "C", "Trap", "End"]
    transitions = [
        {"trigger": "go", "source": "A", "dest": "B"},
        {"trigger": "stick", "source": "B", "dest": "Trap"},
        {"trigger": "finish", "source": "B", "dest": "End"},
        {"trigger": "again", "source": "End", "dest": "A"},
        {"trigger": "wild", "source": "*", "dest": "A"},
        {"trigger": "two", "source": "A", "dest": "B", "before": ["x", "y"]},
    ]
    problems = lint_machine(states, transitions, "A", ["End"])
    text = "\n".join(problems)
    assert "'C' is unreachable" in text
    assert "'Trap' is a trap" in text
    assert "final state 'End' has outgoing" in text
    assert "bad source '*'" in text
    assert "several before callbacks" in text


def test_committed_diagrams_match_the_tables() -> None:
    rendered = render_all()
    for name, source in rendered.items():
        path = DIAGRAMS / name
        assert path.exists(), f"run `authflow diagrams` to create {path}"
        assert path.read_text(encoding="utf-8") == source, f"{name} drifted: `authflow diagrams`"


async def test_a_finished_flow_is_freed_without_the_cyclic_gc() -> None:
    """One machine per flow class and a weakly-linked model: no reference cycle per flow, so
    a service that drops flows creates no garbage for the cyclic collector (long GC pauses)."""
    import gc
    import weakref

    from scripted_cognito import auth_result

    from authflow import AuthClient, CognitoConfig
    from authflow.transport import MockTransport

    auth = AuthClient(CognitoConfig(user_pool_id="us-east-1_A1", client_id="c1"),
                      transport=MockTransport(lambda _o, _p: auth_result("u")))
    flow = auth.sign_in("u", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    assert flow.state == "Authenticated"
    ref = weakref.ref(flow)
    gc.disable()
    try:
        del flow
        assert ref() is None
    finally:
        gc.enable()

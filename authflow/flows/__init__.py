"""The flows: explicit transitions state machines driven by ``await flow.step(response)``."""

from authflow.flows.base import Flow, TransitionEvent, lint_machine, mermaid_diagram
from authflow.flows.signin import AUTH_FLOWS, ChallengeExpiredError, SignInFlow
from authflow.flows.simple import ForgotPasswordFlow, SignUpFlow
from authflow.flows.step import ANSWER_KEYS, ENGINE_CHALLENGES, CodeDelivery, Step

#: Every flow class, for linting and diagram export.
ALL_FLOWS: tuple[type[Flow], ...] = (SignInFlow, SignUpFlow, ForgotPasswordFlow)

__all__ = [
    "ALL_FLOWS",
    "ANSWER_KEYS",
    "AUTH_FLOWS",
    "ENGINE_CHALLENGES",
    "ChallengeExpiredError",
    "CodeDelivery",
    "Flow",
    "ForgotPasswordFlow",
    "SignInFlow",
    "SignUpFlow",
    "Step",
    "TransitionEvent",
    "lint_machine",
    "mermaid_diagram",
]

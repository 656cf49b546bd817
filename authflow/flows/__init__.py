"""The flows: explicit transitions state machines driven by ``await flow.step(response)``.

* :mod:`~authflow.flows.signin` - :class:`SignInFlow`, running the machine in
  :mod:`~authflow.flows.signin_machine`, with its options (:mod:`~authflow.flows.options`), the
  challenge table (:mod:`~authflow.flows.challenges`), its requests
  (:mod:`~authflow.flows.signin_requests`), the engine's own answers
  (:mod:`~authflow.flows.engine_answers`), remembered devices (:mod:`~authflow.flows.devices`),
  how an attempt ended (:mod:`~authflow.flows.session_end`), snapshots
  (:mod:`~authflow.flows.snapshot`) and sign-ins saved by key (:mod:`~authflow.flows.saved`);
* :mod:`~authflow.flows.simple` - :class:`SignUpFlow` and :class:`ForgotPasswordFlow`;
* :mod:`~authflow.flows.oauth` - :class:`AuthorizationCodeFlow` (the managed login: OAuth 2.0
  code flow with PKCE), with its request and snapshot (:mod:`~authflow.flows.oauth_request`)
  and the checks of its tokens (:mod:`~authflow.flows.oauth_tokens`);
* :mod:`~authflow.flows.step` - the :class:`Step` every ``step()`` returns;
* :mod:`~authflow.flows.base` - what every flow shares.
"""

from authflow.flows.base import Flow, TransitionEvent, lint_machine, mermaid_diagram
from authflow.flows.challenges import (
    ANSWER_KEYS,
    CHALLENGE_KINDS,
    ENGINE_CHALLENGES,
    Challenge,
    ChallengeKind,
)
from authflow.flows.oauth import AuthorizationCodeFlow
from authflow.flows.oauth_request import AuthorizationCodeSnapshot, AuthorizationRequest
from authflow.flows.options import PREFERRED_CHALLENGES, SIGN_IN_AUTH_FLOWS, SignInOptions
from authflow.flows.signin import SignInFlow
from authflow.flows.simple import ForgotPasswordFlow, SignUpFlow
from authflow.flows.snapshot import SNAPSHOT_VERSION, SignInSnapshot
from authflow.flows.step import CodeDelivery, Step
from authflow.protocol.errors import ChallengeExpiredError

#: Every flow class, for linting and diagram export.
ALL_FLOWS: tuple[type[Flow], ...] = (
    SignInFlow,
    SignUpFlow,
    ForgotPasswordFlow,
    AuthorizationCodeFlow,
)

__all__ = [
    "ALL_FLOWS",
    "ANSWER_KEYS",
    "CHALLENGE_KINDS",
    "ENGINE_CHALLENGES",
    "PREFERRED_CHALLENGES",
    "SIGN_IN_AUTH_FLOWS",
    "SNAPSHOT_VERSION",
    "AuthorizationCodeFlow",
    "AuthorizationCodeSnapshot",
    "AuthorizationRequest",
    "Challenge",
    "ChallengeExpiredError",
    "ChallengeKind",
    "CodeDelivery",
    "Flow",
    "ForgotPasswordFlow",
    "SignInFlow",
    "SignInOptions",
    "SignInSnapshot",
    "SignUpFlow",
    "Step",
    "TransitionEvent",
    "lint_machine",
    "mermaid_diagram",
]

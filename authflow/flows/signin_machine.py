"""The SignIn machine as data: its states and transitions, and what the machine guarantees.

:class:`~authflow.flows.signin.SignInFlow` runs this table (the ``before`` callbacks name its
methods) and the diagrams in ``diagrams/`` are exported from it.

States (top level, always one of these strings)::

    Unauthenticated ──start──▶ (InitiateAuth)
        ├─challenged──▶ ChallengePending ──answer / verify_password / authenticate_device /
        │                   │               verify_device_password / set_up_totp──▶ (Respond…)
        │                   ├─challenged──▶ ChallengePending
        │                   ├─authenticated──▶ Authenticated
        │                   └─rejected──▶ Unauthenticated   (proof refused, session dead)
        └─authenticated──▶ Authenticated ──refresh──▶ Refreshing ──exchange──▶ (refresh)
                                │                  ├─refreshed / refresh_failed──▶ Authenticated
                                │                  └─expired──▶ SignedOut
                                └─sign_out──▶ SignedOut
    restart: Unauthenticated | ChallengePending ──▶ Unauthenticated   (then start)
    cancel: Unauthenticated | ChallengePending ──▶ SignedOut

Guarantees:

* Request I/O runs in ``before`` callbacks, so a failed request leaves the state unchanged: a wrong
  code raises (e.g. :class:`~authflow.protocol.errors.CodeMismatchError`) and the caller can answer
  again. Public methods are serialised by the flow's lock.
* PASSWORD_VERIFIER, DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER are answered by the engine inside
  the same ``step()`` call; they appear as transitions (and in the diagram), never as questions.
  A refused proof moves back to Unauthenticated (the SECRET_BLOCK is single-use) and re-raises;
  ``step(password)`` then starts again, optionally with a corrected password.
* USERNAME, SECRET_HASH and DEVICE_KEY are filled in by the engine with the right principal: the
  typed login for InitiateAuth, USER_ID_FOR_SRP (the internal username) after SRP.
* Past the server's answer, a failure never leaves the flow ChallengePending on an engine
  challenge or on tokens it could not keep: it moves back to Unauthenticated and re-raises.
* A dead challenge Session (expired, or used up by too many wrong answers) moves back to
  Unauthenticated with :class:`~authflow.protocol.errors.ChallengeExpiredError`; if the caller
  had been asked something, answers then raise
  :class:`~authflow.protocol.errors.SignInRestartRequiredError` until ``restart()`` (never sent
  as a password). ``restart`` is the caller's explicit new start.
* Confirming a new device is best-effort: its failure never fails a sign-in whose tokens were
  issued (``flow.device_pending``, ``flow.confirm_device()`` retries).
* A stale remembered device ("Device does not exist.") is forgotten and the sign-in retried once
  without it.
* ``snapshot()`` is JSON-safe and never holds the password; ``AuthClient.resume`` rebuilds the
  flow elsewhere.
"""

from __future__ import annotations

from typing import Any

from authflow.flows.session_flow import SESSION_STATES, session_transitions

__all__ = ["FINALS", "INITIAL", "STATES", "TRANSITIONS"]

#: The top-level states; ``flow.state`` is always one of them.
STATES: tuple[str, ...] = SESSION_STATES
#: Where a new sign-in starts.
INITIAL = "Unauthenticated"
#: Where a sign-in ends.
FINALS = frozenset({"SignedOut"})

#: Every move; request I/O runs in ``before`` callbacks (methods of SignInFlow).
TRANSITIONS: tuple[dict[str, Any], ...] = (
    # caller-driven: I/O in `before`, so a failed request leaves the state as it was
    {"trigger": "start", "source": "Unauthenticated", "dest": None,
     "before": "_send_initiate_auth"},
    {"trigger": "answer", "source": "ChallengePending", "dest": None,
     "before": "_send_answer"},
    # engine-answered challenges (flows/challenges.py names these triggers)
    {"trigger": "verify_password", "source": "ChallengePending", "dest": None,
     "before": "_answer_engine_challenge"},
    {"trigger": "authenticate_device", "source": "ChallengePending", "dest": None,
     "before": "_answer_engine_challenge"},
    {"trigger": "verify_device_password", "source": "ChallengePending", "dest": None,
     "before": "_answer_engine_challenge"},
    {"trigger": "set_up_totp", "source": "ChallengePending", "dest": None,
     "before": "_associate_software_token"},
    # server outcomes
    {"trigger": "challenged", "source": ["Unauthenticated", "ChallengePending"],
     "dest": "ChallengePending"},
    {"trigger": "authenticated", "source": ["Unauthenticated", "ChallengePending"],
     "dest": "Authenticated", "before": "_complete_sign_in"},
    {"trigger": "rejected", "source": "ChallengePending", "dest": "Unauthenticated"},
    # the caller starts again (required once a challenge Session died)
    {"trigger": "restart", "source": ["Unauthenticated", "ChallengePending"],
     "dest": "Unauthenticated"},
    # refresh, sign-out and cancel: the rows every signing-in machine shares
    *session_transitions("_send_sign_out"),
)  # fmt: skip

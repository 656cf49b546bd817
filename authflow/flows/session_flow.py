"""What every flow that ends holding a session shares: the five top-level states, the refresh
and sign-out rows of its machine, and :meth:`SessionFlow.refresh`.

A sign-in (:class:`~authflow.flows.signin.SignInFlow`) and a managed-login sign-in
(:class:`~authflow.flows.oauth.AuthorizationCodeFlow`) reach Authenticated differently and
refresh through different endpoints (their ``_send_refresh``), but from Authenticated on they
are the same machine: these rows are that part of both tables, defined once.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from authflow.flows.base import Flow
from authflow.protocol.errors import SessionNotFoundError, ValidationError
from authflow.sessions.manager import DEFINITIVE_REFRESH_ERRORS
from authflow.sessions.record import Tokens

__all__ = [
    "SESSION_STATES",
    "SIGNED_OUT_BY_REFRESH",
    "SessionFlow",
    "resumed_state",
    "session_transitions",
]

#: The top-level states of a flow that signs in; ``flow.state`` is always one of them.
SESSION_STATES: tuple[str, ...] = (
    "Unauthenticated",
    "ChallengePending",
    "Authenticated",
    "Refreshing",
    "SignedOut",
)

#: Refresh outcomes after which the flow is SignedOut: the refresh token is revoked, expired or
#: reused, the user is gone, or the record was signed out by another flow or process.
SIGNED_OUT_BY_REFRESH: tuple[type[Exception], ...] = (
    *DEFINITIVE_REFRESH_ERRORS,
    SessionNotFoundError,
)


def resumed_state(
    state: str,
    session_key: str | None,
    *,
    snapshot_of: tuple[str, str],
    client: tuple[str, str],
    states: Collection[str],
) -> str:
    """The state a snapshot of a signing-in flow resumes in, after the checks every such
    snapshot shares: it was taken for this ``(pool, client)``, its state is one of ``states``,
    and an Authenticated one names its session. A refresh the snapshot interrupted resumes
    Authenticated (the session stands). What a pending snapshot must hold is the caller's check.
    """
    if snapshot_of != client:
        raise ValidationError("the snapshot belongs to another pool or client", field="client_id")
    resumed = "Authenticated" if state == "Refreshing" else state
    if resumed not in states:
        raise ValidationError("snapshot has an unknown state", field="state")
    if resumed == "Authenticated" and session_key is None:
        raise ValidationError("authenticated snapshot lacks session_key", field="session_key")
    return resumed


def session_transitions(sign_out: str) -> tuple[dict[str, Any], ...]:
    """The refresh, sign-out and cancel rows of a signing-in machine; ``sign_out`` names the
    ``before`` callback that signs the session out (I/O in ``before``: a failed sign-out leaves
    the flow Authenticated)."""
    return (
        {"trigger": "refresh", "source": "Authenticated", "dest": "Refreshing"},
        {"trigger": "exchange", "source": "Refreshing", "dest": None, "before": "_send_refresh"},
        {"trigger": "refreshed", "source": "Refreshing", "dest": "Authenticated"},
        {"trigger": "refresh_failed", "source": "Refreshing", "dest": "Authenticated"},
        {"trigger": "expired", "source": "Refreshing", "dest": "SignedOut"},
        {"trigger": "sign_out", "source": "Authenticated", "dest": "SignedOut", "before": sign_out},
        {"trigger": "cancel", "source": ["Unauthenticated", "ChallengePending"],
         "dest": "SignedOut"},
    )  # fmt: skip


class SessionFlow(Flow):
    """A flow that ends holding a session: ``refresh()`` runs Authenticated → Refreshing →
    Authenticated (or SignedOut) through the subclass's ``_send_refresh``."""

    _tokens: Tokens | None

    async def refresh(self) -> Tokens:
        """Refresh the tokens: Authenticated → Refreshing → Authenticated.

        Definitive failures (revoked or expired refresh token, the session signed out elsewhere)
        go to SignedOut and re-raise; transient ones (network, throttling, 5xx) go back to
        Authenticated and re-raise.
        """
        async with self._lock:
            await self._fire("refresh")
            try:
                await self._fire("exchange")
            except SIGNED_OUT_BY_REFRESH:
                self._tokens = None
                await self._fire("expired")
                raise
            except BaseException:
                await self._fire("refresh_failed")
                raise
            await self._fire("refreshed")
            assert self._tokens is not None
            return self._tokens

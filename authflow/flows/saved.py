"""Sign-ins saved by key: step 1 in one process, step 2 in any other sharing the store.

``key = await flow.save()`` writes the flow's snapshot (never the password: see
:mod:`~authflow.flows.snapshot`) to the client's store under a fresh, unguessable key (128 random
bits, :mod:`authflow.sessions.keys`), with a TTL that ends when the challenge Session does
(the challenge's deadline, else ``CognitoConfig.auth_session_validity``, 3 minutes by default).
``flow = await auth.resume(key)`` continues it anywhere.

While the key lives the record follows the sign-in: each step that leaves the flow waiting on a
caller's challenge rewrites it (so the key stays valid from step to step, in whichever process
runs the step), and the record is deleted when the sign-in finishes (authenticated, cancelled,
back to Unauthenticated because its challenge died) or when a new :meth:`SavableSignIn.save`
supersedes it with a new key. A record that cannot be updated (the store is down) is logged and
left to expire with its challenge.

:class:`SavableSignIn` is the part of :class:`~authflow.flows.signin.SignInFlow` that does this
(its base class), using only the flow's public view and its session manager's pending sign-ins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from authflow.flows.challenges import kind_of
from authflow.flows.session_flow import SessionFlow
from authflow.protocol.errors import InvalidStateError
from authflow.storage.errors import StoreError

if TYPE_CHECKING:
    from authflow.config import CognitoConfig
    from authflow.flows.step import Step
    from authflow.sessions.manager import SessionManager

__all__ = ["SavableSignIn"]

log = logging.getLogger("authflow.flows.signin")


class SavableSignIn(SessionFlow):
    """A sign-in that can be saved to the store by key (:meth:`save`) and followed there."""

    _sessions: SessionManager
    _config: CognitoConfig
    _clock: Callable[[], float]
    _saved_key: str | None = None

    if TYPE_CHECKING:  # provided by SignInFlow

        @property
        def current(self) -> Step: ...

        def snapshot(self) -> dict[str, Any]: ...

    @property
    def saved_key(self) -> str | None:
        """The key this pending sign-in is saved under (:meth:`save`, or the key it was
        resumed from), while it is pending; ``None`` otherwise."""
        return self._saved_key

    async def save(self) -> str:
        """Save this sign-in, waiting on a challenge, to the client's store and return its key:
        ``await auth.resume(key)`` continues it in any process sharing the store. Each call
        returns a new key and deletes the previous one. InvalidStateError unless the flow is
        ChallengePending with a live challenge."""
        async with self._lock:
            if self.state != "ChallengePending":
                raise InvalidStateError(
                    f"only a sign-in waiting on a challenge can be saved, not one {self.state}",
                    state=self.state,
                    trigger="save",
                )
            key = self._sessions.pending.new_key()
            await self._write_saved(key)
            old, self._saved_key = self._saved_key, key
            if old is not None:
                await self._sessions.pending.delete(old)
            return key

    def _adopt_saved_key(self, key: str) -> None:
        """Follow the record under ``key`` (the flow was resumed from it)."""
        self._saved_key = key

    async def _write_saved(self, key: str) -> None:
        deadline = self.current.deadline
        now = self._clock()
        ttl = self._config.auth_session_validity if deadline is None else deadline - now
        if not ttl > 0:
            raise InvalidStateError(
                "the challenge Session has expired: start the sign-in again",
                state=self.state,
                trigger="save",
            )
        await self._sessions.pending.write(key, self.snapshot(), ttl=ttl)

    def _at_rest(self) -> bool:
        """Whether the flow waits on the caller (not inside an engine-answered step)."""
        name = self.current.challenge
        return name is not None and kind_of(name).engine_trigger is None

    async def _after_state_change(self, event: Any) -> None:
        await super()._after_state_change(event)
        key = self._saved_key
        if key is None:
            return
        try:
            if self.state == "ChallengePending":
                if self._at_rest():
                    await self._write_saved(key)
                return
            self._saved_key = None
            await self._sessions.pending.delete(key)
        except (StoreError, InvalidStateError) as exc:
            # the sign-in goes on; the saved record expires with its challenge
            log.warning("could not update a saved sign-in: %s", type(exc).__name__)

"""Session events: what happened to a stored session, for services to react to.

The same facts Amplify's Hub ``auth`` channel gives JavaScript apps (``signedIn``,
``tokenRefresh``, ``tokenRefresh_failure``, ``signedOut``; :attr:`SessionEvent.hub_event`), as
:class:`SessionEvent` values delivered two ways:

* **callbacks** — ``unsubscribe = events.subscribe(callback)``: a plain function is called
  inline; an ``async def`` callback is scheduled as a task (it never delays a refresh). A
  callback that raises is logged and otherwise ignored;
* **async iterators** — ``async for event in events.stream(maxsize=100): ...``: each iterator
  has its own bounded queue. **Drop policy:** when a consumer falls ``maxsize`` events behind, the
  *oldest* queued event is dropped (the latest state of every session is what matters) and
  :attr:`EventStream.dropped` counts the drops; producers never wait for consumers.

Events are per process: each process sees what its own session manager did. An event never
carries a token, a password or any other secret: its fields are the kind, the session key, the
internal username, the reason, the error's class name and the local time.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Literal

import attrs

from authflow.protocol.errors import ValidationError

__all__ = [
    "HUB_EVENTS",
    "SIGN_OUT_REASONS",
    "EventKind",
    "EventListener",
    "EventStream",
    "SessionEvent",
    "SessionEvents",
]

log = logging.getLogger("authflow.sessions")

EventKind = Literal["signed_in", "refreshed", "refresh_failed", "signed_out"]

#: Amplify Hub ``auth`` channel name of each kind.
HUB_EVENTS: dict[str, str] = {
    "signed_in": "signedIn",
    "refreshed": "tokenRefresh",
    "refresh_failed": "tokenRefresh_failure",
    "signed_out": "signedOut",
}

#: Why a session ended (``signed_out`` events) — see docs/sessions.md.
SIGN_OUT_REASONS: dict[str, str] = {
    "signed_out_here": "sign_out() by this process (RevokeToken)",
    "global_sign_out": "a global sign-out (GlobalSignOut) of the user, here or by another session",
    "revoked": "the refresh token was revoked elsewhere",
    "expired": "the refresh token expired",
    "user_deleted": "the user no longer exists (DeleteUser, AdminDeleteUser)",
    "user_disabled": "the user is disabled",
    "password_reset_required": "the user must reset the password",
    "user_not_confirmed": "the user is not confirmed",
    "session_lost": "a rotated refresh's answer was lost and the old token could not be reused "
    "(no grace period, or it passed): the session cannot be saved",
    "token_reused": "the refresh token was already rotated by someone else",
    "replaced": "the user's oldest session, pushed out by max_sessions_per_user",
    "forgotten": "the record was dropped without telling the server (SessionManager.forget)",
}


@attrs.frozen
class SessionEvent:
    """Something that happened to a stored session. Never carries a token.

    * ``kind`` - ``signed_in``, ``refreshed``, ``refresh_failed`` (transient: the session is
      kept) or ``signed_out``;
    * ``key`` - the session's store key; ``username`` - the internal username, when known;
    * ``reason`` - for ``signed_out`` one of :data:`SIGN_OUT_REASONS`; for ``refresh_failed``
      ``transient``, ``lock_timeout`` or ``store_unavailable``;
    * ``error`` - the class name of the error behind it; ``at`` - local epoch seconds.
    """

    kind: EventKind
    key: str
    username: str | None = None
    reason: str | None = None
    error: str | None = None
    at: float = attrs.field(factory=time.time, eq=False)

    @property
    def hub_event(self) -> str:
        """The Amplify Hub ``auth`` channel event name (``signedIn``, ``tokenRefresh``, …)."""
        return HUB_EVENTS[self.kind]


#: A callback: a plain function, or an ``async def`` one (scheduled as a task).
EventListener = Callable[[SessionEvent], Awaitable[None] | None]


class EventStream:
    """An async iterator over session events with its own bounded queue (drop-oldest).

    >>> # async with auth.events(maxsize=100) as events:
    >>> #     async for event in events: ...
    """

    def __init__(self, hub: SessionEvents, maxsize: int) -> None:
        self._hub = hub
        self._queue: collections.deque[SessionEvent] = collections.deque(maxlen=maxsize)
        self._ready = asyncio.Event()
        self._closed = False
        #: How many events were dropped because this consumer was ``maxsize`` behind.
        self.dropped = 0

    def __repr__(self) -> str:
        return f"EventStream(queued={len(self._queue)}, dropped={self.dropped})"

    def _push(self, event: SessionEvent) -> None:
        if self._closed:
            return
        if len(self._queue) == self._queue.maxlen:
            self.dropped += 1  # the deque drops the oldest
        self._queue.append(event)
        self._ready.set()

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> SessionEvent:
        while not self._queue:
            if self._closed:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        return self._queue.popleft()

    def close(self) -> None:
        """Stop receiving; queued events are still served, then iteration ends."""
        if not self._closed:
            self._closed = True
            self._hub._streams.discard(self)
            self._ready.set()

    async def aclose(self) -> None:
        """Async spelling of :meth:`close`."""
        self.close()

    async def __aenter__(self) -> EventStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SessionEvents:
    """The event hub of one session manager: callbacks and streams."""

    def __init__(self) -> None:
        self._listeners: list[EventListener] = []
        self._streams: set[EventStream] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        return f"SessionEvents(listeners={len(self._listeners)}, streams={len(self._streams)})"

    def subscribe(self, listener: EventListener) -> Callable[[], None]:
        """Call ``listener`` for every event; returns a function that unsubscribes it."""
        if not callable(listener):
            raise ValidationError("an event listener must be callable", field="listener")
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def stream(self, maxsize: int = 100) -> EventStream:
        """A new :class:`EventStream` holding at most ``maxsize`` undelivered events."""
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or not 1 <= maxsize <= 10**6:
            raise ValidationError("maxsize must be an int from 1 to 1000000", field="maxsize")
        stream = EventStream(self, maxsize)
        self._streams.add(stream)
        return stream

    def emit(self, event: SessionEvent) -> None:
        """Deliver ``event`` to every callback and stream (never raises)."""
        for stream in list(self._streams):
            stream._push(event)
        for listener in list(self._listeners):
            try:
                result = listener(event)
            except Exception:  # a faulty listener must not break sessions
                log.exception("session event listener failed")
                continue
            if result is not None and asyncio.iscoroutine(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("session event listener failed: %s", type(task.exception()).__name__)

    async def drain(self) -> None:
        """Wait for the ``async`` callbacks already scheduled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

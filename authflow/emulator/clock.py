"""Time and randomness sources the emulator is given, so tests control expiry and replay.

The emulator never calls ``time.time()`` or ``os.urandom`` directly in its logic: it asks the
``clock`` (a callable returning POSIX seconds) and ``randbytes`` (a callable returning ``n`` random
bytes) it was built with.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

__all__ = ["Clock", "ManualClock", "RandBytes", "system_clock", "system_randbytes"]

#: A clock: returns the current time as POSIX seconds (``float``).
Clock = Callable[[], float]
#: A randomness source: returns ``n`` random bytes.
RandBytes = Callable[[int], bytes]


def system_clock() -> float:
    """The wall clock (``time.time()``)."""
    return time.time()


def system_randbytes(n: int) -> bytes:
    """Cryptographic randomness (``os.urandom``)."""
    return os.urandom(n)


class ManualClock:
    """A clock that only moves when told to, for expiry tests.

    >>> clock = ManualClock(1_700_000_000.0)
    >>> clock.advance(3600)
    >>> clock()
    1700003600.0
    """

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else float(start)

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        self._now += seconds

    def set(self, now: float) -> None:
        """Jump to ``now`` (POSIX seconds)."""
        self._now = float(now)

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"

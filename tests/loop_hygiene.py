"""Loop hygiene: with blockbuster active, a blocking call (time.sleep, file or socket I/O, os.stat,
…) made on a thread while that thread runs an event loop raises ``BlockingError`` instead of
silently stalling every other coroutine. The conftests of the suites that drive the engine or
the emulator (tests/e2e, tests/flows, tests/account, tests/sessions, tests/reliability) import
the autouse fixture :func:`no_blocking_calls`, so every one of their tests runs under it.

Not a blocking call: the emulator runs its core in an executor thread and the SRP maths run in
a worker thread or process (authflow.srp.aio); neither is the loop's thread. Allowed: whatever
hypothesis does while drawing test data (see the fixture).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from blockbuster import BlockBuster, blockbuster_ctx

__all__ = ["no_blocking_calls"]


@pytest.fixture(autouse=True)
def no_blocking_calls() -> Iterator[BlockBuster]:
    """Blockbuster, for the whole test."""
    with blockbuster_ctx() as blockbuster:
        for function in blockbuster.functions.values():
            # hypothesis draws some answers from inside the engine's requests (the scripted
            # servers of tests/reliability); what it does then (it reads source files for
            # constants on a first draw) is the test's doing, not authflow's
            function.can_block_in("hypothesis/internal/conjecture/data.py", {"draw"})
        yield blockbuster

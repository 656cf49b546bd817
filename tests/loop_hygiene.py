"""Loop hygiene: with blockbuster active, a blocking call (time.sleep, file or socket I/O, os.stat,
…) made on a thread while that thread runs an event loop raises ``BlockingError`` instead of
silently stalling every other coroutine. The conftests of the suites that drive the engine or
the emulator (tests/e2e, tests/flows, tests/account, tests/sessions, tests/reliability) import
the autouse fixture :func:`no_blocking_calls`, so every one of their tests runs under it.

Only calls made from authflow's own code count (``scanned_modules=["authflow"]``): a test's own
set-up on the loop (a fixture creating a directory, a helper writing an AWS config file, a test
waiting on a child process) is the test's business; authflow blocking its caller's loop is a bug.

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
    with blockbuster_ctx(scanned_modules=["authflow"]) as blockbuster:
        for function in blockbuster.functions.values():
            # hypothesis draws some answers from inside the engine's requests (the scripted
            # servers of tests/reliability); what it does then (it reads source files for
            # constants on a first draw) is the test's doing, not authflow's
            function.can_block_in("hypothesis/internal/conjecture/data.py", {"draw"})
            # redis-py reads its own package metadata (a few stat/read calls) for every new
            # connection, on the loop; that is the library's, not something authflow can move
            function.can_block_in("redis/utils.py", {"get_lib_version"})
            # FileStore(directory) checks its directory once, when it is built (a mkdir and a
            # stat, so a wrong or world-readable directory is an error at start-up); every
            # record operation after that runs in a worker thread
            function.can_block_in("authflow/storage/file.py", {"_prepare"})
        yield blockbuster

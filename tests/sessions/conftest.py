"""Fixtures: the emulator on 127.0.0.1 with a manual clock, the real Redis server of the storage
tests (started on a free port once per run; skipped, or failed with AUTHFLOW_REQUIRE_REDIS=1,
without redis-server), and no blocking call on the event loop."""

from emulated_cognito import clock, emu
from loop_hygiene import no_blocking_calls
from storage.conftest import redis_server

__all__ = ["clock", "emu", "no_blocking_calls", "redis_server"]

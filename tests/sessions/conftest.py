"""Fixtures: the emulator on 127.0.0.1 with a manual clock, and the real Redis server of the
storage tests (started on a free port once per run; skipped, or failed with
AUTHFLOW_REQUIRE_REDIS=1, without redis-server)."""

from emulated_cognito import clock, emu
from storage.conftest import redis_server

__all__ = ["clock", "emu", "redis_server"]

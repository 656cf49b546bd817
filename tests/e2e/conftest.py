"""Fixtures: the emulator on 127.0.0.1 with a manual clock; no blocking call on the event loop."""

from emulated_cognito import clock, emu
from loop_hygiene import no_blocking_calls

__all__ = ["clock", "emu", "no_blocking_calls"]

"""Fixtures: the emulator on 127.0.0.1 with a manual clock."""

from emulated_cognito import clock, emu

__all__ = ["clock", "emu"]

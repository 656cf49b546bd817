"""Fixtures: no blocking call on the event loop (tests/loop_hygiene.py) while the transports run."""

from loop_hygiene import no_blocking_calls

__all__ = ["no_blocking_calls"]

"""The record of UpdateAuthEventFeedback calls (Cognito feeds them to its risk model; the
emulator only keeps them, in order, for tests to read)."""

from __future__ import annotations

from authflow.emulator.domain import AuthEventFeedback

__all__ = ["AuthEventFeedbackLog"]


class AuthEventFeedbackLog:
    """Every auth-event feedback accepted, oldest first."""

    def __init__(self) -> None:
        self._entries: list[AuthEventFeedback] = []

    def __repr__(self) -> str:
        return f"<AuthEventFeedbackLog entries={len(self._entries)}>"

    def record(self, feedback: AuthEventFeedback) -> None:
        """Keep one accepted feedback."""
        self._entries.append(feedback)

    @property
    def entries(self) -> tuple[AuthEventFeedback, ...]:
        """What was recorded, oldest first."""
        return tuple(self._entries)

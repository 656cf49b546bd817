"""Every message the emulator "sends": verification codes, reset codes, invitations.

Nothing leaves the process; messages are appended to an :class:`Outbox` that tests read through the
Python API (``emu.outbox.latest(username="alice").code``) or over HTTP
(``GET /_emulator/outbox?username=alice``). Codes never appear in a message's ``repr``.

Purposes: ``SIGN_UP`` (SignUp, ResendConfirmationCode), ``INVITATION`` (AdminCreateUser; the code is
the temporary password), ``FORGOT_PASSWORD``, ``VERIFY_ATTRIBUTE`` (UpdateUserAttributes,
GetUserAttributeVerificationCode), ``MFA`` (SMS_MFA and EMAIL_OTP codes, e-mail MFA set-up),
``SIGN_IN`` (USER_AUTH passwordless EMAIL_OTP / SMS_OTP codes).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import attrs

__all__ = ["Message", "Outbox"]


@attrs.frozen
class Message:
    """One delivered message.

    ``username`` is the user's internal username (the ``sub`` in e-mail/phone-as-username pools);
    ``destination`` the unmasked e-mail address or phone number; ``channel`` ``EMAIL`` or ``SMS``;
    ``time`` POSIX seconds from the emulator's clock.
    """

    pool_id: str
    username: str
    channel: str
    purpose: str
    destination: str
    code: str = attrs.field(repr=False)
    time: float
    attribute: str | None = None
    client_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form served at ``/_emulator/outbox`` (includes the code: it is a test aid)."""
        return {
            "poolId": self.pool_id,
            "username": self.username,
            "channel": self.channel,
            "purpose": self.purpose,
            "destination": self.destination,
            "code": self.code,
            "time": self.time,
            "attribute": self.attribute,
            "clientId": self.client_id,
        }

    def matches(self, username: str) -> bool:
        """Whether this message was for ``username`` (internal username or destination)."""
        return username in (self.username, self.destination)


class Outbox:
    """Append-only, thread-safe list of :class:`Message` (iterable, sized, indexable)."""

    def __init__(self) -> None:
        self._messages: list[Message] = []
        self._lock = threading.Lock()

    def append(self, message: Message) -> None:
        """Record a delivered message."""
        with self._lock:
            self._messages.append(message)

    def messages(self, *, username: str | None = None, purpose: str | None = None) -> list[Message]:
        """Messages in delivery order, optionally only those for ``username`` / ``purpose``.

        ``username`` matches the internal username or the destination address/number."""
        with self._lock:
            found = list(self._messages)
        if username is not None:
            found = [m for m in found if m.matches(username)]
        if purpose is not None:
            found = [m for m in found if m.purpose == purpose]
        return found

    def latest(self, *, username: str | None = None, purpose: str | None = None) -> Message:
        """The most recent message matching the filters; :class:`LookupError` if there is none."""
        found = self.messages(username=username, purpose=purpose)
        if not found:
            raise LookupError(f"no message for username={username!r} purpose={purpose!r}")
        return found[-1]

    def clear(self) -> None:
        """Forget every message."""
        with self._lock:
            self._messages.clear()

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages())

    def __len__(self) -> int:
        with self._lock:
            return len(self._messages)

    def __getitem__(self, index: int) -> Message:
        with self._lock:
            return self._messages[index]

    def __repr__(self) -> str:
        return f"<Outbox messages={len(self)}>"

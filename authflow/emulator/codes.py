"""Verification codes: delivered to the outbox, remembered on the user, checked when typed back.

A code is kept under a key on the user (``SIGN_UP``, ``FORGOT_PASSWORD``,
``VERIFY_ATTRIBUTE:<name>``). A wrong one is CodeMismatchException; ``max_code_failures`` wrong
ones burn it (LimitExceededException); a right one past its lifetime is ExpiredCodeException.
Codes typed into a challenge (MFA, passwordless sign-in) live in the challenge session instead
(:mod:`authflow.emulator.ops.mfa_challenges`); they are sent through here all the same.
"""

from __future__ import annotations

import hmac

from authflow.emulator.attributes import mask_destination
from authflow.emulator.clock import Clock
from authflow.emulator.config import EmulatorConfig
from authflow.emulator.domain import AppClient, CodeRecord, Pool, User
from authflow.emulator.outbox import Message, Outbox
from authflow.emulator.randomness import Randomness
from authflow.protocol.errors import CodeMismatchError, ExpiredCodeError, LimitExceededError

__all__ = ["Codes"]


class Codes:
    """Sends and checks the codes of one emulator."""

    def __init__(
        self, clock: Clock, config: EmulatorConfig, randomness: Randomness, outbox: Outbox
    ) -> None:
        self._clock = clock
        self._config = config
        self._randomness = randomness
        self._outbox = outbox

    def __repr__(self) -> str:
        return "<Codes>"

    def new(self) -> str:
        """A fresh six-digit code (for a challenge that keeps it in its session)."""
        return self._randomness.code()

    def send(
        self,
        pool: Pool,
        user: User,
        purpose: str,
        attribute: str,
        *,
        key: str | None = None,
        client: AppClient | None = None,
        code: str | None = None,
        ttl: float | None = None,
        destination: str | None = None,
    ) -> dict[str, str]:
        """Generate (or use) a code, record it on the user under ``key`` (default ``purpose``)
        when it has a ``ttl``, deliver it to the outbox (to ``destination``, default the
        attribute's value) and return its CodeDeliveryDetails."""
        now = self._clock()
        destination = destination or user.attributes[attribute]
        channel = "SMS" if attribute == "phone_number" else "EMAIL"
        code = code or self._randomness.code()
        if ttl is not None:
            user.codes[key or purpose] = CodeRecord(
                code=code,
                expires_at=now + ttl,
                attribute=attribute,
                destination=destination,
            )
        self._outbox.append(
            Message(
                pool_id=pool.id,
                username=user.username,
                channel=channel,
                purpose=purpose,
                destination=destination,
                code=code,
                time=now,
                attribute=attribute,
                client_id=client.id if client else None,
            )
        )
        return {
            "Destination": mask_destination(destination),
            "DeliveryMedium": channel,
            "AttributeName": attribute,
        }

    @staticmethod
    def pending(user: User, key: str) -> CodeRecord | None:
        """The code waiting under ``key``, if any."""
        return user.codes.get(key)

    def check(self, user: User, key: str, code: str, *, consume: bool = True) -> CodeRecord:
        """Check a code typed back; consume it on success unless ``consume`` is false (the
        caller then calls :meth:`discard` once the rest of the request has passed)."""
        record = user.codes.get(key)
        if record is None:
            raise CodeMismatchError("Invalid verification code provided, please try again.")
        if record.failures >= self._config.max_code_failures:
            raise LimitExceededError("Attempt limit exceeded, please try after some time.")
        if not hmac.compare_digest(record.code.encode(), code.encode()):
            record.failures += 1
            raise CodeMismatchError("Invalid verification code provided, please try again.")
        if self._clock() >= record.expires_at:
            raise ExpiredCodeError("Invalid code provided, please request a code again.")
        if consume:
            del user.codes[key]
        return record

    @staticmethod
    def discard(user: User, key: str) -> None:
        """Forget the code under ``key`` (used, or its attribute deleted)."""
        user.codes.pop(key, None)

"""RFC 6238 TOTP for software-token MFA, on :mod:`pyotp`.

Cognito's SecretCode is a Base32 secret that authenticator apps use with their defaults: SHA-1,
6 digits, 30-second steps (docs/protocol-notes.md §6). A code is accepted for the current step and
one step either side (±30 s of clock drift), and never twice: a code whose step is not later than
the last accepted one is refused, as Cognito refuses a reused software token.
"""

from __future__ import annotations

import base64
import hmac

import pyotp

from authflow.emulator.clock import RandBytes

__all__ = ["STEP_SECONDS", "WINDOW", "matching_step", "new_secret"]

#: Seconds per TOTP time step.
STEP_SECONDS = 30
#: Steps accepted either side of the current one.
WINDOW = 1


def new_secret(randbytes: RandBytes) -> str:
    """A fresh SecretCode: Base32 of 20 random bytes (32 characters, as Cognito's)."""
    return base64.b32encode(randbytes(20)).decode("ascii")


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step whose code equals ``code`` within ±:data:`WINDOW` steps of ``now``, else
    ``None``. Comparisons are constant-time."""
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int(now) // STEP_SECONDS
    offsets = [0, *(d for k in range(1, WINDOW + 1) for d in (-k, k))]
    for step in (current + offset for offset in offsets):
        expected = str(totp.generate_otp(step))
        if hmac.compare_digest(expected.encode(), code.encode()):
            return step
    return None

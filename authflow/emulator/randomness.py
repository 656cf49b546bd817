"""Identifiers, codes and secrets drawn from the emulator's injected randomness.

Every random value the emulator hands out comes from one ``randbytes(n)`` callable (see
:mod:`authflow.emulator.clock`), so a test that injects a seeded one gets the same pool ids, codes
and sessions on every run.
"""

from __future__ import annotations

import uuid

from authflow.emulator.clock import RandBytes
from authflow.emulator.jwt import b64url_encode

__all__ = ["ALNUM", "LOWER_ALNUM", "Randomness"]

#: Digits and ASCII letters.
ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Digits and lowercase ASCII letters.
LOWER_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz"


class Randomness:
    """Random values of the shapes Cognito uses, from ``randbytes``.

    >>> Randomness(lambda n: bytes(n)).code()
    '000000'
    """

    def __init__(self, randbytes: RandBytes) -> None:
        #: The injected source; passed on to the SRP and TOTP helpers, which draw their own.
        self.randbytes = randbytes

    def __repr__(self) -> str:
        return "<Randomness>"

    def uuid4(self) -> str:
        """A version-4 UUID."""
        return str(uuid.UUID(bytes=self.randbytes(16), version=4))

    def string(self, length: int, alphabet: str = ALNUM) -> str:
        """``length`` characters of ``alphabet``."""
        return "".join(alphabet[b % len(alphabet)] for b in self.randbytes(length))

    def code(self) -> str:
        """A six-digit verification code."""
        return f"{int.from_bytes(self.randbytes(4), 'big') % 1_000_000:06d}"

    def session_token(self) -> str:
        """An opaque challenge ``Session`` string (base64url, well inside 20..4096)."""
        return "AYABe" + b64url_encode(self.randbytes(192))

    def srp_salt(self) -> bytes:
        """16 random bytes whose first byte is 0x10..0x7f, so SALT is always 32 hex digits and
        the client's ``padHex`` of it needs no sign byte (as in observed Cognito salts)."""
        salt = bytearray(self.randbytes(16))
        salt[0] = 0x10 + salt[0] % 0x70
        return bytes(salt)

"""Password policy, password storage, temporary passwords.

A password is kept only as a salted SHA-256 digest (for USER_PASSWORD_AUTH and ChangePassword) and
as the SRP verifier ``v = g^x mod N`` with its salt (for USER_SRP_AUTH); the plain text is dropped
as soon as both are computed.
"""

from __future__ import annotations

import hashlib
import hmac
import string
from collections.abc import Mapping
from typing import Any

import attrs

from authflow.emulator.clock import RandBytes
from authflow.protocol.errors import InvalidPasswordError

__all__ = [
    "PasswordPolicy",
    "StoredPassword",
    "SYMBOLS",
    "make_stored_password",
    "new_temporary_password",
]

#: The special characters Cognito's policy counts as symbols.
SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")


@attrs.frozen
class PasswordPolicy:
    """``PasswordPolicyType`` with Cognito's defaults (8 characters, every character class)."""

    minimum_length: int = 8
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    temporary_password_validity_days: int = 7

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any] | None) -> PasswordPolicy:
        """Build from a ``PasswordPolicy`` structure; absent members take Cognito's defaults."""
        wire = wire or {}
        default = cls()
        return cls(
            minimum_length=int(wire.get("MinimumLength", default.minimum_length)),
            require_uppercase=bool(wire.get("RequireUppercase", default.require_uppercase)),
            require_lowercase=bool(wire.get("RequireLowercase", default.require_lowercase)),
            require_numbers=bool(wire.get("RequireNumbers", default.require_numbers)),
            require_symbols=bool(wire.get("RequireSymbols", default.require_symbols)),
            temporary_password_validity_days=int(
                wire.get("TemporaryPasswordValidityDays", default.temporary_password_validity_days)
            ),
        )

    def to_wire(self) -> dict[str, Any]:
        """The ``PasswordPolicy`` structure DescribeUserPool returns."""
        return {
            "MinimumLength": self.minimum_length,
            "RequireUppercase": self.require_uppercase,
            "RequireLowercase": self.require_lowercase,
            "RequireNumbers": self.require_numbers,
            "RequireSymbols": self.require_symbols,
            "TemporaryPasswordValidityDays": self.temporary_password_validity_days,
        }

    def problem(self, password: str) -> str | None:
        """The first rule ``password`` breaks (Cognito's wording), or ``None``."""
        if len(password) < self.minimum_length:
            return "Password not long enough"
        if self.require_lowercase and not any(c.islower() for c in password):
            return "Password must have lowercase characters"
        if self.require_uppercase and not any(c.isupper() for c in password):
            return "Password must have uppercase characters"
        if self.require_numbers and not any(c in string.digits for c in password):
            return "Password must have numeric characters"
        if self.require_symbols and not any(c in SYMBOLS for c in password):
            return "Password must have symbol characters"
        return None

    def enforce(self, password: str, *, wording: str = "does not conform to policy") -> None:
        """Raise InvalidPasswordException when ``password`` breaks the policy.

        Cognito words the prefix two ways: ``Password did not conform with policy`` (SignUp,
        AdminCreateUser) and ``Password does not conform to policy`` (the other operations)."""
        problem = self.problem(password)
        if password != password.strip():
            problem = "Password must not start or end with whitespace"
        if problem is not None:
            raise InvalidPasswordError(f"Password {wording}: {problem}")


@attrs.frozen
class StoredPassword:
    """A password as the emulator keeps it: digest for direct checks, SRP salt and verifier."""

    salt: bytes = attrs.field(repr=False)
    digest: bytes = attrs.field(repr=False)
    verifier: int | None = attrs.field(repr=False)

    def matches(self, password: str) -> bool:
        """Constant-time check of a candidate password."""
        return hmac.compare_digest(_digest(self.salt, password), self.digest)


def _digest(salt: bytes, password: str) -> bytes:
    return hashlib.sha256(salt + password.encode("utf-8")).digest()


def make_stored_password(salt: bytes, password: str, verifier: int | None) -> StoredPassword:
    """Build the stored form of ``password`` (``verifier`` computed by the caller from ``salt``)."""
    return StoredPassword(salt=salt, digest=_digest(salt, password), verifier=verifier)


def new_temporary_password(policy: PasswordPolicy, randbytes: RandBytes) -> str:
    """A random password that satisfies ``policy`` (for AdminCreateUser without one)."""
    alphabet = string.ascii_letters + string.digits
    length = max(policy.minimum_length, 12)
    body = "".join(alphabet[b % len(alphabet)] for b in randbytes(length - 4))
    return "Aa1!" + body

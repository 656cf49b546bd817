"""Errors raised by :mod:`authflow.srp`.

Everything here is a *remote* error in the h11 sense: the peer (Cognito, or a client talking to
the emulator) sent an SRP value that authflow refuses to compute with. Local misuse (a naive
``datetime``, a pool id where the pool-name part belongs) raises
:class:`authflow.protocol.errors.ValidationError` instead.

Messages name the offending parameter, never its value, so no secret (or attacker-chosen text)
ends up in logs.
"""

from __future__ import annotations

from authflow.protocol.errors import ProtocolViolationError

__all__ = ["InvalidSrpParameterError", "SrpError", "TimestampFormatError"]


class SrpError(ProtocolViolationError):
    """Base class of SRP errors: the peer sent a value the SRP computation cannot accept."""


class InvalidSrpParameterError(SrpError):
    """A hostile or malformed SRP parameter.

    Raised for ``SRP_B ≡ 0 (mod N)``, ``u == 0``, a negative or non-hex ``SRP_B`` / ``SRP_A`` /
    ``SALT``, an empty salt, a non-base64 or empty ``SECRET_BLOCK``, and (server side)
    ``SRP_A ≡ 0 (mod N)``. ``field`` names the challenge parameter (``"SRP_B"``, ``"SALT"``, …).
    """


class TimestampFormatError(SrpError, ValueError):
    """A ``TIMESTAMP`` that does not match ``EEE MMM d HH:mm:ss z yyyy`` (English, UTC).

    Cognito answers such a value with ``InvalidParameterException: TIMESTAMP format should be
    EEE MMM d HH:mm:ss z yyyy in english.``; the emulator maps this error to that response.
    """

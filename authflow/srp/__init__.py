"""Cognito's SRP (USER_SRP_AUTH, device SRP) on :mod:`srptools`: pure maths, no I/O.

Layering: imports srptools, attrs, the stdlib, optional gmpy2 and :mod:`authflow.protocol.errors`
only.
"""

from __future__ import annotations

from authflow.srp.backend import available_backends, get_backend, set_backend
from authflow.srp.context import CognitoSRPContext, G, K, N, pad_hex
from authflow.srp.errors import InvalidSrpParameterError, SrpError, TimestampFormatError
from authflow.srp.timestamp import format_timestamp, parse_timestamp

__all__ = [
    "available_backends",
    "CognitoSRPContext",
    "format_timestamp",
    "G",
    "get_backend",
    "InvalidSrpParameterError",
    "K",
    "N",
    "pad_hex",
    "parse_timestamp",
    "set_backend",
    "SrpError",
    "TimestampFormatError",
]

"""Cognito's SRP (USER_SRP_AUTH, device SRP) on :mod:`srptools`: pure maths, no I/O.

Layering: imports srptools, attrs, the stdlib, optional gmpy2 and :mod:`authflow.protocol.errors`
only.
"""

from __future__ import annotations

from authflow.srp.backend import available_backends, get_backend, set_backend
from authflow.srp.client import (
    PRIVATE_VALUE_BYTES,
    PasswordClaim,
    SrpEphemeral,
    device_password_claim,
    new_ephemeral,
    password_claim,
)
from authflow.srp.context import CognitoSRPContext, G, K, N, pad_hex
from authflow.srp.device import DeviceSecret, generate_device_secret
from authflow.srp.errors import InvalidSrpParameterError, SrpError, TimestampFormatError
from authflow.srp.server import (
    ServerEphemeral,
    compute_verifier,
    new_server_ephemeral,
    verify_password_claim,
)
from authflow.srp.timestamp import format_timestamp, parse_timestamp

__all__ = [
    "available_backends",
    "CognitoSRPContext",
    "compute_verifier",
    "device_password_claim",
    "DeviceSecret",
    "format_timestamp",
    "G",
    "generate_device_secret",
    "get_backend",
    "InvalidSrpParameterError",
    "K",
    "N",
    "new_ephemeral",
    "new_server_ephemeral",
    "pad_hex",
    "parse_timestamp",
    "password_claim",
    "PasswordClaim",
    "PRIVATE_VALUE_BYTES",
    "ServerEphemeral",
    "set_backend",
    "SrpEphemeral",
    "SrpError",
    "TimestampFormatError",
    "verify_password_claim",
]

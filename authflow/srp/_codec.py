"""Cognito's byte-level encodings around the SRP maths: strict parsing of the peer's hex and
base64, the HKDF session key and the claim signature (docs/protocol-notes.md §3.2 steps 8
and 10)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

from authflow.srp.context import pad_hex
from authflow.srp.errors import InvalidSrpParameterError

__all__ = ["claim_signature", "decode_secret_block", "derive_key", "parse_hex"]

# Accept only what Cognito sends: plain hex digits. int(text, 16) alone would also take a sign,
# "0x", surrounding whitespace and "_" separators. The length cap bounds the work a hostile peer
# can cause (a 3072-bit value is 768 digits; leading zeros are tolerated up to the cap).
_MAX_HEX_DIGITS = 2048
_HEX = re.compile(r"[0-9a-fA-F]+")
_INFO = b"Caldera Derived Key"


def parse_hex(text: object, field: str) -> int:
    """Parse a peer's hex parameter (``SRP_B``, ``SRP_A``, ``SALT``) as a non-negative integer.

    Raises :class:`InvalidSrpParameterError` (naming only the field) for anything else: empty,
    negative, non-hex, prefixed, or implausibly long.
    """
    if not isinstance(text, str) or len(text) > _MAX_HEX_DIGITS or not _HEX.fullmatch(text):
        raise InvalidSrpParameterError(
            f"{field} is not a non-empty hexadecimal integer", field=field
        )
    return int(text, 16)


def decode_secret_block(text: object) -> bytes:
    """Decode ``SECRET_BLOCK`` (standard base64 with padding) strictly; empty is refused too."""
    try:
        if not isinstance(text, str):
            raise ValueError("not a string")
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise InvalidSrpParameterError(
            "SECRET_BLOCK is not valid base64", field="SECRET_BLOCK"
        ) from None
    if not raw:
        raise InvalidSrpParameterError("SECRET_BLOCK is empty", field="SECRET_BLOCK")
    return raw


def derive_key(premaster_secret: int, common_secret: int) -> bytes:
    """HKDF-SHA256 (RFC 5869): IKM = padHex(S), salt = padHex(u), info "Caldera Derived Key", 16
    bytes. One HMAC block suffices for 16 bytes, so the expand step is a single HMAC."""
    prk = hmac.new(pad_hex(common_secret), pad_hex(premaster_secret), hashlib.sha256).digest()
    return hmac.new(prk, _INFO + b"\x01", hashlib.sha256).digest()[:16]


def claim_signature(
    key: bytes, pool_name: str, user_id: str, secret_block: bytes, timestamp: str
) -> bytes:
    """HMAC-SHA256(key, poolName ‖ userId ‖ SECRET_BLOCK bytes ‖ TIMESTAMP), raw 32 bytes."""
    msg = pool_name.encode() + user_id.encode() + secret_block + timestamp.encode()
    return hmac.new(key, msg, hashlib.sha256).digest()

"""Splitting a compact JWS (RFC 7515 §7.1) into its parts, strictly and cheaply.

Only the parsing is here; the signature is checked by PyJWT's RS256 implementation (see
:mod:`authflow.verify.verifier`). PyJWT's own ``decode`` spends about three quarters of its time
validating base64url one character at a time; a compiled pattern does the same check here, so
the RSA verification dominates the cost of a verified token.

The header is decoded first and the payload only after the signature verified, so a forged token
never gets its payload parsed.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, Final

import attrs

from authflow.verify.errors import MalformedTokenError, UnsupportedAlgorithmError

__all__ = ["MAX_TOKEN_LENGTH", "CompactJws", "decode_json_segment", "split_compact_jws"]

#: Longest token accepted (characters). Cognito tokens are 1-4 KB; a pool with many groups and
#: attributes stays well below this. Longer input is refused before any decoding.
MAX_TOKEN_LENGTH: Final = 16 * 1024

_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_MAX_KID_LENGTH: Final = 1024
_ALGORITHM: Final = "RS256"


@attrs.frozen(repr=False)
class CompactJws:
    """A compact JWS split into its parts; nothing in it is verified yet."""

    header: dict[str, Any]
    kid: str
    #: The ``header.payload`` bytes the signature covers.
    signing_input: bytes
    #: The still-encoded payload segment (decoded with :func:`decode_json_segment` after the
    #: signature verified).
    payload_segment: str
    signature: bytes
    #: The token itself, as text.
    text: str

    def __repr__(self) -> str:
        return f"CompactJws(kid={self.kid!r}, alg={self.header.get('alg')!r})"


def _b64url(segment: str, what: str) -> bytes:
    # The pattern admits only the base64url alphabet (no padding, no whitespace); a length of
    # 4n+1 cannot be base64 at all.
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        raise MalformedTokenError(f"the token's {what} is not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):  # pragma: no cover - excluded by the pattern
        raise MalformedTokenError(f"the token's {what} is not base64url") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def decode_json_segment(segment: str, what: str) -> dict[str, Any]:
    """Decode one base64url segment holding a UTF-8 JSON object (``NaN``/``Infinity`` refused).

    Raises :class:`MalformedTokenError` naming ``what`` ("header", "payload").
    """
    raw = _b64url(segment, what)
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise MalformedTokenError(f"the token's {what} is not UTF-8 JSON") from None
    if not isinstance(value, dict):
        raise MalformedTokenError(f"the token's {what} is not a JSON object")
    return value


def split_compact_jws(token: object) -> CompactJws:
    """Split and check ``token`` up to the point where a key is needed.

    Refuses (:class:`MalformedTokenError`) anything that is not a ``str`` (or ASCII ``bytes``) of
    at most :data:`MAX_TOKEN_LENGTH` characters made of three base64url segments with a JSON
    object header carrying a string ``kid``; refuses (:class:`UnsupportedAlgorithmError`) an
    ``alg`` other than ``RS256`` and any ``crit`` header, before a key is looked up.
    """
    if isinstance(token, bytes | bytearray):
        if len(token) > MAX_TOKEN_LENGTH:
            raise MalformedTokenError("the token is too long")
        try:
            token = bytes(token).decode("ascii")
        except UnicodeDecodeError:
            raise MalformedTokenError("the token is not ASCII") from None
    if not isinstance(token, str):
        raise MalformedTokenError(f"the token must be a str, not {type(token).__name__}")
    if not token:
        raise MalformedTokenError("the token is empty")
    if len(token) > MAX_TOKEN_LENGTH:
        raise MalformedTokenError("the token is too long")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedTokenError("the token is not three dot-separated segments")
    header_segment, payload_segment, signature_segment = parts
    header = decode_json_segment(header_segment, "header")
    alg = header.get("alg")
    if alg != _ALGORITHM:
        raise UnsupportedAlgorithmError("the token's alg is not RS256")
    if "crit" in header:
        raise UnsupportedAlgorithmError("the token's header has crit extensions")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > _MAX_KID_LENGTH:
        raise MalformedTokenError("the token's header has no usable kid")
    if not _SEGMENT.fullmatch(payload_segment):
        raise MalformedTokenError("the token's payload is not base64url")
    signature = _b64url(signature_segment, "signature")
    return CompactJws(
        header=header,
        kid=kid,
        signing_input=f"{header_segment}.{payload_segment}".encode("ascii"),
        payload_segment=payload_segment,
        signature=signature,
        text=token,
    )

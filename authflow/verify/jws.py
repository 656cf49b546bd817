"""Splitting a compact JWS (RFC 7515 §7.1) into its parts, strictly and cheaply.

Only the parsing is here; the signature is checked with ``cryptography`` (see
:mod:`authflow.verify.verifier`). PyJWT's own ``decode`` spends about three quarters of its time
validating base64url one character at a time; here binascii's strict decoder does the same check
in C, and the JSON is parsed by orjson (about twice as fast as the standard library on a Cognito
payload), so the RSA verification dominates the cost of a verified token.

The header is parsed first and the payload only after the signature verified, so a forged token
never gets its payload parsed. JSON is RFC 8259's, strictly (orjson): ``NaN`` and ``Infinity``,
invalid UTF-8, lone surrogates (``"\\ud800"``) and nesting deeper than 1,024 are refused as
malformed; an integer beyond 64 bits is read as a float.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, NamedTuple

import orjson

from authflow.verify.errors import MalformedTokenError, UnsupportedAlgorithmError

__all__ = ["MAX_TOKEN_LENGTH", "CompactJws", "decode_json_segment", "split_compact_jws"]

#: Longest token accepted (characters). Cognito tokens are 1-4 KB; a pool with many groups and
#: attributes stays well below this. Longer input is refused before any decoding.
MAX_TOKEN_LENGTH: Final = 16 * 1024

# Segments are checked by decoding them, in C: one translation maps base64url's "-" and "_" to
# base64's "+" and "/", and "+", "/" and "=" (base64 but not base64url; JWS segments carry no
# padding) to "!", which binascii's strict mode refuses with everything else outside the base64
# alphabet. (A regular expression over a 1 KB token costs more than the JSON decoding; scanning
# the token for the three characters first cost as much as the decoding.)
_FROM_URLSAFE = bytes.maketrans(b"-_+/=", b"+/!!!")
# The padding a segment of length n needs, by n % 4 (1 is impossible: refused first).
_PADDING: Final = (b"", b"", b"==", b"=")
_MAX_KID_LENGTH: Final = 1024
_ALGORITHM: Final = "RS256"
# A pool signs with two keys, so its tokens carry two distinct header segments: the parsed
# headers are kept (a few hundred at most, so random headers cannot grow it) to skip decoding.
_HEADER_CACHE_SIZE: Final = 256
_headers: dict[bytes, tuple[Mapping[str, Any], str]] = {}


_new_tuple = tuple.__new__


class CompactJws(NamedTuple):
    """A compact JWS split into its parts; nothing in it is verified yet.

    (A named tuple rather than an attrs class: one is built per token, on the hot path.)
    """

    #: Read-only: parsed headers are shared between the tokens that carry the same one.
    header: Mapping[str, Any]
    kid: str
    #: The ``header.payload`` bytes the signature covers.
    signing_input: bytes
    #: The payload segment, base64url-decoded; parsed as JSON by :meth:`payload` after the
    #: signature verified.
    payload_bytes: bytes
    signature: bytes
    #: The token itself, as text.
    text: str

    def __repr__(self) -> str:
        return f"CompactJws(kid={self.kid!r}, alg={self.header.get('alg')!r})"

    def payload(self) -> dict[str, Any]:
        """The payload as a JSON object (:class:`MalformedTokenError` if it is not one)."""
        return _json_object(self.payload_bytes, "payload")


def _b64url(segment: bytes, what: str) -> bytes:
    """Decode an unpadded base64url segment; :class:`MalformedTokenError` if it is empty or not
    base64url."""
    # A length of 4n+1 cannot be base64 at all.
    rest = len(segment) % 4
    if not segment or rest == 1:
        raise MalformedTokenError(f"the token's {what} is not base64url")
    try:
        return binascii.a2b_base64(
            segment.translate(_FROM_URLSAFE) + _PADDING[rest], strict_mode=True
        )
    except binascii.Error:
        raise MalformedTokenError(f"the token's {what} is not base64url") from None


def decode_json_segment(segment: str, what: str) -> dict[str, Any]:
    """Decode one base64url segment holding a UTF-8 JSON object (strict JSON, see above).

    The header of a token goes through this; its payload through :meth:`CompactJws.payload`.

    Raises :class:`MalformedTokenError` naming ``what`` ("header", "payload").
    """
    try:
        data = segment.encode("ascii")
    except UnicodeEncodeError:
        raise MalformedTokenError(f"the token's {what} is not base64url") from None
    return _json_object(_b64url(data, what), what)


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise MalformedTokenError(f"the token's {what} is not UTF-8 JSON") from None
    if type(value) is not dict:
        raise MalformedTokenError(f"the token's {what} is not a JSON object")
    return value


def _header(segment: bytes) -> tuple[Mapping[str, Any], str]:
    """Parse and check a header segment not met before (and keep it, while there is room)."""
    header = _json_object(_b64url(segment, "header"), "header")
    if header.get("alg") != _ALGORITHM:
        raise UnsupportedAlgorithmError("the token's alg is not RS256")
    if "crit" in header:
        raise UnsupportedAlgorithmError("the token's header has crit extensions")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > _MAX_KID_LENGTH:
        raise MalformedTokenError("the token's header has no usable kid")
    if len(_headers) < _HEADER_CACHE_SIZE:
        _headers[segment] = (MappingProxyType(header), kid)
    return header, kid


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
    try:
        data = token.encode("ascii")
    except UnicodeEncodeError:
        raise MalformedTokenError("the token is not ASCII") from None
    # find() looks for one byte with memchr; split() would compare every byte in a loop.
    first = data.find(b".")
    second = data.find(b".", first + 1)
    if first < 0 or second < 0 or data.find(b".", second + 1) >= 0:
        raise MalformedTokenError("the token is not three dot-separated segments")
    # The header first, so that an alg of none with an empty signature is reported as such.
    header_segment = data[:first]
    header, kid = _headers.get(header_segment) or _header(header_segment)
    payload = _b64url(data[first + 1 : second], "payload")
    signature = _b64url(data[second + 1 :], "signature")
    # tuple.__new__ directly: the named tuple's own __new__ is a Python function, a frame per
    # token for nothing.
    return _new_tuple(CompactJws, (header, kid, data[:second], payload, signature, token))

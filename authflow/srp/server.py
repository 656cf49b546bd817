"""Server side of Cognito SRP, for the emulator (docs/protocol-notes.md §3.3, §4.3 step 9).

Pure functions: the emulator owns the user store, SECRET_BLOCK and its single use; this module
owns the maths: verifier from password, B from b, and the constant-time check of the client's
claim over the canonical re-formatting of its TIMESTAMP.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from authflow.protocol.errors import ValidationError
from authflow.srp._codec import claim_signature, derive_key, parse_hex
from authflow.srp.backend import gil_released
from authflow.srp.client import draw_private
from authflow.srp.context import CognitoSRPContext, N, pad_hex, short_hex
from authflow.srp.errors import InvalidSrpParameterError
from authflow.srp.timestamp import format_timestamp, parse_timestamp

__all__ = [
    "ServerEphemeral",
    "compute_verifier",
    "new_server_ephemeral",
    "verify_password_claim",
]

_MAX_DRAWS = 8


def compute_verifier(*, pool_name: str, user_id: str, password: str, salt: bytes) -> int:
    """The SRP verifier ``v = g^x mod N`` with Cognito's x (docs/protocol-notes.md §3.2 step 6).

    ``salt`` is the raw salt; it is hashed as ``padHex(int(salt))``, so the emulator must send it
    as ``SALT = hex(int(salt))``. For devices pass ``pool_name=DeviceGroupKey``,
    ``user_id=DeviceKey``, ``password=RandomPassword``.
    """
    if not salt:
        raise ValidationError("salt must not be empty", field="salt")
    ctx = CognitoSRPContext(pool_name + user_id, password)
    x = int(ctx.get_common_password_hash(pad_hex(int.from_bytes(salt, "big"))))
    with gil_released(ctx.backend):
        return int(ctx.get_common_password_verifier(x))


@attrs.frozen
class ServerEphemeral:
    """The server's ephemeral pair for one challenge: private ``b`` (never in repr) and
    ``B = (k·v + g^b) mod N``."""

    b: int = attrs.field(repr=False)
    B: int = attrs.field(repr=short_hex)

    @property
    def srp_b(self) -> str:
        """``SRP_B`` as Cognito sends it: lowercase hex, no padding."""
        return format(self.B, "x")

    @classmethod
    def from_private(cls, b: int, verifier: int) -> ServerEphemeral:
        """The ephemeral for a known ``b`` (test vectors) and the user's verifier."""
        if not 0 < b < N:
            raise ValidationError("the SRP private value must be in [1, N-1]", field="b")
        ctx = CognitoSRPContext("")
        with gil_released(ctx.backend):
            big_b = int(ctx.get_server_public(password_verifier=verifier, server_private=b))
        return cls(b=b, B=big_b)


def new_server_ephemeral(
    verifier: int, randbytes: Callable[[int], bytes] = secrets.token_bytes
) -> ServerEphemeral:
    """Draw b (512 bits, like the client's a) and compute B, drawing again if B mod N is 0."""
    for _ in range(_MAX_DRAWS):
        eph = ServerEphemeral.from_private(draw_private(randbytes), verifier)
        if eph.B % N:
            return eph
    raise ValidationError("randbytes keeps returning unusable values", field="randbytes")


def verify_password_claim(
    *,
    pool_name: str,
    user_id: str,
    verifier: int,
    srp_a_hex: str,
    server: ServerEphemeral,
    secret_block: bytes,
    timestamp: str,
    signature: str,
    now: datetime,
    tolerance: timedelta = timedelta(minutes=5),
) -> bool:
    """Check a PASSWORD_VERIFIER (or, with the device's keys, DEVICE_PASSWORD_VERIFIER) claim.

    Returns ``True`` only if ``signature`` is the HMAC over the *canonical re-formatting* of the
    parsed ``timestamp`` (so a zero-padded day or wrong weekday parses but fails, as on Cognito)
    and the timestamp is within ``tolerance`` of ``now``; the comparison is constant-time.
    ``False`` for a wrong password, a stale timestamp or a malformed signature.

    Raises :class:`~authflow.srp.errors.InvalidSrpParameterError` for a non-hex ``SRP_A`` or
    ``A ≡ 0 (mod N)``, :class:`~authflow.srp.errors.TimestampFormatError` for an unparsable
    ``TIMESTAMP`` (Cognito: InvalidParameterException).
    """
    big_a = parse_hex(srp_a_hex, "SRP_A")
    if big_a % N == 0:
        raise InvalidSrpParameterError("SRP_A is 0 modulo N", field="SRP_A")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValidationError("the SRP clock must return timezone-aware datetimes", field="now")
    issued = parse_timestamp(timestamp)
    canonical = format_timestamp(issued)
    if abs(now - issued) > tolerance:
        return False
    try:
        provided = base64.b64decode(signature.encode("ascii"), validate=True)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return False

    ctx = CognitoSRPContext("")
    u = int(ctx.get_common_secret(server.B, big_a))
    if u == 0:
        raise InvalidSrpParameterError("u = H(A, B) is 0", field="SRP_A")
    with gil_released(ctx.backend):
        s = int(
            ctx.get_server_premaster_secret(
                password_verifier=verifier,
                server_private=server.b,
                client_public=big_a,
                common_secret=u,
            )
        )
    expected = claim_signature(derive_key(s, u), pool_name, user_id, secret_block, canonical)
    return hmac.compare_digest(expected, provided)

"""Client side of Cognito SRP: the ephemeral (a, A) and the PASSWORD_VERIFIER /
DEVICE_PASSWORD_VERIFIER claim (docs/protocol-notes.md §3.2, §4.3).

Pure and synchronous; the clock (``now``) and randomness (``randbytes``) are parameters. The
``*_async`` twins in :mod:`authflow.srp.aio` run these off the event loop.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from datetime import datetime

import attrs

from authflow.protocol.errors import ValidationError
from authflow.srp._codec import claim_signature, decode_secret_block, derive_key, parse_hex
from authflow.srp.backend import gil_released
from authflow.srp.context import CognitoSRPContext, N, pad_hex, short_hex
from authflow.srp.errors import InvalidSrpParameterError
from authflow.srp.timestamp import format_timestamp

__all__ = [
    "PRIVATE_VALUE_BYTES",
    "PasswordClaim",
    "SrpEphemeral",
    "device_password_claim",
    "draw_private",
    "new_ephemeral",
    "password_claim",
]

#: Size of the random private values a (client) and b (emulator): 64 bytes = 512 bits. See the
#: package docstring for why (RFC 3526 §8 asks for at least 420 bits in this group; AWS's clients
#: use 1024).
PRIVATE_VALUE_BYTES = 64
_MAX_DRAWS = 8  # a broken randbytes must fail loudly, not loop forever


@attrs.frozen
class SrpEphemeral:
    """The client's ephemeral SRP key pair: private ``a`` (never in repr) and ``A = g^a mod N``.

    Build one with :func:`new_ephemeral`, or :meth:`from_private` for a known ``a`` (test
    vectors). Use each ephemeral for one sign-in only.
    """

    a: int = attrs.field(repr=False)
    A: int = attrs.field(repr=short_hex)

    @property
    def srp_a(self) -> str:
        """``SRP_A`` as sent to Cognito: lowercase hex of A, no padding."""
        return format(self.A, "x")

    @classmethod
    def from_private(cls, a: int) -> SrpEphemeral:
        """The ephemeral for a given private value ``1 <= a < N`` (computes A; checks A mod N)."""
        if not 0 < a < N:
            raise ValidationError("the SRP private value must be in [1, N-1]", field="a")
        ctx = CognitoSRPContext("")
        with gil_released(ctx.backend):
            big_a = int(ctx.get_client_public(client_private=a))
        if big_a % N == 0:  # impossible for g=2 and 0 < a < N; kept as the protocol's check
            raise ValidationError("A mod N is 0", field="a")
        return cls(a=a, A=big_a)


def new_ephemeral(randbytes: Callable[[int], bytes] = secrets.token_bytes) -> SrpEphemeral:
    """Draw a fresh ephemeral: ``a`` from :data:`PRIVATE_VALUE_BYTES` random bytes, ``A = g^a``.

    ``a = 0`` is drawn again (A = 1 would make the session key independent of ``a``); a
    ``randbytes`` that keeps producing zeros raises
    :class:`~authflow.protocol.errors.ValidationError`. ``A mod N != 0`` is checked by
    :meth:`SrpEphemeral.from_private`.

    >>> e = new_ephemeral()
    >>> len(e.srp_a) <= 768 and "a=" not in repr(e)
    True
    """
    return SrpEphemeral.from_private(draw_private(randbytes))


def draw_private(randbytes: Callable[[int], bytes]) -> int:
    """A random private value in [1, N-1] from :data:`PRIVATE_VALUE_BYTES` bytes of ``randbytes``.

    Cheap (no exponentiation), so the async API calls it on the caller's thread and ships only
    the number to a worker.
    """
    for _ in range(_MAX_DRAWS):
        value = int.from_bytes(randbytes(PRIVATE_VALUE_BYTES), "big") % N
        if value:
            return value
    raise ValidationError("randbytes keeps returning zero", field="randbytes")


@attrs.frozen
class PasswordClaim:
    """Answer to PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER (the signature is not in repr).

    ``secret_block`` is the ``SECRET_BLOCK`` exactly as received; ``timestamp`` the exact string
    that was signed.
    """

    secret_block: str
    signature: str = attrs.field(repr=False)
    timestamp: str

    def to_challenge_responses(self) -> dict[str, str]:
        """The SRP keys of ``ChallengeResponses``; the caller adds USERNAME, SECRET_HASH,
        DEVICE_KEY as the flow requires."""
        return {
            "PASSWORD_CLAIM_SECRET_BLOCK": self.secret_block,
            "PASSWORD_CLAIM_SIGNATURE": self.signature,
            "TIMESTAMP": self.timestamp,
        }


def password_claim(
    *,
    pool_name: str,
    user_id: str,
    password: str,
    ephemeral: SrpEphemeral,
    salt_hex: str,
    srp_b_hex: str,
    secret_block: str,
    now: datetime,
) -> PasswordClaim:
    """Sign a PASSWORD_VERIFIER challenge (docs/protocol-notes.md §3.2).

    ``pool_name`` is the part of the user-pool id after the underscore (``AbCdEf123`` for
    ``us-east-1_AbCdEf123``; a full pool id is refused with ``ValidationError``), ``user_id`` the
    challenge's ``USER_ID_FOR_SRP``, ``salt_hex`` / ``srp_b_hex`` / ``secret_block`` the
    challenge's ``SALT`` / ``SRP_B`` / ``SECRET_BLOCK``, ``now`` an aware datetime.

    Hostile or malformed server values raise
    :class:`~authflow.srp.errors.InvalidSrpParameterError` before anything is signed.
    """
    if not pool_name or "_" in pool_name:
        raise ValidationError(
            "pool_name must be the part of the user pool id after the underscore",
            field="pool_name",
        )
    return _claim(
        identity_prefix=pool_name,
        user_id=user_id,
        password=password,
        ephemeral=ephemeral,
        salt_hex=salt_hex,
        srp_b_hex=srp_b_hex,
        secret_block=secret_block,
        now=now,
    )


def device_password_claim(
    *,
    device_group_key: str,
    device_key: str,
    device_password: str,
    ephemeral: SrpEphemeral,
    salt_hex: str,
    srp_b_hex: str,
    secret_block: str,
    now: datetime,
) -> PasswordClaim:
    """Sign a DEVICE_PASSWORD_VERIFIER challenge (docs/protocol-notes.md §4.3): the user formula
    with poolName := DeviceGroupKey, userId := DeviceKey, password := the device's random
    password."""
    return _claim(
        identity_prefix=device_group_key,
        user_id=device_key,
        password=device_password,
        ephemeral=ephemeral,
        salt_hex=salt_hex,
        srp_b_hex=srp_b_hex,
        secret_block=secret_block,
        now=now,
    )


def _claim(
    *,
    identity_prefix: str,
    user_id: str,
    password: str,
    ephemeral: SrpEphemeral,
    salt_hex: str,
    srp_b_hex: str,
    secret_block: str,
    now: datetime,
) -> PasswordClaim:
    # Every cheap check first, so a bad value costs no modular exponentiation.
    big_b = parse_hex(srp_b_hex, "SRP_B")
    if big_b % N == 0:
        raise InvalidSrpParameterError("SRP_B is 0 modulo N", field="SRP_B")
    salt = parse_hex(salt_hex, "SALT")
    block = decode_secret_block(secret_block)
    timestamp = format_timestamp(now)

    ctx = CognitoSRPContext(identity_prefix + user_id, password)
    u = int(ctx.get_common_secret(big_b, ephemeral.A))
    if u == 0:
        raise InvalidSrpParameterError("u = H(A, B) is 0", field="SRP_B")
    x = int(ctx.get_common_password_hash(pad_hex(salt)))
    with gil_released(ctx.backend):
        s = int(
            ctx.get_client_premaster_secret(
                password_hash=x, server_public=big_b, client_private=ephemeral.a, common_secret=u
            )
        )
    key = derive_key(s, u)
    signature = claim_signature(key, identity_prefix, user_id, block, timestamp)
    return PasswordClaim(
        secret_block=secret_block,
        signature=base64.b64encode(signature).decode("ascii"),
        timestamp=timestamp,
    )

"""The server half of Cognito's SRP for the emulator, on top of :mod:`authflow.srp`.

Only glue lives here: verifiers for stored passwords, the PASSWORD_VERIFIER challenge for a real
user or (PreventUserExistenceErrors=ENABLED) a simulated one for an unknown user, and the check of
the client's claim. The maths is :mod:`authflow.srp`'s.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta

from authflow import srp
from authflow.emulator.clock import RandBytes
from authflow.protocol.errors import InvalidParameterError, NotAuthorizedError

__all__ = [
    "PASSWORD_VERIFIER",
    "TIMESTAMP_MESSAGE",
    "check_a",
    "check_claim",
    "fake_identity",
    "new_server",
    "salt_hex",
    "verifier",
]

PASSWORD_VERIFIER = "PASSWORD_VERIFIER"
TIMESTAMP_MESSAGE = "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english."


def verifier(pool_name: str, user_id: str, password: str, salt: bytes) -> int:
    """``v = g^x mod N`` for a password (x from pool-name part, USER_ID_FOR_SRP and salt)."""
    return srp.compute_verifier(pool_name=pool_name, user_id=user_id, password=password, salt=salt)


def new_server(v: int, randbytes: RandBytes) -> srp.ServerEphemeral:
    """A fresh server ephemeral (``b``, ``B``) for verifier ``v``."""
    return srp.new_server_ephemeral(v, randbytes=randbytes)


def fake_identity(secret: bytes, pool_name: str, username: str) -> tuple[str, bytes, int]:
    """A stable simulated identity for an unknown ``username``: (USER_ID_FOR_SRP, salt, v).

    Derived from a per-pool secret, so repeated attempts for the same name see the same salt and
    user id, like a real user's (docs/protocol-notes.md §3.3)."""

    def derive(label: str) -> bytes:
        return hmac.new(secret, f"{label}\0{username}".encode(), hashlib.sha256).digest()

    user_id = str(uuid.UUID(bytes=derive("id")[:16], version=4))
    salt = bytearray(derive("salt")[:16])
    salt[0] = 0x10 + salt[0] % 0x70
    password = base64.b64encode(derive("password")).decode("ascii")
    return user_id, bytes(salt), verifier(pool_name, user_id, password, bytes(salt))


def salt_hex(salt: bytes) -> str:
    """``SALT`` as sent: lowercase hex of the salt as an integer (what the verifier hashed)."""
    return format(int.from_bytes(salt, "big"), "x")


def check_a(srp_a: str) -> None:
    """Refuse an SRP_A that is not hex or is ≡ 0 mod N before issuing a challenge."""
    try:
        value = int(srp_a, 16)
    except ValueError:
        raise InvalidParameterError("SRP_A must be a hexadecimal string.") from None
    if value % srp.N == 0:
        raise InvalidParameterError("SRP_A cannot be zero modulo N.")


def check_claim(
    *,
    pool_name: str,
    user_id: str,
    v: int,
    srp_a: str,
    server: srp.ServerEphemeral,
    secret_block: bytes,
    timestamp: str,
    signature: str,
    now: float,
    tolerance_seconds: float,
) -> bool:
    """Verify PASSWORD_CLAIM_SIGNATURE (constant-time) and TIMESTAMP window.

    An unparsable TIMESTAMP → InvalidParameterException with Cognito's message; a hostile SRP_A →
    NotAuthorizedException; a wrong signature or a TIMESTAMP outside the window → ``False``."""
    try:
        return bool(
            srp.verify_password_claim(
                pool_name=pool_name,
                user_id=user_id,
                verifier=v,
                srp_a_hex=srp_a,
                server=server,
                secret_block=secret_block,
                timestamp=timestamp,
                signature=signature,
                now=datetime.fromtimestamp(now, UTC),
                tolerance=timedelta(seconds=tolerance_seconds),
            )
        )
    except srp.TimestampFormatError:
        raise InvalidParameterError(TIMESTAMP_MESSAGE) from None
    except srp.InvalidSrpParameterError:
        raise NotAuthorizedError("Incorrect username or password.") from None

"""Cognito's SRP (USER_SRP_AUTH, device SRP) on :mod:`srptools`: pure maths, no I/O.

The SRP-6a skeleton (A, u, x, v, B, client S, server S) comes from :class:`srptools.SRPContext`
through :class:`CognitoSRPContext`, which plugs in Cognito's padHex rule and multiplier; this
package adds only Cognito's encodings (x over ``poolName ‖ USER_ID_FOR_SRP``, the HKDF
"Caldera Derived Key", the claim signature, the TIMESTAMP). Clock (``now``) and randomness
(``randbytes``) are parameters. Layering: imports srptools, attrs, the stdlib, optional gmpy2 and
:mod:`authflow.protocol.errors` only.

Client::

    eph = new_ephemeral()                               # SRP_A = eph.srp_a
    claim = password_claim(pool_name="AbCdEf123", user_id=params["USER_ID_FOR_SRP"],
                           password=pw, ephemeral=eph, salt_hex=params["SALT"],
                           srp_b_hex=params["SRP_B"], secret_block=params["SECRET_BLOCK"],
                           now=datetime.now(UTC))
    responses = {"USERNAME": params["USER_ID_FOR_SRP"], **claim.to_challenge_responses()}

On an event loop use the ``*_async`` twins (:mod:`authflow.srp.aio`).

Size of the private values a (and the emulator's b): 512 bits (:data:`PRIVATE_VALUE_BYTES`)
    RFC 3526 §8 rates the 3072-bit group at 130 or 210 bits of strength and asks for exponents of
    twice that: 260 or 420 bits. 512 bits clears the higher estimate with margin, yet costs about
    half of AWS's 1024: the client's S exponent is ``a + u*x`` with u and x 256-bit hashes, so it
    is about 512 bits whatever a is up to that size; only A = g^a grows with a (figures in
    bench/README.md).

Offloading (:mod:`authflow.srp.aio`): gmpy2 -> one worker thread with the GIL released; pure ->
a spawned process pool leaving one core to the loop. bench/README.md has the measurements of
every strategy tried and why this one was chosen.
"""

from __future__ import annotations

from authflow.srp.aio import (
    compute_verifier_async,
    device_password_claim_async,
    generate_device_secret_async,
    new_ephemeral_async,
    new_server_ephemeral_async,
    password_claim_async,
    set_executor,
    shutdown_executors,
    verify_password_claim_async,
)
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
    "PRIVATE_VALUE_BYTES",
    "CognitoSRPContext",
    "DeviceSecret",
    "G",
    "InvalidSrpParameterError",
    "K",
    "N",
    "PasswordClaim",
    "ServerEphemeral",
    "SrpEphemeral",
    "SrpError",
    "TimestampFormatError",
    "available_backends",
    "compute_verifier",
    "compute_verifier_async",
    "device_password_claim",
    "device_password_claim_async",
    "format_timestamp",
    "generate_device_secret",
    "generate_device_secret_async",
    "get_backend",
    "new_ephemeral",
    "new_ephemeral_async",
    "new_server_ephemeral",
    "new_server_ephemeral_async",
    "pad_hex",
    "parse_timestamp",
    "password_claim",
    "password_claim_async",
    "set_backend",
    "set_executor",
    "shutdown_executors",
    "verify_password_claim",
    "verify_password_claim_async",
]

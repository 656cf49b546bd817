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
    is about 512 bits whatever a is up to that size; only A = g^a grows with a. Measured client CPU
    per sign-in for a = 256 / 420 / 512 / 1024 bits: gmpy2 2.1 / 2.4 / 2.6 / 4.7 ms, pure
    17.4 / 19.9 / 21.0 / 38.8 ms. (With 1024 bits gmpy2 would only be 8x cheaper than pycognito.)

Speed (``bench/srp_cpu.py``: process CPU per client sign-in, A + PASSWORD_VERIFIER on the same
valid challenge, same run, 2-core dev machine, CPython 3.11)
    authflow + gmpy2 2.50 ms, authflow pure 21.1 ms, pycognito 2024.5.1 39.1 ms: gmpy2 is 15.6x
    cheaper than pycognito, pure 1.85x cheaper, gmpy2 8.5x cheaper than pure.

Event loop (``bench/srp_loop_lag.py``: 100 concurrent sign-ins, lag = lateness of a 1 ms sleep,
p99 and max in ms, ranges over 3-7 runs on a 2-core machine shared with other jobs, whose idle
loop showed p99 0.1-0.8 and max 1.3-2.5)
    ========================================  ==========  =========  ==========  ==========
    strategy                                  gmpy2 p99   gmpy2 max  pure p99    pure max
    ========================================  ==========  =========  ==========  ==========
    inline on the loop                        7-9         7-9.3      65-130      70-140
    asyncio.to_thread (default executor)      4.5-20      7-22       270-400     290-455
    1 thread, gmpy2 keeping the GIL           2-7         7-7.5      (= 1 thread below)
    1 thread                                  0.7-2.8     1-4.5      13-45       22-49
    2 threads                                 0.6-5       1.3-7.7    47-144      57-159
    precomputed (a, A), claim in 1 thread     1.1-6.3     3.4-8.9    32-83       43-111
    1 process (spawn)                         1.0-2.7     4.3-5.5    0.8-1.0     3.6-15.7
    2 processes (spawn)                       2.5-4.5     6-13       1.1-2.0     7-15
    shipped ``*_async`` (2 hops/sign-in)      1.1-5.9     3.3-12     1.0         5.3-5.4
    ========================================  ==========  =========  ==========  ==========

    Chosen (:mod:`authflow.srp.aio`): gmpy2 -> one worker thread with the GIL released; pure ->
    a spawned process pool leaving one core to the loop. gmpy2 does release the GIL (two threads
    run 2x300 modexps in 1.1x the time of one; 2.0x when it keeps the GIL). Precomputed (a, A)
    pairs take A off the critical path but not off the CPU, and keep private values alive longer:
    not adopted; a flow can call :func:`new_ephemeral_async` early instead.
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

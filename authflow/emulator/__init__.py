"""A local Amazon Cognito user-pool service that is as strict as the real one where it matters.

Unlike moto or cognito-local it checks what Cognito checks: SRP password claims for real (single-use
SECRET_BLOCK, timestamp window, constant-time compare), confirmation, reset and MFA codes (wrong,
expired, too many tries), TOTP (RFC 6238), challenge sessions (single-use, expiring), SECRET_HASH,
the client's auth flows, PreventUserExistenceErrors, lockout, device SRP, refresh-token rotation,
and access tokens (RS256 signature, expiry, revocation, scope). It runs custom-auth and PreSignUp
triggers as Python callables, choice-based USER_AUTH sign-in, and injects faults on demand. A pool
with a domain also gets Cognito's OAuth 2.0 endpoints and a managed login page
(``emu.create_user_pool_domain``; see docs/emulator-oauth.md).
Errors have Cognito's shape and messages; requests are validated against the service model.

::

    from authflow.emulator import Emulator

    async with Emulator() as emu:
        pool = emu.create_user_pool("demo", auto_verified_attributes=["email"])
        app = emu.create_user_pool_client(pool.id)
        # ... sign up through any Cognito client pointed at emu.endpoint, then:
        code = emu.outbox.latest(username="alice").code

The core (:class:`EmulatorCore`, ``handle(operation, body) -> dict``) is pure and synchronous;
:class:`Emulator` serves it over HTTP with aiohttp. ``python -m authflow.emulator`` runs one from a
shell. Requires the ``emulator`` extra (``cryptography``, ``pyotp``).

AdminInitiateAuth / AdminRespondToAuthChallenge run the same sign-in code as the public operations.
IAM-authorized requests (``Admin*``, provisioning) are accepted unsigned unless
``Emulator(iam_credentials={...})`` asks for their SigV4 signatures to be verified
(:mod:`authflow.emulator.sigv4`; the ``admin`` extra, botocore).
"""

from authflow.emulator.clock import Clock, ManualClock, RandBytes
from authflow.emulator.config import EmulatorConfig
from authflow.emulator.core import ClientRef, EmulatorCore, KeyRotation, PoolRef
from authflow.emulator.faults import FaultRule, Faults
from authflow.emulator.outbox import Message, Outbox
from authflow.emulator.server import Emulator, threaded_emulator
from authflow.emulator.triggers import Triggers

__all__ = [
    "ClientRef",
    "Clock",
    "Emulator",
    "EmulatorConfig",
    "EmulatorCore",
    "FaultRule",
    "Faults",
    "KeyRotation",
    "ManualClock",
    "Message",
    "Outbox",
    "PoolRef",
    "RandBytes",
    "Triggers",
    "threaded_emulator",
]

"""Remembered devices: the ConfirmDevice ``DeviceSecretVerifierConfig``
(docs/protocol-notes.md §4.2).

The DEVICE_PASSWORD_VERIFIER answer itself is :func:`authflow.srp.client.device_password_claim`.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable

import attrs

from authflow.srp.backend import gil_released
from authflow.srp.context import CognitoSRPContext, pad_hex

__all__ = [
    "DEVICE_PASSWORD_BYTES",
    "DEVICE_SALT_BYTES",
    "DeviceSecret",
    "device_secret_from_bytes",
    "generate_device_secret",
]

#: Random bytes behind a device password (base64: 56 characters), as every AWS client uses.
DEVICE_PASSWORD_BYTES = 40
#: Random bytes of a device salt.
DEVICE_SALT_BYTES = 16


@attrs.frozen
class DeviceSecret:
    """What the client keeps and sends when confirming a device.

    ``device_password`` (base64 of 40 random bytes; never in repr) stays on the client with the
    DeviceKey and DeviceGroupKey; ``salt`` and ``password_verifier`` (base64 of padHex bytes) go to
    ConfirmDevice through :meth:`verifier_config`.
    """

    device_password: str = attrs.field(repr=False)
    salt: str
    password_verifier: str

    def verifier_config(self) -> dict[str, str]:
        """``DeviceSecretVerifierConfig`` for ConfirmDevice."""
        return {"PasswordVerifier": self.password_verifier, "Salt": self.salt}


def generate_device_secret(
    device_group_key: str,
    device_key: str,
    randbytes: Callable[[int], bytes] = secrets.token_bytes,
) -> DeviceSecret:
    """Create a device password, salt and verifier for ConfirmDevice.

    ``randbytes`` is called twice, in this order: 40 bytes for the password, 16 for the salt
    (the order pycognito uses, which the test vector relies on).

    >>> s = generate_device_secret("-AbCdEfGh", "us-east-1_0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")
    >>> sorted(s.verifier_config()), len(s.device_password)
    (['PasswordVerifier', 'Salt'], 56)
    """
    password_bytes = randbytes(DEVICE_PASSWORD_BYTES)  # first, as pycognito does
    salt_bytes = randbytes(DEVICE_SALT_BYTES)
    return device_secret_from_bytes(device_group_key, device_key, password_bytes, salt_bytes)


def device_secret_from_bytes(
    device_group_key: str, device_key: str, password_bytes: bytes, salt_bytes: bytes
) -> DeviceSecret:
    """:func:`generate_device_secret` for already drawn random bytes (40 for the password, 16 for
    the salt); the part worth running off the event loop."""
    device_password = base64.b64encode(password_bytes).decode("ascii")
    salt = pad_hex(int.from_bytes(salt_bytes, "big"))
    ctx = CognitoSRPContext(device_group_key + device_key, device_password)
    x = int(ctx.get_common_password_hash(salt))
    with gil_released(ctx.backend):
        verifier = int(ctx.get_common_password_verifier(x))
    return DeviceSecret(
        device_password=device_password,
        salt=base64.b64encode(salt).decode("ascii"),
        password_verifier=base64.b64encode(pad_hex(verifier)).decode("ascii"),
    )

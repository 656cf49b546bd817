"""Cognito's SRP-6a group and encodings, as a :class:`srptools.SRPContext` subclass.

srptools supplies the SRP-6a skeleton (``A = g^a``, ``u = H(pad(A) | pad(B))``,
``x = H(s | H(I | ":" | P))``, ``v = g^x``, ``B = k·v + g^b``, client
``S = (B - k·g^x)^(a + u·x)``, server ``S = (A·v^u)^b``). Cognito differs from RFC 5054 only in
its encodings, which this subclass plugs in (docs/protocol-notes.md §3.1):

* the group is RFC 3526's 3072-bit MODP prime with **g = 2** and **H = SHA-256**;
* ``pad`` is Java's ``BigInteger.toByteArray()`` (:func:`pad_hex`), not RFC 5054's PAD to the
  length of N;
* ``k = H(padHex(N) ‖ padHex(g))`` over the 385-byte padHex(N) and the 1-byte ``02``;
* the SRP identity ``I`` is ``poolName + userId`` (device SRP: ``DeviceGroupKey + DeviceKey``) and
  the salt is hashed as ``padHex(salt)``, which the caller passes as bytes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from srptools import SRPContext

from authflow.srp.backend import BackendName, get_backend, to_backend_int

__all__ = ["G", "K", "N", "N_HEX", "CognitoSRPContext", "pad_hex", "short_hex"]

#: RFC 3526 §4 (group 15) 3072-bit MODP prime, as hard-coded in every Cognito client.
N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
#: The group modulus N (3072 bits).
N: int = int(N_HEX, 16)
#: The generator g = 2 (RFC 3526; *not* RFC 5054's 5 for this prime).
G: int = 2


def pad_hex(n: int) -> bytes:
    """Java's ``BigInteger.toByteArray()``: the minimal big-endian two's-complement bytes of ``n``.

    The JS SDKs call the hex form of this ``padHex``; Cognito hashes these bytes. For ``n ≥ 0`` a
    ``00`` byte is prepended when the top bit of the first byte is set.

    >>> pad_hex(127).hex(), pad_hex(128).hex(), pad_hex(0).hex(), pad_hex(-129).hex()
    ('7f', '0080', '00', 'ff7f')
    """
    # Java's bitLength() excludes the sign bit; for negatives it is that of ~n.
    bits = n.bit_length() if n >= 0 else (~n).bit_length()
    return n.to_bytes(bits // 8 + 1, "big", signed=True)


def short_hex(n: int) -> str:
    """A log-friendly abbreviation of a big public value: ``0x79c45b98…f357 (3068 bits)``."""
    digits = format(n, "x")
    if len(digits) <= 16:
        return "0x" + digits
    return f"0x{digits[:8]}…{digits[-4:]} ({n.bit_length()} bits)"


#: The SRP-6a multiplier k = H(padHex(N) ‖ padHex(g)) (docs/protocol-notes.md §3.1).
K: int = int.from_bytes(hashlib.sha256(pad_hex(N) + pad_hex(G)).digest(), "big")


# srptools ships no type information, so its class is ``Any`` to mypy.
class CognitoSRPContext(SRPContext):  # type: ignore[misc]
    """An :class:`srptools.SRPContext` speaking Cognito's SRP dialect.

    ``identity`` is the string hashed before ``":" + password``: ``poolName + USER_ID_FOR_SRP``
    for user SRP, ``DeviceGroupKey + DeviceKey`` for device SRP. ``password`` may be ``None`` on
    the server side. ``backend`` defaults to :func:`~authflow.srp.backend.get_backend`; with
    ``"gmpy2"`` the group constants are ``gmpy2.mpz`` so srptools' ``pow`` calls run in GMP, and
    its methods return ``mpz`` (convert with ``int``).

    >>> ctx = CognitoSRPContext("AbCdEf123" + "alice", "pw", backend="pure")
    >>> ctx.get_client_public(client_private=1)
    2
    """

    def __init__(
        self, identity: str, password: str | None = None, *, backend: BackendName | None = None
    ) -> None:
        super().__init__(
            identity,
            password,
            prime=N_HEX,
            generator=format(G, "x"),
            hash_func=hashlib.sha256,
            multiplier=format(K, "x"),
        )
        self.backend: BackendName = backend or get_backend()
        self._prime = to_backend_int(N, self.backend)
        self._gen = to_backend_int(G, self.backend)
        self._mult = to_backend_int(K, self.backend)

    def pad(self, val: Any) -> bytes:
        """Cognito's padHex rule (:func:`pad_hex`) instead of RFC 5054's PAD."""
        return pad_hex(int(val))

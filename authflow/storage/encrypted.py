"""EncryptedStore: AES-256-GCM around any store (``encryption`` extra: cryptography).

The inner store only ever holds an envelope::

    {"v": 1, "alg": "A256GCM", "kid": <key id>, "nonce": <96-bit random>, "ct": <ciphertext+tag>}

(binary members urlsafe-base64). The additional authenticated data is the store key, so a record
copied under another key does not decrypt; any change to the envelope fails the GCM tag. ``kid``
is the first 8 bytes of SHA-256 over the encryption key (domain-separated): the first key of the
key set encrypts, every key decrypts, so a key is rotated by putting the new key first and keeping
the old one until every record has been written again (each write re-encrypts with the first key;
:meth:`EncryptedStore.reencrypt` does it for one key on demand).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from authflow.protocol.errors import ValidationError
from authflow.storage._codec import check_key, decode_record, encode_record
from authflow.storage.base import Record, Store
from authflow.storage.errors import RecordDecryptionError

__all__ = ["ENVELOPE_VERSION", "EncryptedStore"]

#: Version of the envelope format.
ENVELOPE_VERSION = 1
_ALG = "A256GCM"
_AAD_PREFIX = b"authflow-store-record\x00"
_KID_PREFIX = b"authflow-store-key-id\x00"
_FIELDS = {"v", "alg", "kid", "nonce", "ct"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key_bytes(index: int, key: object) -> bytes:
    where = f"encryption key #{index}"
    if isinstance(key, str):
        try:
            raw = _unb64(key.strip())
        except (binascii.Error, ValueError):
            raise ValidationError(f"{where} is not urlsafe base64", field="keys") from None
    elif isinstance(key, bytes | bytearray):
        raw = bytes(key)
    else:
        raise ValidationError(f"{where} must be bytes or a base64 str", field="keys")
    if len(raw) != 32:
        raise ValidationError(f"{where} must be 32 bytes (AES-256), not {len(raw)}", field="keys")
    return raw


class EncryptedStore:
    """A :class:`~authflow.storage.base.Store` that encrypts every record with AES-256-GCM before
    handing it to ``inner`` (any store: memory, file, Redis).

    ``keys`` is a non-empty sequence of 32-byte keys, as ``bytes`` or urlsafe-base64 ``str``
    (:meth:`generate_key` makes one): the first encrypts, all decrypt. A record that was tampered
    with, copied from another key, written unencrypted or encrypted with an unknown key raises
    :class:`~authflow.storage.errors.RecordDecryptionError`.

    >>> store = EncryptedStore(FileStore("/var/lib/app/sessions"), [os.environ["SESSION_KEY"]])
    """

    def __init__(self, inner: Store, keys: Sequence[bytes | str]) -> None:
        if not isinstance(inner, Store):
            raise ValidationError("inner must be a Store", field="inner")
        if isinstance(keys, str | bytes | bytearray) or not isinstance(keys, Sequence):
            raise ValidationError("keys must be a sequence of keys (e.g. a list)", field="keys")
        if not keys:
            raise ValidationError("keys must hold at least one key", field="keys")
        self._inner = inner
        self._ciphers: dict[bytes, AESGCM] = {}
        self._kid = b""
        for index, key in enumerate(keys):
            raw = _key_bytes(index, key)
            kid = hashlib.sha256(_KID_PREFIX + raw).digest()[:8]
            self._ciphers.setdefault(kid, AESGCM(raw))
            if index == 0:
                self._kid = kid

    @staticmethod
    def generate_key() -> str:
        """A new random 32-byte key, urlsafe base64 (keep it in a secret manager, not in code)."""
        return _b64(os.urandom(32))

    @property
    def inner(self) -> Store:
        """The store that holds the encrypted envelopes."""
        return self._inner

    def __repr__(self) -> str:
        return f"EncryptedStore({self._inner!r}, keys={len(self._ciphers)})"

    # -- envelopes ----------------------------------------------------------------------------

    def _seal(self, key: str, data: bytes) -> Record:
        nonce = os.urandom(12)
        sealed = self._ciphers[self._kid].encrypt(nonce, data, _AAD_PREFIX + key.encode("utf-8"))
        return {"v": ENVELOPE_VERSION, "alg": _ALG, "kid": _b64(self._kid),
                "nonce": _b64(nonce), "ct": _b64(sealed)}

    def _open(self, key: str, envelope: Record) -> bytes:
        """The canonical JSON sealed in ``envelope``."""
        if set(envelope) != _FIELDS or not all(
            isinstance(envelope[f], str) for f in ("alg", "kid", "nonce", "ct")
        ):
            raise RecordDecryptionError(f"record under {key!r} is not an encrypted record", key=key)
        if envelope["v"] != ENVELOPE_VERSION or envelope["alg"] != _ALG:
            raise RecordDecryptionError(
                f"record under {key!r} has an unsupported encryption format", key=key
            )
        try:
            kid, nonce, sealed = (_unb64(envelope[f]) for f in ("kid", "nonce", "ct"))
        except (binascii.Error, ValueError):
            raise RecordDecryptionError(f"record under {key!r} is not valid base64",
                                        key=key) from None
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise RecordDecryptionError(
                f"record under {key!r} was encrypted with a key that is not in the key set",
                key=key,
            )
        if len(nonce) != 12:
            raise RecordDecryptionError(f"record under {key!r} has a bad nonce", key=key)
        try:
            return cipher.decrypt(nonce, sealed, _AAD_PREFIX + key.encode("utf-8"))
        except InvalidTag:
            raise RecordDecryptionError(
                f"record under {key!r} does not decrypt (tampered with, or copied from another "
                "key)",
                key=key,
            ) from None

    # -- the Store protocol -------------------------------------------------------------------

    async def get(self, key: str) -> Record | None:
        """The decrypted record under ``key``, or ``None``."""
        check_key(key)
        envelope = await self._inner.get(key)
        return None if envelope is None else decode_record(key, self._open(key, envelope))

    async def set(self, key: str, record: Record, *, ttl: float | None = None) -> None:
        """Encrypt ``record`` with the first key (fresh nonce) and store it under ``key``."""
        check_key(key)
        await self._inner.set(key, self._seal(key, encode_record(record)), ttl=ttl)

    async def compare_and_set(
        self, key: str, expected: Record | None, new: Record | None, *, ttl: float | None = None
    ) -> bool:
        """Compare the decrypted record with ``expected``; if equal, swap the exact envelope
        that was read for ``new`` encrypted (or delete) with the inner store's
        ``compare_and_set``, so the whole is as atomic as the inner store's. See
        :meth:`Store.compare_and_set <authflow.storage.base.Store.compare_and_set>`."""
        check_key(key)
        want = None if expected is None else encode_record(expected)
        data = None if new is None else encode_record(new)
        envelope = await self._inner.get(key)
        current = None if envelope is None else self._open(key, envelope)
        if current != want:
            return False
        sealed = None if data is None else self._seal(key, data)
        return await self._inner.compare_and_set(key, envelope, sealed, ttl=ttl)

    async def reencrypt(self, key: str, *, ttl: float | None = None) -> bool:
        """Re-encrypt the record under ``key`` with the first key if another key sealed it;
        return whether it was rewritten (a concurrent change wins: ``False``). ``ttl`` is the
        rewritten record's expiry (the inner store cannot report the remaining one)."""
        check_key(key)
        envelope = await self._inner.get(key)
        if envelope is None or envelope.get("kid") == _b64(self._kid):
            return False
        data = self._open(key, envelope)
        return await self._inner.compare_and_set(key, envelope, self._seal(key, data), ttl=ttl)

    async def delete(self, key: str) -> None:
        """Remove ``key``'s record."""
        await self._inner.delete(key)

    @asynccontextmanager
    async def lock(self, key: str, *, timeout: float = 30.0) -> AsyncIterator[None]:  # noqa: ASYNC109
        """The inner store's lock named ``key``."""
        async with self._inner.lock(key, timeout=timeout):
            yield

    async def close(self) -> None:
        """Close the inner store."""
        await self._inner.close()

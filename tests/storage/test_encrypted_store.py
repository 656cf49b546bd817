"""EncryptedStore: tokens never in clear in the inner store (files, raw Redis values), records
bound to their key, tampering and foreign records are typed errors, key rotation."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from redis_servers import RedisServer

from authflow.protocol.errors import ValidationError
from authflow.storage import (
    EncryptedStore,
    FileStore,
    MemoryStore,
    RecordDecryptionError,
    RedisStore,
    Store,
)

from .conftest import private_dir, unique_prefix

TOKEN = "eyJraWQiOiJhY2Nlc3MtdG9rZW4tc2VjcmV0In0.payload.signature"
REFRESH = "refresh-token-must-never-be-stored-in-clear"
SESSION = {"tokens": {"access_token": TOKEN, "refresh_token": REFRESH}, "login": "alice"}
K1 = EncryptedStore.generate_key()
K2 = EncryptedStore.generate_key()


@pytest.fixture
async def memory() -> AsyncIterator[MemoryStore]:
    inner = MemoryStore()
    yield inner
    await inner.close()


async def test_file_bytes_hold_no_token(tmp_path: Path) -> None:
    directory = private_dir(tmp_path)
    store = EncryptedStore(FileStore(directory), [K1])
    await store.set("authflow:p:c:session:u-1", SESSION)  # the key itself is no secret
    (path,) = directory.iterdir()
    raw = path.read_bytes()
    for secret in (TOKEN, REFRESH, "alice", "access_token"):
        assert secret.encode() not in raw
        assert base64.b64encode(secret.encode())[:12] not in raw
    envelope = json.loads(raw)["record"]
    assert set(envelope) == {"v", "alg", "kid", "nonce", "ct"} and envelope["alg"] == "A256GCM"
    assert len(base64.urlsafe_b64decode(envelope["nonce"] + "==")) == 12
    assert await store.get("authflow:p:c:session:u-1") == SESSION


async def test_raw_redis_value_holds_no_token(redis_server: RedisServer) -> None:
    inner = RedisStore.from_url(redis_server.url, prefix=unique_prefix())
    store = EncryptedStore(inner, [K1])
    admin = aioredis.Redis.from_url(redis_server.url)
    try:
        await store.set("s", SESSION, ttl=60)
        raw = await admin.get(inner.record_name("s"))
        assert raw is not None
        assert TOKEN.encode() not in raw and REFRESH.encode() not in raw and b"alice" not in raw
        assert await store.get("s") == SESSION
        assert 0 < await admin.pttl(inner.record_name("s")) <= 60_000  # ttl passed through
    finally:
        await store.close()
        await admin.aclose()


async def test_each_write_uses_a_fresh_nonce(memory: MemoryStore) -> None:
    store = EncryptedStore(memory, [K1])
    await store.set("k", SESSION)
    first = await memory.get("k")
    await store.set("k", SESSION)
    second = await memory.get("k")
    assert first is not None and second is not None
    assert first["nonce"] != second["nonce"] and first["ct"] != second["ct"]


async def test_a_record_copied_to_another_key_does_not_decrypt(memory: MemoryStore) -> None:
    store = EncryptedStore(memory, [K1])
    await store.set("session:alice", SESSION)
    envelope = await memory.get("session:alice")
    assert envelope is not None
    await memory.set("session:mallory", envelope)
    with pytest.raises(RecordDecryptionError) as info:
        await store.get("session:mallory")
    assert info.value.key == "session:mallory" and "another key" in str(info.value)
    with pytest.raises(RecordDecryptionError):
        await store.compare_and_set("session:mallory", SESSION, {"x": 1})
    assert await store.get("session:alice") == SESSION


def _flip(text: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    raw[len(raw) // 2] ^= 1
    return base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


@pytest.mark.parametrize(
    "damage",
    [
        lambda e: dict(e, ct=_flip(e["ct"])),
        lambda e: dict(e, nonce=_flip(e["nonce"])),
        lambda e: dict(e, kid=_flip(e["kid"])),
        lambda e: dict(e, nonce=e["nonce"][:8]),
        lambda e: dict(e, ct="***not base64***"),
        lambda e: dict(e, ct="é"),
        lambda e: dict(e, v=2),
        lambda e: dict(e, alg="none"),
        lambda e: {k: v for k, v in e.items() if k != "kid"},
        lambda e: dict(e, kid=7),
        lambda e: SESSION,  # written unencrypted by someone else
        lambda e: {},
    ],
    ids=["ct", "nonce", "kid", "short-nonce", "b64", "non-ascii", "version", "alg", "no-kid",
         "int-kid", "plain", "empty"],
)
async def test_tampered_or_foreign_records_are_typed_errors(
    memory: MemoryStore, damage: Any
) -> None:
    store = EncryptedStore(memory, [K1])
    await store.set("k", SESSION)
    envelope = await memory.get("k")
    await memory.set("k", damage(envelope))
    with pytest.raises(RecordDecryptionError) as info:
        await store.get("k")
    assert info.value.key == "k"
    assert TOKEN not in str(info.value) and REFRESH not in str(info.value)
    with pytest.raises(RecordDecryptionError):
        await store.compare_and_set("k", SESSION, None)
    await store.delete("k")  # a damaged record can still be removed
    assert await store.get("k") is None


async def test_key_rotation(memory: MemoryStore) -> None:
    old = EncryptedStore(memory, [K1])
    await old.set("a", {"n": 1})
    await old.set("b", {"n": 2})
    rotated = EncryptedStore(memory, [K2, K1])  # new key first, old key kept for reading
    assert await rotated.get("a") == {"n": 1}
    await rotated.set("a", {"n": 10})  # the next write re-encrypts with the new key
    only_new = EncryptedStore(memory, [K2])
    assert await only_new.get("a") == {"n": 10}
    with pytest.raises(RecordDecryptionError, match="not in the key set"):
        await only_new.get("b")
    assert await rotated.reencrypt("b")
    assert not await rotated.reencrypt("b")  # already on the new key
    assert not await rotated.reencrypt("missing")
    assert await only_new.get("b") == {"n": 2}
    with pytest.raises(RecordDecryptionError):
        await old.get("b")  # the old key alone no longer reads it


async def test_compare_and_set_swaps_only_the_envelope_it_read(memory: MemoryStore) -> None:
    store = EncryptedStore(memory, [K1])
    await store.set("k", {"v": 1})

    class Racing(MemoryStore):
        """An inner store on which another writer lands between the read and the swap."""

        async def compare_and_set(self, key: str, expected: Any, new: Any, *,
                                  ttl: float | None = None) -> bool:
            await EncryptedStore(self, [K1]).set(key, {"v": "concurrent"})
            return await super().compare_and_set(key, expected, new, ttl=ttl)

    racing = Racing()
    await EncryptedStore(racing, [K1]).set("k", {"v": 1})
    assert not await EncryptedStore(racing, [K1]).compare_and_set("k", {"v": 1}, {"v": 2})
    assert await EncryptedStore(racing, [K1]).get("k") == {"v": "concurrent"}
    assert await store.compare_and_set("k", {"v": 1}, {"v": 2})
    assert await store.get("k") == {"v": 2}


@pytest.mark.parametrize(
    "keys",
    [[], "a-str-not-a-list", b"x" * 32, [b"short"], [b"x" * 33], ["!!not base64!!"],
     [base64.urlsafe_b64encode(b"x" * 16).decode()], [42], None],
    ids=["empty", "str", "bytes", "short", "long", "not-b64", "16-bytes", "int", "none"],
)
def test_bad_keys_are_validation_errors(keys: Any) -> None:
    with pytest.raises(ValidationError) as info:
        EncryptedStore(MemoryStore(), keys)
    assert info.value.field == "keys"


def test_keys_never_show(memory: MemoryStore) -> None:
    raw = b"\x01" * 32
    store = EncryptedStore(memory, [raw, K1])
    assert K1 not in repr(store) and repr(raw) not in repr(store) and "keys=2" in repr(store)
    with pytest.raises(ValidationError) as info:
        EncryptedStore(memory, [K1[:-2]])
    assert K1[:-2] not in str(info.value)
    with pytest.raises(ValidationError):
        EncryptedStore("not a store", [K1])  # type: ignore[arg-type]
    assert isinstance(store, Store)
    assert store.inner is memory


def test_generated_keys_are_32_random_bytes() -> None:
    keys = {EncryptedStore.generate_key() for _ in range(20)}
    assert len(keys) == 20
    assert all(len(base64.urlsafe_b64decode(k + "=")) == 32 for k in keys)

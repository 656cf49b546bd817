"""The Store contract, run against every store kind (``store`` fixture in conftest.py): round
trips, copies, validation, expiry, compare-and-set semantics, locks and typed lock timeouts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from authflow.protocol.errors import AuthflowError, ValidationError
from authflow.storage import Store, StoreLockTimeoutError

from .conftest import WallClock

SESSION = {
    "version": 1,
    "tokens": {"access_token": "a.b.c", "refresh_token": "refresh-secret", "expires_at": 1.5},
    "device_key": None,
    "list": [1, "two", 3.25, True, None, {"x": []}],
}


async def test_round_trip_overwrite_delete(store: Store) -> None:
    assert isinstance(store, Store)
    assert await store.get("k") is None
    await store.set("k", SESSION)
    assert await store.get("k") == SESSION
    await store.set("k", {"n": 2})
    assert await store.get("k") == {"n": 2}
    await store.set("other", {"n": 3})
    await store.delete("k")
    await store.delete("k")  # absent: not an error
    assert await store.get("k") is None
    assert await store.get("other") == {"n": 3}


async def test_records_are_copies(store: Store) -> None:
    record: dict[str, Any] = {"a": [1, 2], "b": {"c": None}}
    await store.set("k", record)
    record["a"].append(3)
    got = await store.get("k")
    assert got == {"a": [1, 2], "b": {"c": None}}
    assert got is not None
    got["b"]["c"] = "changed"
    assert await store.get("k") == {"a": [1, 2], "b": {"c": None}}


@pytest.mark.parametrize(
    "record",
    [
        {"x": float("nan")},
        {"x": float("inf")},
        {"x": {1, 2}},
        {"x": (1, 2)},
        {"x": b"bytes"},
        {"x": object()},
        {1: "int member name"},
        {"x": "lone \ud800 surrogate"},
        {"lone \udfff": 1},
        ["not", "a", "dict"],
        "text",
        None,
    ],
    ids=["nan", "inf", "set", "tuple", "bytes", "object", "int-name", "surrogate",
         "surrogate-name", "list", "str", "none"],
)
async def test_non_json_records_are_refused_and_nothing_is_written(
    store: Store, record: Any
) -> None:
    await store.set("k", {"old": True})
    with pytest.raises(ValidationError):
        await store.set("k", record)
    if record is not None:  # None as compare_and_set's ``new`` means "delete"
        with pytest.raises(ValidationError):
            await store.compare_and_set("k", {"old": True}, record)
    with pytest.raises(ValidationError):
        await store.compare_and_set("k", record if record is not None else [], {"new": 1})
    assert await store.get("k") == {"old": True}


async def test_hostile_depth_is_a_validation_error(store: Store) -> None:
    deep: Any = {}
    for _ in range(100_000):
        deep = {"d": deep}
    wide: Any = []
    for _ in range(100_000):
        wide = [wide]
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    for record in (deep, {"w": wide}, cyclic):
        with pytest.raises(ValidationError, match="deeper"):
            await store.set("k", record)
    assert await store.get("k") is None


@pytest.mark.parametrize(
    "key", [b"bytes", 7, None, "", "lone \ud800", "x" * 8193, ["k"]],
    ids=["bytes", "int", "none", "empty", "surrogate", "too-long", "list"],
)
async def test_bad_keys_are_validation_errors(store: Store, key: Any) -> None:
    for call in (
        lambda: store.get(key),
        lambda: store.set(key, {}),
        lambda: store.delete(key),
        lambda: store.compare_and_set(key, None, {}),
    ):
        with pytest.raises(ValidationError) as info:
            await call()
        assert info.value.field == "key"
    with pytest.raises(ValidationError):
        async with store.lock(key):
            pass


@pytest.mark.parametrize("ttl", [0, -1, float("nan"), float("inf"), "5", True, 1e12])
async def test_bad_ttl_is_a_validation_error(store: Store, ttl: Any) -> None:
    with pytest.raises(ValidationError) as info:
        await store.set("k", {}, ttl=ttl)
    assert info.value.field == "ttl"
    with pytest.raises(ValidationError):
        await store.compare_and_set("k", None, {}, ttl=ttl)
    assert await store.get("k") is None


async def test_odd_keys_are_distinct_records(store: Store) -> None:
    keys = ["a/b", "../../etc/passwd", "nul\x00byte", "{brace}", "}x{", "%7B", "é🙂", " ", "a" * 8000]
    for i, key in enumerate(keys):
        await store.set(key, {"i": i})
    for i, key in enumerate(keys):
        assert await store.get(key) == {"i": i}


async def test_ttl_expiry(clocked_store: tuple[Store, WallClock]) -> None:
    store, clock = clocked_store
    await store.set("t", {"x": 1}, ttl=10)
    await store.set("forever", {"x": 2})
    clock.now += 9.9
    assert await store.get("t") == {"x": 1}
    clock.now += 0.1
    assert await store.get("t") is None
    assert not await store.compare_and_set("t", {"x": 1}, {"x": 3})  # expired = absent
    assert await store.compare_and_set("t", None, {"x": 3}, ttl=5)
    assert await store.get("t") == {"x": 3}
    clock.now += 1e6
    assert await store.get("forever") == {"x": 2}
    assert await store.get("t") is None


async def test_compare_and_set_semantics(store: Store) -> None:
    assert not await store.compare_and_set("k", {"v": 1}, {"v": 2})  # absent, expected a record
    assert await store.get("k") is None
    assert await store.compare_and_set("k", None, {"v": 1, "w": [1]})  # absent → create
    assert not await store.compare_and_set("k", None, {"v": 9})  # present, expected absent
    assert not await store.compare_and_set("k", {"v": 0, "w": [1]}, {"v": 9})
    assert await store.get("k") == {"v": 1, "w": [1]}
    # JSON equality: member order does not matter
    assert await store.compare_and_set("k", {"w": [1], "v": 1}, {"v": 2})
    assert await store.get("k") == {"v": 2}
    assert not await store.compare_and_set("k", {"v": 2.0}, {"v": 3})  # 2 and 2.0 differ
    assert await store.compare_and_set("k", {"v": 2}, None)  # delete
    assert await store.get("k") is None
    assert await store.compare_and_set("k", None, None)  # absent stays absent
    assert await store.get("k") is None


async def test_sign_out_beats_an_in_flight_refresh(store: Store) -> None:
    key = "authflow:pool:client:session:user"
    await store.set(key, SESSION)
    read_by_refresh = await store.get(key)  # refresh reads, then talks to Cognito...
    assert await store.compare_and_set(key, SESSION, None)  # ...meanwhile a sign-out
    refreshed = dict(SESSION, tokens={"access_token": "new"})
    assert not await store.compare_and_set(key, read_by_refresh, refreshed)
    assert await store.get(key) is None  # the signed-out session does not come back


async def test_concurrent_compare_and_set_increments_lose_nothing(store: Store) -> None:
    await store.set("counter", {"n": 0})

    async def bump() -> int:
        tries = 0
        while True:
            tries += 1
            cur = await store.get("counter")
            assert cur is not None
            if await store.compare_and_set("counter", cur, {"n": cur["n"] + 1}):
                return tries

    tries = await asyncio.gather(*(bump() for _ in range(40)))
    assert await store.get("counter") == {"n": 40}
    assert len(tries) == 40


async def test_lock_excludes_and_times_out_typed(store: Store) -> None:
    order: list[str] = []

    async def worker(name: str) -> None:
        async with store.lock("L"):
            order.append(f"{name}-in")
            await asyncio.sleep(0.01)
            order.append(f"{name}-out")

    await asyncio.gather(*(worker(n) for n in "abc"))
    assert [o[-2:] for o in order] == ["in", "ut"] * 3
    assert all(order[i][0] == order[i + 1][0] for i in range(0, 6, 2))
    async with store.lock("L"):
        with pytest.raises(StoreLockTimeoutError) as info:
            async with store.lock("L", timeout=0.05):
                pass
        assert isinstance(info.value, TimeoutError) and isinstance(info.value, AuthflowError)
        assert info.value.key == "L"
        async with store.lock("other", timeout=0.5):  # other names are independent
            pass
    async with store.lock("L", timeout=0.5):  # released after the timeout, usable again
        pass
    assert await store.get("L") is None  # a lock name is not a record


@pytest.mark.parametrize("timeout", [-1, float("nan"), "1", None])
async def test_bad_lock_timeout_is_a_validation_error(store: Store, timeout: Any) -> None:  # noqa: ASYNC109
    with pytest.raises(ValidationError):
        async with store.lock("L", timeout=timeout):
            pass


async def test_cancelled_waiters_do_not_break_the_lock(store: Store) -> None:
    async with store.lock("L"):
        waiters = [asyncio.ensure_future(_hold(store, "L")) for _ in range(5)]
        await asyncio.sleep(0.05)
        for w in waiters:
            w.cancel()
        results = await asyncio.gather(*waiters, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results)
    async with store.lock("L", timeout=2):
        pass


async def _hold(store: Store, key: str) -> None:
    async with store.lock(key):
        await asyncio.sleep(0)

"""Property tests over every store kind: arbitrary JSON-safe records under arbitrary keys round
trip exactly (types included) and compare equal to themselves in compare_and_set; lone
surrogates, oversized keys and non-JSON records are ValidationErrors and write nothing."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authflow.protocol.errors import ValidationError
from authflow.storage import Store

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MAX_KEY_BYTES = 8192

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=25,
)
records = st.dictionaries(st.text(), values, max_size=6)
keys = st.text(min_size=1, max_size=40) | st.text(min_size=1500, max_size=2600)
surrogate = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)


def typed(value: Any) -> str:
    """JSON with types kept apart (1 vs 1.0 vs True), for exact round-trip comparison."""
    return json.dumps(value, sort_keys=True)


@SETTINGS
@given(key=keys, record=records)
async def test_records_round_trip_under_any_key(store: Store, key: str, record: Any) -> None:
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        with pytest.raises(ValidationError):
            await store.set(key, record)
        return
    await store.set(key, record)
    got = await store.get(key)
    assert typed(got) == typed(record)
    assert await store.compare_and_set(key, got, {"next": True})
    assert await store.compare_and_set(key, {"next": True}, None)
    assert await store.get(key) is None


@SETTINGS
@given(before=st.text(max_size=5), bad=st.text(surrogate, min_size=1, max_size=3),
       after=st.text(max_size=5))
async def test_keys_with_lone_surrogates_are_refused(
    store: Store, before: str, bad: str, after: str
) -> None:
    key = before + bad + after
    with pytest.raises(ValidationError):
        await store.set(key, {"a": 1})
    with pytest.raises(ValidationError):
        await store.get(key)


class Opaque:
    pass


bad_values = (
    st.just(math.nan)
    | st.sampled_from([math.inf, -math.inf])
    | st.frozensets(st.integers(), max_size=3).map(set)
    | st.tuples(st.integers())
    | st.binary(max_size=4)
    | st.builds(Opaque)
    | st.text(surrogate, min_size=1, max_size=2)
    | st.dictionaries(st.integers(), st.integers(), min_size=1, max_size=2)
    | st.integers(65, 3000).map(lambda depth: _nest(depth))
)


def _nest(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


@SETTINGS
@given(record=records, name=st.text(max_size=8), bad=bad_values,
       wrap=st.sampled_from(["top", "list", "dict"]))
async def test_non_json_records_are_refused(
    store: Store, record: dict[str, Any], name: str, bad: Any, wrap: str
) -> None:
    placed = {"top": bad, "list": [1, bad], "dict": {"x": bad}}[wrap]
    hostile = dict(record, **{name: placed})
    with pytest.raises(ValidationError):
        await store.set("hostile", hostile)
    assert await store.get("hostile") is None

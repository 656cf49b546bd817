"""A model-guided generator of hostile Cognito requests, for the emulator's HTTP face.

Bodies follow each operation's input shape (from the emulator's service model) so requests get
past the envelope and into the handlers: plausible values everywhere — the real pool, client and
user where a member names one — with a few members replaced by hostile ones: wrong JSON types,
lone surrogates, control characters, 20 KB strings, 10^400, deep nesting, raw ``NaN``.
Used by tests/reliability/test_emulator_fuzz.py and bench/hostile_fuzz.py.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from authflow.emulator._service_model import OPERATION_INPUTS, SHAPES

__all__ = ["Known", "hostile_request"]

_NAN = "__authflow_raw_nan__"
_DEEP = "__authflow_raw_deep_"
_DEEP_VALUE = re.compile(r'"__authflow_raw_deep_(\d+)"')


class Known:
    """Real identifiers to use where a member names one."""

    def __init__(self, pool_id: str, client_id: str, username: str) -> None:
        self.pool_id = pool_id
        self.client_id = client_id
        self.username = username


def _hostile_value(rng: random.Random) -> Any:
    choice = rng.randrange(12)
    if choice == 0:
        return "\ud800" + "x" * rng.randrange(5)
    if choice == 1:
        return "".join(chr(rng.randrange(0, 32)) for _ in range(rng.randrange(1, 40)))
    if choice == 2:
        return "\x00\r\n" * rng.randrange(1, 5000)
    if choice == 3:
        return 10**400
    if choice == 4:
        return rng.choice([[], {}, True, None, 1.5, -1, 0])
    if choice == 5:
        return f"{_DEEP}{rng.randrange(10, 100_000)}"
    if choice == 6:
        return _NAN
    if choice == 7:
        return "A" * 20000
    if choice == 8:
        return {"\udfff": "x"}
    if choice == 9:
        return "🙂" * rng.randrange(1, 300)
    if choice == 10:
        return [rng.choice(["x", 1, None, {}])] * rng.randrange(0, 200)
    return "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randrange(1, 64)))


def _plausible(shape_name: str, member: str, rng: random.Random, known: Known, depth: int) -> Any:
    shape = SHAPES[shape_name]
    lowered = member.lower()
    if shape.kind == "string":
        if shape.enum:
            return rng.choice(shape.enum)
        if lowered == "userpoolid":
            return known.pool_id
        if lowered == "clientid":
            return known.client_id
        if lowered in ("username", "USERNAME".lower()):
            return known.username
        return rng.choice(["x" * max(shape.min or 1, 1), "Correct-Horse-9!", "123456", "alice"])
    if shape.kind in ("integer", "long"):
        low = shape.min if shape.min is not None else 0
        high = shape.max if shape.max is not None else low + 100
        return rng.randint(low, max(low, min(high, low + 1000)))
    if shape.kind == "boolean":
        return rng.random() < 0.5
    if shape.kind in ("double", "float", "timestamp"):
        return rng.random() * 1000
    if shape.kind == "structure":
        if depth > 4:
            return {}
        return {
            name: _plausible(target, name, rng, known, depth + 1)
            for name, target in shape.members
            if name in shape.required or rng.random() < 0.5
        }
    if shape.kind == "list":
        assert shape.member is not None
        if depth > 4:
            return []
        return [_plausible(shape.member, member, rng, known, depth + 1) for _ in range(rng.randrange(3))]
    if shape.kind == "map":
        keys = ["USERNAME", "PASSWORD", "SRP_A", "SECRET_HASH", "ANSWER", "k"]
        return {
            key: (known.username if key == "USERNAME" else "v")
            for key in rng.sample(keys, rng.randrange(len(keys)))
        }
    return "x"


def _mutate(body: dict[str, Any], rng: random.Random) -> None:
    """Replace one or two values somewhere in ``body`` with hostile ones."""
    for _ in range(rng.randrange(1, 3)):
        target: Any = body
        while True:
            if isinstance(target, dict) and target and rng.random() < 0.7:
                key = rng.choice(list(target))
                if isinstance(target[key], dict | list) and target[key] and rng.random() < 0.5:
                    target = target[key]
                    continue
                target[key] = _hostile_value(rng)
            elif isinstance(target, list) and target:
                target[rng.randrange(len(target))] = _hostile_value(rng)
            elif isinstance(target, dict):
                target[rng.choice(["Extra", "ClientId", "Username"])] = _hostile_value(rng)
            break


def hostile_request(operation: str, rng: random.Random, known: Known) -> bytes:
    """A hostile JSON body for ``operation`` (raw bytes: it may hold a bare ``NaN``)."""
    shape = OPERATION_INPUTS.get(operation)
    body = _plausible(shape, "", rng, known, 0) if shape else {}
    if rng.random() < 0.9:
        _mutate(body, rng)
    text = json.dumps(body, ensure_ascii=rng.random() < 0.5)
    text = text.replace(json.dumps(_NAN), "NaN")
    # nesting deeper than json.dumps can write is spliced in as text
    text = _DEEP_VALUE.sub(lambda m: "[" * int(m[1]) + "]" * int(m[1]), text)
    return text.encode("utf-8", "surrogatepass")

"""What every store checks and how every store serialises: keys, TTLs, lock timeouts, and the
canonical JSON form of a record (the form ``compare_and_set`` compares)."""

from __future__ import annotations

import json
import math
from typing import Any, NoReturn

from authflow.protocol.checks import is_unicode
from authflow.protocol.errors import ValidationError
from authflow.storage.base import Record
from authflow.storage.errors import CorruptRecordError

__all__ = [
    "MAX_DEPTH",
    "MAX_KEY_BYTES",
    "MAX_RECORD_BYTES",
    "MAX_SECONDS",
    "check_key",
    "check_seconds",
    "check_timeout",
    "check_ttl",
    "corrupt",
    "decode_record",
    "encode_record",
    "parse_json",
    "stored_record",
]

#: Longest key (UTF-8 bytes). Session keys are ~100 bytes; this only stops hostile sizes.
MAX_KEY_BYTES = 8192
#: Deepest nesting of a record (a session record is 3 levels deep).
MAX_DEPTH = 64
#: Largest encoded record (a session record is ~4 KiB).
MAX_RECORD_BYTES = 16 * 1024 * 1024
#: Longest TTL or lock timeout: ten years.
MAX_SECONDS = 10 * 365 * 86400.0


def check_key(key: object) -> str:
    """Return ``key`` if it is a non-empty ``str`` of valid Unicode (no lone surrogate) and at
    most :data:`MAX_KEY_BYTES` UTF-8 bytes; else raise :class:`ValidationError`."""
    if not isinstance(key, str):
        raise ValidationError(f"store key must be a str, not {type(key).__name__}", field="key")
    if not key:
        raise ValidationError("store key must not be empty", field="key")
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValidationError("store key contains a lone surrogate", field="key") from None
    if size > MAX_KEY_BYTES:
        raise ValidationError(f"store key is longer than {MAX_KEY_BYTES} bytes", field="key")
    return key


def check_seconds(value: object, name: str, *, zero_ok: bool = False,
                  most: float = MAX_SECONDS) -> float:
    """``value`` as float seconds if it is a finite real number above 0 (or 0 with
    ``zero_ok``) and at most ``most``; else :class:`ValidationError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{name} must be a number of seconds", field=name)
    seconds = float(value)
    low_ok = seconds >= 0 if zero_ok else seconds > 0
    if not (math.isfinite(seconds) and low_ok and seconds <= most):
        bound = "0" if zero_ok else "above 0"
        raise ValidationError(f"{name} must be {bound} to {most:.0f} seconds", field=name)
    return seconds


def check_ttl(ttl: object) -> float | None:
    """``None`` (no expiry) or a finite number of seconds above 0 and at most ten years."""
    return None if ttl is None else check_seconds(ttl, "ttl")


def check_timeout(timeout: object) -> float:
    """A lock timeout: a finite number of seconds from 0 to ten years."""
    return check_seconds(timeout, "timeout", zero_ok=True)


def _walk(record: object, fail: type[Exception]) -> None:
    """Raise ``fail`` unless ``record`` is a dict of JSON values (str keys, finite floats, lists
    not tuples, at most :data:`MAX_DEPTH` deep). Iterative: no RecursionError on hostile depth."""
    if not isinstance(record, dict):
        _fail(fail, f"a record must be a dict, not {type(record).__name__}")
    stack: list[tuple[Any, int]] = [(record, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_DEPTH:
                _fail(fail, f"record is nested deeper than {MAX_DEPTH} levels")
            for name, item in value.items():
                if not isinstance(name, str):
                    _fail(fail, f"record has a {type(name).__name__} member name, not a str")
                if not is_unicode(name):
                    _fail(fail, "record has a member name with a lone surrogate")
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                _fail(fail, f"record is nested deeper than {MAX_DEPTH} levels")
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                _fail(fail, "record contains a NaN or infinite number")
        elif isinstance(value, str):
            if not is_unicode(value):
                _fail(fail, "record contains a string with a lone surrogate")
        elif value is not None and not isinstance(value, int):
            _fail(fail, f"record contains a {type(value).__name__}, which is not JSON")


def _fail(fail: type[Exception], message: str) -> NoReturn:
    raise fail(message)


def encode_record(record: object) -> bytes:
    """The canonical UTF-8 JSON of ``record`` (sorted members, no spaces, no NaN): equal records
    give equal bytes. Raises :class:`ValidationError` for anything that is not a JSON-safe dict
    (sets, tuples, NaN, non-str member names, lone surrogates, too deep, too big)."""
    _walk(record, ValidationError)
    try:
        text = json.dumps(
            record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("record contains a lone surrogate", field="record") from None
    except ValueError:  # an int too long to convert to text
        raise ValidationError("record has a number too long for JSON", field="record") from None
    if len(data) > MAX_RECORD_BYTES:
        raise ValidationError(f"record is larger than {MAX_RECORD_BYTES} bytes", field="record")
    return data


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


class _Corrupt(Exception):
    pass


def parse_json(data: bytes | str) -> Any:
    """Strict JSON text → value (no NaN/Infinity); raises ``ValueError``."""
    if isinstance(data, bytes | bytearray):
        data = bytes(data).decode("utf-8")
    return json.loads(data, parse_constant=_no_constant)


def corrupt(key: str, what: str = "is not a valid record") -> CorruptRecordError:
    """The error for a malformed record under ``key`` (names the key, never the content)."""
    return CorruptRecordError(f"record under {key!r} {what}", key=key)


def stored_record(key: str, value: object) -> Record:
    """``value`` (parsed from storage) if it is a JSON-safe record, else
    :class:`CorruptRecordError`."""
    try:
        _walk(value, _Corrupt)
    except _Corrupt:
        raise corrupt(key) from None
    record: Record = value  # type: ignore[assignment]  # _walk proved it is a dict
    return record


def decode_record(key: str, data: bytes | str) -> Record:
    """Parse what a store holds for ``key`` back into a record; anything malformed raises
    :class:`CorruptRecordError` naming the key (never the content)."""
    if len(data) > MAX_RECORD_BYTES:
        raise corrupt(key, "is too large")
    try:
        value = parse_json(data)
    except (ValueError, RecursionError):
        raise corrupt(key) from None
    return stored_record(key, value)

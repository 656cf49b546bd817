"""Checks for caller-supplied values (configuration, sign-in options, snapshots, the arguments of
public calls): each returns the value or raises :class:`~authflow.protocol.errors.ValidationError`
naming the field, never quoting the value. They run before anything is sent.

Hostile input is bounded here: strings must be valid Unicode (no lone surrogates, which JSON
cannot carry) and not longer than ``max_length``; maps and lists have a maximum size, and their
members are only ever strings, so nothing is walked recursively.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from authflow.protocol.errors import ValidationError

__all__ = [
    "is_unicode",
    "MAX_ITEMS",
    "MAX_TEXT",
    "check_callable",
    "check_finite",
    "check_flag",
    "check_int",
    "check_optional_text",
    "check_positive",
    "check_record",
    "check_text",
    "check_text_list",
    "check_text_map",
]

#: The longest string accepted anywhere a bound is not stricter (Cognito's own are far lower).
MAX_TEXT = 65_536
#: The most entries a map or list may hold.
MAX_ITEMS = 256


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def is_unicode(text: str) -> bool:
    """Whether ``text`` can be encoded as UTF-8. JSON's ``"\\ud800"`` (and a Python caller)
    can produce a lone surrogate, which every later ``encode()`` (SRP hashing, a store, a header,
    a form) would fail on: check at the boundary instead."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(
    value: object, field: str, *, allow_empty: bool = False, max_length: int = MAX_TEXT
) -> str:
    """``value`` as a ``str``."""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string, not {_kind(value)}", field=field)
    if not value and not allow_empty:
        raise ValidationError(f"{field} must not be empty", field=field)
    if len(value) > max_length:
        raise ValidationError(f"{field} is longer than {max_length} characters", field=field)
    if not is_unicode(value):
        raise ValidationError(
            f"{field} must be valid Unicode text (no lone surrogates)", field=field
        )
    return value


def check_optional_text(value: object, field: str, *, max_length: int = MAX_TEXT) -> str | None:
    """``value`` as a non-empty ``str``, or ``None``."""
    return None if value is None else check_text(value, field, max_length=max_length)


def check_flag(value: object, field: str) -> bool:
    """``value`` as a ``bool`` (``1`` or ``"true"`` are refused: they are not booleans)."""
    if not isinstance(value, bool):
        raise ValidationError(f"{field} must be true or false, not {_kind(value)}", field=field)
    return value


def check_finite(value: object, field: str) -> float:
    """``value`` as a finite ``float`` (never a bool, NaN or infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{field} must be a number, not {_kind(value)}", field=field)
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(f"{field} must be a finite number", field=field)
    return number


def check_positive(value: object, field: str) -> float:
    """``value`` as a finite ``float`` greater than zero."""
    number = check_finite(value, field)
    if number <= 0:
        raise ValidationError(f"{field} must be positive", field=field)
    return number


def check_int(
    value: object, field: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """``value`` as an ``int`` (never a bool or a float) within ``minimum``..``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field} must be an integer, not {_kind(value)}", field=field)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = f"{'' if minimum is None else minimum}..{'' if maximum is None else maximum}"
        raise ValidationError(f"{field} must be in {bounds}", field=field)
    return value


def check_callable(value: object, field: str) -> Any:
    """``value`` if it can be called (a clock, a listener)."""
    if not callable(value):
        raise ValidationError(f"{field} must be callable, not {_kind(value)}", field=field)
    return value


def check_record(value: object, field: str) -> Mapping[str, Any]:
    """``value`` as a JSON object (a mapping); its members are checked by the caller."""
    if not isinstance(value, Mapping):
        raise ValidationError(f"{field} must be an object, not {_kind(value)}", field=field)
    return value


def check_text_map(
    value: object, field: str, *, max_items: int = MAX_ITEMS, allow_empty_values: bool = True
) -> dict[str, str]:
    """``value`` as a fresh ``dict`` of non-empty string keys to string values."""
    mapping = check_record(value, field)
    if len(mapping) > max_items:
        raise ValidationError(f"{field} has more than {max_items} entries", field=field)
    out: dict[str, str] = {}
    for key, item in mapping.items():
        name = check_text(key, f"{field} key")
        out[name] = check_text(item, f"{field}.{name}", allow_empty=allow_empty_values)
    return out


def check_text_list(value: object, field: str, *, max_items: int = MAX_ITEMS) -> tuple[str, ...]:
    """``value`` as a tuple of non-empty strings (a JSON array; a string is not a list)."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, list | tuple):
        raise ValidationError(f"{field} must be a list, not {_kind(value)}", field=field)
    if len(value) > max_items:
        raise ValidationError(f"{field} has more than {max_items} entries", field=field)
    return tuple(check_text(item, f"{field}[{i}]") for i, item in enumerate(value))

"""Model-based request validation with the service's (Coral's) error messages.

Cognito validates every request against its service model before any business logic runs: required
members, string/list lengths (in UTF-16 code units, as Java counts), integer ranges, enum values and
regular-expression patterns (matched against the whole value). Failures are collected in model order
and reported together as one ``InvalidParameterException``::

    2 validation errors detected: Value at 'password' failed to satisfy constraint: Member must
    satisfy regular expression pattern: [\\S]+; Value null at 'clientId' failed to satisfy
    constraint: Member must not be null

Member paths are lowerCamelCase (``userAttributes.1.member.name`` for list elements). The value is
echoed for ordinary scalars and never for members the model marks sensitive (passwords, codes,
tokens, usernames, client ids), nor for anything nested inside one. A JSON value of the wrong type
gives a ``SerializationException``, as AWS JSON services do.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from authflow.emulator._service_model import OPERATION_INPUTS, SHAPES
from authflow.emulator._shapes import Shape
from authflow.protocol.checks import is_unicode
from authflow.protocol.errors import InvalidParameterError, service_error

__all__ = ["java_pattern", "validate_input"]


@functools.cache
def _category_ranges() -> dict[str, str]:
    """Regex class bodies for each one-letter Unicode general category (``L``, ``M``, ``Z`` …)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    prev = ""
    start = 0
    for cp in range(0x110000):
        cat = unicodedata.category(chr(cp))[0]
        if cat != prev:
            if prev:
                spans.setdefault(prev, []).append((start, cp - 1))
            prev, start = cat, cp
    spans.setdefault(prev, []).append((start, 0x10FFFF))
    return {
        cat: "".join(
            f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges
        )
        for cat, ranges in spans.items()
    }


@functools.cache
def java_pattern(pattern: str) -> re.Pattern[str]:
    """Compile one of the model's Java regular expressions for Python's :mod:`re`.

    Java's ``\\w``/``\\s``/``\\S`` are ASCII-only (so the pattern is compiled with ``re.ASCII``);
    ``\\p{X}`` general-category classes, which :mod:`re` lacks, are expanded into code-point ranges.

    >>> bool(java_pattern(r"[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+").fullmatch("jürgen@example.com"))
    True
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "p" and pattern.startswith("{", i + 2):
                end = pattern.index("}", i)
                body = _category_ranges()[pattern[i + 3 : end][0]]
                out.append(body if in_class else f"[{body}]")
                i = end + 1
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class and out and out[-1] not in ("[", "[^"):
            in_class = False
        if ch == "^" and out and out[-1] == "[":
            out[-1] = "[^"
        else:
            out.append(ch)
        i += 1
    return re.compile("".join(out), re.ASCII)


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, value: Any, sensitive: bool, constraint: str) -> None:
        if value is None:
            where = f"Value null at '{path}'"
        elif sensitive or isinstance(value, dict):
            where = f"Value at '{path}'"
        else:
            where = f"Value '{_show(value)}' at '{path}'"
        self.errors.append(f"{where} failed to satisfy constraint: {constraint}")

    def check(self, shape_name: str, value: Any, path: str, sensitive: bool) -> None:
        shape = SHAPES[shape_name]
        sensitive = sensitive or shape.sensitive
        kind = shape.kind
        if kind == "document":
            return
        if not _type_ok(kind, value):
            raise service_error(
                "SerializationException",
                f"Unexpected value type at '{path}': expected {kind}",
            )
        if kind == "structure":
            self.structure(shape, value, path, sensitive)
        elif kind == "list":
            self.length(shape, value, len(value), path, sensitive)
            assert shape.member is not None
            for index, item in enumerate(value, start=1):
                if item is not None:
                    self.check(shape.member, item, f"{path}.{index}.member", sensitive)
        elif kind == "map":
            self.length(shape, value, len(value), path, sensitive)
            assert shape.key is not None and shape.value is not None
            for key, item in value.items():
                self.check(shape.key, key, f"{path}.key", sensitive)
                if item is not None:
                    self.check(shape.value, item, f"{path}.{key}", sensitive)
        elif kind == "string":
            self.string(shape, value, path, sensitive)
        elif kind in ("integer", "long"):
            if shape.min is not None and value < shape.min:
                self.fail(
                    path,
                    value,
                    sensitive,
                    f"Member must have value greater than or equal to {shape.min}",
                )
            if shape.max is not None and value > shape.max:
                self.fail(
                    path,
                    value,
                    sensitive,
                    f"Member must have value less than or equal to {shape.max}",
                )

    def structure(self, shape: Shape, value: Mapping[str, Any], path: str, sensitive: bool) -> None:
        for member, target in shape.members:
            sub = f"{path}.{_camel(member)}" if path else _camel(member)
            item = value.get(member)
            if item is None:
                if member in shape.required:
                    self.fail(sub, None, sensitive, "Member must not be null")
                continue
            self.check(target, item, sub, sensitive)

    def length(self, shape: Shape, value: Any, size: int, path: str, sensitive: bool) -> None:
        if shape.min is not None and size < shape.min:
            self.fail(
                path,
                value,
                sensitive,
                f"Member must have length greater than or equal to {shape.min}",
            )
        if shape.max is not None and size > shape.max:
            self.fail(
                path, value, sensitive, f"Member must have length less than or equal to {shape.max}"
            )

    def string(self, shape: Shape, value: str, path: str, sensitive: bool) -> None:
        if shape.enum:
            if value not in shape.enum:
                members = ", ".join(shape.enum)
                self.fail(
                    path, value, sensitive, f"Member must satisfy enum value set: [{members}]"
                )
            return
        self.length(shape, value, _utf16_len(value), path, sensitive)
        if shape.pattern is not None and not java_pattern(shape.pattern).fullmatch(value):
            self.fail(
                path,
                value,
                sensitive,
                f"Member must satisfy regular expression pattern: {shape.pattern}",
            )


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "structure" or kind == "map":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind in ("string", "blob"):
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("timestamp", "double", "float"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return True


def _non_unicode_path(body: Mapping[str, Any]) -> str | None:
    """The path of the first key or string holding a lone surrogate (JSON's ``"\\ud800"``),
    which every later ``encode()`` would fail on; found without recursion, whatever the depth."""
    stack: list[tuple[str, Any]] = [("", body)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and not is_unicode(value):
                return path or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                if not is_unicode(key):
                    return f"{path}.key" if path else "key"
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i + 1}.member", item) for i, item in enumerate(value))
    return None


def validate_input(operation: str, body: Mapping[str, Any]) -> None:
    """Check ``body`` against ``operation``'s input shape; raise the service's error if it fails.

    Raises :class:`~authflow.protocol.errors.InvalidParameterError` with a Coral-style message
    listing every violated constraint, or a ``SerializationException`` :class:`ServiceError` for a
    value of the wrong JSON type. Unknown members are ignored, as the service ignores them.
    """
    where = _non_unicode_path(body)
    if where is not None:
        raise InvalidParameterError(
            f"1 validation error detected: Value at '{where}' failed to satisfy constraint: "
            "Member must be valid Unicode text"
        )
    shape_name = OPERATION_INPUTS.get(operation)
    if shape_name is None:
        return
    checker = _Checker()
    checker.structure(SHAPES[shape_name], body, "", False)
    if checker.errors:
        count = len(checker.errors)
        noun = "validation error" if count == 1 else "validation errors"
        raise InvalidParameterError(f"{count} {noun} detected: " + "; ".join(checker.errors))

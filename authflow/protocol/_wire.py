"""Private machinery behind the wire values of :mod:`~authflow.protocol.shapes` and
:mod:`~authflow.protocol.operations`.

Each value is a frozen attrs class whose fields carry their wire name and a *codec* in
``metadata``. One implementation, here, turns that declaration into:

* construction-time validation (``__attrs_post_init__``): required members present, types right,
  model minimum lengths respected — failures raise :class:`ValidationError` naming the field and
  never its value;
* ``to_wire()``: PascalCase JSON members, absent optionals omitted (never ``null``);
* ``from_wire(data)``: an explicit member-by-member mapping (never ``Cls(**payload)``); unknown
  members are ignored, ``null`` counts as absent, and anything malformed raises
  :class:`ProtocolViolationError` naming the wire path (``UserAttributes[0].Name``), never a value.

Lists are stored as tuples and maps/documents as private copies, so a value does not change when
the caller later mutates what it passed in. Values compare by value; like a frozen dataclass
holding a dict, a value that holds a map or a document is not hashable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Self, cast

import attrs

from authflow.protocol.checks import is_unicode as _is_unicode
from authflow.protocol.errors import ProtocolViolationError, ValidationError

__all__ = [
    "BOOL",
    "DOCUMENT",
    "INT",
    "STR",
    "STR_LIST",
    "STR_MAP",
    "TIMESTAMP",
    "as_dict",
    "as_document",
    "as_tuple",
    "Codec",
    "document",
    "Int",
    "ListOf",
    "Member",
    "members",
    "Nested",
    "Str",
    "str_map",
    "str_tuple",
    "str_tuple_required",
    "wire",
    "WireValue",
]

#: Documents deeper than this are refused (keeps validation bounded on hostile input).
MAX_DOCUMENT_DEPTH = 64
#: Integers and timestamps beyond a signed 64-bit range (Cognito's widest, a Java ``long``) are
#: refused: ``float(10**400)`` would raise OverflowError far from the wire.
MAX_WIRE_INT = 2**63 - 1
_NOT_UNICODE = "must be valid Unicode (it holds a lone surrogate)"


class _Bad(Exception):
    """Internal: a decoding problem at a wire path; becomes ProtocolViolationError at the edge."""

    def __init__(self, problem: str, path: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.path = path

    def under(self, prefix: str) -> _Bad:
        if not self.path:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        return _Bad(self.problem, path)


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


class Codec:
    """How one member is checked (python side), encoded and decoded (wire side)."""

    #: Human description used in error messages, e.g. "a string".
    expected: ClassVar[str] = "a value"

    def check(self, value: object) -> str | None:
        """Return a problem description (never containing ``value``) or ``None`` when valid."""
        raise NotImplementedError

    def encode(self, value: Any) -> Any:
        """Python value → JSON-ready value."""
        return value

    def decode(self, raw: object) -> Any:
        """JSON value → python value; raises ``_Bad`` on a wrong type."""
        problem = self.check(raw)
        if problem is not None:
            raise _Bad(problem)
        return raw


class Str(Codec):
    """A string, optionally with the model's minimum length (checked on construction only)."""

    expected = "a string"

    def __init__(self, min_len: int = 0) -> None:
        self.min_len = min_len

    def check(self, value: object) -> str | None:
        if not isinstance(value, str):
            return f"must be a string, got {_type_name(value)}"
        if len(value) < self.min_len:
            if self.min_len == 1:
                return "must not be empty"
            return f"must be at least {self.min_len} characters long"
        if not _is_unicode(value):
            return _NOT_UNICODE
        return None

    def decode(self, raw: object) -> Any:
        if not isinstance(raw, str):
            raise _Bad(f"must be a string, got {_type_name(raw)}")
        if not _is_unicode(raw):
            raise _Bad(_NOT_UNICODE)
        return raw


class _Bool(Codec):
    expected = "a boolean"

    def check(self, value: object) -> str | None:
        if not isinstance(value, bool):
            return f"must be a boolean, got {_type_name(value)}"
        return None


class Int(Codec):
    """An integer (never a bool); the wire side also accepts an integral JSON float."""

    expected = "an integer"

    def __init__(self, minimum: int | None = None) -> None:
        self.minimum = minimum

    def check(self, value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be an integer, got {_type_name(value)}"
        if self.minimum is not None and value < self.minimum:
            return f"must be at least {self.minimum}"
        if abs(value) > MAX_WIRE_INT:
            return "is out of the 64-bit range"
        return None

    def decode(self, raw: object) -> Any:
        if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _Bad(f"must be an integer, got {_type_name(raw)}")
        if abs(raw) > MAX_WIRE_INT:
            raise _Bad("is out of the 64-bit range")
        return raw


class _Timestamp(Codec):
    """Epoch seconds as a JSON number (AWS JSON 1.1), held as a float."""

    expected = "epoch seconds"

    def check(self, value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be epoch seconds (a number), got {_type_name(value)}"
        if isinstance(value, float) and not math.isfinite(value):
            return "must be a finite number of epoch seconds"
        if abs(value) > MAX_WIRE_INT:
            return "is out of the 64-bit range"
        return None

    def encode(self, value: Any) -> Any:
        return float(value)

    def decode(self, raw: object) -> Any:
        problem = self.check(raw)
        if problem is not None:
            raise _Bad(problem)
        return float(cast(float, raw))


class _StrMap(Codec):
    """map<string,string> (ClientMetadata, AuthParameters, ChallengeParameters, …)."""

    expected = "a map of strings to strings"

    def check(self, value: object) -> str | None:
        if not isinstance(value, dict):
            return f"must be a map of strings to strings, got {_type_name(value)}"
        for k, v in value.items():
            if not isinstance(k, str) or not isinstance(v, str):
                return "must map strings to strings"
            if not (_is_unicode(k) and _is_unicode(v)):
                return _NOT_UNICODE
        return None

    def encode(self, value: Any) -> Any:
        return dict(value)

    def decode(self, raw: object) -> Any:
        problem = self.check(raw)
        if problem is not None:
            raise _Bad(problem)
        return dict(cast("dict[str, str]", raw))


def _json_problem(value: object, depth: int = 0) -> str | None:
    if depth > MAX_DOCUMENT_DEPTH:
        return "is nested too deeply"
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return None if _is_unicode(value) else _NOT_UNICODE
    if isinstance(value, int):
        return None if abs(value) <= MAX_WIRE_INT else "is out of the 64-bit range"
    if isinstance(value, float):
        return None if math.isfinite(value) else "must not contain NaN or infinity"
    if isinstance(value, list | tuple):
        for item in value:
            problem = _json_problem(item, depth + 1)
            if problem is not None:
                return problem
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                return "must have string object keys"
            if not _is_unicode(k):
                return _NOT_UNICODE
            problem = _json_problem(v, depth + 1)
            if problem is not None:
                return problem
        return None
    return f"must be a JSON value, found {_type_name(value)}"


def _json_copy(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_json_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_copy(v) for k, v in value.items()}
    return value


class _Document(Codec):
    """A Smithy ``Document``: any JSON value embedded as JSON (not as a string)."""

    expected = "a JSON value"

    def check(self, value: object) -> str | None:
        return _json_problem(value)

    def encode(self, value: Any) -> Any:
        return _json_copy(value)

    def decode(self, raw: object) -> Any:
        problem = self.check(raw)
        if problem is not None:
            raise _Bad(problem)
        return _json_copy(raw)


class Nested(Codec):
    """A nested structure: another :class:`WireValue` class."""

    def __init__(self, cls: type[WireValue]) -> None:
        self.cls = cls

    def check(self, value: object) -> str | None:
        if not isinstance(value, self.cls):
            return f"must be a {self.cls.__name__}, got {_type_name(value)}"
        return None

    def encode(self, value: Any) -> Any:
        return cast(WireValue, value).to_wire()

    def decode(self, raw: object) -> Any:
        return self.cls._decode(raw)


class ListOf(Codec):
    """A list of ``item`` values, held as a tuple."""

    def __init__(self, item: Codec) -> None:
        self.item = item

    def check(self, value: object) -> str | None:
        if not isinstance(value, tuple):
            return f"must be a sequence, got {_type_name(value)}"
        for i, v in enumerate(value):
            problem = self.item.check(v)
            if problem is not None:
                return f"item {i} {problem}"
        return None

    def encode(self, value: Any) -> Any:
        return [self.item.encode(v) for v in value]

    def decode(self, raw: object) -> Any:
        if not isinstance(raw, list):
            raise _Bad(f"must be a list, got {_type_name(raw)}")
        out = []
        for i, v in enumerate(raw):
            try:
                out.append(self.item.decode(v))
            except _Bad as e:
                raise e.under(f"[{i}]") from None
        return tuple(out)


STR = Str()
BOOL = _Bool()
INT = Int()
TIMESTAMP = _Timestamp()
STR_MAP = _StrMap()
STR_LIST = ListOf(STR)
DOCUMENT = _Document()


def wire(name: str, codec: Codec) -> dict[str, Any]:
    """Field metadata: the member's PascalCase wire name and its codec."""
    return {"wire": name, "codec": codec}


@attrs.frozen
class Member:
    """One declared member of a wire value (read from the attrs fields)."""

    name: str
    wire: str
    codec: Codec
    required: bool
    secret: bool


_MEMBERS: dict[type, tuple[Member, ...]] = {}


def members(cls: type[WireValue]) -> tuple[Member, ...]:
    """The declared members of ``cls`` in declaration (= model) order."""
    cached = _MEMBERS.get(cls)
    if cached is not None:
        return cached
    out = []
    for f in attrs.fields(cast(Any, cls)):
        if "wire" not in f.metadata:
            continue
        out.append(
            Member(
                name=f.name,
                wire=f.metadata["wire"],
                codec=f.metadata["codec"],
                required=f.default is attrs.NOTHING,
                secret=f.repr is False,
            )
        )
    _MEMBERS[cls] = result = tuple(out)
    return result


class WireValue:
    """Base of every frozen wire value (shapes, requests, responses): construction-time
    validation, ``to_wire()`` and ``from_wire()``.

    Subclasses are ``@attrs.frozen`` classes whose fields carry ``metadata=wire(Name, codec)``;
    a field without a default is a required member."""

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        owner = type(self).__name__
        for m in members(type(self)):
            value = getattr(self, m.name)
            if value is None:
                if m.required:
                    raise ValidationError(f"{owner}.{m.name} is required", field=m.name)
                continue
            problem = m.codec.check(value)
            if problem is not None:
                raise ValidationError(f"{owner}.{m.name} {problem}", field=m.name)

    def to_wire(self) -> dict[str, Any]:
        """The JSON object for the wire: PascalCase members, absent optionals omitted."""
        out: dict[str, Any] = {}
        for m in members(type(self)):
            value = getattr(self, m.name)
            if value is not None:
                out[m.wire] = m.codec.encode(value)
        return out

    @classmethod
    def from_wire(cls, data: object) -> Self:
        """Build from a decoded JSON value; raises :class:`ProtocolViolationError` if malformed.

        Unknown members are ignored (forward compatibility) and ``null`` counts as absent."""
        try:
            return cls._decode(data)
        except _Bad as e:
            where = f"member {e.path!r} " if e.path else ""
            raise ProtocolViolationError(
                f"{cls.__name__}: {where}{e.problem}", field=e.path or None
            ) from None

    @classmethod
    def _decode(cls, data: object) -> Self:
        spec = members(cls)
        if not spec and (data is None or (isinstance(data, str | bytes) and not data)):
            # Operations without output members: accept an empty body as well as {}.
            return cls()
        if not isinstance(data, dict):
            raise _Bad(f"must be a JSON object, got {_type_name(data)}")
        kwargs: dict[str, Any] = {}
        for m in spec:
            raw = data.get(m.wire)
            if raw is None:
                if m.required:
                    raise _Bad("is missing", m.wire)
                continue
            try:
                value = m.codec.decode(raw)
            except _Bad as e:
                raise e.under(m.wire) from None
            problem = m.codec.check(value)
            if problem is not None:
                raise _Bad(problem, m.wire)
            kwargs[m.name] = value
        try:
            return cls(**kwargs)
        except ValidationError as e:  # a class-specific rule beyond the codecs
            raise _Bad(str(e)) from None


def as_tuple(value: Any) -> Any:
    """Converter: any non-string iterable → tuple; anything else passes through unchanged so the
    validator can name the field in its error."""
    if value is None or isinstance(value, tuple):
        return value
    if isinstance(value, str | bytes | bytearray | Mapping):
        return value
    if isinstance(value, Iterable):
        return tuple(value)
    return value


def as_dict(value: Any) -> Any:
    """Converter: a mapping → a private ``dict`` copy; anything else passes through."""
    if isinstance(value, Mapping):
        return dict(value)
    return value


def as_document(value: Any) -> Any:
    """Converter: a private deep copy of a valid JSON value; anything else passes through."""
    if value is not None and _json_problem(value) is None:
        return _json_copy(value)
    return value


# Typed converters for attrs fields (mypy's attrs plugin takes ``__init__`` types from these).


def str_map(value: Mapping[str, str] | None) -> dict[str, str] | None:
    """Converter for ``map<string,string>`` members."""
    return cast("dict[str, str] | None", as_dict(value))


def document(value: Any) -> Any:
    """Converter for ``Document`` members."""
    return as_document(value)


def str_tuple(value: Iterable[str] | None) -> tuple[str, ...] | None:
    """Converter for optional ``list<string>`` members."""
    return cast("tuple[str, ...] | None", as_tuple(value))


def str_tuple_required(value: Iterable[str]) -> tuple[str, ...]:
    """Converter for required ``list<string>`` members."""
    return cast("tuple[str, ...]", as_tuple(value))

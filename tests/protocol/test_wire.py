"""Property tests for every wire value (the nested shapes and the 34 request/response pairs).

Strategies are derived from each class's declared members, so a new member is covered as soon as
it is declared; ``test_protocol_operations.py`` checks the declarations against botocore's model.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authflow.protocol import OPERATIONS, ProtocolViolationError, ValidationError, shapes
from authflow.protocol._wire import (
    DOCUMENT,
    STR_MAP,
    TIMESTAMP,
    Codec,
    Int,
    ListOf,
    Nested,
    Str,
    WireValue,
    members,
)

SHAPES: list[type[WireValue]] = [getattr(shapes, n) for n in shapes.__all__]
SHAPES = [c for c in SHAPES if isinstance(c, type) and issubclass(c, WireValue)]
REQUESTS = [req for req, _ in OPERATIONS.values()]
RESPONSES = [resp for _, resp in OPERATIONS.values()]
ALL = SHAPES + REQUESTS + RESPONSES

# Two shared cores: keep the example counts modest; there are ~85 classes per property.
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    _json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


def _names(cls: type[WireValue]) -> str:
    return cls.__name__


# --- python-side values ------------------------------------------------------------------------


def value_strategy(codec: Codec) -> st.SearchStrategy[Any]:
    """Valid python values for a codec."""
    if isinstance(codec, Str):
        return st.text(min_size=codec.min_len, max_size=max(codec.min_len, 12) + 4)
    if isinstance(codec, Int):
        return st.integers(
            min_value=codec.minimum if codec.minimum is not None else -(2**31), max_value=2**31
        )
    if codec is TIMESTAMP:
        return st.floats(0, 4e9, allow_nan=False) | st.integers(0, 2**32)
    if codec is STR_MAP:
        return st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3)
    if codec is DOCUMENT:
        return json_values.filter(lambda v: v is not None)
    if isinstance(codec, ListOf):
        return st.lists(value_strategy(codec.item), max_size=3)
    if isinstance(codec, Nested):
        return instances(codec.cls)
    if codec.expected == "a boolean":
        return st.booleans()
    raise AssertionError(f"no strategy for {codec!r}")


def instances(cls: type[WireValue]) -> st.SearchStrategy[Any]:
    kwargs = {}
    for m in members(cls):
        strategy = value_strategy(m.codec)
        kwargs[m.name] = strategy if m.required else st.none() | strategy
    return st.builds(cls, **kwargs)


# --- wire-side values: (as sent, with noise) and (what authflow should give back) ---------------


def wire_value_pair(codec: Codec) -> st.SearchStrategy[tuple[Any, Any]]:
    if isinstance(codec, Nested):
        return wire_pair(codec.cls)
    if isinstance(codec, ListOf):
        return st.lists(wire_value_pair(codec.item), max_size=3).map(
            lambda pairs: ([d for d, _ in pairs], [c for _, c in pairs])
        )
    if isinstance(codec, Int):
        return st.integers(codec.minimum or 0, 2**31).map(lambda v: (v, v))
    return value_strategy(codec).map(lambda v: (v, v))


@st.composite
def wire_pair(draw: st.DrawFn, cls: type[WireValue]) -> tuple[dict[str, Any], dict[str, Any]]:
    dirty: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    for m in members(cls):
        choice = "set" if m.required else draw(st.sampled_from(["set", "absent", "null"]))
        if choice == "null":
            dirty[m.wire] = None  # null counts as absent
        elif choice == "set":
            d, c = draw(wire_value_pair(m.codec))
            dirty[m.wire], clean[m.wire] = d, c
    known = {m.wire for m in members(cls)}
    extras = draw(
        st.dictionaries(
            st.text(min_size=1, max_size=8).filter(lambda k: k not in known),
            json_values,
            max_size=2,
        )
    )
    dirty.update(extras)  # unknown members: ignored (forward compatibility)
    return dirty, clean


# --- properties --------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ALL, ids=_names)
@FAST
@given(data=st.data())
def test_python_round_trip(cls: type[WireValue], data: st.DataObject) -> None:
    value = data.draw(instances(cls))
    wire = value.to_wire()
    assert None not in wire.values()  # absent optionals are omitted, never null
    json.dumps(wire, allow_nan=False)  # JSON-ready as is
    assert cls.from_wire(wire) == value
    assert cls.from_wire(json.loads(json.dumps(wire))) == value


@pytest.mark.parametrize("cls", ALL, ids=_names)
@FAST
@given(data=st.data())
def test_wire_round_trip_ignores_unknown_members(cls: type[WireValue], data: st.DataObject) -> None:
    dirty, clean = data.draw(wire_pair(cls))
    assert cls.from_wire(dirty).to_wire() == clean


@pytest.mark.parametrize("cls", ALL, ids=_names)
@FAST
@given(payload=json_values)
def test_arbitrary_json_never_crashes(cls: type[WireValue], payload: Any) -> None:
    try:
        cls.from_wire(payload)
    except ProtocolViolationError:
        pass


@pytest.mark.parametrize("cls", [c for c in ALL if members(c)], ids=_names)
@FAST
@given(data=st.data())
def test_one_corrupted_member_never_crashes(cls: type[WireValue], data: st.DataObject) -> None:
    dirty, _ = data.draw(wire_pair(cls))
    member = data.draw(st.sampled_from(members(cls)))
    dirty[member.wire] = data.draw(json_values)
    try:
        cls.from_wire(dirty)
    except ProtocolViolationError as e:
        assert e.field is None or e.field.startswith(member.wire)


@pytest.mark.parametrize("cls", [c for c in ALL if any(m.required for m in members(c))], ids=_names)
@FAST
@given(data=st.data())
def test_missing_required_member(cls: type[WireValue], data: st.DataObject) -> None:
    dirty, _ = data.draw(wire_pair(cls))
    member = data.draw(st.sampled_from([m for m in members(cls) if m.required]))
    del dirty[member.wire]
    with pytest.raises(ProtocolViolationError) as info:
        cls.from_wire(dirty)
    assert info.value.field == member.wire
    assert "missing" in str(info.value)


@pytest.mark.parametrize("cls", ALL, ids=_names)
def test_required_members_are_checked_on_construction(cls: type[WireValue]) -> None:
    required = [m for m in members(cls) if m.required]
    for m in required:
        with pytest.raises(TypeError):  # attrs: a required keyword is missing
            cls(**{o.name: None for o in required if o is not m})
        with pytest.raises(ValidationError) as info:
            cls(**{o.name: None for o in required})
        assert info.value.field == required[0].name


@pytest.mark.parametrize("cls", ALL, ids=_names)
@FAST
@given(data=st.data())
def test_wrong_python_types_are_validation_errors(
    cls: type[WireValue], data: st.DataObject
) -> None:
    if not members(cls):
        return
    good = data.draw(instances(cls))
    member = data.draw(st.sampled_from(members(cls)))
    bad = data.draw(st.sampled_from([object(), b"bytes", 1.5j, {1, 2}]))
    kwargs = {m.name: getattr(good, m.name) for m in members(cls)}
    kwargs[member.name] = bad
    with pytest.raises(ValidationError) as info:
        cls(**kwargs)
    assert info.value.field == member.name


def test_values_are_frozen_and_hold_copies() -> None:
    attrs_in = [shapes.AttributeType("email", "a@b")]
    from authflow.protocol import InitiateAuthRequest, UpdateUserAttributesRequest

    req = UpdateUserAttributesRequest(user_attributes=attrs_in, access_token="t")
    attrs_in.append(shapes.AttributeType("x"))
    assert req.user_attributes == (shapes.AttributeType("email", "a@b"),)
    params = {"USERNAME": "alice"}
    init = InitiateAuthRequest(auth_flow="USER_AUTH", client_id="c", auth_parameters=params)
    params["PASSWORD"] = "p"
    assert init.auth_parameters == {"USERNAME": "alice"}
    init.to_wire()["AuthParameters"]["X"] = "y"
    assert init.auth_parameters == {"USERNAME": "alice"}
    with pytest.raises(AttributeError):
        init.client_id = "other"  # type: ignore[misc]


def test_timestamps_are_float_epoch_seconds() -> None:
    device = shapes.Device.from_wire(
        {"DeviceKey": "us-east-1_ab", "DeviceCreateDate": 1471871472.647}
    )
    assert device.device_create_date == 1471871472.647
    as_int = shapes.Device.from_wire({"DeviceLastModifiedDate": 1471871472})
    assert isinstance(as_int.device_last_modified_date, float)
    for bad in (True, "1471871472", float("nan"), float("inf")):
        with pytest.raises(ProtocolViolationError) as info:
            shapes.Device.from_wire({"DeviceCreateDate": bad})
        assert info.value.field == "DeviceCreateDate"


def test_integers_refuse_bools_and_fractions() -> None:
    assert shapes.AuthenticationResult.from_wire({"ExpiresIn": 3600.0}).expires_in == 3600
    for bad in (True, 1.5, "3600", math.inf):
        with pytest.raises(ProtocolViolationError):
            shapes.AuthenticationResult.from_wire({"ExpiresIn": bad})


def test_nested_error_paths() -> None:
    from authflow.protocol import GetUserResponse, InitiateAuthResponse

    with pytest.raises(ProtocolViolationError) as info:
        GetUserResponse.from_wire(
            {"Username": "u", "UserAttributes": [{"Name": "a"}, {"Value": "v"}]}
        )
    assert info.value.field == "UserAttributes[1].Name"
    with pytest.raises(ProtocolViolationError) as info:
        InitiateAuthResponse.from_wire(
            {"AuthenticationResult": {"NewDeviceMetadata": {"DeviceKey": 5}}}
        )
    assert info.value.field == "AuthenticationResult.NewDeviceMetadata.DeviceKey"
    assert "must be a string, got int" in str(info.value)
    with pytest.raises(ProtocolViolationError) as info:
        InitiateAuthResponse.from_wire(["not", "an", "object"])
    assert info.value.field is None


def test_documents_are_json_values() -> None:
    from authflow.protocol import (
        CompleteWebAuthnRegistrationRequest,
        StartWebAuthnRegistrationResponse,
    )

    options = {"challenge": "abc", "rp": {"id": "example.com"}, "pubKeyCredParams": [{"alg": -7}]}
    resp = StartWebAuthnRegistrationResponse.from_wire({"CredentialCreationOptions": options})
    assert resp.credential_creation_options == options
    assert resp.to_wire() == {"CredentialCreationOptions": options}
    with pytest.raises(ValidationError) as info:
        CompleteWebAuthnRegistrationRequest(access_token="t", credential={"x": object()})
    assert info.value.field == "credential"
    deep: Any = "leaf"
    for _ in range(200):
        deep = [deep]
    with pytest.raises(ProtocolViolationError):
        StartWebAuthnRegistrationResponse.from_wire({"CredentialCreationOptions": deep})

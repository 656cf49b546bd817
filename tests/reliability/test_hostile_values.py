"""Hostile values in what a server sends become ProtocolViolationError at the wire boundary —
never RecursionError, OverflowError or UnicodeEncodeError somewhere later."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authflow.protocol import (
    InitiateAuthResponse,
    RespondToAuthChallengeResponse,
)
from authflow.protocol.errors import ProtocolViolationError
from authflow.protocol.jwt import jwt_claims


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_with_payload(payload: bytes) -> str:
    return f"{_b64(b'{}')}.{_b64(payload)}.c2ln"


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_claims_are_a_protocol_violation(depth: int) -> None:
    payload = b'{"sub":' + b"[" * depth + b"]" * depth + b"}"
    with pytest.raises(ProtocolViolationError):
        jwt_claims(token_with_payload(payload))


def test_a_claim_with_a_lone_surrogate_is_a_protocol_violation() -> None:
    with pytest.raises(ProtocolViolationError):
        jwt_claims(token_with_payload(b'{"username":"\\ud800x"}'))


@pytest.mark.parametrize(
    "value", [10**400, -(10**400), 2**63, 1e400], ids=["1e400-int", "-1e400-int", "2^63", "1e400"]
)
def test_an_out_of_range_expires_in_is_a_protocol_violation(value: object) -> None:
    # json.loads("1e400") is inf; "1" followed by 400 zeros is a Python int
    wire = json.loads(
        '{"AuthenticationResult": {"AccessToken": "a.b.c", "ExpiresIn": %s}}'
        % (repr(value) if not isinstance(value, float) else "1e400")
    )
    with pytest.raises(ProtocolViolationError) as info:
        InitiateAuthResponse.from_wire(wire)
    assert "ExpiresIn" in str(info.value)


@pytest.mark.parametrize(
    "params",
    [
        {"USER_ID_FOR_SRP": "\ud800alice"},
        {"\udfffKEY": "x"},
        {"SRP_B": "ab\udc80"},
    ],
)
def test_lone_surrogates_in_challenge_parameters_are_a_protocol_violation(
    params: dict[str, str],
) -> None:
    wire = {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": params}
    with pytest.raises(ProtocolViolationError):
        RespondToAuthChallengeResponse.from_wire(wire)


def test_a_lone_surrogate_in_a_device_key_is_a_protocol_violation() -> None:
    wire = json.loads(
        '{"AuthenticationResult": {"AccessToken": "a.b.c", "NewDeviceMetadata": '
        '{"DeviceKey": "us-east-1_\\ud800", "DeviceGroupKey": "g"}}}'
    )
    with pytest.raises(ProtocolViolationError) as info:
        InitiateAuthResponse.from_wire(wire)
    assert "DeviceKey" in str(info.value)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**500), max_value=10**500)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(codec=None)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(
    st.dictionaries(
        st.sampled_from(
            ["ChallengeName", "ChallengeParameters", "Session", "AuthenticationResult"]
        ),
        JSON_VALUES,
    )
)
def test_any_hostile_response_is_parsed_or_refused_typed(data: dict[str, object]) -> None:
    for cls in (InitiateAuthResponse, RespondToAuthChallengeResponse):
        try:
            value = cls.from_wire(data)
        except ProtocolViolationError:
            continue
        # whatever was accepted can be encoded again without surprises
        json.dumps(value.to_wire(), ensure_ascii=False, allow_nan=False).encode("utf-8")

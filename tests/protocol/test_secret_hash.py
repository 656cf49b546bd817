"""SECRET_HASH (docs/protocol-notes.md §5): the published vector, the §8.2.1 vectors, input checks."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authflow.protocol import ValidationError, secret_hash

CLIENT_ID = "1h57kf5cpq17m0eml12EXAMPLE"
CLIENT_SECRET = "1q2w3e4r5t6y7u8i9o0pEXAMPLEEXAMPLEEXAMPLEEXAMPLE"


@pytest.mark.parametrize(
    ("username", "client_id", "client_secret", "expected"),
    [
        # cognito-srp-helper fixture (docs/protocol-notes.md §5, §8.1): hash over the sub.
        (
            "a2c2e290-6d0f-4a08-a5ca-f0162935f3a6",
            "18u8119jgbpr464n28s1itk2mq",
            "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
            "QW3YkSgjkc9VNMtbTkuQflK54A6+9GS8ZiRDj0mSvPI=",
        ),
        # §8.2.1: over the typed USERNAME (InitiateAuth) and over USER_ID_FOR_SRP (respond).
        (
            "alice@example.com",
            CLIENT_ID,
            CLIENT_SECRET,
            "muZ0+/nxaZW19ovHhUa0BB1j7AA9scDktEZ31yeL6bw=",
        ),
        (
            "7f2c1b9e-4a3d-4c8b-9e2f-0a1b2c3d4e5f",
            CLIENT_ID,
            CLIENT_SECRET,
            "dz0R+TCJcqepA7vvF7xFH4eW04J96rLFh7G4KgWyBBo=",
        ),
    ],
)
def test_vectors(username: str, client_id: str, client_secret: str, expected: str) -> None:
    assert secret_hash(username, client_id, client_secret) == expected


@settings(max_examples=50)
@given(st.text(min_size=1), st.text(min_size=1), st.text(min_size=1))
def test_shape_of_any_hash(username: str, client_id: str, client_secret: str) -> None:
    value = secret_hash(username, client_id, client_secret)
    assert len(value) == 44 and len(base64.b64decode(value, validate=True)) == 32


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", CLIENT_ID, CLIENT_SECRET), "username"),
        (("alice", "", CLIENT_SECRET), "client_id"),
        (("alice", CLIENT_ID, ""), "client_secret"),
        (("alice", CLIENT_ID, None), "client_secret"),
        (("alice", 7, CLIENT_SECRET), "client_id"),
    ],
)
def test_bad_input_is_a_validation_error(args: tuple[object, ...], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        secret_hash(*args)  # type: ignore[arg-type]
    assert info.value.field == field


def test_lone_surrogate_is_a_validation_error_without_the_value() -> None:
    with pytest.raises(ValidationError) as info:
        secret_hash("alice", CLIENT_ID, "sec\ud800ret-value")
    assert "ret-value" not in str(info.value)

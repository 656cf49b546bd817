"""Hostile or malformed peer values give typed errors; the server rejects what Cognito rejects."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

import pytest
from srp_support import SRP

from authflow.protocol.errors import ProtocolViolationError, ValidationError
from authflow.srp import (
    CognitoSRPContext,
    InvalidSrpParameterError,
    N,
    PasswordClaim,
    ServerEphemeral,
    SrpEphemeral,
    SrpError,
    TimestampFormatError,
    device_password_claim,
    parse_timestamp,
    password_claim,
    verify_password_claim,
)
from authflow.srp._codec import claim_signature

USER = SRP["user_srp"]
NOW = parse_timestamp(USER["timestamp"])
EPHEMERAL = SrpEphemeral.from_private(int(USER["a_hex"], 16))


def claim(**overrides: Any) -> PasswordClaim:
    kwargs: dict[str, Any] = dict(
        pool_name=USER["pool_name_part"],
        user_id=USER["user_id_for_srp"],
        password=USER["password"],
        ephemeral=EPHEMERAL,
        salt_hex=USER["salt_hex"],
        srp_b_hex=USER["B_hex_SRP_B"],
        secret_block=USER["secret_block_b64"],
        now=NOW,
    )
    kwargs.update(overrides)
    return password_claim(**kwargs)


def test_the_baseline_is_valid() -> None:
    assert claim().signature == USER["PASSWORD_CLAIM_SIGNATURE"]


@pytest.mark.parametrize(
    "srp_b",
    [
        "0",
        "00",
        format(N, "x"),
        format(2 * N, "x"),
        format(5 * N, "X"),
        "-" + USER["B_hex_SRP_B"],
        "+" + USER["B_hex_SRP_B"],
        "0x" + USER["B_hex_SRP_B"],
        " " + USER["B_hex_SRP_B"],
        USER["B_hex_SRP_B"] + "\n",
        USER["B_hex_SRP_B"][:10] + "_" + USER["B_hex_SRP_B"][10:],
        "xyz",
        "",
        "1" * 5000,
    ],
    ids=lambda s: s[:12] or "empty",
)
def test_hostile_srp_b(srp_b: str) -> None:
    with pytest.raises(InvalidSrpParameterError) as info:
        claim(srp_b_hex=srp_b)
    assert info.value.field == "SRP_B"
    assert USER["B_hex_SRP_B"][:16] not in str(info.value)  # names the field, not the value


def test_srp_b_may_carry_leading_zeros_and_upper_case() -> None:
    assert claim(srp_b_hex="00" + USER["B_hex_SRP_B"].upper()).signature == (
        USER["PASSWORD_CLAIM_SIGNATURE"]
    )


@pytest.mark.parametrize(
    "block",
    ["", "!!!!", "abc", "YTdK0MiR lCfi", "YTdK0MiRlCfi-_==", "YTdK0MiRlCfiAkM+6XA54oz3/DF58CUJ\n",
     "é" * 8],
    ids=["empty", "bang", "badpad", "space", "urlsafe", "newline", "nonascii"],
)
def test_hostile_secret_block(block: str) -> None:
    with pytest.raises(InvalidSrpParameterError) as info:
        claim(secret_block=block)
    assert info.value.field == "SECRET_BLOCK"


@pytest.mark.parametrize("salt", ["", "zz", "-10", "0x10"])
def test_hostile_salt(salt: str) -> None:
    with pytest.raises(InvalidSrpParameterError) as info:
        claim(salt_hex=salt)
    assert info.value.field == "SALT"


def test_u_zero_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CognitoSRPContext, "get_common_secret", lambda self, b, a: 0)
    with pytest.raises(InvalidSrpParameterError):
        claim()


def test_device_claim_checks_the_same() -> None:
    device = SRP["device_srp"]
    with pytest.raises(InvalidSrpParameterError):
        device_password_claim(
            device_group_key=device["device_group_key"],
            device_key=device["device_key"],
            device_password=device["device_random_password"],
            ephemeral=EPHEMERAL,
            salt_hex=device["device_salt_hex"],
            srp_b_hex=format(N, "x"),
            secret_block=device["secret_block_b64"],
            now=NOW,
        )


def test_error_taxonomy() -> None:
    assert issubclass(InvalidSrpParameterError, SrpError)
    assert issubclass(SrpError, ProtocolViolationError)
    assert issubclass(InvalidSrpParameterError, ValueError)
    assert not issubclass(InvalidSrpParameterError, TimestampFormatError)


def test_local_misuse_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        claim(pool_name=USER["pool_id"])  # the full pool id instead of its name part
    with pytest.raises(ValidationError):
        claim(now=NOW.replace(tzinfo=None))
    with pytest.raises(ValidationError):
        SrpEphemeral.from_private(0)
    with pytest.raises(ValidationError):
        SrpEphemeral.from_private(N)


def test_new_ephemeral_redraws_zero_and_gives_up_on_a_broken_rng() -> None:
    from authflow.srp import new_ephemeral

    draws = [bytes(64), bytes(63) + b"\x05"]
    assert new_ephemeral(lambda n: draws.pop(0)).a == 5
    with pytest.raises(ValidationError):
        new_ephemeral(lambda n: bytes(n))


# ---- server side -----------------------------------------------------------------------------

V = int(USER["v_hex"], 16)
SERVER = ServerEphemeral.from_private(int(USER["b_hex"], 16), V)
BLOCK = base64.b64decode(USER["secret_block_b64"])
KEY = bytes.fromhex(USER["hkdf_key_hex"])


def verify(**overrides: Any) -> bool:
    kwargs: dict[str, Any] = dict(
        pool_name=USER["pool_name_part"],
        user_id=USER["user_id_for_srp"],
        verifier=V,
        srp_a_hex=USER["A_hex_SRP_A"],
        server=SERVER,
        secret_block=BLOCK,
        timestamp=USER["timestamp"],
        signature=USER["PASSWORD_CLAIM_SIGNATURE"],
        now=NOW,
    )
    kwargs.update(overrides)
    return verify_password_claim(**kwargs)


def sign(timestamp: str) -> str:
    """What a client that signs exactly the string it sends would send."""
    raw = claim_signature(KEY, USER["pool_name_part"], USER["user_id_for_srp"], BLOCK, timestamp)
    return base64.b64encode(raw).decode()


def test_server_accepts_the_vector() -> None:
    assert sign(USER["timestamp"]) == USER["PASSWORD_CLAIM_SIGNATURE"]
    assert verify()


def test_server_rejects_a_wrong_password() -> None:
    wrong = claim(password=USER["password"] + "x")
    assert not verify(signature=wrong.signature)


def test_server_rejects_another_identity_or_block() -> None:
    assert not verify(user_id="someone-else")
    assert not verify(pool_name="OtherPool")
    assert not verify(secret_block=BLOCK + b"x")


@pytest.mark.parametrize(
    ("skew", "ok"),
    [(timedelta(0), True), (timedelta(minutes=4, seconds=59), True),
     (timedelta(minutes=-5), True), (timedelta(minutes=5, seconds=1), False),
     (timedelta(minutes=-6), False), (timedelta(days=1), False)],
)
def test_server_time_window(skew: timedelta, ok: bool) -> None:
    assert verify(now=NOW + skew) is ok


def test_server_tolerance_is_configurable() -> None:
    assert not verify(now=NOW + timedelta(seconds=31), tolerance=timedelta(seconds=30))


def test_zero_padded_day_parses_but_fails_the_signature() -> None:
    padded = "Mon Mar 03 09:05:07 UTC 2025"
    assert not verify(timestamp=padded, signature=sign(padded))


def test_wrong_weekday_parses_but_fails_the_signature() -> None:
    wrong = "Fri Mar 3 09:05:07 UTC 2025"
    assert not verify(timestamp=wrong, signature=sign(wrong))


@pytest.mark.parametrize(
    "timestamp", ["Mon Mar  3 09:05:07 UTC 2025", "Mon Mar 3 09:05:07 PST 2025", "yesterday"]
)
def test_unparsable_timestamp_is_a_typed_error(timestamp: str) -> None:
    with pytest.raises(TimestampFormatError):
        verify(timestamp=timestamp)


@pytest.mark.parametrize(
    "signature", ["", "not base64!", "AAAA", USER["PASSWORD_CLAIM_SIGNATURE"][:-1]]
)
def test_malformed_signature_is_just_wrong(signature: str) -> None:
    assert not verify(signature=signature)


@pytest.mark.parametrize(
    "srp_a", ["0", format(N, "x"), format(3 * N, "x"), "-1", "zz", "", "0x" + USER["A_hex_SRP_A"]]
)
def test_server_refuses_hostile_a(srp_a: str) -> None:
    with pytest.raises(InvalidSrpParameterError) as info:
        verify(srp_a_hex=srp_a)
    assert info.value.field == "SRP_A"


def test_server_refuses_naive_now() -> None:
    with pytest.raises(ValidationError):
        verify(now=datetime(2025, 3, 3, 9, 5, 7))

"""padHex (docs/protocol-notes.md §8.4) and TIMESTAMP (docs/protocol-notes.md §8.3, §3.2 step 9, §3.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authflow.protocol.errors import ProtocolViolationError, ValidationError
from authflow.srp import SrpError, TimestampFormatError, format_timestamp, pad_hex, parse_timestamp

# amazon-cognito-identity-js' Java-generated table (docs/protocol-notes.md §8.4).
PADHEX = {0: "00", 1: "01", 20: "14", 56: "38", 127: "7F", 128: "0080", 200: "00C8",
          236: "00EC", 255: "00FF", 256: "0100"}


@pytest.mark.parametrize(("n", "expected"), PADHEX.items())
def test_pad_hex_vectors(n: int, expected: str) -> None:
    assert pad_hex(n).hex() == expected.lower()


@pytest.mark.parametrize(
    ("n", "expected"),
    # docs/protocol-notes.md §3.1 examples, and Java toByteArray() for negatives.
    [(0xABC, "0abc"), (0x8ABC, "008abc"), (-1, "ff"), (-128, "80"), (-129, "ff7f"),
     (-256, "ff00"), (-255, "ff01")],
)
def test_pad_hex_more(n: int, expected: str) -> None:
    assert pad_hex(n).hex() == expected


def _java_to_byte_array(n: int) -> bytes:
    """Independent reference: the shortest signed big-endian encoding."""
    length = 1
    while not -(1 << (8 * length - 1)) <= n < (1 << (8 * length - 1)):
        length += 1
    return n.to_bytes(length, "big", signed=True)


@given(st.integers(min_value=-(1 << 3100), max_value=1 << 3100))
def test_pad_hex_is_javas_to_byte_array(n: int) -> None:
    assert pad_hex(n) == _java_to_byte_array(n)


@given(st.integers(min_value=0, max_value=1 << 3100))
def test_pad_hex_matches_protocol_recipe(n: int) -> None:
    b = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    if b[0] & 0x80:
        b = b"\x00" + b
    assert pad_hex(n) == b


TIMESTAMPS = [
    (datetime(2019, 1, 1, 6, 6, 9, tzinfo=UTC), "Tue Jan 1 06:06:09 UTC 2019"),
    (datetime(2024, 2, 29, 0, 0, 0, tzinfo=UTC), "Thu Feb 29 00:00:00 UTC 2024"),
    (datetime(2025, 3, 3, 9, 5, 7, tzinfo=UTC), "Mon Mar 3 09:05:07 UTC 2025"),
    (datetime(2025, 11, 15, 23, 59, 1, tzinfo=UTC), "Sat Nov 15 23:59:01 UTC 2025"),
]


@pytest.mark.parametrize(("instant", "text"), TIMESTAMPS)
def test_timestamp_vectors(instant: datetime, text: str) -> None:
    assert format_timestamp(instant) == text
    assert parse_timestamp(text) == instant


def test_identity_js_epoch_vector() -> None:
    instant = datetime.fromtimestamp(1546322769000 / 1000, tz=UTC)
    assert format_timestamp(instant) == "Tue Jan 1 06:06:09 UTC 2019"


def test_format_converts_to_utc_and_drops_microseconds() -> None:
    paris = timezone(timedelta(hours=1))
    assert (
        format_timestamp(datetime(2025, 3, 3, 10, 5, 7, 999_999, tzinfo=paris))
        == "Mon Mar 3 09:05:07 UTC 2025"
    )


def test_format_refuses_naive_datetimes() -> None:
    with pytest.raises(ValidationError):
        format_timestamp(datetime(2025, 3, 3, 9, 5, 7))


@given(st.datetimes(min_value=datetime(1000, 1, 1), timezones=st.just(UTC)))
def test_format_parse_round_trip(instant: datetime) -> None:
    text = format_timestamp(instant)
    assert "  " not in text and " 0" not in text.split()[2]
    assert parse_timestamp(text) == instant.replace(microsecond=0)


def test_zero_padded_day_parses_to_the_same_instant() -> None:
    # Java's SimpleDateFormat reads "03" as 3; the server then signs the canonical "Mar 3".
    assert parse_timestamp("Mon Mar 03 09:05:07 UTC 2025") == TIMESTAMPS[2][0]


def test_wrong_weekday_parses() -> None:
    assert parse_timestamp("Fri Mar 3 09:05:07 UTC 2025") == TIMESTAMPS[2][0]


@pytest.mark.parametrize(
    "text",
    [
        "Mon Mar  3 09:05:07 UTC 2025",  # strftime %e: space-padded day
        "Mon  Mar 3 09:05:07 UTC 2025",
        " Mon Mar 3 09:05:07 UTC 2025",
        "Mon Mar 3 09:05:07 UTC 2025 ",
        "Mon Mar 3 09:05:07  UTC 2025",
        "Monday Mar 3 09:05:07 UTC 2025",
        "Mon March 3 09:05:07 UTC 2025",
        "mon mar 3 09:05:07 UTC 2025",
        "Lun Mar 3 09:05:07 UTC 2025",  # French
        "Mo. März 3 09:05:07 UTC 2025",  # German
        "Mon Mar 3 09:05:07 GMT 2025",
        "Mon Mar 3 09:05:07 PST 2025",
        "Mon Mar 3 09:05:07 utc 2025",
        "Mon Mar 3 09:05:07 UTC+00:00 2025",
        "Mon Mar 3 9:05:07 UTC 2025",
        "Mon Mar 3 09:5:07 UTC 2025",
        "Mon Mar 3 24:00:00 UTC 2025",
        "Mon Mar 3 09:60:00 UTC 2025",
        "Mon Mar 3 09:05:60 UTC 2025",
        "Mon Feb 30 09:05:07 UTC 2025",
        "Mon Mar 0 09:05:07 UTC 2025",
        "Mon Mar 003 09:05:07 UTC 2025",
        "Mon Mar 3 09:05:07 UTC 25",
        "Mon Mar \u0663 09:05:07 UTC 2025",  # Arabic-Indic digit three
        "Mon Mar 3 09:05:07 UTC 2025\n",
        "Mon Mar\t3 09:05:07 UTC 2025",
        "2025-03-03T09:05:07Z",
        "",
    ],
)
def test_unparsable_timestamps(text: str) -> None:
    with pytest.raises(TimestampFormatError) as info:
        parse_timestamp(text)
    assert info.value.field == "TIMESTAMP"
    assert "EEE MMM d HH:mm:ss z yyyy" in str(info.value)


def test_timestamp_error_taxonomy() -> None:
    assert issubclass(TimestampFormatError, SrpError)
    assert issubclass(TimestampFormatError, ProtocolViolationError)
    assert issubclass(TimestampFormatError, ValueError)

"""Cognito's SRP ``TIMESTAMP``: Java ``SimpleDateFormat("EEE MMM d HH:mm:ss z yyyy", Locale.US)``.

Formatting (docs/protocol-notes.md §3.2 step 9) uses fixed English tables, never ``strftime``
(locale dependent, and ``%d`` zero-pads the day): ``Mon Mar 3 09:05:07 UTC 2025``.

Parsing (the server side, docs/protocol-notes.md §3.3) is deliberately strict, to reproduce what
Cognito was observed to accept and reject:

* accepted: exactly ``<Www> <Mmm> <d> <HH>:<mm>:<ss> UTC <yyyy>`` with single spaces, the English
  three-letter names as written above, a day of one or two digits (so the zero-padded ``Mar 03``
  *parses* — and then fails the signature, because the server signs the canonical re-formatting),
  two-digit hour/minute/second, four-digit year;
* the weekday must be a weekday name but is not checked against the date (a wrong weekday parses
  and fails the signature, as observed on the real service);
* rejected with :class:`~authflow.srp.errors.TimestampFormatError`: double or leading/trailing
  spaces (``%e``'s ``Mar  3``), full or non-English or lower-case names, any zone but ``UTC``,
  out-of-range fields (no lenient roll-over of ``Feb 30``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from authflow.protocol.errors import ValidationError
from authflow.srp.errors import TimestampFormatError

__all__ = ["format_timestamp", "parse_timestamp"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # datetime.weekday() order
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PATTERN = re.compile(
    rf"({'|'.join(_WEEKDAYS)}) ({'|'.join(_MONTHS)}) ([0-9]{{1,2}}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) UTC ([0-9]{4})"
)
_FORMAT_MESSAGE = "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english."


def format_timestamp(dt: datetime) -> str:
    """Format an aware ``datetime`` as Cognito's ``TIMESTAMP`` (UTC, day not padded).

    A naive ``datetime`` is refused with :class:`~authflow.protocol.errors.ValidationError`
    rather than guessed at. Sub-second digits are dropped.

    >>> from datetime import datetime, UTC
    >>> format_timestamp(datetime(2025, 3, 3, 9, 5, 7, tzinfo=UTC))
    'Mon Mar 3 09:05:07 UTC 2025'
    """
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValidationError("the SRP clock must return timezone-aware datetimes", field="now")
    u = dt.astimezone(UTC)
    return (
        f"{_WEEKDAYS[u.weekday()]} {_MONTHS[u.month - 1]} {u.day} "
        f"{u.hour:02d}:{u.minute:02d}:{u.second:02d} UTC {u.year:04d}"
    )


def parse_timestamp(text: str) -> datetime:
    """Parse a ``TIMESTAMP`` strictly (see the module docstring) into an aware UTC ``datetime``.

    Raises :class:`~authflow.srp.errors.TimestampFormatError` for anything else.

    >>> parse_timestamp("Mon Mar 03 09:05:07 UTC 2025").isoformat()
    '2025-03-03T09:05:07+00:00'
    """
    match = _PATTERN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise TimestampFormatError(_FORMAT_MESSAGE, field="TIMESTAMP")
    _weekday, month, day, hour, minute, second, year = match.groups()
    try:
        return datetime(
            int(year),
            _MONTHS.index(month) + 1,
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=UTC,
        )
    except ValueError:
        raise TimestampFormatError(_FORMAT_MESSAGE, field="TIMESTAMP") from None

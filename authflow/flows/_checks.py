"""The value checks of :mod:`authflow.protocol.checks`, under the name the flows imported them by
before they moved there (so the account and configuration layers can use them too)."""

from authflow.protocol.checks import (
    MAX_ITEMS,
    MAX_TEXT,
    check_finite,
    check_flag,
    check_optional_text,
    check_record,
    check_text,
    check_text_list,
    check_text_map,
)

__all__ = [
    "MAX_ITEMS",
    "MAX_TEXT",
    "check_finite",
    "check_flag",
    "check_optional_text",
    "check_record",
    "check_text",
    "check_text_list",
    "check_text_map",
]

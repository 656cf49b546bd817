"""Request parameters of the OAuth 2.0 endpoints: query strings and form bodies.

Every parameter may appear once (RFC 6749 §3.1) and hold at most :data:`MAX_PARAMETER_LENGTH`
characters; a form body must be ``application/x-www-form-urlencoded`` UTF-8 with at most
:data:`MAX_FIELDS` fields (docs/oauth-notes.md §A2: a JSON body is ``invalid_request``).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable

from authflow.emulator.oauth.http_messages import OAuthError
from authflow.protocol.checks import is_unicode

__all__ = [
    "MAX_FIELDS",
    "MAX_PARAMETER_LENGTH",
    "describe_bad",
    "parse_form",
    "parse_parameters",
]

#: The longest value one parameter may have.
MAX_PARAMETER_LENGTH = 4096
#: The most fields a form body may have.
MAX_FIELDS = 64
_FORM_TYPE = "application/x-www-form-urlencoded"


def _usable(value: str) -> bool:
    # lone surrogates come only from a Python caller
    return len(value) <= MAX_PARAMETER_LENGTH and is_unicode(value)


def describe_bad(names: Iterable[str]) -> str:
    """An error description for bad parameters ``names``, quoting one fit to quote."""
    quotable = sorted(n for n in names if len(n) <= 64 and n.isprintable() and _usable(n))
    return "invalid or repeated parameter" + (f": {quotable[0]}" if quotable else "")


def parse_parameters(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], set[str]]:
    """The parameters (empty values dropped) and the names given more than once or with an
    unusable name or value (too long, not UTF-8)."""
    params: dict[str, str] = {}
    seen: set[str] = set()
    bad: set[str] = set()
    for name, value in pairs:
        if name in seen or not _usable(value) or not _usable(name):
            bad.add(name)
        elif value:
            params[name] = value
        seen.add(name)
    return params, bad


def parse_form(content_type: str | None, body: bytes) -> dict[str, str]:
    """The fields of a form body, or ``invalid_request``."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime != _FORM_TYPE:
        raise OAuthError("invalid_request", f"the body must be {_FORM_TYPE}")
    try:
        text = body.decode("utf-8")
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # not UTF-8, or too many fields
        raise OAuthError("invalid_request", "the body is not a valid form") from None
    params, bad = parse_parameters(pairs)
    if bad:
        raise OAuthError("invalid_request", describe_bad(bad))
    return params

"""RFC 6750 bearer tokens on the server side, framework-free: read the header, word the refusal.

Every integration (aiohttp, FastAPI/Starlette) answers the same way:

* no ``Authorization: Bearer`` credentials (no header, or another scheme such as ``Basic``) →
  401, ``WWW-Authenticate: Bearer realm="…"`` without an error code (RFC 6750 §3.1);
* several ``Authorization`` headers, or a Bearer value that is not a token (§2.1 syntax) → 400,
  ``error="invalid_request"``;
* a refused token (:class:`InvalidTokenError`) → 401, ``error="invalid_token"``;
* :class:`MissingScopeError` / :class:`MissingGroupError` → 403, ``error="insufficient_scope"``
  (with ``scope="…"`` listing the scopes the resource needs);
* keys or revocation check unavailable (a retryable error) → 503 with ``Retry-After: 5``.

A 503, not a 401, when authflow could not check: a 401 tells a client to throw its token away,
and the token may be fine. ``error_description`` is the error's message, which never quotes
the token (see :mod:`authflow.verify.errors`), reduced to the characters RFC 6750 §3 allows.
The JSON body carries the same ``error`` and ``error_description``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs

from authflow.protocol.errors import ValidationError
from authflow.verify.errors import InvalidTokenError, MissingGroupError, MissingScopeError

__all__ = [
    "MISSING_CREDENTIALS",
    "BearerRefusal",
    "TokenRequirement",
    "bearer_token",
    "refusal_for",
]

# RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
_BEARER = re.compile(r"[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\-._~+/]+=*) *")
_SCHEME = re.compile(r"\s*([^\s]+)")
# RFC 6750 §3: error_description and scope values exclude '"' and '\'.
_UNQUOTABLE = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")
_RETRY_AFTER: Final = "5"


def _names(values: Iterable[str], what: str) -> tuple[str, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(f"{what} must be a list of strings", field=what)
    out = tuple(values)
    if not all(isinstance(v, str) and v and not _UNQUOTABLE.search(v) and " " not in v
               for v in out):
        raise ValidationError(f"{what} must be non-empty printable names without spaces",
                              field=what)
    return out


@attrs.frozen
class TokenRequirement:
    """What a route needs on top of the verifier's checks: all ``scopes``, any of ``groups``.

    Build it with :meth:`of`, which checks the names.
    """

    scopes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    @classmethod
    def of(cls, *, scopes: Iterable[str] = (), groups: Iterable[str] = ()) -> TokenRequirement:
        """A requirement from caller input (:class:`ValidationError` for a bad name)."""
        return cls(_names(scopes, "scopes"), _names(groups, "groups"))


@attrs.frozen
class BearerRefusal:
    """How to refuse a request: ``status``, the RFC 6750 ``error`` code (``None`` when the
    request simply had no credentials), a description and, for ``insufficient_scope``, the
    scopes the resource needs."""

    status: int
    error: str | None = None
    description: str | None = None
    scope: tuple[str, ...] = ()

    def headers(self, realm: str | None = None) -> dict[str, str]:
        """The response headers: ``WWW-Authenticate`` (401/400/403) or ``Retry-After`` (503)."""
        if self.status == 503:
            return {"Retry-After": _RETRY_AFTER}
        params = []
        if realm is not None:
            params.append(f'realm="{_quotable(realm)}"')
        if self.error is not None:
            params.append(f'error="{self.error}"')
        if self.description:
            params.append(f'error_description="{_quotable(self.description)}"')
        if self.scope:
            params.append(f'scope="{_quotable(" ".join(self.scope))}"')
        return {"WWW-Authenticate": "Bearer" + (" " + ", ".join(params) if params else "")}

    def body(self) -> dict[str, Any]:
        """A JSON-ready body with the same information as the header."""
        body: dict[str, Any] = {"error": self.error or "unauthorized"}
        if self.description:
            body["error_description"] = _quotable(self.description)
        if self.scope:
            body["scope"] = " ".join(self.scope)
        return body


#: The answer to a request without bearer credentials.
MISSING_CREDENTIALS: Final = BearerRefusal(401, description=None)
_INVALID_REQUEST: Final = BearerRefusal(
    400, "invalid_request", "the Authorization header is not one Bearer token"
)


def _quotable(text: str) -> str:
    return _UNQUOTABLE.sub("?", text)[:300]


def bearer_token(authorization: Sequence[str]) -> str | BearerRefusal:
    """The token in the request's ``Authorization`` header values, or why there is none.

    ``authorization`` is every ``Authorization`` header of the request (usually zero or one).
    Returns :data:`MISSING_CREDENTIALS` when there is no header or another scheme (``Basic``),
    an ``invalid_request`` refusal for several headers or a malformed Bearer value.

    >>> bearer_token(["Bearer abc.def.ghi"])
    'abc.def.ghi'
    """
    if not authorization:
        return MISSING_CREDENTIALS
    if len(authorization) > 1:
        return _INVALID_REQUEST
    value = authorization[0]
    scheme = _SCHEME.match(value)
    if scheme is None or scheme.group(1).lower() != "bearer":
        return MISSING_CREDENTIALS
    found = _BEARER.fullmatch(value.strip(" "))
    if found is None:
        return _INVALID_REQUEST
    return found.group(1)


def refusal_for(error: InvalidTokenError) -> BearerRefusal:
    """The answer to a request whose token raised ``error`` (see the module's table)."""
    if error.retryable:
        return BearerRefusal(503, "temporarily_unavailable", error.message)
    if isinstance(error, MissingScopeError):
        return BearerRefusal(403, "insufficient_scope", error.message, error.required)
    if isinstance(error, MissingGroupError):
        return BearerRefusal(403, "insufficient_scope", error.message)
    return BearerRefusal(401, "invalid_token", error.message)

"""What an OAuth 2.0 endpoint or managed-login page is asked and answers, as plain data.

The endpoint logic (:mod:`authflow.emulator.oauth.endpoints`) is synchronous and knows no web
framework: the web layer (:mod:`authflow.emulator.oauth_routes`) hands it a
:class:`DomainRequest` and writes out the :class:`HttpAnswer` it returns. :class:`OAuthError` is
one error answer of the JSON endpoints (``{"error": …}``, RFC 6749 §5.2), raised where it is found
and turned into an answer at the endpoint's edge.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = [
    "DomainRequest",
    "HttpAnswer",
    "OAuthError",
    "html_answer",
    "json_answer",
    "location_header",
    "redirect_answer",
    "with_parameters",
]

# Characters a Location header keeps as they are; everything else (non-ASCII, spaces,
# controls) is percent-encoded so the header is always one line of ASCII.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_JSON_TYPE = "application/json;charset=UTF-8"


@attrs.frozen
class DomainRequest:
    """One request to a pool's domain: the domain ``prefix``, the ``base_path`` its pages live
    under (``/domains/{prefix}`` when path-routed, ``""`` when routed by the Host header), the
    decoded ``query`` pairs and the ``raw_query`` string, the ``Authorization`` and
    ``Content-Type`` headers, the cookies and the body."""

    prefix: str
    base_path: str = ""
    query: tuple[tuple[str, str], ...] = ()
    raw_query: str = ""
    authorization: str | None = attrs.field(default=None, repr=False)
    content_type: str | None = None
    cookies: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    body: bytes = attrs.field(default=b"", repr=False)

    def path(self, page: str) -> str:
        """The absolute path of ``page`` (``login``, ``error`` …) under this domain."""
        return f"{self.base_path}/{page}"


@attrs.frozen
class HttpAnswer:
    """One HTTP response: ``status``, ``content_type``, ``body`` and extra ``headers``."""

    status: int
    body: str = ""
    content_type: str = "text/plain"
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), if any."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)


class OAuthError(Exception):
    """An error answer of a JSON OAuth endpoint: ``error`` (an RFC 6749 / RFC 6750 / RFC 7009
    code), ``status`` and an optional ``description`` (never holding a secret)."""

    def __init__(self, error: str, description: str | None = None, *, status: int = 400) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description
        self.status = status

    def answer(self, *headers: tuple[str, str]) -> HttpAnswer:
        """The JSON answer ``{"error": …[, "error_description": …]}``."""
        body: dict[str, str] = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        return json_answer(body, self.status, *headers)


def json_answer(payload: Any, status: int = 200, *headers: tuple[str, str]) -> HttpAnswer:
    """``payload`` as JSON (``application/json;charset=UTF-8``), never cached."""
    return HttpAnswer(
        status=status,
        body=json.dumps(payload, separators=(",", ":")),
        content_type=_JSON_TYPE,
        headers=(("Cache-Control", "no-store"), ("Pragma", "no-cache"), *headers),
    )


def html_answer(html: str, status: int = 200, *headers: tuple[str, str]) -> HttpAnswer:
    """An HTML page."""
    return HttpAnswer(
        status=status,
        body=html,
        content_type="text/html",
        headers=(("Cache-Control", "no-store"), *headers),
    )


def location_header(url: str) -> str:
    """``url`` made safe for a Location header (percent-encoding what is not plain ASCII)."""
    return urllib.parse.quote(url, safe=_URL_SAFE)


def redirect_answer(url: str, *headers: tuple[str, str]) -> HttpAnswer:
    """302 to ``url``."""
    return HttpAnswer(status=302, headers=(("Location", location_header(url)), *headers))


def with_parameters(url: str, parameters: Mapping[str, str], *, fragment: bool = False) -> str:
    """``url`` with ``parameters`` added to its query (or, with ``fragment``, as its fragment)."""
    encoded = urllib.parse.urlencode(dict(parameters), quote_via=urllib.parse.quote)
    if fragment:
        return f"{url}#{encoded}"
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{encoded}" if encoded else url

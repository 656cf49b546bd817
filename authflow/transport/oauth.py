"""The OAuth 2.0 transport: form-encoded requests to a user pool domain's ``/oauth2/*`` endpoints.

Like :mod:`authflow.transport.aiohttp` (whose error mapping, body cap and retry policy it
shares), this module imports aiohttp's client; nothing above the transport layer does.

What goes on the wire (docs/oauth-notes.md §A2, §A4): ``POST {domain}/oauth2/token`` and
``POST {domain}/oauth2/revoke`` with ``Content-Type: application/x-www-form-urlencoded`` (UTF-8),
the client authenticated by ``Authorization: Basic base64(client_id:client_secret)`` when it has a
secret (``client_secret_basic``), else by ``client_id`` in the form. No cookies, no redirects.

What comes back:

* **2xx** with a JSON object → that dict (the revoke endpoint's empty 200 → ``{}``); anything else
  on a 2xx (an HTML page, JSON that is not an object) → :class:`ProtocolViolationError`.
* **an error** with a JSON ``{"error": ...}`` → the typed :class:`~authflow.protocol.errors.
  OAuthError` for its code (``invalid_grant`` → :class:`~authflow.protocol.errors.
  InvalidGrantError` ...), built by :func:`~authflow.protocol.errors.oauth_error`, which keeps
  only RFC 6749's character set of ``error`` and ``error_description``.
* **an error without one** (an HTML 500, a proxy's 502) → a plain ``OAuthError`` whose code is
  ``HTTP<status>``, retryable on 5xx and 429.
* **no answer** → :class:`TransportError` / :class:`TransportTimeoutError` (``sent`` as in the
  JSON transport); an answer that is not HTTP → :class:`ProtocolViolationError`.

The answer body is capped at :data:`~authflow.transport.aiohttp.MAX_RESPONSE_BYTES` (1 MiB) and
read no further. Every message is scrubbed of every spelling of the secrets the request carried
(code, PKCE verifier, refresh token, client secret, the token being revoked, the Basic header).

Resending: the token endpoint's grants are not idempotent (a code is spent by its first
redemption, a rotated refresh token by its first use, and every client-credentials token is
billed, §A6), so a request is sent again only when it certainly was not processed: a failure
while connecting, or a 429/503 answer. Anything else is raised after one attempt.
"""

from __future__ import annotations

import json
import logging
import platform
import urllib.parse
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Final

import aiohttp
from multidict import CIMultiDictProxy

from authflow._version import __version__
from authflow.protocol.checks import is_unicode
from authflow.protocol.errors import (
    InvalidStateError,
    OAuthError,
    ProtocolViolationError,
    ServiceError,
    TransportError,
    ValidationError,
    oauth_error,
    redact,
)
from authflow.protocol.oauth import basic_authorization, check_domain_url
from authflow.transport.aiohttp import MAX_RESPONSE_BYTES, _read_capped, _transport_error
from authflow.transport.base import RetryPolicy

__all__ = ["FORM_SECRET_FIELDS", "OAuthTransport"]

logger = logging.getLogger("authflow.transport.oauth")

_FORM_TYPE: Final = "application/x-www-form-urlencoded"
_MAX_FIELD: Final = 16 * 1024
#: Form fields whose values are secrets (redacted from every error and never logged).
FORM_SECRET_FIELDS: frozenset[str] = frozenset(
    {"code", "code_verifier", "refresh_token", "client_secret", "token", "password"}
)


class OAuthTransport:
    """Form-encoded requests to one user pool domain's OAuth 2.0 endpoints.

    >>> async with OAuthTransport("https://my-app.auth.us-east-1.amazoncognito.com") as oauth:
    ...     body = await oauth.token({"grant_type": "client_credentials"},
    ...                              client_id=cid, client_secret=secret)  # doctest: +SKIP

    ``session``: an :class:`aiohttp.ClientSession` to borrow (left open by :meth:`close`);
    without one the transport creates and owns its own (no cookie jar). ``connect_timeout``,
    ``total_timeout``, ``retry`` and ``max_response_bytes`` mean what they mean for
    :class:`~authflow.transport.AiohttpTransport`. :attr:`requests` counts the requests written.
    """

    def __init__(
        self,
        domain_url: str,
        *,
        session: aiohttp.ClientSession | None = None,
        connect_timeout: float = 5.0,
        total_timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] | None = None,
        user_agent: str | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._domain = check_domain_url(domain_url)
        if (
            not isinstance(max_response_bytes, int)
            or isinstance(max_response_bytes, bool)
            or max_response_bytes < 1024
        ):
            raise ValidationError(
                "max_response_bytes must be an int of at least 1024", field="max_response_bytes"
            )
        if not (connect_timeout > 0 and total_timeout > 0):
            raise ValidationError("timeouts must be positive", field="connect_timeout")
        if session is not None and trace_configs:
            raise ValidationError(
                "trace_configs apply to the session the transport creates", field="trace_configs"
            )
        self._max_response_bytes = max_response_bytes
        self._session = session
        self._owns_session = session is None
        self._trace_configs = list(trace_configs or ())
        self._timeout = aiohttp.ClientTimeout(
            total=total_timeout, connect=min(connect_timeout, total_timeout)
        )
        self._retry = retry if retry is not None else RetryPolicy()
        self._user_agent = user_agent or (
            f"authflow/{__version__} aiohttp/{aiohttp.__version__} "
            f"python/{platform.python_version()}"
        )
        self._closed = False
        #: How many HTTP requests this transport has written (every attempt counts).
        self.requests = 0

    def __repr__(self) -> str:
        owner = "owned" if self._owns_session else "borrowed"
        return f"OAuthTransport(domain={self._domain!r}, session={owner}, closed={self._closed})"

    @property
    def domain_url(self) -> str:
        """The domain's base URL (``{domain_url}/oauth2/token`` ...)."""
        return self._domain

    async def __aenter__(self) -> OAuthTransport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this transport created it; idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._owns_session and self._session is not None:
            await self._session.close()

    async def token(
        self, form: Mapping[str, str], *, client_id: str, client_secret: str | None = None
    ) -> dict[str, Any]:
        """``POST /oauth2/token`` with ``form`` (``grant_type`` and its members); the decoded
        JSON answer. Errors as described in the module docstring."""
        return await self._post("oauth2/token", form, client_id, client_secret)

    async def revoke(
        self, token: str, *, client_id: str, client_secret: str | None = None
    ) -> None:
        """``POST /oauth2/revoke`` for a refresh token: Cognito revokes it and the access and ID
        tokens issued with it (§A4). 200 also for a token already revoked."""
        await self._post("oauth2/revoke", {"token": token}, client_id, client_secret)

    # -- one request ---------------------------------------------------------------------------

    async def _post(
        self,
        endpoint: str,
        form: Mapping[str, str],
        client_id: str,
        client_secret: str | None,
    ) -> dict[str, Any]:
        fields = dict(form)
        headers = {"Content-Type": _FORM_TYPE, "User-Agent": self._user_agent,
                   "Accept": "application/json"}
        secrets = {v for k, v in fields.items() if k in FORM_SECRET_FIELDS}
        if client_secret:
            authorization = basic_authorization(client_id, client_secret)
            headers["Authorization"] = authorization
            secrets |= {client_secret, authorization, authorization.split(" ", 1)[1]}
        else:
            fields["client_id"] = client_id
        body = _encode(endpoint, fields)
        scrub = frozenset(secrets)  # redact() scrubs every spelling of each
        url = f"{self._domain}/{endpoint}"
        policy = self._retry
        deadline = None if policy.max_total_time is None else policy.clock() + policy.max_total_time
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._attempt(endpoint, url, body, headers, scrub, attempt)
            except (ServiceError, TransportError) as error:
                if attempt >= policy.max_attempts or not _not_processed(error):
                    raise
                delay = policy.delay(attempt)
                if deadline is not None and policy.clock() + delay >= deadline:
                    raise
                logger.info(
                    "%s attempt %d/%d was not processed (%s); retrying in %.3fs",
                    endpoint, attempt, policy.max_attempts, type(error).__name__, delay,
                )
                await policy.sleep(delay)

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise InvalidStateError("the OAuth transport is closed", state="closed")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                trace_configs=self._trace_configs or None, cookie_jar=aiohttp.DummyCookieJar()
            )
        elif self._session.closed:
            raise InvalidStateError("the borrowed session is closed", state="closed")
        return self._session

    async def _attempt(
        self,
        endpoint: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        secrets: frozenset[str],
        attempt: int,
    ) -> dict[str, Any]:
        session = self._ensure_session()
        self.requests += 1
        logger.debug("%s attempt %d: sending %d bytes", endpoint, attempt, len(body))
        try:
            async with session.post(
                url,
                data=body,
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
                raise_for_status=False,
            ) as response:
                status = response.status
                response_headers = response.headers
                raw = await _read_capped(response, self._max_response_bytes)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            if isinstance(exc, aiohttp.ClientResponseError):
                raise ProtocolViolationError(
                    redact(f"{endpoint}: unparsable HTTP response: {exc.message}", secrets)
                ) from None
            raise _transport_error(endpoint, exc, secrets) from None
        logger.debug("%s attempt %d: HTTP %d, %d bytes", endpoint, attempt, status, len(raw))
        if 200 <= status < 300:
            return _decode_success(endpoint, status, raw)
        raise _error_answer(endpoint, status, response_headers, raw, secrets)


def _encode(endpoint: str, fields: Mapping[str, object]) -> bytes:
    for name, value in fields.items():
        if not isinstance(value, str) or len(value) > _MAX_FIELD:
            raise ValidationError(
                f"{endpoint}: form field {name} must be a string of at most {_MAX_FIELD} "
                "characters",
                field=name,
            )
        if not is_unicode(value):
            raise ValidationError(f"{endpoint}: form field {name} is not valid Unicode", field=name)
    return urllib.parse.urlencode(fields).encode("ascii")


def _decode_success(endpoint: str, status: int, raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ProtocolViolationError(
            f"{endpoint}: the HTTP {status} answer is not JSON ({len(raw)} bytes)"
        ) from None
    if not isinstance(data, dict):
        raise ProtocolViolationError(
            f"{endpoint}: the HTTP {status} answer is JSON but not an object"
        )
    return data


def _error_answer(
    endpoint: str,
    status: int,
    headers: CIMultiDictProxy[str],
    raw: bytes,
    secrets: frozenset[str],
) -> OAuthError:
    body: object = None
    try:
        body = json.loads(raw) if raw.strip() else None
    except (ValueError, RecursionError):
        body = None  # an HTML page, plain text
    if isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"].strip():
        description = body.get("error_description")
        return oauth_error(
            redact(body["error"], secrets),
            redact(description, secrets) if isinstance(description, str) else "",
            status=status,
            operation=endpoint,
        )
    content_type = headers.get("Content-Type", "no content type")
    return oauth_error(
        f"HTTP{status}",
        f"HTTP {status} with a {content_type} body of {len(raw)} bytes and no OAuth error code",
        status=status,
        operation=endpoint,
    )


def _not_processed(error: ServiceError | TransportError) -> bool:
    """Whether the request certainly was not processed, so sending it again is safe."""
    if isinstance(error, TransportError):
        return error.retryable and error.sent is False
    return error.status in (429, 503)

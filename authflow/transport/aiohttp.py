"""The aiohttp transport: AWS JSON 1.1 over HTTP, retries, and error mapping at one boundary.

This is the only module in authflow that imports aiohttp's client.

What goes on the wire (docs/protocol-notes.md §1.1): ``POST`` to the endpoint's path (``/`` for
Cognito) with ``Content-Type: application/x-amz-json-1.1``, ``X-Amz-Target:
AWSCognitoIdentityProviderService.<Operation>`` and the payload as a compact UTF-8 JSON object
(``{}`` when empty). No cookies are kept and redirects are not followed.

What comes back:

* **2xx** with a JSON object → that dict; an empty body → ``{}`` (DeleteUser and ForgetDevice have
  no output shape). Anything else on a 2xx → :class:`ProtocolViolationError`.
* **any other status** → a :class:`ServiceError` built by
  :func:`~authflow.protocol.errors.service_error` from the code that
  :func:`~authflow.protocol.errors.error_code_from` finds in ``x-amzn-ErrorType`` or the body
  (never from the status or the content type), the body's ``message``/``Message`` (else the
  ``x-amzn-ErrorMessage`` header), the status and ``x-amzn-RequestId``.
* **an error answer with no code** (an HTML 500 page from moto, a proxy's 502, an empty 404) → a
  plain ``ServiceError`` whose code is ``"HTTP<status>"`` (e.g. ``"HTTP500"``) and whose message
  names the status and content type; it is retryable when the status is 5xx or 429. It is *not*
  an :class:`~authflow.protocol.errors.InternalErrorError`: Cognito did not say that, something in
  front of it (or a crashed handler) did.
* **an answer that is not valid HTTP** (aiohttp cannot parse the status line or headers) →
  :class:`ProtocolViolationError`, not resent.
* **no answer** → :class:`TransportError` / :class:`TransportTimeoutError` with ``sent=False``
  when the failure happened while connecting (the request certainly did not leave) and
  ``sent=True`` when it may have been written (reset, disconnect, read or total timeout).

Every message is scrubbed with :func:`~authflow.protocol.errors.redact` against
:func:`~authflow.transport.base.secrets_of` the payload before the error is built, so a server
that echoes a password or token does not put it into ``str(err)``, ``repr(err)`` or a log.

Retries (:class:`~authflow.transport.base.RetryPolicy`): an attempt's failure is resent when it
proves the request was not processed, and — for :data:`IDEMPOTENT_OPERATIONS` only — also when its
outcome is unknown:

* not processed, resent for every operation: connect-phase failures (``sent=False``); throttling
  (``TooManyRequestsException`` and the other throttling codes, HTTP 429); HTTP 503; a retryable
  error *with a Cognito error code* on a 5xx (``InternalErrorException``). For the last one
  authflow follows the AWS SDKs, which resend it for every operation: the service reported the
  request failed as a whole, and should a single-use value have been consumed anyway, the resend
  fails with a typed ``NotAuthorized``/``CodeMismatch``/``ExpiredCode`` error — never a silent
  double effect.
* outcome unknown, resent only when idempotent: ``sent=True`` transport failures (timeout or drop
  after the request was written) and code-less 500/502/504 answers (a gateway timed out on, or a
  handler crashed in the middle of, a request that may have been applied).
* never resent: ``LimitExceededException`` (an attempt lockout in Cognito) and every other
  non-retryable error.

So a ``RespondToAuthChallenge`` whose answer is lost raises ``TransportTimeoutError`` or
``TransportError`` with ``sent=True`` after exactly one request: its ``Session``, SRP
``SECRET_BLOCK``/``TIMESTAMP`` or code may already be consumed, and only the flow can decide what
to do (typically restart the sign-in).
"""

from __future__ import annotations

import json
import logging
import platform
import re
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Final

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from authflow._version import __version__
from authflow.protocol.endpoints import target_header
from authflow.protocol.errors import (
    InvalidStateError,
    ProtocolViolationError,
    ServiceError,
    TransportError,
    TransportTimeoutError,
    ValidationError,
    error_code_from,
    redact,
    service_error,
)
from authflow.transport.base import (
    IDEMPOTENT_OPERATIONS,
    RetryPolicy,
    secrets_of,
)
from authflow.transport.sigv4 import SigV4Signer, signature_required, signature_secrets

__all__ = ["MAX_RESPONSE_BYTES", "AiohttpTransport"]

logger = logging.getLogger("authflow.transport")

_CONTENT_TYPE: Final = "application/x-amz-json-1.1"
#: The largest answer body accepted. Cognito's answers are a few kilobytes (the largest, a ListUsers
#: page, stays far below this); a peer that sends more is refused before it costs memory.
MAX_RESPONSE_BYTES: Final = 1024 * 1024
_OPERATION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")
# Headers the transport always sets itself; ``extra_headers`` cannot override them.
_RESERVED_HEADERS = frozenset({"content-type", "x-amz-target"})


class AiohttpTransport:
    """Send Cognito user-pool operations over aiohttp.

    >>> async with AiohttpTransport("https://cognito-idp.us-east-1.amazonaws.com") as t:
    ...     user = await t.send("GetUser", {"AccessToken": token})  # doctest: +SKIP

    ``session``: borrow an existing :class:`aiohttp.ClientSession` (left open by :meth:`close`);
    without one the transport creates, owns and closes its own (no cookie jar), passing it
    ``trace_configs``. ``connect_timeout`` bounds getting a connection (pool wait, DNS, TCP, TLS);
    ``total_timeout`` bounds one attempt from start to the last body byte (and caps
    ``connect_timeout``); ``retry`` bounds all attempts together (see the module docstring for
    what is resent). ``extra_headers`` are added to every request (they cannot replace
    ``Content-Type`` or ``X-Amz-Target``; their values never appear in a repr or a log).
    ``max_response_bytes`` (default :data:`MAX_RESPONSE_BYTES`, 1 MiB) caps an answer's body: a
    longer one is a :class:`ProtocolViolationError`, read no further than the cap.
    ``signer`` (a :class:`~authflow.transport.sigv4.SigV4Signer`) signs every attempt of the
    IAM-authorized operations (AdminInitiateAuth, …; see
    :func:`~authflow.transport.sigv4.signature_required`) and nothing else; its ``Authorization``
    header, signature and session token are redacted like the payload's secrets.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        session: aiohttp.ClientSession | None = None,
        connect_timeout: float = 5.0,
        total_timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] | None = None,
        user_agent: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        signer: SigV4Signer | None = None,
    ) -> None:
        self._url = _parse_endpoint(endpoint)
        if signer is not None and not isinstance(signer, SigV4Signer):
            raise ValidationError("signer must be a SigV4Signer", field="signer")
        self._signer = signer
        if (
            not isinstance(max_response_bytes, int)
            or isinstance(max_response_bytes, bool)
            or max_response_bytes < 1024
        ):
            raise ValidationError(
                "max_response_bytes must be an int of at least 1024", field="max_response_bytes"
            )
        self._max_response_bytes = max_response_bytes
        if not (connect_timeout > 0 and total_timeout > 0):
            raise ValidationError("timeouts must be positive", field="connect_timeout")
        if session is not None and trace_configs:
            raise ValidationError(
                "trace_configs apply to the session the transport creates; "
                "add them to the borrowed session instead",
                field="trace_configs",
            )
        self._session = session
        self._owns_session = session is None
        self._trace_configs = list(trace_configs or ())
        self._timeout = aiohttp.ClientTimeout(
            total=total_timeout, connect=min(connect_timeout, total_timeout)
        )
        self._retry = retry if retry is not None else RetryPolicy()
        self._headers = _base_headers(user_agent, extra_headers or {})
        self._closed = False

    def __repr__(self) -> str:
        # The endpoint without any user:password part; header values are never shown.
        owner = "owned" if self._owns_session else "borrowed"
        signed = "" if self._signer is None else f", signer={self._signer!r}"
        return (
            f"AiohttpTransport(endpoint={str(self._url.with_user(None))!r}, session={owner}, "
            f"closed={self._closed}{signed})"
        )

    @property
    def endpoint(self) -> str:
        """The URL requests are posted to (without credentials)."""
        return str(self._url.with_user(None))

    @property
    def signer(self) -> SigV4Signer | None:
        """The signer of IAM-authorized operations, if any."""
        return self._signer

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy in force."""
        return self._retry

    @property
    def total_timeout(self) -> float:
        """Seconds one attempt may take, start to last body byte (as configured)."""
        return float(self._timeout.total or 0.0)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    async def __aenter__(self) -> AiohttpTransport:
        self._ensure_session()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this transport created it; a borrowed one is left open.

        Idempotent. Any later :meth:`send` raises :class:`InvalidStateError`.
        """
        if self._closed:
            return
        self._closed = True
        if self._owns_session and self._session is not None:
            await self._session.close()

    async def send(self, operation: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """POST ``payload`` as ``operation`` and return the decoded JSON object.

        Raises :class:`ValidationError` (before sending) for a bad operation name or a payload
        that is not JSON, :class:`~authflow.protocol.errors.CredentialsError` (before sending)
        when an operation to sign finds no usable AWS credentials, :class:`ServiceError`
        subclasses for error answers,
        :class:`ProtocolViolationError` for a 2xx that is not a JSON object, and
        :class:`TransportError`/:class:`TransportTimeoutError` when no answer arrived.
        """
        body = _encode(operation, payload)
        session = self._ensure_session()
        headers = {**self._headers, "X-Amz-Target": target_header(operation)}
        # redact() scrubs every spelling of each of these (see redaction_forms)
        secrets = secrets_of(payload)
        policy = self._retry
        idempotent = operation in IDEMPOTENT_OPERATIONS
        signer = self._signer if signature_required(operation) else None
        deadline = None if policy.max_total_time is None else policy.clock() + policy.max_total_time
        attempt = 0
        while True:
            attempt += 1
            timeout = self._timeout
            if deadline is not None:
                left = max(deadline - policy.clock(), 0.001)
                if timeout.total is not None and left < timeout.total:
                    timeout = aiohttp.ClientTimeout(
                        total=left, connect=min(left, timeout.connect or left)
                    )
            sent_headers, sent_secrets = headers, secrets
            if signer is not None:  # signed per attempt: the signature holds the time
                sent_headers = await signer.sign(
                    method="POST", url=self._url, headers=headers, body=body
                )
                sent_secrets = secrets | frozenset(signature_secrets(sent_headers))
            try:
                return await self._attempt(
                    session, operation, body, sent_headers, sent_secrets, attempt, timeout
                )
            except (ServiceError, TransportError) as error:
                if attempt >= policy.max_attempts or not _may_resend(error, idempotent):
                    raise
                delay = policy.delay(attempt)
                if deadline is not None and policy.clock() + delay >= deadline:
                    raise
                logger.info(
                    "%s attempt %d/%d failed (%s); retrying in %.3fs",
                    operation,
                    attempt,
                    policy.max_attempts,
                    _describe(error),
                    delay,
                )
                await policy.sleep(delay)

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise InvalidStateError("the transport is closed", state="closed", trigger="send")
        if self._session is None:
            # Created here, inside the running loop, rather than in __init__.
            self._session = aiohttp.ClientSession(
                trace_configs=self._trace_configs or None,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        elif self._session.closed:
            raise InvalidStateError("the borrowed session is closed", state="closed")
        return self._session

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        operation: str,
        body: bytes,
        headers: Mapping[str, str],
        secrets: Iterable[str],
        attempt: int,
        limits: aiohttp.ClientTimeout,
    ) -> dict[str, Any]:
        logger.debug("%s attempt %d: sending %d bytes", operation, attempt, len(body))
        try:
            async with session.post(
                self._url,
                data=body,
                headers=headers,
                timeout=limits,
                allow_redirects=False,
                raise_for_status=False,
            ) as response:
                status = response.status
                reason = response.reason or ""
                response_headers = response.headers
                raw = await _read_capped(response, self._max_response_bytes)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:  # the one mapping point
            # The aiohttp exception is not chained (``from None``): its text may quote what the
            # peer sent (a malformed status line echoing the password as a bytes repr), and a
            # chained cause is printed by every traceback. Ours is redacted; its type is kept.
            if isinstance(exc, aiohttp.ClientResponseError):
                # With redirects off and no raise_for_status, aiohttp raises this only when it
                # cannot parse the response (bad status line, forbidden duplicate header, ...).
                logger.debug("%s attempt %d: unparsable HTTP response", operation, attempt)
                raise ProtocolViolationError(
                    redact(f"{operation}: unparsable HTTP response: {exc.message}", secrets)
                ) from None
            error = _transport_error(operation, exc, secrets)
            logger.debug("%s attempt %d: %s", operation, attempt, _describe(error))
            raise error from None
        request_id = response_headers.get("x-amzn-RequestId")
        logger.debug(
            "%s attempt %d: HTTP %d, %d bytes, request id %s",
            operation,
            attempt,
            status,
            len(raw),
            request_id,
        )
        if 200 <= status < 300:
            return _decode_success(operation, status, raw)
        raise _service_error(operation, status, reason, response_headers, raw, secrets)


async def _read_capped(response: aiohttp.ClientResponse, cap: int) -> bytes:
    """The body, or ProtocolViolationError once it is longer than ``cap`` bytes (never reading
    more than ``cap`` + one chunk; a declared Content-Length over the cap is refused unread)."""
    declared = response.content_length
    if declared is not None and declared > cap:
        response.close()
        raise ProtocolViolationError(
            f"the answer declares {declared} bytes, more than the {cap}-byte limit"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > cap:
            response.close()
            raise ProtocolViolationError(f"the answer is longer than the {cap}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_endpoint(endpoint: str) -> URL:
    try:
        url = URL(endpoint)
    except (TypeError, ValueError):
        raise ValidationError("endpoint is not a URL", field="endpoint") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValidationError(
            "endpoint must be an absolute http(s) URL, e.g. "
            "https://cognito-idp.us-east-1.amazonaws.com",
            field="endpoint",
        )
    # Cognito's path is always "/"; a custom endpoint may add a prefix (an emulator behind a
    # proxy), which is kept as given.
    return url if url.path else url.with_path("/")


def _base_headers(user_agent: str | None, extra: Mapping[str, str]) -> dict[str, str]:
    headers = {k: v for k, v in extra.items() if k.lower() not in _RESERVED_HEADERS}
    if user_agent is not None or not any(k.lower() == "user-agent" for k in headers):
        headers = {k: v for k, v in headers.items() if k.lower() != "user-agent"}
        headers["User-Agent"] = user_agent or (
            f"authflow/{__version__} aiohttp/{aiohttp.__version__} "
            f"python/{platform.python_version()}"
        )
    headers["Content-Type"] = _CONTENT_TYPE
    return headers


def _encode(operation: str, payload: Mapping[str, Any]) -> bytes:
    if not isinstance(operation, str) or not _OPERATION_NAME.match(operation):
        raise ValidationError("operation must be a Cognito operation name", field="operation")
    if not isinstance(payload, Mapping):
        raise ValidationError(f"{operation} payload must be a mapping", field="payload")
    try:
        text = json.dumps(dict(payload), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:
        # The exception text is not quoted: it may contain a value.
        raise ValidationError(
            f"{operation} payload is not JSON-serialisable ({type(exc).__name__})", field="payload"
        ) from None


def _decode_success(operation: str, status: int, raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ProtocolViolationError(
            f"{operation}: the HTTP {status} answer is not JSON ({len(raw)} bytes)"
        ) from None
    if not isinstance(data, dict):
        raise ProtocolViolationError(
            f"{operation}: the HTTP {status} answer is JSON but not an object "
            f"({type(data).__name__})"
        )
    return data


def _service_error(
    operation: str,
    status: int,
    reason: str,
    headers: CIMultiDictProxy[str],
    raw: bytes,
    secrets: Iterable[str],
) -> ServiceError:
    body: object = None
    if raw.strip():
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            body = None  # an HTML page or plain text: the code can still be in the header
    code = error_code_from(headers.get("x-amzn-ErrorType"), body)
    message = ""
    reason_code = None
    if isinstance(body, dict):
        message = next((v for k in ("message", "Message") if isinstance(v := body.get(k), str)), "")
        if isinstance(body.get("reasonCode"), str):
            reason_code = body["reasonCode"]
    if not message:
        message = headers.get("x-amzn-ErrorMessage", "")
    if code is None:
        code = f"HTTP{status}"
        content_type = headers.get("Content-Type", "no content type")
        detail = f"HTTP {status} {reason}".rstrip()
        suffix = f"{content_type} body of {len(raw)} bytes, no Cognito error code"
        message = f"{detail}: {message} ({suffix})" if message else f"{detail} ({suffix})"
    error = service_error(
        code,
        redact(message, secrets),
        status=status,
        request_id=headers.get("x-amzn-RequestId"),
        operation=operation,
        reason_code=reason_code,
    )
    if status == 429:
        error.retryable = True
    return error


def _transport_error(operation: str, exc: Exception, secrets: Iterable[str]) -> TransportError:
    text = redact(f"{operation}: {type(exc).__name__}: {exc}".rstrip(": "), secrets)
    error: TransportError
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        error = TransportTimeoutError(text, operation=operation, sent=False)
    elif isinstance(exc, aiohttp.ClientSSLError | aiohttp.ServerFingerprintMismatch):
        # A TLS failure happens before the request is written and does not heal by itself.
        error = TransportError(text, operation=operation, sent=False)
        error.retryable = False
    elif isinstance(exc, aiohttp.ClientConnectorError):
        error = TransportError(text, operation=operation, sent=False)
    elif isinstance(exc, TimeoutError):
        # A read or total timeout: the request may have been written and processed.
        error = TransportTimeoutError(text, operation=operation, sent=True)
    else:
        error = TransportError(text, operation=operation, sent=True)
    return error


def _may_resend(error: ServiceError | TransportError, idempotent: bool) -> bool:
    """Whether resending after ``error`` is safe (see the module docstring)."""
    if not error.retryable:
        return False
    if isinstance(error, TransportError):
        return error.sent is False or idempotent
    codeless = error.code == f"HTTP{error.status}"
    if codeless and error.status not in (429, 503):
        return idempotent
    return True


def _describe(error: ServiceError | TransportError) -> str:
    # For logs: the class, code and status; never the message (it is the peer's text).
    if isinstance(error, ServiceError):
        return f"{type(error).__name__} {error.code} HTTP {error.status} {error.request_id}"
    return f"{type(error).__name__} sent={error.sent}"

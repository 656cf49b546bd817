"""Fetching and caching JSON Web Key Sets, one entry per JWKS URI (that is, per issuer).

The rules, after AWS's aws-jwt-verify:

* **No TTL.** Keys are fetched on the first token and then only when a token names a ``kid``
  the cached set lacks. A successful fetch replaces the set (a key the issuer withdrew stops
  verifying); a failed one changes nothing, so cached keys keep verifying while the JWKS endpoint
  is down (stale-while-error).
* **Single flight.** However many verifications meet an unknown ``kid`` at once, one request is
  made and they all wait for it.
* **Rate limited.** After a fetch that still lacks the wanted ``kid`` (or failed), further
  unknown-``kid`` fetches for that URI are refused for ``penalty`` seconds
  (:class:`UnknownKeyError`, or :class:`JwksUnavailableError` after a failure) without a request,
  so a flood of tokens with random ``kid`` values costs one request per ``penalty``.
* **Bounded.** Each attempt has a connect timeout and an overall one; the body is read up to
  ``max_bytes``; one retry, only after a connection that could not be made.
* **Strict about keys.** Only RSA keys (``kty`` ``RSA``) of at least 2048 bits whose ``use`` (if
  given) is ``sig`` and ``alg`` (if given) is ``RS256`` are kept; a key carrying private
  material is dropped. Other entries are skipped, not fatal; a set with no usable key is a failed
  fetch.

The HTTP client is an :class:`aiohttp.ClientSession`, borrowed (left open) or created on first use
and owned (closed by :meth:`JwksCache.close`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any, Final

import aiohttp
import attrs
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm
from jwt.exceptions import InvalidKeyError, PyJWKError

from authflow.protocol.errors import InvalidStateError, ValidationError
from authflow.verify.errors import JwksUnavailableError, UnknownKeyError

__all__ = ["JwksCache", "JwksTimeouts", "parse_jwks"]

log = logging.getLogger("authflow.verify")

_MIN_RSA_BITS: Final = 2048


@attrs.frozen
class JwksTimeouts:
    """Bounds on one JWKS request: ``connect`` (getting a connection) and ``total`` (the whole
    attempt, to the last body byte). aws-jwt-verify uses 1.5 s and 3 s."""

    connect: float = attrs.field(default=1.5)
    total: float = attrs.field(default=3.0)

    @connect.validator
    @total.validator
    def _positive(self, attribute: attrs.Attribute[float], value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 60:
            raise ValidationError(f"{attribute.name} must be in (0, 60] seconds", field="timeouts")


def _rsa_key(jwk: Mapping[str, Any]) -> RSAPublicKey | None:
    """The public key of one JWK entry, or ``None`` when authflow does not accept it."""
    if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
        return None
    if jwk.get("alg", "RS256") != "RS256" or "d" in jwk:
        return None
    if not isinstance(jwk.get("n"), str) or not isinstance(jwk.get("e"), str):
        return None
    try:
        key = RSAAlgorithm.from_jwk(dict(jwk))
    except (InvalidKeyError, PyJWKError, ValueError, TypeError):
        return None
    if not isinstance(key, RSAPublicKey) or key.key_size < _MIN_RSA_BITS:
        return None
    return key


def parse_jwks(body: bytes) -> dict[str, RSAPublicKey]:
    """``kid -> public key`` for every usable key in a JWKS document.

    Raises :class:`JwksUnavailableError` when ``body`` is not a JSON object with a ``keys`` list,
    or holds no usable key.
    """
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise JwksUnavailableError("the JWKS is not JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JwksUnavailableError("the JWKS is not a JSON object with a keys list")
    keys: dict[str, RSAPublicKey] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        key = _rsa_key(entry)
        if key is not None and entry["kid"] not in keys:
            keys[entry["kid"]] = key
    if not keys:
        raise JwksUnavailableError("the JWKS has no usable RS256 key")
    return keys


def _start(fetch: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    task = asyncio.ensure_future(fetch)
    # Every waiter sees the outcome; should they all have been cancelled, the exception is still
    # retrieved here so asyncio does not log it as never retrieved.
    task.add_done_callback(lambda t: None if t.cancelled() else t.exception())
    return task


class _Entry:
    """What is known about one JWKS URI."""

    __slots__ = ("fetch", "keys", "last_failed", "retry_after")

    def __init__(self) -> None:
        self.keys: dict[str, RSAPublicKey] = {}
        self.fetch: asyncio.Task[None] | None = None
        #: Monotonic time before which an unknown kid does not start a fetch.
        self.retry_after = -float("inf")
        self.last_failed = False


class JwksCache:
    """JWKS per URI with single-flight, rate-limited refetch on an unknown ``kid``.

    >>> cache = JwksCache()
    >>> key = await cache.get_key("https://.../.well-known/jwks.json", kid)  # doctest: +SKIP

    Share one cache between verifiers of the same pool (one for access tokens, one for ID
    tokens) so they fetch once. ``penalty`` is the cool-down after a useless or failed fetch;
    ``clock`` (monotonic seconds) is injectable for tests. :attr:`fetch_count` counts HTTP
    requests made, retries included.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        timeouts: JwksTimeouts | None = None,
        penalty: float = 10.0,
        max_bytes: int = 256 * 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise ValidationError("session must be an aiohttp.ClientSession", field="session")
        if isinstance(penalty, bool) or not isinstance(penalty, int | float) or not 0 <= penalty:
            raise ValidationError("penalty must be a number of seconds >= 0", field="penalty")
        if penalty > 3600:
            raise ValidationError("penalty must be at most 3600 seconds", field="penalty")
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1024:
            raise ValidationError("max_bytes must be an int >= 1024", field="max_bytes")
        self._session = session
        self._owns_session = session is None
        timeouts = timeouts if timeouts is not None else JwksTimeouts()
        self._timeout = aiohttp.ClientTimeout(
            total=timeouts.total, connect=min(timeouts.connect, timeouts.total)
        )
        self._penalty = float(penalty)
        self._max_bytes = max_bytes
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._closed = False
        #: HTTP requests made so far (every attempt counts).
        self.fetch_count = 0

    def __repr__(self) -> str:
        owner = "owned" if self._owns_session else "borrowed"
        return f"JwksCache(uris={len(self._entries)}, session={owner}, closed={self._closed})"

    async def __aenter__(self) -> JwksCache:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Cancel fetches in flight and close the session if this cache created it. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for entry in self._entries.values():
            if entry.fetch is not None:
                entry.fetch.cancel()
        if self._owns_session and self._session is not None:
            await self._session.close()

    def cached_key(self, uri: str, kid: str) -> RSAPublicKey | None:
        """The cached key ``kid`` of ``uri``, without any I/O."""
        entry = self._entries.get(uri)
        return None if entry is None else entry.keys.get(kid)

    def kids(self, uri: str) -> frozenset[str]:
        """The ``kid`` values cached for ``uri``."""
        entry = self._entries.get(uri)
        return frozenset(entry.keys) if entry is not None else frozenset()

    async def get_key(self, uri: str, kid: str) -> RSAPublicKey:
        """The key ``kid`` of the JWKS at ``uri``, fetching the set when it is not cached.

        Raises :class:`UnknownKeyError` when the (re)fetched set lacks ``kid`` or a recent fetch
        did, :class:`JwksUnavailableError` when the set cannot be fetched.
        """
        entry = self._entries.get(uri)
        if entry is not None and (key := entry.keys.get(kid)) is not None:
            return key
        if entry is None:
            entry = self._entries[uri] = _Entry()
        if entry.fetch is None:
            if self._clock() < entry.retry_after:
                if entry.last_failed:
                    raise JwksUnavailableError(
                        "the JWKS could not be fetched recently; not retrying yet"
                    )
                raise UnknownKeyError("the token's kid is not in the issuer's JWKS")
            entry.fetch = _start(self._refetch(uri, entry, kid))
        # Shielded: a cancelled caller does not cancel the fetch the others are waiting for.
        await asyncio.shield(entry.fetch)
        key = entry.keys.get(kid)
        if key is None:
            raise UnknownKeyError("the token's kid is not in the issuer's JWKS")
        return key

    async def refresh(self, uri: str) -> frozenset[str]:
        """Fetch ``uri`` now (e.g. at start-up, to take the first request's latency away) and
        return the cached ``kid`` values. Joins a fetch already in flight; ignores the penalty."""
        entry = self._entries.setdefault(uri, _Entry())
        if entry.fetch is None:
            entry.fetch = _start(self._refetch(uri, entry, None))
        await asyncio.shield(entry.fetch)
        return frozenset(entry.keys)

    async def _refetch(self, uri: str, entry: _Entry, wanted: str | None) -> None:
        try:
            try:
                entry.keys = await self._download(uri)
            except JwksUnavailableError:
                entry.last_failed = True
                entry.retry_after = self._clock() + self._penalty
                raise
            entry.last_failed = False
            if wanted is not None and wanted not in entry.keys:
                entry.retry_after = self._clock() + self._penalty
        finally:
            entry.fetch = None

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise InvalidStateError("the JWKS cache is closed", state="closed")
        if self._session is None:
            self._session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
        elif self._session.closed:
            raise InvalidStateError("the borrowed session is closed", state="closed")
        return self._session

    async def _download(self, uri: str) -> dict[str, RSAPublicKey]:
        session = self._ensure_session()
        for attempt in (1, 2):
            self.fetch_count += 1
            try:
                body = await self._get(session, uri)
            except aiohttp.ClientConnectorError as exc:
                # Nothing was sent: one retry, as aws-jwt-verify does.
                log.info(
                    "JWKS %s attempt %d: cannot connect (%s)", uri, attempt, type(exc).__name__
                )
                if attempt == 2:
                    raise JwksUnavailableError("the JWKS endpoint cannot be reached") from None
                continue
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                log.info("JWKS %s attempt %d: %s", uri, attempt, type(exc).__name__)
                raise JwksUnavailableError(
                    f"the JWKS request failed ({type(exc).__name__})"
                ) from None
            try:
                keys = parse_jwks(body)
            except JwksUnavailableError as exc:
                log.warning("JWKS %s: %s", uri, exc)
                raise
            log.info("JWKS %s: %d key(s) cached", uri, len(keys))
            return keys
        raise AssertionError("unreachable")  # pragma: no cover

    async def _get(self, session: aiohttp.ClientSession, uri: str) -> bytes:
        async with session.get(
            uri,
            timeout=self._timeout,
            allow_redirects=False,
            raise_for_status=False,
            headers={"Accept": "application/json"},
        ) as response:
            if response.status != 200:
                raise JwksUnavailableError(f"the JWKS endpoint answered HTTP {response.status}")
            if (response.content_length or 0) > self._max_bytes:
                raise JwksUnavailableError("the JWKS is too large")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.content.iter_chunked(16 * 1024):
                size += len(chunk)
                if size > self._max_bytes:
                    raise JwksUnavailableError("the JWKS is too large")
                chunks.append(chunk)
            return b"".join(chunks)

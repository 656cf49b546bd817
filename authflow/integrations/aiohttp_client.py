"""Calling an API with Cognito tokens: aiohttp client middlewares that add the access token,
for a signed-in user (:class:`BearerAuth`) or for the app itself (:class:`ClientCredentialsAuth`,
client-credentials tokens).

>>> async with aiohttp.ClientSession(middlewares=(BearerAuth(auth, flow.session_key),)) as http:
...     async with http.get("https://api.example.com/orders") as response:
...         ...

Needs aiohttp 3.12+ (``ClientSession(middlewares=...)``; the ``verify`` extra pins it). Each
request gets ``Authorization: Bearer <access token>`` from ``auth.access_token(session_key)``,
which refreshes single-flight shortly before expiry. A 401 answer makes one retry with a fresh
token: if the session's current token is still the one that was refused, it is refreshed with
``force=True`` (so many concurrent 401s cost one refresh); otherwise the newer one is used. Never
more than one retry, and none when the request body cannot be sent again (a stream already
consumed). When no fresh token can be had after a 401 (the refresh fails; a definitive failure
signs the session out), the 401 is returned as is. Getting the first token can fail too (no such
session, signed out, Cognito unreachable): that error propagates, and aiohttp re-raises those that
are ``OSError`` subclasses (:class:`~authflow.protocol.errors.NotAuthorizedError`,
:class:`~authflow.protocol.errors.TransportError`) as :class:`aiohttp.ClientOSError` with the
typed error as ``__cause__``.

The token only goes to the origins it is meant for: the ``origins`` given, or else the origin of
the first request made through this middleware (as aiohttp's digest-auth middleware does), so a
redirect to another host does not receive it.

:class:`ClientCredentialsAuth` does the same with a
:class:`~authflow.sessions.client_credentials.ClientCredentials` source (machine-to-machine
calls): each request gets the cached client-credentials token; a 401 fetches a new one once
(``refetch``: one request however many calls were refused with the same token) and retries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiohttp import ClientHandlerType, ClientRequest, ClientResponse, hdrs
from yarl import URL

from authflow.client import AuthClient
from authflow.protocol.errors import AuthflowError, ValidationError
from authflow.sessions.client_credentials import ClientCredentials

__all__ = ["BearerAuth", "ClientCredentialsAuth"]

log = logging.getLogger("authflow.integrations")


def _origin(value: str | URL) -> URL:
    try:
        url = URL(value)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(value)
        return url.origin()
    except (TypeError, ValueError):
        raise ValidationError("origins must be absolute http(s) URLs", field="origins") from None


class _TokenMiddleware:
    """What both middlewares do: add the token for the allowed origins, retry once on a 401."""

    def __init__(self, origins: Iterable[str] | None) -> None:
        if isinstance(origins, str):
            raise ValidationError("origins must be a list of URLs", field="origins")
        self._origins: set[URL] | None = (
            None if origins is None else {_origin(o) for o in origins}
        )
        #: How many requests were sent again after a 401.
        self.retries = 0

    def _shown_origins(self) -> list[str] | None:
        return None if self._origins is None else sorted(str(o) for o in self._origins)

    async def _token(self) -> str:
        raise NotImplementedError

    async def _fresh_token(self, sent: str) -> str:
        raise NotImplementedError

    async def __call__(self, request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        """Add the token, send, and on a 401 send once more with a fresh token."""
        origin = request.url.origin()
        if self._origins is None:
            self._origins = {origin}
        if origin not in self._origins:
            return await handler(request)
        sent = await self._token()
        request.headers[hdrs.AUTHORIZATION] = f"Bearer {sent}"
        response = await handler(request)
        if response.status != 401 or not _replayable(request):
            return response
        try:
            fresh = await self._fresh_token(sent)
        except AuthflowError as exc:
            # The server refused the token and no new one can be had: its 401 is the answer.
            log.info("no fresh token after a 401 (%s)", type(exc).__name__)
            return response
        response.release()
        self.retries += 1
        log.info("%s %s answered 401; retrying once with a fresh token", request.method, origin)
        request.headers[hdrs.AUTHORIZATION] = f"Bearer {fresh}"
        return await handler(request)


class BearerAuth(_TokenMiddleware):
    """aiohttp client middleware: ``Authorization: Bearer`` from an :class:`AuthClient` session.

    ``auth``: the client holding the session; ``session_key``: whose token (``flow.session_key``);
    ``origins``: where the token may be sent (e.g. ``["https://api.example.com"]``); by default
    the first request's origin. :attr:`retries` counts 401-driven retries.
    """

    def __init__(
        self, auth: AuthClient, session_key: str, *, origins: Iterable[str] | None = None
    ) -> None:
        if not isinstance(auth, AuthClient):
            raise ValidationError("auth must be an AuthClient", field="auth")
        if not isinstance(session_key, str) or not session_key:
            raise ValidationError("session_key must be a non-empty str", field="session_key")
        super().__init__(origins)
        self._auth = auth
        self._key = session_key

    def __repr__(self) -> str:
        return f"BearerAuth(origins={self._shown_origins()!r})"

    async def _token(self) -> str:
        return await self._auth.access_token(self._key)

    async def _fresh_token(self, sent: str) -> str:
        current = await self._auth.access_token(self._key)
        if current != sent:
            return current  # someone refreshed since this request was sent
        record = await self._auth.sessions.refresh(self._key, force=True)
        return record.tokens.access_token


class ClientCredentialsAuth(_TokenMiddleware):
    """aiohttp client middleware: ``Authorization: Bearer`` with a client-credentials token
    (machine-to-machine calls).

    >>> m2m = auth.client_credentials(scopes=["orders/read"])  # doctest: +SKIP
    >>> http = aiohttp.ClientSession(middlewares=(ClientCredentialsAuth(m2m),))  # doctest: +SKIP

    ``source``: the :class:`~authflow.sessions.client_credentials.ClientCredentials` giving
    the tokens; ``origins``: where the token may be sent, by default the first request's origin.
    A 401 fetches a new token (``source.refetch``, one request for a burst of 401s) and retries
    once. :attr:`retries` counts 401-driven retries.
    """

    def __init__(self, source: ClientCredentials, *, origins: Iterable[str] | None = None) -> None:
        if not isinstance(source, ClientCredentials):
            raise ValidationError("source must be a ClientCredentials", field="source")
        super().__init__(origins)
        self._source = source

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(source={self._source!r}, origins={self._shown_origins()!r})"

    async def _token(self) -> str:
        return await self._source.access_token()

    async def _fresh_token(self, sent: str) -> str:
        return await self._source.refetch(sent)


def _replayable(request: ClientRequest) -> bool:
    body = request.body
    # b"" (no body) or a payload that can be written again (bytes, form, JSON, seekable file);
    # a consumed stream cannot.
    return not getattr(body, "consumed", False)

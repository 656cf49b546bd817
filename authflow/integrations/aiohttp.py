"""Protecting aiohttp.web routes with Cognito access tokens.

>>> verifier = TokenVerifier(POOL_ID, client_ids=[CLIENT_ID], token_use="access")
>>> app = web.Application(middlewares=[bearer_auth(verifier)])
>>> @require_token(scopes=["orders/read"])
... async def orders(request: web.Request) -> web.Response:
...     claims = request["auth"]          # a TokenClaims
...     return web.json_response({"user": claims.username})

Routes without :func:`require_token` stay public (``request["auth"]`` is ``None``, no token is
read); ``bearer_auth(verifier, protect_all=True)`` protects every route instead. Refusals follow
RFC 6750 (see :mod:`authflow.integrations.bearer`): 401 ``invalid_token``, 403
``insufficient_scope``, 400 ``invalid_request``, 503 when the keys or the revocation check are
unavailable; never a 500 for a bad token.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Final, TypeVar

from aiohttp import web

from authflow.integrations.bearer import (
    BearerRefusal,
    TokenRequirement,
    bearer_token,
    refusal_for,
)
from authflow.protocol.errors import ValidationError
from authflow.verify.claims import TokenClaims
from authflow.verify.errors import InvalidTokenError
from authflow.verify.verifier import TokenVerifier

__all__ = ["AUTH_KEY", "bearer_auth", "require_token"]

log = logging.getLogger("authflow.integrations")

#: Where the verified claims go: ``request[AUTH_KEY]``.
AUTH_KEY: Final = "auth"
_MARK: Final = "__authflow_requirement__"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
H = TypeVar("H", bound=Callable[..., object])


def require_token(*, scopes: Iterable[str] = (), groups: Iterable[str] = ()) -> Callable[[H], H]:
    """Mark a handler (a coroutine function or a :class:`web.View` class) as needing a valid
    token with every scope in ``scopes`` and, if given, one of ``groups``.

    Fails closed: a marked function handler called without :func:`bearer_auth` having verified
    the request answers 500 instead of running unprotected.
    """
    requirement = TokenRequirement.of(scopes=scopes, groups=groups)

    def mark(handler: H) -> H:
        if isinstance(handler, type):
            setattr(handler, _MARK, requirement)
            return handler

        @functools.wraps(handler)
        async def guarded(request: web.Request) -> object:
            if not isinstance(request.get(AUTH_KEY), TokenClaims):
                log.error("%s requires a token but bearer_auth is not installed", request.path)
                raise web.HTTPInternalServerError(text="authentication is not configured")
            result = handler(request)
            return await result  # type: ignore[misc]

        setattr(guarded, _MARK, requirement)
        return guarded  # type: ignore[return-value]

    return mark


def _respond(refusal: BearerRefusal, realm: str | None) -> web.Response:
    return web.json_response(refusal.body(), status=refusal.status, headers=refusal.headers(realm))


def bearer_auth(
    verifier: TokenVerifier, *, realm: str | None = None, protect_all: bool = False
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """An aiohttp middleware that verifies ``Authorization: Bearer`` tokens with ``verifier``
    for routes marked by :func:`require_token` (every route with ``protect_all=True``) and puts
    the :class:`~authflow.verify.TokenClaims` on ``request["auth"]``.

    ``realm`` is echoed in ``WWW-Authenticate``.
    """
    if not isinstance(verifier, TokenVerifier):
        raise ValidationError("verifier must be a TokenVerifier", field="verifier")
    default = TokenRequirement() if protect_all else None

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        route_handler = getattr(request.match_info, "handler", None)
        requirement = getattr(route_handler, _MARK, None) or default
        if requirement is None:
            request[AUTH_KEY] = None
            return await handler(request)
        token = bearer_token(request.headers.getall("Authorization", []))
        if isinstance(token, BearerRefusal):
            return _respond(token, realm)
        try:
            claims = await verifier.verify(token)
            claims.require(scopes=requirement.scopes, groups=requirement.groups)
        except InvalidTokenError as exc:
            log.info("%s %s: token refused (%s)", request.method, request.path, type(exc).__name__)
            return _respond(refusal_for(exc), realm)
        request[AUTH_KEY] = claims
        return await handler(request)

    return middleware

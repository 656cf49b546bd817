"""The OAuth 2.0 endpoints and managed login pages over HTTP.

Each pool domain (CreateUserPoolDomain) is served two ways:

* path-routed: the domain's base URL is ``{endpoint}/domains/{prefix}``, so its endpoints are
  ``{endpoint}/domains/{prefix}/oauth2/authorize`` … exactly Cognito's paths under that base;
* Host-routed: a request whose ``Host`` is ``{prefix}.auth.{region}.amazoncognito.com`` (the
  emulator's region) finds the same endpoints at the root (``/oauth2/token`` …), as on Cognito.

Routes (``{domain}`` is either base): ``GET {domain}/oauth2/authorize``,
``GET``/``POST {domain}/login``, ``GET {domain}/error``, ``POST {domain}/oauth2/token``,
``GET``/``POST {domain}/oauth2/userInfo``, ``POST {domain}/oauth2/revoke``,
``GET {domain}/logout``. The work is :class:`~authflow.emulator.oauth.endpoints.OAuthEndpoints`'
(run off the event loop: it signs tokens).

Every request meets the fault rules first, under the operation names in
:data:`OAUTH_FAULT_OPERATIONS` (``emu.faults.add("throttle", operation="oauth2/token")``):
``throttle`` → 429 ``{"error": "too_many_requests"}``, ``internal_error`` → 500
``{"error": "server_error"}`` (both UNCONFIRMED), ``bad_gateway``, ``drop`` and ``drop_after`` as
for the Cognito API.
"""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor

from aiohttp import web
from multidict import CIMultiDict

from authflow.emulator.core import EmulatorCore
from authflow.emulator.fault_routes import fault_response
from authflow.emulator.faults import Faults
from authflow.emulator.oauth.http_messages import DomainRequest, HttpAnswer

__all__ = ["DOMAIN_HOST", "OAUTH_FAULT_OPERATIONS", "add_oauth_routes"]

log = logging.getLogger("authflow.emulator")

#: ``Host`` of a Cognito prefix domain: ``{prefix}.auth.{region}.amazoncognito.com``.
DOMAIN_HOST = re.compile(
    r"(?P<prefix>[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)\.auth\.(?P<region>[a-z0-9\-]+)"
    r"\.amazoncognito\.com"
)
# (method, path under the domain, OAuthEndpoints method, fault operation name)
_ROUTES = (
    ("GET", "/oauth2/authorize", "authorize", "oauth2/authorize"),
    ("GET", "/login", "login_form", "login"),
    ("POST", "/login", "login_submit", "login"),
    ("GET", "/error", "error_page", "error"),
    ("POST", "/oauth2/token", "token", "oauth2/token"),
    ("GET", "/oauth2/userInfo", "userinfo", "oauth2/userInfo"),
    ("POST", "/oauth2/userInfo", "userinfo", "oauth2/userInfo"),
    ("POST", "/oauth2/revoke", "revoke", "oauth2/revoke"),
    ("GET", "/logout", "logout", "logout"),
)
#: The operation names fault rules use for these endpoints.
OAUTH_FAULT_OPERATIONS = tuple(dict.fromkeys(route[3] for route in _ROUTES))


def _locate(request: web.Request, region: str) -> tuple[str, str] | None:
    """``(prefix, base path)`` of the domain a request is for, if any."""
    prefix = request.match_info.get("domain")
    if prefix is not None:
        return prefix, f"/domains/{prefix}"
    host = (request.host or "").rsplit(":", 1)[0].lower()
    match = DOMAIN_HOST.fullmatch(host)
    if match is None or match["region"] != region:
        return None
    return match["prefix"], ""


def _response(answer: HttpAnswer) -> web.Response:
    headers = CIMultiDict(answer.headers)
    headers["Content-Type"] = answer.content_type
    return web.Response(status=answer.status, body=answer.body.encode("utf-8"), headers=headers)


def _fault(request: web.Request, kind: str) -> web.Response:
    if kind == "throttle":
        return web.json_response({"error": "too_many_requests"}, status=429)
    if kind == "internal_error":
        return web.json_response({"error": "server_error"}, status=500)
    return fault_response(request, kind, "")


def add_oauth_routes(
    router: web.UrlDispatcher, core: EmulatorCore, faults: Faults, executor: Executor | None
) -> None:
    """Serve every pool domain's OAuth 2.0 endpoints, path- and Host-routed, through
    ``faults``."""
    for method, path, endpoint, operation in _ROUTES:
        handler = _handler(core, faults, executor, endpoint, operation)
        router.add_route(method, "/domains/{domain}" + path, handler)
        router.add_route(method, path, handler)


def _handler(
    core: EmulatorCore, faults: Faults, executor: Executor | None, endpoint: str, operation: str
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        located = _locate(request, core.region)
        if located is None:
            return web.json_response({"error": "not_found"}, status=404)
        plan = faults.plan(operation)
        if plan.delay:
            await asyncio.sleep(plan.delay)
        if plan.failure is not None and plan.failure != "drop_after":
            return _fault(request, plan.failure)
        body = await request.read() if request.method == "POST" else b""
        domain_request = DomainRequest(
            prefix=located[0],
            base_path=located[1],
            query=tuple(request.query.items()),
            raw_query=request.rel_url.raw_query_string,
            authorization=request.headers.get("Authorization"),
            content_type=request.headers.get("Content-Type"),
            cookies=dict(request.cookies),
            body=body,
        )
        loop = asyncio.get_running_loop()
        # core.oauth is looked up per request, so tests can stand in a failing endpoint.
        run = getattr(core.oauth, endpoint)
        try:
            answer = await loop.run_in_executor(executor, run, domain_request)
        except Exception as exc:  # a bug in the emulator: never leak the request
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("internal error in %s: %s\n%s", operation, type(exc).__name__, frames)
            response: web.StreamResponse = web.json_response(
                {"error": "server_error"}, status=500
            )
        else:
            response = _response(answer)
        if plan.failure == "drop_after":
            return fault_response(request, "drop", "")
        return response

    return handle

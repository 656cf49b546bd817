"""The emulator's HTTP face: a thin aiohttp.web app around :class:`EmulatorCore`.

Routes come in groups, each added by one small function, so a new surface (the OAuth 2.0
endpoints, say) is one more function over the same core:

* :func:`add_cognito_routes` — ``POST /``, AWS JSON 1.1: the operation comes from ``X-Amz-Target:
  AWSCognitoIdentityProviderService.<Operation>``, the body is its JSON input; responses as in
  :mod:`authflow.emulator.cognito_responses`. Signatures are ignored unless the app is given a
  :class:`~authflow.emulator.sigv4.SigV4Verifier`: then every IAM-authorized operation (``Admin*``,
  provisioning) must be signed with one of its credentials, checked before anything else, and the
  access key id travels to the handlers as ``RequestContext.signed_by``; public operations are never
  checked. Every request then meets the fault rules (``drop_after``: after the operation).
* :func:`add_well_known_routes` — ``GET /{poolId}/.well-known/jwks.json`` and
  ``…/openid-configuration``.
* :func:`add_signing_key_routes` — ``POST /_emulator/pools/{poolId}/rotate-keys``, a test control
  (Cognito rotates its keys unannounced): new signing keys for the pool
  (:meth:`~authflow.emulator.core.EmulatorCore.rotate_signing_keys`). The body is empty or
  ``{"retireOld": true|false}`` (default false: the replaced keys stay published until the next
  rotation); → 200 ``{"idTokenKid", "accessTokenKid", "previousKids", "retiredKids"}``, 400 for
  another body, 404 for an unknown pool.
* :func:`add_emulator_routes` — ``GET /_emulator/health`` → 200 ``{"status": "ok"}``;
  ``GET /_emulator/outbox[?username=…&purpose=…]`` → ``{"messages": [...]}``.
* :func:`~authflow.emulator.fault_routes.add_fault_routes` — ``/_emulator/faults``.
* :func:`~authflow.emulator.oauth_routes.add_oauth_routes` — each pool domain's OAuth 2.0
  endpoints and managed login pages (``/domains/{prefix}/oauth2/...``, or Host-routed).

The core runs in a worker thread so RSA signing and SRP maths never stall the event loop. Request
bodies are never logged; an unexpected exception is logged by type and traceback frames only.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from aiohttp import web

from authflow.emulator.cognito_responses import error_response, json_response
from authflow.emulator.core import EmulatorCore
from authflow.emulator.fault_routes import add_fault_routes, fault_response
from authflow.emulator.faults import Faults
from authflow.emulator.oauth_routes import add_oauth_routes
from authflow.emulator.sigv4 import SigV4Verifier, signature_required
from authflow.protocol.endpoints import TARGET_PREFIX
from authflow.protocol.errors import ResourceNotFoundError, ServiceError

__all__ = [
    "add_cognito_routes",
    "add_emulator_routes",
    "add_signing_key_routes",
    "add_well_known_routes",
    "build_app",
    "parse_json_body",
]

log = logging.getLogger("authflow.emulator")


def build_app(
    core: EmulatorCore,
    faults: Faults,
    executor: Executor | None = None,
    *,
    signatures: SigV4Verifier | None = None,
) -> web.Application:
    """The aiohttp application serving ``core`` with ``faults`` applied to Cognito requests;
    ``executor`` runs the core's operations; ``signatures`` (if given) verifies the SigV4
    signature of every IAM-authorized request."""
    app = web.Application(client_max_size=1024 * 1024)
    add_cognito_routes(app.router, core, faults, executor, signatures)
    add_emulator_routes(app.router, core)
    add_signing_key_routes(app.router, core, executor)
    add_fault_routes(app.router, faults)
    add_well_known_routes(app.router, core, executor)
    add_oauth_routes(app.router, core, faults, executor)
    return app


def add_cognito_routes(
    router: web.UrlDispatcher,
    core: EmulatorCore,
    faults: Faults,
    executor: Executor | None,
    signatures: SigV4Verifier | None = None,
) -> None:
    """``POST /``: the Cognito operations, through ``faults`` (and, IAM-authorized ones, through
    ``signatures`` when given)."""

    async def dispatch(request: web.Request) -> web.Response:
        request_id = str(uuid.uuid4())
        target = request.headers.get("X-Amz-Target", "")
        prefix, _, operation = target.partition(".")
        if prefix != TARGET_PREFIX or not operation:
            return error_response(
                ServiceError("Unknown operation", code="UnknownOperationException"), request_id
            )
        raw = await request.read()
        try:
            signed_by = _verified_signer(signatures, operation, request, raw)
        except ServiceError as refused:
            return error_response(refused, request_id)
        body = parse_json_body(raw)
        if not isinstance(body, dict):
            error = ServiceError(
                "Request body must be a JSON object", code="SerializationException"
            )
            return error_response(error, request_id)
        plan = faults.plan(operation)
        if plan.delay:
            await asyncio.sleep(plan.delay)
        if plan.failure is not None and plan.failure != "drop_after":
            return fault_response(request, plan.failure, request_id)
        loop = asyncio.get_running_loop()
        try:
            # core.handle is looked up per request: benchmarks wrap it to count calls (with the
            # two positional arguments; signed_by is passed only when a signature was verified).
            call = functools.partial(core.handle, operation, body, **signed_by)
            result = await loop.run_in_executor(executor, call)
        except ServiceError as error:
            response = error_response(error, request_id)
        except Exception as exc:  # a bug in the emulator: report it as Cognito would
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("internal error in %s: %s\n%s", operation, type(exc).__name__, frames)
            internal = ServiceError("An internal error occurred.", code="InternalErrorException")
            response = error_response(internal, request_id)
        else:
            response = json_response(result, 200, request_id)
        if plan.failure == "drop_after":
            return fault_response(request, "drop", request_id)
        return response

    router.add_post("/", dispatch)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json_body(raw: bytes) -> Any:
    """The decoded request body; ``None`` for anything that is not strict JSON — invalid UTF-8,
    ``NaN``/``Infinity`` (which Python's parser would accept), or nesting deep enough to exhaust
    the parser (100,000 ``[``), which would otherwise end as an HTTP 500."""
    if not raw.strip():
        return {}
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return None


def _verified_signer(
    signatures: SigV4Verifier | None, operation: str, request: web.Request, raw: bytes
) -> dict[str, str]:
    """``{"signed_by": access key id}`` for a verified IAM-authorized request; ``{}`` when nothing
    is checked (no verifier, or a public operation)."""
    if signatures is None or not signature_required(operation):
        return {}
    signer = signatures.verify(request.method, request.raw_path, request.headers.items(), raw)
    return {"signed_by": signer}


def add_emulator_routes(router: web.UrlDispatcher, core: EmulatorCore) -> None:
    """``/_emulator/health`` and ``/_emulator/outbox``."""

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def outbox(request: web.Request) -> web.Response:
        messages = core.outbox.messages(
            username=request.query.get("username"), purpose=request.query.get("purpose")
        )
        return web.json_response({"messages": [m.to_json() for m in messages]})

    router.add_get("/_emulator/health", health)
    router.add_get("/_emulator/outbox", outbox)


def add_well_known_routes(
    router: web.UrlDispatcher, core: EmulatorCore, executor: Executor | None
) -> None:
    """Each pool's JWKS and OpenID Connect discovery document."""

    async def jwks(request: web.Request) -> web.Response:
        return await _well_known(request, core.jwks, executor)

    async def openid(request: web.Request) -> web.Response:
        return await _well_known(request, core.openid_configuration, executor)

    router.add_get("/{pool_id}/.well-known/jwks.json", jwks)
    router.add_get("/{pool_id}/.well-known/openid-configuration", openid)


async def _well_known(
    request: web.Request, source: Callable[[str], dict[str, Any]], executor: Executor | None
) -> web.Response:
    # Off the loop: the first request for a pool generates its RSA keys.
    loop = asyncio.get_running_loop()
    try:
        document = await loop.run_in_executor(executor, source, request.match_info["pool_id"])
    except ServiceError as error:
        return web.json_response({"message": error.message}, status=404)
    return web.json_response(document)


_MAX_CONTROL_BODY = 1024


def add_signing_key_routes(
    router: web.UrlDispatcher, core: EmulatorCore, executor: Executor | None
) -> None:
    """``POST /_emulator/pools/{pool_id}/rotate-keys``; ``executor`` generates the keys."""

    async def rotate_keys(request: web.Request) -> web.Response:
        raw = await request.content.read(_MAX_CONTROL_BODY + 1)
        body = parse_json_body(raw) if len(raw) <= _MAX_CONTROL_BODY else None
        if not isinstance(body, dict) or set(body) - {"retireOld"}:
            body = None
        retire_old = body.get("retireOld", False) if body is not None else None
        if not isinstance(retire_old, bool):
            return web.json_response(
                {"message": 'the body must be empty or {"retireOld": true|false}'}, status=400
            )
        rotate = functools.partial(
            core.rotate_signing_keys, request.match_info["pool_id"], retire_old=retire_old
        )
        try:
            # Off the loop: two RSA keys are generated.
            rotation = await asyncio.get_running_loop().run_in_executor(executor, rotate)
        except ResourceNotFoundError as error:
            return web.json_response({"message": error.message}, status=404)
        return web.json_response(rotation.to_json())

    router.add_post("/_emulator/pools/{pool_id}/rotate-keys", rotate_keys)

"""The emulator's HTTP face: a thin aiohttp.web app around :class:`EmulatorCore`.

* ``POST /`` — AWS JSON 1.1: the operation comes from ``X-Amz-Target:
  AWSCognitoIdentityProviderService.<Operation>``, the body is its JSON input. Success: 200 with
  the output JSON. Errors: HTTP 400 (500 only for ``InternalErrorException``), body
  ``{"__type": <Name>, "message": <text>}``, headers ``x-amzn-ErrorType: <Name>:`` and
  ``x-amzn-ErrorMessage``. Every response carries ``x-amzn-RequestId``. Requests are not signed
  and signatures are ignored.
* ``GET /{poolId}/.well-known/jwks.json`` and ``…/openid-configuration``.
* ``GET /_emulator/health`` → 200 ``{"status": "ok"}``;
  ``GET /_emulator/outbox[?username=…&purpose=…]`` → ``{"messages": [...]}``.
* Faults (:mod:`authflow.emulator.faults`): ``POST /_emulator/faults`` adds a rule (JSON
  ``{"kind", "operation", "times", "rate", "delay"}``) → 201 ``{"fault": {...}}``;
  ``GET /_emulator/faults`` lists rules and injected faults; ``DELETE /_emulator/faults[?seed=N]``
  clears them; ``DELETE /_emulator/faults/{id}`` removes one. Every Cognito request meets the
  rules before its operation runs (``drop_after``: after).

The core runs in a worker thread so RSA signing and SRP maths never stall the event loop. Request
bodies are never logged; an unexpected exception is logged by type and traceback frames only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from aiohttp import web

from authflow.emulator.core import EmulatorCore
from authflow.protocol.endpoints import TARGET_PREFIX
from authflow.protocol.errors import ServiceError

__all__ = ["build_app", "error_response"]

log = logging.getLogger("authflow.emulator")

_CONTENT_TYPE = "application/x-amz-json-1.1"


def _json_response(payload: Any, status: int, request_id: str, **headers: str) -> web.Response:
    return web.Response(
        body=json.dumps(payload, separators=(",", ":")).encode("utf-8"),
        status=status,
        content_type=_CONTENT_TYPE,
        headers={"x-amzn-RequestId": request_id, **headers},
    )


def error_response(error: ServiceError, request_id: str) -> web.Response:
    """Cognito's error response for ``error``."""
    status = 500 if error.code == "InternalErrorException" else 400
    headers = {"x-amzn-ErrorType": f"{error.code}:"}
    if error.message:
        # Header values must be one line of latin-1; messages are ours and ASCII, but be safe.
        headers["x-amzn-ErrorMessage"] = (
            error.message.replace("\r", " ").replace("\n", " ").encode("ascii", "replace").decode()
        )
    return _json_response(
        {"__type": error.code, "message": error.message}, status, request_id, **headers
    )


def build_app(core: EmulatorCore, executor: Executor | None = None) -> web.Application:
    """The aiohttp application serving ``core``; ``executor`` runs the core's operations."""

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
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            body = None
        if not isinstance(body, dict):
            error = ServiceError(
                "Request body must be a JSON object", code="SerializationException"
            )
            return error_response(error, request_id)
        plan = core.faults.plan(operation)
        if plan.delay:
            await asyncio.sleep(plan.delay)
        if plan.failure is not None and plan.failure != "drop_after":
            return _fault_response(request, plan.failure, request_id)
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(executor, core.handle, operation, body)
        except ServiceError as error:
            response = error_response(error, request_id)
        except Exception as exc:  # a bug in the emulator: report it as Cognito would
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("internal error in %s: %s\n%s", operation, type(exc).__name__, frames)
            internal = ServiceError("An internal error occurred.", code="InternalErrorException")
            response = error_response(internal, request_id)
        else:
            response = _json_response(result, 200, request_id)
        if plan.failure == "drop_after":
            return _fault_response(request, "drop", request_id)
        return response

    async def jwks(request: web.Request) -> web.Response:
        return await _well_known(request, core.jwks, executor)

    async def openid(request: web.Request) -> web.Response:
        return await _well_known(request, core.openid_configuration, executor)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def outbox(request: web.Request) -> web.Response:
        messages = core.outbox.messages(
            username=request.query.get("username"), purpose=request.query.get("purpose")
        )
        return web.json_response({"messages": [m.to_json() for m in messages]})

    async def add_fault(request: web.Request) -> web.Response:
        try:
            spec = await request.json()
            if not isinstance(spec, dict):
                raise ValueError("the body must be a JSON object")
            rule = core.faults.add_json(spec)
        except ValueError as exc:
            return web.json_response({"message": str(exc)}, status=400)
        return web.json_response({"fault": rule.to_json(rule.times)}, status=201)

    async def list_faults(request: web.Request) -> web.Response:
        return web.json_response(core.faults.to_json())

    async def clear_faults(request: web.Request) -> web.Response:
        seed = request.query.get("seed")
        try:
            core.faults.clear(seed=int(seed) if seed is not None else None)
        except ValueError:
            return web.json_response({"message": "seed must be an integer"}, status=400)
        return web.json_response({})

    async def remove_fault(request: web.Request) -> web.Response:
        try:
            rule_id = int(request.match_info["fault_id"])
        except ValueError:
            return web.json_response({"message": "no such fault"}, status=404)
        if not core.faults.remove(rule_id):
            return web.json_response({"message": "no such fault"}, status=404)
        return web.json_response({})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post("/", dispatch)
    app.router.add_get("/_emulator/health", health)
    app.router.add_get("/_emulator/outbox", outbox)
    app.router.add_post("/_emulator/faults", add_fault)
    app.router.add_get("/_emulator/faults", list_faults)
    app.router.add_delete("/_emulator/faults", clear_faults)
    app.router.add_delete("/_emulator/faults/{fault_id}", remove_fault)
    app.router.add_get("/{pool_id}/.well-known/jwks.json", jwks)
    app.router.add_get("/{pool_id}/.well-known/openid-configuration", openid)
    return app


def _fault_response(request: web.Request, kind: str, request_id: str) -> web.Response:
    """The response (or the lack of one) of an injected fault."""
    if kind == "throttle":
        return error_response(
            ServiceError("Rate exceeded", code="TooManyRequestsException"), request_id
        )
    if kind == "internal_error":
        return error_response(
            ServiceError("An internal error occurred.", code="InternalErrorException"), request_id
        )
    if kind == "bad_gateway":
        return web.Response(
            status=502,
            text="<html><body><h1>502 Bad Gateway</h1></body></html>",
            content_type="text/html",
        )
    # drop: close the connection; the response below is never written.
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=500)


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

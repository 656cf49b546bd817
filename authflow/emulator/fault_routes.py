"""Faults over HTTP: the ``/_emulator/faults`` endpoints, and what an injected fault does to a
response.

The rules themselves (:class:`~authflow.emulator.faults.Faults`) belong to the web layer: the app
asks them, for every Cognito request, what to do before (and after) the operation runs, so they
act where requests and connections exist. :class:`~authflow.emulator.Emulator` owns one and
exposes it as ``emu.faults``.

* ``POST /_emulator/faults`` adds a rule (JSON ``{"kind", "operation", "times", "rate",
  "delay"}``) → 201 ``{"fault": {...}}``;
* ``GET /_emulator/faults`` lists rules and injected faults;
* ``DELETE /_emulator/faults[?seed=N]`` clears them; ``DELETE /_emulator/faults/{id}`` removes
  one.
"""

from __future__ import annotations

from aiohttp import web

from authflow.emulator.cognito_responses import error_response
from authflow.emulator.faults import Faults
from authflow.protocol.errors import ServiceError

__all__ = ["add_fault_routes", "fault_response"]


def fault_response(request: web.Request, kind: str, request_id: str) -> web.Response:
    """The response (or the lack of one) of an injected fault of ``kind``."""
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


def add_fault_routes(router: web.UrlDispatcher, faults: Faults) -> None:
    """Serve ``faults`` at ``/_emulator/faults``."""

    async def add_fault(request: web.Request) -> web.Response:
        try:
            spec = await request.json()
            if not isinstance(spec, dict):
                raise ValueError("the body must be a JSON object")
            rule = faults.add_json(spec)
        except ValueError as exc:
            return web.json_response({"message": str(exc)}, status=400)
        return web.json_response({"fault": rule.to_json(rule.times)}, status=201)

    async def list_faults(request: web.Request) -> web.Response:
        return web.json_response(faults.to_json())

    async def clear_faults(request: web.Request) -> web.Response:
        seed = request.query.get("seed")
        try:
            faults.clear(seed=int(seed) if seed is not None else None)
        except ValueError:
            return web.json_response({"message": "seed must be an integer"}, status=400)
        return web.json_response({})

    async def remove_fault(request: web.Request) -> web.Response:
        try:
            rule_id = int(request.match_info["fault_id"])
        except ValueError:
            return web.json_response({"message": "no such fault"}, status=404)
        if not faults.remove(rule_id):
            return web.json_response({"message": "no such fault"}, status=404)
        return web.json_response({})

    router.add_post("/_emulator/faults", add_fault)
    router.add_get("/_emulator/faults", list_faults)
    router.add_delete("/_emulator/faults", clear_faults)
    router.add_delete("/_emulator/faults/{fault_id}", remove_fault)

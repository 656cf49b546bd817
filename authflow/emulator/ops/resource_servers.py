"""Resource servers: CreateResourceServer, DescribeResourceServer, ListResourceServers,
UpdateResourceServer, DeleteResourceServer.

A resource server's scopes are what app clients may list in AllowedOAuthScopes and request with
the client-credentials grant, as ``{Identifier}/{ScopeName}``. The model checks the shapes
(identifier, name, at most 100 scopes, scope names without ``/``); the quota is 25 resource
servers per pool (docs/oauth-notes.md §A5).
"""

from __future__ import annotations

from typing import Any

from authflow.emulator.domain import Pool, ResourceServer
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    InvalidParameterError,
    LimitExceededError,
    ResourceNotFoundError,
)

__all__ = [
    "MAX_RESOURCE_SERVERS",
    "create_resource_server",
    "delete_resource_server",
    "describe_resource_server",
    "list_resource_servers",
    "update_resource_server",
]

#: Resource servers one pool may have.
MAX_RESOURCE_SERVERS = 25


def _wire(pool: Pool, server: ResourceServer) -> dict[str, Any]:
    return {
        "UserPoolId": pool.id,
        "Identifier": server.identifier,
        "Name": server.name,
        "Scopes": [dict(scope) for scope in server.scopes],
    }


def _scopes(body: dict[str, Any]) -> list[dict[str, str]]:
    scopes = [
        {"ScopeName": s["ScopeName"], "ScopeDescription": s["ScopeDescription"]}
        for s in body.get("Scopes") or ()
    ]
    names = [s["ScopeName"] for s in scopes]
    if len(set(names)) != len(names):
        raise InvalidParameterError("Duplicate scope names are not allowed.")
    return scopes


def _server(pool: Pool, identifier: str) -> ResourceServer:
    server = pool.resource_servers.get(identifier)
    if server is None:
        raise ResourceNotFoundError(f"Resource server {identifier} does not exist in {pool.id}.")
    return server


def create_resource_server(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """CreateResourceServer."""
    pool = svc.directory.pool(body["UserPoolId"])
    identifier = body["Identifier"]
    if identifier in pool.resource_servers:
        raise InvalidParameterError(f"{identifier} already exists in user pool {pool.id}.")
    if len(pool.resource_servers) >= MAX_RESOURCE_SERVERS:
        raise LimitExceededError(
            f"A user pool can have at most {MAX_RESOURCE_SERVERS} resource servers."
        )
    server = ResourceServer(identifier=identifier, name=body["Name"], scopes=_scopes(body))
    pool.resource_servers[identifier] = server
    return {"ResourceServer": _wire(pool, server)}


def describe_resource_server(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """DescribeResourceServer."""
    pool = svc.directory.pool(body["UserPoolId"])
    return {"ResourceServer": _wire(pool, _server(pool, body["Identifier"]))}


def list_resource_servers(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """ListResourceServers, in creation order, ``MaxResults`` (default 50) at a time; the
    ``NextToken`` is the next server's position."""
    pool = svc.directory.pool(body["UserPoolId"])
    servers = list(pool.resource_servers.values())
    limit = int(body.get("MaxResults") or 50)
    start = 0
    token = body.get("NextToken")
    if token is not None:
        valid = token.isascii() and token.isdigit() and len(token) <= 6
        if not valid or not 0 < int(token) < len(servers):
            raise InvalidParameterError("Invalid NextToken.")
        start = int(token)
    page = servers[start : start + limit]
    result: dict[str, Any] = {"ResourceServers": [_wire(pool, s) for s in page]}
    if start + limit < len(servers):
        result["NextToken"] = str(start + limit)
    return result


def update_resource_server(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """UpdateResourceServer: name and scopes are replaced (members left out are reset)."""
    pool = svc.directory.pool(body["UserPoolId"])
    server = _server(pool, body["Identifier"])
    server.scopes = _scopes(body)
    server.name = body["Name"]
    return {"ResourceServer": _wire(pool, server)}


def delete_resource_server(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """DeleteResourceServer."""
    pool = svc.directory.pool(body["UserPoolId"])
    del pool.resource_servers[_server(pool, body["Identifier"]).identifier]
    return {}

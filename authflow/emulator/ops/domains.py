"""User-pool domains: CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain,
DeleteUserPoolDomain (prefix domains only).

A pool has at most one domain, and a prefix names one pool across the whole emulator. The model
already checks the prefix's shape (1-63 characters, ``^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$``);
Cognito also refuses prefixes containing ``aws``, ``amazon`` or ``cognito``
(docs/oauth-notes.md §A5). The managed login pages and OAuth 2.0 endpoints are served under the
domain (:mod:`authflow.emulator.oauth`); where, is the web layer's business.

Messages marked UNCONFIRMED in docs/emulator-oauth.md are the emulator's choice.
"""

from __future__ import annotations

from typing import Any

from authflow.emulator.domain import Pool, UserPoolDomain
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import InvalidParameterError, ResourceNotFoundError

__all__ = [
    "RESERVED_DOMAIN_WORDS",
    "create_user_pool_domain",
    "delete_user_pool_domain",
    "describe_user_pool_domain",
    "find_domain_pool",
    "update_user_pool_domain",
]

#: Words a prefix domain may not contain.
RESERVED_DOMAIN_WORDS = ("aws", "amazon", "cognito")


def find_domain_pool(svc: Services, prefix: str) -> Pool | None:
    """The pool whose prefix domain is ``prefix``, if any."""
    for pool in svc.directory.pools.values():
        if pool.domain is not None and pool.domain.prefix == prefix:
            return pool
    return None


def _version(body: dict[str, Any]) -> int:
    version = body.get("ManagedLoginVersion")
    if version is None:
        return 1
    if version not in (1, 2):
        raise InvalidParameterError("ManagedLoginVersion must be 1 or 2.")
    return int(version)


def _no_custom_domain(body: dict[str, Any]) -> None:
    if body.get("CustomDomainConfig") is not None:
        raise InvalidParameterError("Custom domains are not supported by the authflow emulator.")


def create_user_pool_domain(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """CreateUserPoolDomain: a prefix domain for the pool."""
    pool = svc.directory.pool(body["UserPoolId"])
    _no_custom_domain(body)
    prefix = body["Domain"]
    for word in RESERVED_DOMAIN_WORDS:
        if word in prefix:
            raise InvalidParameterError(f"Domain cannot contain reserved word: {word}")
    if find_domain_pool(svc, prefix) is not None:
        raise InvalidParameterError("Domain already associated with another user pool.")
    if pool.domain is not None:
        raise InvalidParameterError("User pool already has a domain configured.")
    version = _version(body)
    pool.domain = UserPoolDomain(prefix=prefix, managed_login_version=version, created=svc.now())
    return {"ManagedLoginVersion": version}


def describe_user_pool_domain(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """DescribeUserPoolDomain: an unknown domain gives an empty ``DomainDescription``, as
    Cognito's does."""
    pool = find_domain_pool(svc, body["Domain"])
    if pool is None or pool.domain is None:
        return {"DomainDescription": {}}
    return {
        "DomainDescription": {
            "UserPoolId": pool.id,
            "AWSAccountId": "000000000000",
            "Domain": pool.domain.prefix,
            "Status": "ACTIVE",
            "ManagedLoginVersion": pool.domain.managed_login_version,
        }
    }


def _owned_domain(svc: Services, body: dict[str, Any]) -> Pool:
    pool = svc.directory.pool(body["UserPoolId"])
    if pool.domain is None or pool.domain.prefix != body["Domain"]:
        raise ResourceNotFoundError(f"Domain {body['Domain']} does not exist in {pool.id}.")
    return pool


def update_user_pool_domain(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """UpdateUserPoolDomain: the managed login version of a prefix domain."""
    _no_custom_domain(body)
    pool = _owned_domain(svc, body)
    assert pool.domain is not None
    pool.domain.managed_login_version = _version(body)
    return {"ManagedLoginVersion": pool.domain.managed_login_version}


def delete_user_pool_domain(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """DeleteUserPoolDomain: the pool's endpoints stop being served."""
    pool = _owned_domain(svc, body)
    pool.domain = None
    return {}

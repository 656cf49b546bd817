"""Client configuration: which user pool and app client to talk to, and how."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import attrs

from authflow.protocol.checks import check_flag, check_optional_text, check_positive
from authflow.protocol.endpoints import (
    partition_for_region,
    pool_name_from_pool_id,
    region_from_pool_id,
    resolve_endpoint,
)
from authflow.protocol.errors import ValidationError
from authflow.protocol.oauth import check_domain_url, domain_for_prefix

__all__ = ["CognitoConfig"]

_POOL_ID = re.compile(r"[\w-]+_[0-9a-zA-Z]+", re.ASCII)
_CLIENT_ID = re.compile(r"[\w+]+", re.ASCII)


def _check_pool_id(_inst: object, _attr: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _POOL_ID.fullmatch(value) or len(value) > 55:
        raise ValidationError(
            "user_pool_id must look like '<region>_<id>', e.g. 'us-east-1_AbCdEf123'",
            field="user_pool_id",
        )


def _check_client_id(_inst: object, _attr: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _CLIENT_ID.fullmatch(value) or len(value) > 128:
        raise ValidationError("client_id must be 1..128 word characters", field="client_id")


def _check_positive(_inst: object, attr: attrs.Attribute[float], value: float) -> None:
    # a number of seconds: finite (NaN would make every token look fresh for ever) and > 0
    check_positive(value, attr.name)


def _check_region(_inst: object, attr: attrs.Attribute[str], value: str) -> None:
    partition_for_region(value)  # a ValidationError naming region unless it is a region name


def _check_flag(_inst: object, attr: attrs.Attribute[bool], value: bool) -> None:
    check_flag(value, attr.name)


def _check_secret(_inst: object, attr: attrs.Attribute[str | None], value: str | None) -> None:
    check_optional_text(value, attr.name, max_length=128)


#: Cognito's longest refresh-token validity (10 years) and the default (30 days), in seconds.
_MAX_REFRESH_VALIDITY = 3650 * 86400.0
_DEFAULT_REFRESH_VALIDITY = 30 * 86400.0


def _seconds_between(low: float, high: float) -> Callable[[object, Any, Any], None]:
    """A validator: a real number (not a bool, not NaN) from ``low`` to ``high`` seconds."""

    def check(_inst: object, attr: attrs.Attribute[float], value: object) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not low <= value <= high
        ):
            raise ValidationError(
                f"{attr.name} must be a number of seconds from {low:g} to {high:g}",
                field=attr.name,
            )

    return check


def _check_session_limit(_inst: object, attr: attrs.Attribute[int | None], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
        raise ValidationError(f"{attr.name} must be None or 1..10000", field=attr.name)


@attrs.frozen
class CognitoConfig:
    """Where and how to reach one Cognito app client.

    >>> cfg = CognitoConfig(user_pool_id="us-east-1_AbCdEf123", client_id="1h57kf5cpq17m0eml12EX")
    >>> cfg.region
    'us-east-1'

    ``endpoint`` overrides the regional endpoint (an emulator, a VPC endpoint, a proxy).
    ``client_secret`` is only for confidential app clients; it never appears in a repr.
    ``refresh_leeway`` is how many seconds before expiry an access token is refreshed.
    ``auth_session_validity`` is the app client's challenge-session lifetime in seconds (Cognito's
    default 3 minutes), used for :attr:`authflow.flows.Step.deadline`.
    ``fips``/``dualstack`` pick those regional endpoints (not with a custom ``endpoint``).
    Every field is checked on construction (type, range; a NaN or infinite number of seconds is
    refused): a bad one is a :class:`~authflow.protocol.errors.ValidationError` naming it.
    ``use_token_rotation`` makes refreshes use GetTokensFromRefreshToken (required when the app
    client has refresh-token rotation enabled) instead of InitiateAuth REFRESH_TOKEN_AUTH.
    ``rotation_grace_seconds`` is the app client's RetryGracePeriodSeconds (0..60, default 0):
    a rotated refresh whose answer was lost is retried with the old refresh token within it; with
    0 such a session cannot be saved (see docs/sessions.md).
    ``refresh_token_validity`` is the app client's refresh-token validity in seconds (default 30
    days, at most 10 years): stored sessions expire with their refresh token.
    ``max_sessions_per_user`` (``None``: no limit) signs out a user's oldest sessions when a new
    sign-in would exceed it.

    The user pool's domain, for the managed login (``AuthClient.authorize``) and
    machine-to-machine tokens (``AuthClient.client_credentials``): ``domain_prefix="my-app"``
    (CreateUserPoolDomain's prefix; the URL is ``https://my-app.auth.{region}.amazoncognito.com``)
    or ``domain="https://auth.example.com"`` (a custom domain, or ``emu.domain_url(pool_id)``),
    not both. ``domain`` must be https (plain http only to a loopback host). The resolved base URL
    is :attr:`domain_url` (``None`` without a domain).
    """

    user_pool_id: str = attrs.field(validator=_check_pool_id)
    client_id: str = attrs.field(validator=_check_client_id)
    client_secret: str | None = attrs.field(default=None, repr=False, validator=_check_secret)
    endpoint: str | None = None
    region: str = attrs.field(validator=_check_region)
    refresh_leeway: float = attrs.field(default=60.0, validator=_check_positive)
    auth_session_validity: float = attrs.field(default=180.0, validator=_check_positive)
    use_token_rotation: bool = attrs.field(default=False, validator=_check_flag)
    rotation_grace_seconds: float = attrs.field(default=0.0, validator=_seconds_between(0, 60))
    refresh_token_validity: float = attrs.field(
        default=_DEFAULT_REFRESH_VALIDITY, validator=_seconds_between(60, _MAX_REFRESH_VALIDITY)
    )
    max_sessions_per_user: int | None = attrs.field(default=None, validator=_check_session_limit)
    fips: bool = attrs.field(default=False, validator=_check_flag)
    dualstack: bool = attrs.field(default=False, validator=_check_flag)
    domain: str | None = None
    domain_prefix: str | None = None
    #: The resolved URL requests go to (``endpoint`` if set, else the regional endpoint).
    endpoint_url: str = attrs.field(init=False)
    #: The pool domain's base URL (``domain`` or the one ``domain_prefix`` names), or ``None``.
    domain_url: str | None = attrs.field(init=False)

    @region.default
    def _region_default(self) -> str:
        return region_from_pool_id(self.user_pool_id)

    @endpoint_url.default
    def _endpoint_url_default(self) -> str:
        # computed before the validators run: check what it is computed from first
        check_flag(self.fips, "fips")
        check_flag(self.dualstack, "dualstack")
        check_optional_text(self.endpoint, "endpoint", max_length=2048)
        try:
            return resolve_endpoint(
                self.region, fips=self.fips, dualstack=self.dualstack, endpoint_url=self.endpoint
            )
        except ValidationError as exc:
            if exc.field != "endpoint_url":
                raise
            raise ValidationError(
                "endpoint must be an absolute http(s) URL such as 'http://127.0.0.1:9229'",
                field="endpoint",
            ) from None

    @domain_url.default
    def _domain_url_default(self) -> str | None:
        if self.domain is not None and self.domain_prefix is not None:
            raise ValidationError("give domain or domain_prefix, not both", field="domain")
        if self.domain_prefix is not None:
            return domain_for_prefix(self.domain_prefix, self.region)
        if self.domain is not None:
            return check_domain_url(self.domain)
        return None

    @property
    def pool_name(self) -> str:
        """The part of the pool id after the underscore (the SRP "pool name")."""
        return pool_name_from_pool_id(self.user_pool_id)

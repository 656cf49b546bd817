"""Client configuration: which user pool and app client to talk to, and how."""

from __future__ import annotations

import re

import attrs

from authflow.protocol.checks import check_flag, check_optional_text, check_positive
from authflow.protocol.endpoints import (
    partition_for_region,
    pool_name_from_pool_id,
    region_from_pool_id,
    resolve_endpoint,
)
from authflow.protocol.errors import ValidationError

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
    """

    user_pool_id: str = attrs.field(validator=_check_pool_id)
    client_id: str = attrs.field(validator=_check_client_id)
    client_secret: str | None = attrs.field(default=None, repr=False, validator=_check_secret)
    endpoint: str | None = None
    region: str = attrs.field(validator=_check_region)
    refresh_leeway: float = attrs.field(default=60.0, validator=_check_positive)
    auth_session_validity: float = attrs.field(default=180.0, validator=_check_positive)
    use_token_rotation: bool = attrs.field(default=False, validator=_check_flag)
    fips: bool = attrs.field(default=False, validator=_check_flag)
    dualstack: bool = attrs.field(default=False, validator=_check_flag)
    #: The resolved URL requests go to (``endpoint`` if set, else the regional endpoint).
    endpoint_url: str = attrs.field(init=False)

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

    @property
    def pool_name(self) -> str:
        """The part of the pool id after the underscore (the SRP "pool name")."""
        return pool_name_from_pool_id(self.user_pool_id)

"""The nested structures of the Cognito user-pool API as frozen attrs values
(docs/protocol-notes.md §2.2).

Attribute names are snake_case; ``to_wire()`` / ``from_wire()`` speak the PascalCase JSON of the
service. Every class follows the rules of :mod:`authflow.protocol._wire`: validated on
construction (:class:`~authflow.protocol.errors.ValidationError`), absent optionals omitted on the
wire, unknown members ignored and malformed input refused with
:class:`~authflow.protocol.errors.ProtocolViolationError`. Members the model marks sensitive
(attribute values, tokens, client ids, IP addresses, the device password verifier) are left out
of ``repr``.

Enum-typed members are plain ``str`` so a value the service adds later still parses; the known
values are exported as frozensets (:data:`DELIVERY_MEDIUMS`, …) and ``Literal`` aliases.

>>> AttributeType("email", "alice@example.com").to_wire()
{'Name': 'email', 'Value': 'alice@example.com'}
>>> AttributeType.from_wire({"Name": "email", "Value": "x@y", "Future": 1})
AttributeType(name='email')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, TypeAlias, cast

import attrs

from authflow.protocol._wire import (
    BOOL,
    INT,
    STR,
    STR_LIST,
    TIMESTAMP,
    ListOf,
    Nested,
    Str,
    WireValue,
    as_tuple,
    str_tuple_required,
    wire,
)

__all__ = [
    "DELIVERY_MEDIUMS",
    "SESSION_TYPES",
    "AnalyticsMetadata",
    "AttributeType",
    "AuthenticationResult",
    "CodeDeliveryDetails",
    "ContextData",
    "DeliveryMedium",
    "Device",
    "DeviceSecretVerifierConfig",
    "EmailMfaSettings",
    "HttpHeader",
    "JSONDocument",
    "MFAOption",
    "NewDeviceMetadata",
    "SMSMfaSettings",
    "SessionDescription",
    "SessionLocation",
    "SessionType",
    "SoftwareTokenMfaSettings",
    "UserContextData",
    "WebAuthnCredentialDescription",
    "WebAuthnMfaSettings",
]

#: A Smithy ``Document`` member: any JSON value (object, array, string, number, bool, null).
JSONDocument: TypeAlias = Any

#: ``DeliveryMediumType`` values.
DeliveryMedium: TypeAlias = Literal["SMS", "EMAIL"]
DELIVERY_MEDIUMS: frozenset[str] = frozenset({"SMS", "EMAIL"})

#: ``SessionTypeType`` values (ListUserSessions).
SessionType: TypeAlias = Literal["TOKEN", "SSO"]
SESSION_TYPES: frozenset[str] = frozenset({"TOKEN", "SSO"})

# Minimum lengths of the model are checked on shapes a client sends (AttributeType, MFAOption);
# shapes only ever received (devices, sessions, code delivery, …) are accepted as the server
# sends them.
_ATTRIBUTE_NAME = Str(1)


@attrs.frozen
class AttributeType(WireValue):
    """``AttributeType``: a user attribute ``name`` (e.g. ``email``, ``custom:plan``) and its
    ``value`` (a string; hidden from ``repr``). A blank value in UpdateUserAttributes deletes the
    attribute."""

    name: str = attrs.field(metadata=wire("Name", _ATTRIBUTE_NAME))
    value: str | None = attrs.field(default=None, repr=False, metadata=wire("Value", STR))


@attrs.frozen(kw_only=True)
class AnalyticsMetadata(WireValue):
    """``AnalyticsMetadataType``: the Amazon Pinpoint endpoint id for analytics."""

    analytics_endpoint_id: str | None = attrs.field(
        default=None, metadata=wire("AnalyticsEndpointId", STR)
    )


@attrs.frozen(kw_only=True)
class UserContextData(WireValue):
    """``UserContextDataType`` (sensitive): the caller's IP and the encoded device fingerprint
    used by threat protection."""

    ip_address: str | None = attrs.field(default=None, repr=False, metadata=wire("IpAddress", STR))
    encoded_data: str | None = attrs.field(
        default=None, repr=False, metadata=wire("EncodedData", STR)
    )


@attrs.frozen(kw_only=True)
class HttpHeader(WireValue):
    """``HttpHeader``: one header of the request a server-side app received (``ContextData``);
    the value is hidden from ``repr`` (it may be a cookie)."""

    header_name: str | None = attrs.field(default=None, metadata=wire("headerName", STR))
    header_value: str | None = attrs.field(
        default=None, repr=False, metadata=wire("headerValue", STR)
    )


def _http_header_tuple(value: Iterable[HttpHeader]) -> tuple[HttpHeader, ...]:
    return cast("tuple[HttpHeader, ...]", as_tuple(value))


@attrs.frozen(kw_only=True)
class ContextData(WireValue):
    """``ContextDataType``: what a server-side app knows of its user's request (IP address, its
    own server name and path, the request's headers, the encoded device fingerprint) for threat
    protection on AdminInitiateAuth / AdminRespondToAuthChallenge; hidden from ``repr`` but for
    the server name and path."""

    ip_address: str = attrs.field(repr=False, metadata=wire("IpAddress", STR))
    server_name: str = attrs.field(metadata=wire("ServerName", STR))
    server_path: str = attrs.field(metadata=wire("ServerPath", STR))
    http_headers: tuple[HttpHeader, ...] = attrs.field(
        repr=False,
        converter=_http_header_tuple,
        metadata=wire("HttpHeaders", ListOf(Nested(HttpHeader))),
    )
    encoded_data: str | None = attrs.field(
        default=None, repr=False, metadata=wire("EncodedData", STR)
    )


@attrs.frozen(kw_only=True)
class CodeDeliveryDetails(WireValue):
    """``CodeDeliveryDetailsType``: where a code went (masked ``destination``), by which
    ``delivery_medium`` (``SMS``/``EMAIL``) and for which ``attribute_name``."""

    destination: str | None = attrs.field(default=None, metadata=wire("Destination", STR))
    delivery_medium: str | None = attrs.field(default=None, metadata=wire("DeliveryMedium", STR))
    attribute_name: str | None = attrs.field(default=None, metadata=wire("AttributeName", STR))


def _code_delivery_tuple(
    value: Iterable[CodeDeliveryDetails] | None,
) -> tuple[CodeDeliveryDetails, ...] | None:
    return cast("tuple[CodeDeliveryDetails, ...] | None", as_tuple(value))


@attrs.frozen(kw_only=True)
class NewDeviceMetadata(WireValue):
    """``NewDeviceMetadataType``: the key and group key of a device to confirm
    (docs/protocol-notes.md §4)."""

    device_key: str | None = attrs.field(default=None, metadata=wire("DeviceKey", STR))
    device_group_key: str | None = attrs.field(default=None, metadata=wire("DeviceGroupKey", STR))


@attrs.frozen(kw_only=True)
class AuthenticationResult(WireValue):
    """``AuthenticationResultType``: the tokens (hidden from ``repr``), their lifetime in seconds
    (``expires_in``), ``token_type`` (``Bearer``) and, when device tracking is on,
    ``new_device_metadata``. REFRESH_TOKEN_AUTH results carry no ``refresh_token``."""

    access_token: str | None = attrs.field(
        default=None, repr=False, metadata=wire("AccessToken", STR)
    )
    expires_in: int | None = attrs.field(default=None, metadata=wire("ExpiresIn", INT))
    token_type: str | None = attrs.field(default=None, metadata=wire("TokenType", STR))
    refresh_token: str | None = attrs.field(
        default=None, repr=False, metadata=wire("RefreshToken", STR)
    )
    id_token: str | None = attrs.field(default=None, repr=False, metadata=wire("IdToken", STR))
    new_device_metadata: NewDeviceMetadata | None = attrs.field(
        default=None, metadata=wire("NewDeviceMetadata", Nested(NewDeviceMetadata))
    )


@attrs.frozen(kw_only=True)
class DeviceSecretVerifierConfig(WireValue):
    """``DeviceSecretVerifierConfigType``: base64 SRP ``password_verifier`` (hidden from
    ``repr``) and ``salt`` for ConfirmDevice (docs/protocol-notes.md §4.2)."""

    password_verifier: str | None = attrs.field(
        default=None, repr=False, metadata=wire("PasswordVerifier", STR)
    )
    salt: str | None = attrs.field(default=None, metadata=wire("Salt", STR))


def _attribute_tuple(value: Iterable[AttributeType] | None) -> tuple[AttributeType, ...] | None:
    return cast("tuple[AttributeType, ...] | None", as_tuple(value))


def _attribute_tuple_required(value: Iterable[AttributeType]) -> tuple[AttributeType, ...]:
    return cast("tuple[AttributeType, ...]", as_tuple(value))


_ATTRIBUTES = ListOf(Nested(AttributeType))


@attrs.frozen(kw_only=True)
class Device(WireValue):
    """``DeviceType``: a remembered device; dates are epoch seconds (``float``)."""

    device_key: str | None = attrs.field(default=None, metadata=wire("DeviceKey", STR))
    device_attributes: tuple[AttributeType, ...] | None = attrs.field(
        default=None, converter=_attribute_tuple, metadata=wire("DeviceAttributes", _ATTRIBUTES)
    )
    device_create_date: float | None = attrs.field(
        default=None, metadata=wire("DeviceCreateDate", TIMESTAMP)
    )
    device_last_modified_date: float | None = attrs.field(
        default=None, metadata=wire("DeviceLastModifiedDate", TIMESTAMP)
    )
    device_last_authenticated_date: float | None = attrs.field(
        default=None, metadata=wire("DeviceLastAuthenticatedDate", TIMESTAMP)
    )


def _device_tuple(value: Iterable[Device] | None) -> tuple[Device, ...] | None:
    return cast("tuple[Device, ...] | None", as_tuple(value))


@attrs.frozen(kw_only=True)
class MFAOption(WireValue):
    """``MFAOptionType`` (legacy SMS MFA settings of GetUser/SetUserSettings)."""

    delivery_medium: str | None = attrs.field(default=None, metadata=wire("DeliveryMedium", STR))
    attribute_name: str | None = attrs.field(
        default=None, metadata=wire("AttributeName", _ATTRIBUTE_NAME)
    )


def _mfa_option_tuple(value: Iterable[MFAOption] | None) -> tuple[MFAOption, ...] | None:
    return cast("tuple[MFAOption, ...] | None", as_tuple(value))


def _mfa_option_tuple_required(value: Iterable[MFAOption]) -> tuple[MFAOption, ...]:
    return cast("tuple[MFAOption, ...]", as_tuple(value))


@attrs.frozen(kw_only=True)
class SMSMfaSettings(WireValue):
    """``SMSMfaSettingsType`` for SetUserMFAPreference."""

    enabled: bool | None = attrs.field(default=None, metadata=wire("Enabled", BOOL))
    preferred_mfa: bool | None = attrs.field(default=None, metadata=wire("PreferredMfa", BOOL))


@attrs.frozen(kw_only=True)
class SoftwareTokenMfaSettings(WireValue):
    """``SoftwareTokenMfaSettingsType`` (TOTP) for SetUserMFAPreference."""

    enabled: bool | None = attrs.field(default=None, metadata=wire("Enabled", BOOL))
    preferred_mfa: bool | None = attrs.field(default=None, metadata=wire("PreferredMfa", BOOL))


@attrs.frozen(kw_only=True)
class EmailMfaSettings(WireValue):
    """``EmailMfaSettingsType`` for SetUserMFAPreference."""

    enabled: bool | None = attrs.field(default=None, metadata=wire("Enabled", BOOL))
    preferred_mfa: bool | None = attrs.field(default=None, metadata=wire("PreferredMfa", BOOL))


@attrs.frozen(kw_only=True)
class WebAuthnMfaSettings(WireValue):
    """``WebAuthnMfaSettingsType`` (passkeys as MFA) for SetUserMFAPreference."""

    enabled: bool | None = attrs.field(default=None, metadata=wire("Enabled", BOOL))


@attrs.frozen(kw_only=True)
class SessionLocation(WireValue):
    """``SessionLocationType``: where a session was last active."""

    city: str | None = attrs.field(default=None, metadata=wire("City", STR))
    country: str | None = attrs.field(default=None, metadata=wire("Country", STR))


@attrs.frozen(kw_only=True)
class SessionDescription(WireValue):
    """``SessionDescriptionType`` (ListUserSessions); dates are epoch seconds. The client id and
    last IP address are hidden from ``repr``."""

    session_id: str | None = attrs.field(default=None, metadata=wire("SessionId", STR))
    session_type: str | None = attrs.field(default=None, metadata=wire("SessionType", STR))
    client_id: str | None = attrs.field(default=None, repr=False, metadata=wire("ClientId", STR))
    create_date: float | None = attrs.field(default=None, metadata=wire("CreateDate", TIMESTAMP))
    last_active_date: float | None = attrs.field(
        default=None, metadata=wire("LastActiveDate", TIMESTAMP)
    )
    device_type: str | None = attrs.field(default=None, metadata=wire("DeviceType", STR))
    last_ip_address: str | None = attrs.field(
        default=None, repr=False, metadata=wire("LastIPAddress", STR)
    )
    last_location: SessionLocation | None = attrs.field(
        default=None, metadata=wire("LastLocation", Nested(SessionLocation))
    )
    origin_session_id: str | None = attrs.field(default=None, metadata=wire("OriginSessionId", STR))
    is_current_session: bool | None = attrs.field(
        default=None, metadata=wire("IsCurrentSession", BOOL)
    )


def _session_description_tuple(
    value: Iterable[SessionDescription] | None,
) -> tuple[SessionDescription, ...] | None:
    return cast("tuple[SessionDescription, ...] | None", as_tuple(value))


@attrs.frozen(kw_only=True)
class WebAuthnCredentialDescription(WireValue):
    """``WebAuthnCredentialDescription``: one registered passkey (ListWebAuthnCredentials);
    ``created_at`` is epoch seconds."""

    credential_id: str = attrs.field(metadata=wire("CredentialId", STR))
    friendly_credential_name: str = attrs.field(metadata=wire("FriendlyCredentialName", STR))
    relying_party_id: str = attrs.field(metadata=wire("RelyingPartyId", STR))
    authenticator_attachment: str | None = attrs.field(
        default=None, metadata=wire("AuthenticatorAttachment", STR)
    )
    authenticator_transports: tuple[str, ...] = attrs.field(
        converter=str_tuple_required, metadata=wire("AuthenticatorTransports", STR_LIST)
    )
    created_at: float = attrs.field(metadata=wire("CreatedAt", TIMESTAMP))


def _credential_description_tuple_required(
    value: Iterable[WebAuthnCredentialDescription],
) -> tuple[WebAuthnCredentialDescription, ...]:
    return cast("tuple[WebAuthnCredentialDescription, ...]", as_tuple(value))

"""Every unauthenticated Cognito user-pool operation (docs/protocol-notes.md §1.2, 34 of them) as
a pair of frozen attrs values: ``<Op>Request`` and ``<Op>Response``; and the two IAM-authorized
operations of a server-side sign-in, AdminInitiateAuth and AdminRespondToAuthChallenge
(:data:`IAM_OPERATIONS`: AWS wants them signed with SigV4, see
:mod:`authflow.transport.sigv4`).

A request knows its operation name (``OPERATION``, the suffix of ``X-Amz-Target``) and its
response class (``RESPONSE``); ``to_wire()`` gives the JSON body. A response is built with
``from_wire(data)``. Both directions exist on both sides so the emulator can parse requests and
emit responses with the same classes.

Rules (shared with :mod:`authflow.protocol.shapes`, implemented once in ``_wire``):

* construction validates required members, types and the model's minimum lengths (as botocore's
  parameter validation does; patterns and maximums are left to the service) and raises
  :class:`~authflow.protocol.errors.ValidationError` naming the field, never its value;
  required strings must also be non-empty;
* ``to_wire()`` omits absent optional members (never ``null``); lists become JSON arrays;
* ``from_wire()`` maps members one by one, ignores unknown members, treats ``null`` as absent,
  and raises :class:`~authflow.protocol.errors.ProtocolViolationError` (with the wire path in
  ``field``) for anything malformed — e.g. a GetUser response without ``Username``. Minimum
  lengths are not enforced on responses (be liberal in what you accept);
* secrets (passwords, codes, tokens, ``Session``, secret hash, client id and secret, the values of
  ``AuthParameters``/``ChallengeResponses``/``ChallengeParameters``, attribute values,
  ``SecretCode``, WebAuthn documents, …) are excluded from ``repr``;
* enum-typed members are plain ``str`` (a value the service adds later still parses); the known
  values are the frozensets below (``AUTH_FLOWS``, ``CHALLENGE_NAMES``, …) with ``Literal``
  aliases for annotations.

>>> req = InitiateAuthRequest(
...     auth_flow="USER_PASSWORD_AUTH",
...     client_id="client",
...     auth_parameters={"USERNAME": "alice", "PASSWORD": "hunter2!"},
... )
>>> req.OPERATION, req.to_wire()["AuthFlow"]
('InitiateAuth', 'USER_PASSWORD_AUTH')
>>> "hunter2!" in repr(req)
False
>>> resp = req.RESPONSE.from_wire({"ChallengeName": "SMS_MFA", "Session": "s" * 20, "New": 1})
>>> resp.challenge_name
'SMS_MFA'
"""

from __future__ import annotations

from typing import ClassVar, Literal, TypeAlias, get_args

import attrs

from authflow.protocol._wire import (
    BOOL,
    DOCUMENT,
    STR,
    STR_LIST,
    STR_MAP,
    Int,
    ListOf,
    Nested,
    Str,
    WireValue,
    document,
    str_map,
    str_tuple,
    str_tuple_required,
    wire,
)
from authflow.protocol.shapes import (
    AnalyticsMetadata,
    AttributeType,
    AuthenticationResult,
    CodeDeliveryDetails,
    ContextData,
    Device,
    DeviceSecretVerifierConfig,
    EmailMfaSettings,
    JSONDocument,
    MFAOption,
    SessionDescription,
    SMSMfaSettings,
    SoftwareTokenMfaSettings,
    UserContextData,
    WebAuthnCredentialDescription,
    WebAuthnMfaSettings,
    _attribute_tuple,
    _attribute_tuple_required,
    _code_delivery_tuple,
    _credential_description_tuple_required,
    _device_tuple,
    _mfa_option_tuple,
    _mfa_option_tuple_required,
    _session_description_tuple,
)

__all__ = [
    "AUTH_FACTORS",
    "AUTH_FLOWS",
    "CHALLENGE_NAMES",
    "DEVICE_REMEMBERED_STATUSES",
    "FEEDBACK_VALUES",
    "IAM_OPERATIONS",
    "OPERATIONS",
    "REVOKE_ASSOCIATED_SESSIONS_VALUES",
    "VERIFY_SOFTWARE_TOKEN_STATUSES",
    "AuthFactor",
    "AuthFlow",
    "ChallengeName",
    "DeviceRememberedStatus",
    "FeedbackValue",
    "RevokeAssociatedSessions",
    "VerifySoftwareTokenStatus",
    "AdminInitiateAuthRequest",
    "AdminInitiateAuthResponse",
    "AdminRespondToAuthChallengeRequest",
    "AdminRespondToAuthChallengeResponse",
    "AssociateSoftwareTokenRequest",
    "AssociateSoftwareTokenResponse",
    "ChangePasswordRequest",
    "ChangePasswordResponse",
    "CompleteWebAuthnRegistrationRequest",
    "CompleteWebAuthnRegistrationResponse",
    "ConfirmDeviceRequest",
    "ConfirmDeviceResponse",
    "ConfirmForgotPasswordRequest",
    "ConfirmForgotPasswordResponse",
    "ConfirmSignUpRequest",
    "ConfirmSignUpResponse",
    "DeleteUserAttributesRequest",
    "DeleteUserAttributesResponse",
    "DeleteUserRequest",
    "DeleteUserResponse",
    "DeleteWebAuthnCredentialRequest",
    "DeleteWebAuthnCredentialResponse",
    "ForgetDeviceRequest",
    "ForgetDeviceResponse",
    "ForgotPasswordRequest",
    "ForgotPasswordResponse",
    "GetDeviceRequest",
    "GetDeviceResponse",
    "GetTokensFromRefreshTokenRequest",
    "GetTokensFromRefreshTokenResponse",
    "GetUserAttributeVerificationCodeRequest",
    "GetUserAttributeVerificationCodeResponse",
    "GetUserAuthFactorsRequest",
    "GetUserAuthFactorsResponse",
    "GetUserRequest",
    "GetUserResponse",
    "GlobalSignOutRequest",
    "GlobalSignOutResponse",
    "InitiateAuthRequest",
    "InitiateAuthResponse",
    "ListDevicesRequest",
    "ListDevicesResponse",
    "ListUserSessionsRequest",
    "ListUserSessionsResponse",
    "ListWebAuthnCredentialsRequest",
    "ListWebAuthnCredentialsResponse",
    "ResendConfirmationCodeRequest",
    "ResendConfirmationCodeResponse",
    "RespondToAuthChallengeRequest",
    "RespondToAuthChallengeResponse",
    "RevokeTokenRequest",
    "RevokeTokenResponse",
    "RevokeUserSessionRequest",
    "RevokeUserSessionResponse",
    "SetUserMFAPreferenceRequest",
    "SetUserMFAPreferenceResponse",
    "SetUserSettingsRequest",
    "SetUserSettingsResponse",
    "SignUpRequest",
    "SignUpResponse",
    "StartWebAuthnRegistrationRequest",
    "StartWebAuthnRegistrationResponse",
    "UpdateAuthEventFeedbackRequest",
    "UpdateAuthEventFeedbackResponse",
    "UpdateDeviceStatusRequest",
    "UpdateDeviceStatusResponse",
    "UpdateUserAttributesRequest",
    "UpdateUserAttributesResponse",
    "VerifySoftwareTokenRequest",
    "VerifySoftwareTokenResponse",
    "VerifyUserAttributeRequest",
    "VerifyUserAttributeResponse",
]

# --- enum values (forward compatible: members are typed ``str``) ------------------------------

#: ``AuthFlowType``. ``ADMIN_*`` flows are modelled but not valid for InitiateAuth.
AuthFlow: TypeAlias = Literal[
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
]
AUTH_FLOWS: frozenset[str] = frozenset(get_args(AuthFlow))

#: ``ChallengeNameType``.
ChallengeName: TypeAlias = Literal[
    "SMS_MFA",
    "EMAIL_OTP",
    "SOFTWARE_TOKEN_MFA",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "PASSWORD_VERIFIER",
    "CUSTOM_CHALLENGE",
    "SELECT_CHALLENGE",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "ADMIN_NO_SRP_AUTH",
    "NEW_PASSWORD_REQUIRED",
    "SMS_OTP",
    "PASSWORD",
    "WEB_AUTHN",
    "PASSWORD_SRP",
]
CHALLENGE_NAMES: frozenset[str] = frozenset(get_args(ChallengeName))

#: ``AuthFactorType`` (GetUserAuthFactors ``ConfiguredUserAuthFactors``).
AuthFactor: TypeAlias = Literal["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN", "SOFTWARE_TOKEN"]
AUTH_FACTORS: frozenset[str] = frozenset(get_args(AuthFactor))

#: ``DeviceRememberedStatusType`` (UpdateDeviceStatus).
DeviceRememberedStatus: TypeAlias = Literal["remembered", "not_remembered"]
DEVICE_REMEMBERED_STATUSES: frozenset[str] = frozenset(get_args(DeviceRememberedStatus))

#: ``FeedbackValueType`` (UpdateAuthEventFeedback).
FeedbackValue: TypeAlias = Literal["Valid", "Invalid"]
FEEDBACK_VALUES: frozenset[str] = frozenset(get_args(FeedbackValue))

#: ``RevokeAssociatedSessionsType`` (RevokeToken, RevokeUserSession).
RevokeAssociatedSessions: TypeAlias = Literal["NONE", "LINKED"]
REVOKE_ASSOCIATED_SESSIONS_VALUES: frozenset[str] = frozenset(get_args(RevokeAssociatedSessions))

#: ``VerifySoftwareTokenResponseType`` (VerifySoftwareToken ``Status``).
VerifySoftwareTokenStatus: TypeAlias = Literal["SUCCESS", "ERROR"]
VERIFY_SOFTWARE_TOKEN_STATUSES: frozenset[str] = frozenset(get_args(VerifySoftwareTokenStatus))


# --- the operations, alphabetically; each response precedes its request ------------------------


@attrs.frozen(kw_only=True)
class AssociateSoftwareTokenResponse(WireValue):
    """AssociateSoftwareToken output."""

    secret_code: str | None = attrs.field(
        default=None, repr=False, metadata=wire("SecretCode", STR)
    )
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", STR))


@attrs.frozen(kw_only=True)
class AssociateSoftwareTokenRequest(WireValue):
    """AssociateSoftwareToken input: begin TOTP setup, authorized by an access token or a
    challenge ``session`` (not both)."""

    OPERATION: ClassVar[str] = "AssociateSoftwareToken"
    RESPONSE: ClassVar[type[AssociateSoftwareTokenResponse]] = AssociateSoftwareTokenResponse

    access_token: str | None = attrs.field(
        default=None, repr=False, metadata=wire("AccessToken", STR)
    )
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", Str(20)))


@attrs.frozen(kw_only=True)
class ChangePasswordResponse(WireValue):
    """ChangePassword output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class ChangePasswordRequest(WireValue):
    """ChangePassword input: change the signed-in user's password (``previous_password`` only
    if they have one)."""

    OPERATION: ClassVar[str] = "ChangePassword"
    RESPONSE: ClassVar[type[ChangePasswordResponse]] = ChangePasswordResponse

    previous_password: str | None = attrs.field(
        default=None, repr=False, metadata=wire("PreviousPassword", STR)
    )
    proposed_password: str = attrs.field(repr=False, metadata=wire("ProposedPassword", Str(1)))
    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))


@attrs.frozen(kw_only=True)
class CompleteWebAuthnRegistrationResponse(WireValue):
    """CompleteWebAuthnRegistration output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class CompleteWebAuthnRegistrationRequest(WireValue):
    """CompleteWebAuthnRegistration input: finish registering a passkey with the
    authenticator's ``credential``."""

    OPERATION: ClassVar[str] = "CompleteWebAuthnRegistration"
    RESPONSE: ClassVar[type[CompleteWebAuthnRegistrationResponse]] = (
        CompleteWebAuthnRegistrationResponse
    )

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    credential: JSONDocument = attrs.field(
        repr=False, converter=document, metadata=wire("Credential", DOCUMENT)
    )


@attrs.frozen(kw_only=True)
class ConfirmDeviceResponse(WireValue):
    """ConfirmDevice output."""

    user_confirmation_necessary: bool | None = attrs.field(
        default=None, metadata=wire("UserConfirmationNecessary", BOOL)
    )


@attrs.frozen(kw_only=True)
class ConfirmDeviceRequest(WireValue):
    """ConfirmDevice input: confirm a new device with its SRP verifier
    (docs/protocol-notes.md §4.2)."""

    OPERATION: ClassVar[str] = "ConfirmDevice"
    RESPONSE: ClassVar[type[ConfirmDeviceResponse]] = ConfirmDeviceResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    device_key: str = attrs.field(metadata=wire("DeviceKey", Str(1)))
    device_secret_verifier_config: DeviceSecretVerifierConfig | None = attrs.field(
        default=None,
        metadata=wire("DeviceSecretVerifierConfig", Nested(DeviceSecretVerifierConfig)),
    )
    device_name: str | None = attrs.field(default=None, metadata=wire("DeviceName", Str(1)))


@attrs.frozen(kw_only=True)
class ConfirmForgotPasswordResponse(WireValue):
    """ConfirmForgotPassword output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class ConfirmForgotPasswordRequest(WireValue):
    """ConfirmForgotPassword input: set a new password with the code ForgotPassword delivered."""

    OPERATION: ClassVar[str] = "ConfirmForgotPassword"
    RESPONSE: ClassVar[type[ConfirmForgotPasswordResponse]] = ConfirmForgotPasswordResponse

    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    secret_hash: str | None = attrs.field(
        default=None, repr=False, metadata=wire("SecretHash", Str(1))
    )
    username: str = attrs.field(repr=False, metadata=wire("Username", Str(1)))
    confirmation_code: str = attrs.field(repr=False, metadata=wire("ConfirmationCode", Str(1)))
    password: str = attrs.field(repr=False, metadata=wire("Password", Str(1)))
    analytics_metadata: AnalyticsMetadata | None = attrs.field(
        default=None, metadata=wire("AnalyticsMetadata", Nested(AnalyticsMetadata))
    )
    user_context_data: UserContextData | None = attrs.field(
        default=None, repr=False, metadata=wire("UserContextData", Nested(UserContextData))
    )
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )


@attrs.frozen(kw_only=True)
class ConfirmSignUpResponse(WireValue):
    """ConfirmSignUp output."""

    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", STR))


@attrs.frozen(kw_only=True)
class ConfirmSignUpRequest(WireValue):
    """ConfirmSignUp input: confirm a sign-up with the delivered code."""

    OPERATION: ClassVar[str] = "ConfirmSignUp"
    RESPONSE: ClassVar[type[ConfirmSignUpResponse]] = ConfirmSignUpResponse

    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    secret_hash: str | None = attrs.field(
        default=None, repr=False, metadata=wire("SecretHash", Str(1))
    )
    username: str = attrs.field(repr=False, metadata=wire("Username", Str(1)))
    confirmation_code: str = attrs.field(repr=False, metadata=wire("ConfirmationCode", Str(1)))
    force_alias_creation: bool | None = attrs.field(
        default=None, metadata=wire("ForceAliasCreation", BOOL)
    )
    analytics_metadata: AnalyticsMetadata | None = attrs.field(
        default=None, metadata=wire("AnalyticsMetadata", Nested(AnalyticsMetadata))
    )
    user_context_data: UserContextData | None = attrs.field(
        default=None, repr=False, metadata=wire("UserContextData", Nested(UserContextData))
    )
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", Str(20)))


@attrs.frozen(kw_only=True)
class DeleteUserResponse(WireValue):
    """DeleteUser output: the model has no output shape; ``{}`` and an empty body parse."""


@attrs.frozen(kw_only=True)
class DeleteUserRequest(WireValue):
    """DeleteUser input: delete the signed-in user."""

    OPERATION: ClassVar[str] = "DeleteUser"
    RESPONSE: ClassVar[type[DeleteUserResponse]] = DeleteUserResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))


@attrs.frozen(kw_only=True)
class DeleteUserAttributesResponse(WireValue):
    """DeleteUserAttributes output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class DeleteUserAttributesRequest(WireValue):
    """DeleteUserAttributes input: delete attributes of the signed-in user."""

    OPERATION: ClassVar[str] = "DeleteUserAttributes"
    RESPONSE: ClassVar[type[DeleteUserAttributesResponse]] = DeleteUserAttributesResponse

    user_attribute_names: tuple[str, ...] = attrs.field(
        converter=str_tuple_required, metadata=wire("UserAttributeNames", STR_LIST)
    )
    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))


@attrs.frozen(kw_only=True)
class DeleteWebAuthnCredentialResponse(WireValue):
    """DeleteWebAuthnCredential output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class DeleteWebAuthnCredentialRequest(WireValue):
    """DeleteWebAuthnCredential input: delete one of the signed-in user's passkeys."""

    OPERATION: ClassVar[str] = "DeleteWebAuthnCredential"
    RESPONSE: ClassVar[type[DeleteWebAuthnCredentialResponse]] = DeleteWebAuthnCredentialResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    credential_id: str = attrs.field(metadata=wire("CredentialId", Str(1)))


@attrs.frozen(kw_only=True)
class ForgetDeviceResponse(WireValue):
    """ForgetDevice output: the model has no output shape; ``{}`` and an empty body parse."""


@attrs.frozen(kw_only=True)
class ForgetDeviceRequest(WireValue):
    """ForgetDevice input: forget a remembered device."""

    OPERATION: ClassVar[str] = "ForgetDevice"
    RESPONSE: ClassVar[type[ForgetDeviceResponse]] = ForgetDeviceResponse

    access_token: str | None = attrs.field(
        default=None, repr=False, metadata=wire("AccessToken", STR)
    )
    device_key: str = attrs.field(metadata=wire("DeviceKey", Str(1)))


@attrs.frozen(kw_only=True)
class ForgotPasswordResponse(WireValue):
    """ForgotPassword output."""

    code_delivery_details: CodeDeliveryDetails | None = attrs.field(
        default=None, metadata=wire("CodeDeliveryDetails", Nested(CodeDeliveryDetails))
    )


@attrs.frozen(kw_only=True)
class ForgotPasswordRequest(WireValue):
    """ForgotPassword input: send a password-reset code."""

    OPERATION: ClassVar[str] = "ForgotPassword"
    RESPONSE: ClassVar[type[ForgotPasswordResponse]] = ForgotPasswordResponse

    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    secret_hash: str | None = attrs.field(
        default=None, repr=False, metadata=wire("SecretHash", Str(1))
    )
    user_context_data: UserContextData | None = attrs.field(
        default=None, repr=False, metadata=wire("UserContextData", Nested(UserContextData))
    )
    username: str = attrs.field(repr=False, metadata=wire("Username", Str(1)))
    analytics_metadata: AnalyticsMetadata | None = attrs.field(
        default=None, metadata=wire("AnalyticsMetadata", Nested(AnalyticsMetadata))
    )
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )


@attrs.frozen(kw_only=True)
class GetDeviceResponse(WireValue):
    """GetDevice output."""

    device: Device = attrs.field(metadata=wire("Device", Nested(Device)))


@attrs.frozen(kw_only=True)
class GetDeviceRequest(WireValue):
    """GetDevice input: describe one of the signed-in user's devices."""

    OPERATION: ClassVar[str] = "GetDevice"
    RESPONSE: ClassVar[type[GetDeviceResponse]] = GetDeviceResponse

    device_key: str = attrs.field(metadata=wire("DeviceKey", Str(1)))
    access_token: str | None = attrs.field(
        default=None, repr=False, metadata=wire("AccessToken", STR)
    )


@attrs.frozen(kw_only=True)
class GetTokensFromRefreshTokenResponse(WireValue):
    """GetTokensFromRefreshToken output."""

    authentication_result: AuthenticationResult | None = attrs.field(
        default=None, metadata=wire("AuthenticationResult", Nested(AuthenticationResult))
    )


@attrs.frozen(kw_only=True)
class GetTokensFromRefreshTokenRequest(WireValue):
    """GetTokensFromRefreshToken input: refresh tokens, rotation-aware (takes the raw
    ``client_secret``)."""

    OPERATION: ClassVar[str] = "GetTokensFromRefreshToken"
    RESPONSE: ClassVar[type[GetTokensFromRefreshTokenResponse]] = GetTokensFromRefreshTokenResponse

    refresh_token: str = attrs.field(repr=False, metadata=wire("RefreshToken", Str(1)))
    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    client_secret: str | None = attrs.field(
        default=None, repr=False, metadata=wire("ClientSecret", Str(24))
    )
    device_key: str | None = attrs.field(default=None, metadata=wire("DeviceKey", Str(1)))
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )


@attrs.frozen(kw_only=True)
class GetUserResponse(WireValue):
    """GetUser output."""

    username: str = attrs.field(repr=False, metadata=wire("Username", STR))
    user_attributes: tuple[AttributeType, ...] = attrs.field(
        converter=_attribute_tuple_required,
        metadata=wire("UserAttributes", ListOf(Nested(AttributeType))),
    )
    mfa_options: tuple[MFAOption, ...] | None = attrs.field(
        default=None,
        converter=_mfa_option_tuple,
        metadata=wire("MFAOptions", ListOf(Nested(MFAOption))),
    )
    preferred_mfa_setting: str | None = attrs.field(
        default=None, metadata=wire("PreferredMfaSetting", STR)
    )
    user_mfa_setting_list: tuple[str, ...] | None = attrs.field(
        default=None, converter=str_tuple, metadata=wire("UserMFASettingList", STR_LIST)
    )


@attrs.frozen(kw_only=True)
class GetUserRequest(WireValue):
    """GetUser input: the signed-in user's username, attributes and MFA settings."""

    OPERATION: ClassVar[str] = "GetUser"
    RESPONSE: ClassVar[type[GetUserResponse]] = GetUserResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))


@attrs.frozen(kw_only=True)
class GetUserAttributeVerificationCodeResponse(WireValue):
    """GetUserAttributeVerificationCode output."""

    code_delivery_details: CodeDeliveryDetails | None = attrs.field(
        default=None, metadata=wire("CodeDeliveryDetails", Nested(CodeDeliveryDetails))
    )


@attrs.frozen(kw_only=True)
class GetUserAttributeVerificationCodeRequest(WireValue):
    """GetUserAttributeVerificationCode input: send a code to verify an attribute."""

    OPERATION: ClassVar[str] = "GetUserAttributeVerificationCode"
    RESPONSE: ClassVar[type[GetUserAttributeVerificationCodeResponse]] = (
        GetUserAttributeVerificationCodeResponse
    )

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    attribute_name: str = attrs.field(metadata=wire("AttributeName", Str(1)))
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )


@attrs.frozen(kw_only=True)
class GetUserAuthFactorsResponse(WireValue):
    """GetUserAuthFactors output."""

    username: str = attrs.field(repr=False, metadata=wire("Username", STR))
    preferred_mfa_setting: str | None = attrs.field(
        default=None, metadata=wire("PreferredMfaSetting", STR)
    )
    user_mfa_setting_list: tuple[str, ...] | None = attrs.field(
        default=None, converter=str_tuple, metadata=wire("UserMFASettingList", STR_LIST)
    )
    configured_user_auth_factors: tuple[str, ...] | None = attrs.field(
        default=None, converter=str_tuple, metadata=wire("ConfiguredUserAuthFactors", STR_LIST)
    )


@attrs.frozen(kw_only=True)
class GetUserAuthFactorsRequest(WireValue):
    """GetUserAuthFactors input: the signed-in user's sign-in factors and MFA settings."""

    OPERATION: ClassVar[str] = "GetUserAuthFactors"
    RESPONSE: ClassVar[type[GetUserAuthFactorsResponse]] = GetUserAuthFactorsResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))


@attrs.frozen(kw_only=True)
class GlobalSignOutResponse(WireValue):
    """GlobalSignOut output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class GlobalSignOutRequest(WireValue):
    """GlobalSignOut input: revoke all of the signed-in user's refresh tokens."""

    OPERATION: ClassVar[str] = "GlobalSignOut"
    RESPONSE: ClassVar[type[GlobalSignOutResponse]] = GlobalSignOutResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))


@attrs.frozen(kw_only=True)
class InitiateAuthResponse(WireValue):
    """InitiateAuth output: either a challenge (``challenge_name``, ``session``,
    ``challenge_parameters``, ``available_challenges``) or ``authentication_result``."""

    challenge_name: str | None = attrs.field(default=None, metadata=wire("ChallengeName", STR))
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", STR))
    challenge_parameters: dict[str, str] | None = attrs.field(
        default=None, repr=False, converter=str_map, metadata=wire("ChallengeParameters", STR_MAP)
    )
    authentication_result: AuthenticationResult | None = attrs.field(
        default=None, metadata=wire("AuthenticationResult", Nested(AuthenticationResult))
    )
    available_challenges: tuple[str, ...] | None = attrs.field(
        default=None, converter=str_tuple, metadata=wire("AvailableChallenges", STR_LIST)
    )


@attrs.frozen(kw_only=True)
class InitiateAuthRequest(WireValue):
    """InitiateAuth input: start a sign-in or refresh; ``auth_parameters`` per
    docs/protocol-notes.md §2.3."""

    OPERATION: ClassVar[str] = "InitiateAuth"
    RESPONSE: ClassVar[type[InitiateAuthResponse]] = InitiateAuthResponse

    auth_flow: str = attrs.field(metadata=wire("AuthFlow", Str(1)))
    auth_parameters: dict[str, str] | None = attrs.field(
        default=None, repr=False, converter=str_map, metadata=wire("AuthParameters", STR_MAP)
    )
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )
    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    analytics_metadata: AnalyticsMetadata | None = attrs.field(
        default=None, metadata=wire("AnalyticsMetadata", Nested(AnalyticsMetadata))
    )
    user_context_data: UserContextData | None = attrs.field(
        default=None, repr=False, metadata=wire("UserContextData", Nested(UserContextData))
    )
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", Str(20)))


@attrs.frozen(kw_only=True)
class ListDevicesResponse(WireValue):
    """ListDevices output."""

    devices: tuple[Device, ...] | None = attrs.field(
        default=None, converter=_device_tuple, metadata=wire("Devices", ListOf(Nested(Device)))
    )
    pagination_token: str | None = attrs.field(default=None, metadata=wire("PaginationToken", STR))


@attrs.frozen(kw_only=True)
class ListDevicesRequest(WireValue):
    """ListDevices input: list the signed-in user's remembered devices (paginated)."""

    OPERATION: ClassVar[str] = "ListDevices"
    RESPONSE: ClassVar[type[ListDevicesResponse]] = ListDevicesResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    limit: int | None = attrs.field(default=None, metadata=wire("Limit", Int(0)))
    pagination_token: str | None = attrs.field(
        default=None, metadata=wire("PaginationToken", Str(1))
    )


@attrs.frozen(kw_only=True)
class ListUserSessionsResponse(WireValue):
    """ListUserSessions output."""

    sessions: tuple[SessionDescription, ...] | None = attrs.field(
        default=None,
        converter=_session_description_tuple,
        metadata=wire("Sessions", ListOf(Nested(SessionDescription))),
    )
    next_token: str | None = attrs.field(default=None, metadata=wire("NextToken", STR))


@attrs.frozen(kw_only=True)
class ListUserSessionsRequest(WireValue):
    """ListUserSessions input: list the signed-in user's sessions (paginated)."""

    OPERATION: ClassVar[str] = "ListUserSessions"
    RESPONSE: ClassVar[type[ListUserSessionsResponse]] = ListUserSessionsResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    next_token: str | None = attrs.field(default=None, metadata=wire("NextToken", Str(1)))


@attrs.frozen(kw_only=True)
class ListWebAuthnCredentialsResponse(WireValue):
    """ListWebAuthnCredentials output."""

    credentials: tuple[WebAuthnCredentialDescription, ...] = attrs.field(
        converter=_credential_description_tuple_required,
        metadata=wire("Credentials", ListOf(Nested(WebAuthnCredentialDescription))),
    )
    next_token: str | None = attrs.field(default=None, metadata=wire("NextToken", STR))


@attrs.frozen(kw_only=True)
class ListWebAuthnCredentialsRequest(WireValue):
    """ListWebAuthnCredentials input: list the signed-in user's passkeys (paginated)."""

    OPERATION: ClassVar[str] = "ListWebAuthnCredentials"
    RESPONSE: ClassVar[type[ListWebAuthnCredentialsResponse]] = ListWebAuthnCredentialsResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    next_token: str | None = attrs.field(default=None, metadata=wire("NextToken", Str(1)))
    max_results: int | None = attrs.field(default=None, metadata=wire("MaxResults", Int(0)))


@attrs.frozen(kw_only=True)
class ResendConfirmationCodeResponse(WireValue):
    """ResendConfirmationCode output."""

    code_delivery_details: CodeDeliveryDetails | None = attrs.field(
        default=None, metadata=wire("CodeDeliveryDetails", Nested(CodeDeliveryDetails))
    )


@attrs.frozen(kw_only=True)
class ResendConfirmationCodeRequest(WireValue):
    """ResendConfirmationCode input: send the sign-up confirmation code again."""

    OPERATION: ClassVar[str] = "ResendConfirmationCode"
    RESPONSE: ClassVar[type[ResendConfirmationCodeResponse]] = ResendConfirmationCodeResponse

    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    secret_hash: str | None = attrs.field(
        default=None, repr=False, metadata=wire("SecretHash", Str(1))
    )
    user_context_data: UserContextData | None = attrs.field(
        default=None, repr=False, metadata=wire("UserContextData", Nested(UserContextData))
    )
    username: str = attrs.field(repr=False, metadata=wire("Username", Str(1)))
    analytics_metadata: AnalyticsMetadata | None = attrs.field(
        default=None, metadata=wire("AnalyticsMetadata", Nested(AnalyticsMetadata))
    )
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )


@attrs.frozen(kw_only=True)
class RespondToAuthChallengeResponse(WireValue):
    """RespondToAuthChallenge output: the next challenge or ``authentication_result``."""

    challenge_name: str | None = attrs.field(default=None, metadata=wire("ChallengeName", STR))
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", STR))
    challenge_parameters: dict[str, str] | None = attrs.field(
        default=None, repr=False, converter=str_map, metadata=wire("ChallengeParameters", STR_MAP)
    )
    authentication_result: AuthenticationResult | None = attrs.field(
        default=None, metadata=wire("AuthenticationResult", Nested(AuthenticationResult))
    )
    available_challenges: tuple[str, ...] | None = attrs.field(
        default=None, converter=str_tuple, metadata=wire("AvailableChallenges", STR_LIST)
    )


@attrs.frozen(kw_only=True)
class RespondToAuthChallengeRequest(WireValue):
    """RespondToAuthChallenge input: answer a challenge; ``challenge_responses`` per
    docs/protocol-notes.md §6."""

    OPERATION: ClassVar[str] = "RespondToAuthChallenge"
    RESPONSE: ClassVar[type[RespondToAuthChallengeResponse]] = RespondToAuthChallengeResponse

    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    challenge_name: str = attrs.field(metadata=wire("ChallengeName", Str(1)))
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", Str(20)))
    challenge_responses: dict[str, str] | None = attrs.field(
        default=None, repr=False, converter=str_map, metadata=wire("ChallengeResponses", STR_MAP)
    )
    analytics_metadata: AnalyticsMetadata | None = attrs.field(
        default=None, metadata=wire("AnalyticsMetadata", Nested(AnalyticsMetadata))
    )
    user_context_data: UserContextData | None = attrs.field(
        default=None, repr=False, metadata=wire("UserContextData", Nested(UserContextData))
    )
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )


@attrs.frozen(kw_only=True)
class RevokeTokenResponse(WireValue):
    """RevokeToken output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class RevokeTokenRequest(WireValue):
    """RevokeToken input: revoke a refresh token and the access tokens issued with it."""

    OPERATION: ClassVar[str] = "RevokeToken"
    RESPONSE: ClassVar[type[RevokeTokenResponse]] = RevokeTokenResponse

    token: str = attrs.field(repr=False, metadata=wire("Token", Str(1)))
    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    client_secret: str | None = attrs.field(
        default=None, repr=False, metadata=wire("ClientSecret", Str(24))
    )
    revoke_associated_sessions: str | None = attrs.field(
        default=None, metadata=wire("RevokeAssociatedSessions", STR)
    )


@attrs.frozen(kw_only=True)
class RevokeUserSessionResponse(WireValue):
    """RevokeUserSession output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class RevokeUserSessionRequest(WireValue):
    """RevokeUserSession input: revoke one of the signed-in user's sessions."""

    OPERATION: ClassVar[str] = "RevokeUserSession"
    RESPONSE: ClassVar[type[RevokeUserSessionResponse]] = RevokeUserSessionResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    session_id: str = attrs.field(metadata=wire("SessionId", Str(28)))
    revoke_associated_sessions: str | None = attrs.field(
        default=None, metadata=wire("RevokeAssociatedSessions", STR)
    )


@attrs.frozen(kw_only=True)
class SetUserMFAPreferenceResponse(WireValue):
    """SetUserMFAPreference output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class SetUserMFAPreferenceRequest(WireValue):
    """SetUserMFAPreference input: enable or prefer MFA methods for the signed-in user."""

    OPERATION: ClassVar[str] = "SetUserMFAPreference"
    RESPONSE: ClassVar[type[SetUserMFAPreferenceResponse]] = SetUserMFAPreferenceResponse

    sms_mfa_settings: SMSMfaSettings | None = attrs.field(
        default=None, metadata=wire("SMSMfaSettings", Nested(SMSMfaSettings))
    )
    software_token_mfa_settings: SoftwareTokenMfaSettings | None = attrs.field(
        default=None, metadata=wire("SoftwareTokenMfaSettings", Nested(SoftwareTokenMfaSettings))
    )
    email_mfa_settings: EmailMfaSettings | None = attrs.field(
        default=None, metadata=wire("EmailMfaSettings", Nested(EmailMfaSettings))
    )
    web_authn_mfa_settings: WebAuthnMfaSettings | None = attrs.field(
        default=None, metadata=wire("WebAuthnMfaSettings", Nested(WebAuthnMfaSettings))
    )
    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))


@attrs.frozen(kw_only=True)
class SetUserSettingsResponse(WireValue):
    """SetUserSettings output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class SetUserSettingsRequest(WireValue):
    """SetUserSettings input: set legacy (SMS) MFA options."""

    OPERATION: ClassVar[str] = "SetUserSettings"
    RESPONSE: ClassVar[type[SetUserSettingsResponse]] = SetUserSettingsResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    mfa_options: tuple[MFAOption, ...] = attrs.field(
        converter=_mfa_option_tuple_required, metadata=wire("MFAOptions", ListOf(Nested(MFAOption)))
    )


@attrs.frozen(kw_only=True)
class SignUpResponse(WireValue):
    """SignUp output."""

    user_confirmed: bool = attrs.field(metadata=wire("UserConfirmed", BOOL))
    code_delivery_details: CodeDeliveryDetails | None = attrs.field(
        default=None, metadata=wire("CodeDeliveryDetails", Nested(CodeDeliveryDetails))
    )
    user_sub: str = attrs.field(metadata=wire("UserSub", STR))
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", STR))


@attrs.frozen(kw_only=True)
class SignUpRequest(WireValue):
    """SignUp input: register a new user (``password`` optional in passwordless pools)."""

    OPERATION: ClassVar[str] = "SignUp"
    RESPONSE: ClassVar[type[SignUpResponse]] = SignUpResponse

    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    secret_hash: str | None = attrs.field(
        default=None, repr=False, metadata=wire("SecretHash", Str(1))
    )
    username: str = attrs.field(repr=False, metadata=wire("Username", Str(1)))
    password: str | None = attrs.field(default=None, repr=False, metadata=wire("Password", STR))
    user_attributes: tuple[AttributeType, ...] | None = attrs.field(
        default=None,
        converter=_attribute_tuple,
        metadata=wire("UserAttributes", ListOf(Nested(AttributeType))),
    )
    validation_data: tuple[AttributeType, ...] | None = attrs.field(
        default=None,
        converter=_attribute_tuple,
        metadata=wire("ValidationData", ListOf(Nested(AttributeType))),
    )
    analytics_metadata: AnalyticsMetadata | None = attrs.field(
        default=None, metadata=wire("AnalyticsMetadata", Nested(AnalyticsMetadata))
    )
    user_context_data: UserContextData | None = attrs.field(
        default=None, repr=False, metadata=wire("UserContextData", Nested(UserContextData))
    )
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )


@attrs.frozen(kw_only=True)
class StartWebAuthnRegistrationResponse(WireValue):
    """StartWebAuthnRegistration output."""

    credential_creation_options: JSONDocument = attrs.field(
        repr=False, converter=document, metadata=wire("CredentialCreationOptions", DOCUMENT)
    )


@attrs.frozen(kw_only=True)
class StartWebAuthnRegistrationRequest(WireValue):
    """StartWebAuthnRegistration input: begin registering a passkey; returns the creation
    options."""

    OPERATION: ClassVar[str] = "StartWebAuthnRegistration"
    RESPONSE: ClassVar[type[StartWebAuthnRegistrationResponse]] = StartWebAuthnRegistrationResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))


@attrs.frozen(kw_only=True)
class UpdateAuthEventFeedbackResponse(WireValue):
    """UpdateAuthEventFeedback output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class UpdateAuthEventFeedbackRequest(WireValue):
    """UpdateAuthEventFeedback input: mark a sign-in event valid or invalid (token from the
    notification)."""

    OPERATION: ClassVar[str] = "UpdateAuthEventFeedback"
    RESPONSE: ClassVar[type[UpdateAuthEventFeedbackResponse]] = UpdateAuthEventFeedbackResponse

    user_pool_id: str = attrs.field(metadata=wire("UserPoolId", Str(1)))
    username: str = attrs.field(repr=False, metadata=wire("Username", Str(1)))
    event_id: str = attrs.field(metadata=wire("EventId", Str(1)))
    feedback_token: str = attrs.field(repr=False, metadata=wire("FeedbackToken", Str(1)))
    feedback_value: str = attrs.field(metadata=wire("FeedbackValue", Str(1)))


@attrs.frozen(kw_only=True)
class UpdateDeviceStatusResponse(WireValue):
    """UpdateDeviceStatus output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class UpdateDeviceStatusRequest(WireValue):
    """UpdateDeviceStatus input: mark a device remembered or not remembered."""

    OPERATION: ClassVar[str] = "UpdateDeviceStatus"
    RESPONSE: ClassVar[type[UpdateDeviceStatusResponse]] = UpdateDeviceStatusResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    device_key: str = attrs.field(metadata=wire("DeviceKey", Str(1)))
    device_remembered_status: str | None = attrs.field(
        default=None, metadata=wire("DeviceRememberedStatus", STR)
    )


@attrs.frozen(kw_only=True)
class UpdateUserAttributesResponse(WireValue):
    """UpdateUserAttributes output."""

    code_delivery_details_list: tuple[CodeDeliveryDetails, ...] | None = attrs.field(
        default=None,
        converter=_code_delivery_tuple,
        metadata=wire("CodeDeliveryDetailsList", ListOf(Nested(CodeDeliveryDetails))),
    )


@attrs.frozen(kw_only=True)
class UpdateUserAttributesRequest(WireValue):
    """UpdateUserAttributes input: change attributes of the signed-in user (a blank value
    deletes one)."""

    OPERATION: ClassVar[str] = "UpdateUserAttributes"
    RESPONSE: ClassVar[type[UpdateUserAttributesResponse]] = UpdateUserAttributesResponse

    user_attributes: tuple[AttributeType, ...] = attrs.field(
        converter=_attribute_tuple_required,
        metadata=wire("UserAttributes", ListOf(Nested(AttributeType))),
    )
    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )


@attrs.frozen(kw_only=True)
class VerifySoftwareTokenResponse(WireValue):
    """VerifySoftwareToken output."""

    status: str | None = attrs.field(default=None, metadata=wire("Status", STR))
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", STR))


@attrs.frozen(kw_only=True)
class VerifySoftwareTokenRequest(WireValue):
    """VerifySoftwareToken input: verify the first TOTP code, with an access token or a
    ``session``."""

    OPERATION: ClassVar[str] = "VerifySoftwareToken"
    RESPONSE: ClassVar[type[VerifySoftwareTokenResponse]] = VerifySoftwareTokenResponse

    access_token: str | None = attrs.field(
        default=None, repr=False, metadata=wire("AccessToken", STR)
    )
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", Str(20)))
    user_code: str = attrs.field(repr=False, metadata=wire("UserCode", Str(6)))
    friendly_device_name: str | None = attrs.field(
        default=None, metadata=wire("FriendlyDeviceName", STR)
    )


@attrs.frozen(kw_only=True)
class VerifyUserAttributeResponse(WireValue):
    """VerifyUserAttribute output (no members; ``{}`` or an empty body)."""


@attrs.frozen(kw_only=True)
class VerifyUserAttributeRequest(WireValue):
    """VerifyUserAttribute input: verify an attribute with the code it was sent."""

    OPERATION: ClassVar[str] = "VerifyUserAttribute"
    RESPONSE: ClassVar[type[VerifyUserAttributeResponse]] = VerifyUserAttributeResponse

    access_token: str = attrs.field(repr=False, metadata=wire("AccessToken", Str(1)))
    attribute_name: str = attrs.field(metadata=wire("AttributeName", Str(1)))
    code: str = attrs.field(repr=False, metadata=wire("Code", Str(1)))


# --- the IAM-authorized operations of a server-side sign-in; their answers are the public ones'


@attrs.frozen(kw_only=True)
class AdminInitiateAuthResponse(InitiateAuthResponse):
    """AdminInitiateAuth output: InitiateAuth's members (a challenge or
    ``authentication_result``)."""


@attrs.frozen(kw_only=True)
class AdminInitiateAuthRequest(WireValue):
    """AdminInitiateAuth input (IAM-authorized): start a server-side sign-in or refresh in
    ``user_pool_id``; ``auth_parameters`` as InitiateAuth's, ``ADMIN_USER_PASSWORD_AUTH`` in
    place of ``USER_PASSWORD_AUTH`` (docs/protocol-notes.md §2.3)."""

    OPERATION: ClassVar[str] = "AdminInitiateAuth"
    RESPONSE: ClassVar[type[AdminInitiateAuthResponse]] = AdminInitiateAuthResponse

    user_pool_id: str = attrs.field(metadata=wire("UserPoolId", Str(1)))
    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    auth_flow: str = attrs.field(metadata=wire("AuthFlow", Str(1)))
    auth_parameters: dict[str, str] | None = attrs.field(
        default=None, repr=False, converter=str_map, metadata=wire("AuthParameters", STR_MAP)
    )
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )
    analytics_metadata: AnalyticsMetadata | None = attrs.field(
        default=None, metadata=wire("AnalyticsMetadata", Nested(AnalyticsMetadata))
    )
    context_data: ContextData | None = attrs.field(
        default=None, metadata=wire("ContextData", Nested(ContextData))
    )
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", Str(20)))


@attrs.frozen(kw_only=True)
class AdminRespondToAuthChallengeResponse(RespondToAuthChallengeResponse):
    """AdminRespondToAuthChallenge output: RespondToAuthChallenge's members (the next challenge
    or ``authentication_result``)."""


@attrs.frozen(kw_only=True)
class AdminRespondToAuthChallengeRequest(WireValue):
    """AdminRespondToAuthChallenge input (IAM-authorized): answer a challenge of a server-side
    sign-in; ``challenge_responses`` as RespondToAuthChallenge's (docs/protocol-notes.md §6)."""

    OPERATION: ClassVar[str] = "AdminRespondToAuthChallenge"
    RESPONSE: ClassVar[type[AdminRespondToAuthChallengeResponse]] = (
        AdminRespondToAuthChallengeResponse
    )

    user_pool_id: str = attrs.field(metadata=wire("UserPoolId", Str(1)))
    client_id: str = attrs.field(repr=False, metadata=wire("ClientId", Str(1)))
    challenge_name: str = attrs.field(metadata=wire("ChallengeName", Str(1)))
    challenge_responses: dict[str, str] | None = attrs.field(
        default=None, repr=False, converter=str_map, metadata=wire("ChallengeResponses", STR_MAP)
    )
    session: str | None = attrs.field(default=None, repr=False, metadata=wire("Session", Str(20)))
    analytics_metadata: AnalyticsMetadata | None = attrs.field(
        default=None, metadata=wire("AnalyticsMetadata", Nested(AnalyticsMetadata))
    )
    context_data: ContextData | None = attrs.field(
        default=None, metadata=wire("ContextData", Nested(ContextData))
    )
    client_metadata: dict[str, str] | None = attrs.field(
        default=None, converter=str_map, metadata=wire("ClientMetadata", STR_MAP)
    )


#: Operation name → (request class, response class), for all 34 unauthenticated operations.
OPERATIONS: dict[str, tuple[type[WireValue], type[WireValue]]] = {
    "AssociateSoftwareToken": (AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse),
    "ChangePassword": (ChangePasswordRequest, ChangePasswordResponse),
    "CompleteWebAuthnRegistration": (
        CompleteWebAuthnRegistrationRequest,
        CompleteWebAuthnRegistrationResponse,
    ),
    "ConfirmDevice": (ConfirmDeviceRequest, ConfirmDeviceResponse),
    "ConfirmForgotPassword": (ConfirmForgotPasswordRequest, ConfirmForgotPasswordResponse),
    "ConfirmSignUp": (ConfirmSignUpRequest, ConfirmSignUpResponse),
    "DeleteUser": (DeleteUserRequest, DeleteUserResponse),
    "DeleteUserAttributes": (DeleteUserAttributesRequest, DeleteUserAttributesResponse),
    "DeleteWebAuthnCredential": (DeleteWebAuthnCredentialRequest, DeleteWebAuthnCredentialResponse),
    "ForgetDevice": (ForgetDeviceRequest, ForgetDeviceResponse),
    "ForgotPassword": (ForgotPasswordRequest, ForgotPasswordResponse),
    "GetDevice": (GetDeviceRequest, GetDeviceResponse),
    "GetTokensFromRefreshToken": (
        GetTokensFromRefreshTokenRequest,
        GetTokensFromRefreshTokenResponse,
    ),
    "GetUser": (GetUserRequest, GetUserResponse),
    "GetUserAttributeVerificationCode": (
        GetUserAttributeVerificationCodeRequest,
        GetUserAttributeVerificationCodeResponse,
    ),
    "GetUserAuthFactors": (GetUserAuthFactorsRequest, GetUserAuthFactorsResponse),
    "GlobalSignOut": (GlobalSignOutRequest, GlobalSignOutResponse),
    "InitiateAuth": (InitiateAuthRequest, InitiateAuthResponse),
    "ListDevices": (ListDevicesRequest, ListDevicesResponse),
    "ListUserSessions": (ListUserSessionsRequest, ListUserSessionsResponse),
    "ListWebAuthnCredentials": (ListWebAuthnCredentialsRequest, ListWebAuthnCredentialsResponse),
    "ResendConfirmationCode": (ResendConfirmationCodeRequest, ResendConfirmationCodeResponse),
    "RespondToAuthChallenge": (RespondToAuthChallengeRequest, RespondToAuthChallengeResponse),
    "RevokeToken": (RevokeTokenRequest, RevokeTokenResponse),
    "RevokeUserSession": (RevokeUserSessionRequest, RevokeUserSessionResponse),
    "SetUserMFAPreference": (SetUserMFAPreferenceRequest, SetUserMFAPreferenceResponse),
    "SetUserSettings": (SetUserSettingsRequest, SetUserSettingsResponse),
    "SignUp": (SignUpRequest, SignUpResponse),
    "StartWebAuthnRegistration": (
        StartWebAuthnRegistrationRequest,
        StartWebAuthnRegistrationResponse,
    ),
    "UpdateAuthEventFeedback": (UpdateAuthEventFeedbackRequest, UpdateAuthEventFeedbackResponse),
    "UpdateDeviceStatus": (UpdateDeviceStatusRequest, UpdateDeviceStatusResponse),
    "UpdateUserAttributes": (UpdateUserAttributesRequest, UpdateUserAttributesResponse),
    "VerifySoftwareToken": (VerifySoftwareTokenRequest, VerifySoftwareTokenResponse),
    "VerifyUserAttribute": (VerifyUserAttributeRequest, VerifyUserAttributeResponse),
}

#: Operation name → (request class, response class) for the IAM-authorized operations modelled
#: here: the two of a server-side sign-in. A transport must sign them (SigV4); AWS refuses them
#: unsigned with ``MissingAuthenticationTokenException``.
IAM_OPERATIONS: dict[str, tuple[type[WireValue], type[WireValue]]] = {
    "AdminInitiateAuth": (AdminInitiateAuthRequest, AdminInitiateAuthResponse),
    "AdminRespondToAuthChallenge": (
        AdminRespondToAuthChallengeRequest,
        AdminRespondToAuthChallengeResponse,
    ),
}

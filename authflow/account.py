"""Self-service account operations for a signed-in user.

Every method checks its arguments first (a bad one is a
:class:`~authflow.protocol.errors.ValidationError` naming it, before anything is fetched or sent),
then fetches a valid access token for the session (refreshing single-flight when needed), sends
one typed operation and returns its typed response.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from authflow.config import CognitoConfig
from authflow.protocol import operations as ops
from authflow.protocol.checks import (
    MAX_ITEMS,
    check_flag,
    check_int,
    check_optional_text,
    check_text,
    check_text_list,
    check_text_map,
)
from authflow.protocol.errors import ValidationError
from authflow.protocol.shapes import (
    AttributeType,
    EmailMfaSettings,
    MFAOption,
    SMSMfaSettings,
    SoftwareTokenMfaSettings,
    WebAuthnMfaSettings,
)
from authflow.sessions.manager import SessionManager
from authflow.transport.base import Transport, call

__all__ = ["Account", "MfaSetting"]

#: ``(enabled, preferred)`` for one MFA factor in :meth:`Account.set_mfa_preference`.
MfaSetting = tuple[bool, bool]

#: The largest page size or limit passed on (Cognito's are far lower; its own check applies).
_MAX_INT = 2**31 - 1


#: Stands in for the access token while a request is built only to check its arguments.
_UNSET_TOKEN = "unset"


def _metadata(value: object) -> dict[str, str] | None:
    """ClientMetadata: ``None``, or a map of strings (an empty one is not sent)."""
    return None if value is None else check_text_map(value, "client_metadata") or None


def _mfa_setting(value: object, field: str) -> MfaSetting | None:
    if value is None:
        return None
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ValidationError(f"{field} must be (enabled, preferred)", field=field)
    return check_flag(value[0], f"{field}[0]"), check_flag(value[1], f"{field}[1]")


def _optional_int(value: object, field: str) -> int | None:
    return None if value is None else check_int(value, field, minimum=0, maximum=_MAX_INT)


class Account:
    """Operations on the user behind one stored session (``auth.account(flow.session_key)``).

    >>> # me = await auth.account(key).get_user()
    >>> # await auth.account(key).update_attributes({"name": "Alice"})
    """

    def __init__(
        self,
        config: CognitoConfig,
        transport: Transport,
        sessions: SessionManager,
        session_key: str,
    ) -> None:
        self._config = config
        self._transport = transport
        self._sessions = sessions
        self.session_key = check_text(session_key, "session_key", max_length=1024)

    def __repr__(self) -> str:
        return f"Account(session_key={self.session_key!r})"

    async def _token(self) -> str:
        return await self._sessions.access_token(self.session_key)

    # -- profile ------------------------------------------------------------------------------

    async def get_user(self) -> ops.GetUserResponse:
        """GetUser: username, attributes, MFA settings."""
        return await call(self._transport, ops.GetUserRequest(access_token=await self._token()))

    async def attributes(self) -> dict[str, str]:
        """The user's attributes as a plain dict (values are strings, as Cognito sends them)."""
        user = await self.get_user()
        return {a.name: a.value or "" for a in user.user_attributes}

    async def update_attributes(
        self, attributes: Mapping[str, str], *, client_metadata: Mapping[str, str] | None = None
    ) -> ops.UpdateUserAttributesResponse:
        """UpdateUserAttributes; a changed e-mail or phone sends a verification code."""
        values = check_text_map(attributes, "attributes")
        if not values:
            raise ValidationError("give at least one attribute", field="attributes")
        metadata = _metadata(client_metadata)
        return await call(
            self._transport,
            ops.UpdateUserAttributesRequest(
                access_token=await self._token(),
                user_attributes=[AttributeType(name=k, value=v) for k, v in values.items()],
                client_metadata=metadata,
            ),
        )

    async def delete_attributes(self, names: Sequence[str]) -> ops.DeleteUserAttributesResponse:
        """DeleteUserAttributes."""
        checked = check_text_list(names, "names")
        if not checked:
            raise ValidationError("give a list of attribute names", field="names")
        return await call(
            self._transport,
            ops.DeleteUserAttributesRequest(
                access_token=await self._token(), user_attribute_names=list(checked)
            ),
        )

    async def send_attribute_code(
        self, attribute: str, *, client_metadata: Mapping[str, str] | None = None
    ) -> ops.GetUserAttributeVerificationCodeResponse:
        """GetUserAttributeVerificationCode: send a code to verify ``attribute``."""
        check_text(attribute, "attribute")
        metadata = _metadata(client_metadata)
        return await call(
            self._transport,
            ops.GetUserAttributeVerificationCodeRequest(
                access_token=await self._token(),
                attribute_name=attribute,
                client_metadata=metadata,
            ),
        )

    async def verify_attribute(self, attribute: str, code: str) -> ops.VerifyUserAttributeResponse:
        """VerifyUserAttribute with the code that was sent."""
        check_text(attribute, "attribute")
        check_text(code, "code")
        return await call(
            self._transport,
            ops.VerifyUserAttributeRequest(
                access_token=await self._token(), attribute_name=attribute, code=code
            ),
        )

    async def change_password(
        self, previous: str | None, proposed: str
    ) -> ops.ChangePasswordResponse:
        """ChangePassword (``previous`` may be ``None`` for a passwordless user)."""
        check_optional_text(previous, "previous", max_length=256)
        check_text(proposed, "proposed", max_length=256)
        return await call(
            self._transport,
            ops.ChangePasswordRequest(
                access_token=await self._token(),
                previous_password=previous,
                proposed_password=proposed,
            ),
        )

    # -- MFA ------------------------------------------------------------------------------------

    async def set_mfa_preference(
        self,
        *,
        sms: MfaSetting | None = None,
        totp: MfaSetting | None = None,
        email: MfaSetting | None = None,
        webauthn: bool | None = None,
    ) -> ops.SetUserMFAPreferenceResponse:
        """SetUserMFAPreference; each factor is ``(enabled, preferred)``."""
        sms = _mfa_setting(sms, "sms")
        totp = _mfa_setting(totp, "totp")
        email = _mfa_setting(email, "email")
        if webauthn is not None:
            check_flag(webauthn, "webauthn")
        if sms is None and totp is None and email is None and webauthn is None:
            raise ValidationError("set at least one factor", field="sms")
        return await call(
            self._transport,
            ops.SetUserMFAPreferenceRequest(
                access_token=await self._token(),
                sms_mfa_settings=None
                if sms is None
                else SMSMfaSettings(enabled=sms[0], preferred_mfa=sms[1]),
                software_token_mfa_settings=None
                if totp is None
                else SoftwareTokenMfaSettings(enabled=totp[0], preferred_mfa=totp[1]),
                email_mfa_settings=None
                if email is None
                else EmailMfaSettings(enabled=email[0], preferred_mfa=email[1]),
                web_authn_mfa_settings=None
                if webauthn is None
                else WebAuthnMfaSettings(enabled=webauthn),
            ),
        )

    async def set_user_settings(
        self, mfa_options: Sequence[tuple[str, str]]
    ) -> ops.SetUserSettingsResponse:
        """SetUserSettings (legacy SMS MFA): ``[(delivery_medium, attribute_name), ...]``."""
        if isinstance(mfa_options, str | bytes) or not isinstance(mfa_options, Sequence):
            raise ValidationError("mfa_options must be a list of pairs", field="mfa_options")
        if len(mfa_options) > MAX_ITEMS:
            raise ValidationError(
                f"mfa_options has more than {MAX_ITEMS} pairs", field="mfa_options"
            )
        options: list[MFAOption] = []
        for i, pair in enumerate(mfa_options):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise ValidationError(f"mfa_options[{i}] must be a pair", field="mfa_options")
            medium = check_text(pair[0], f"mfa_options[{i}][0]", max_length=64)
            name = check_text(pair[1], f"mfa_options[{i}][1]")
            options.append(MFAOption(delivery_medium=medium, attribute_name=name))
        return await call(
            self._transport,
            ops.SetUserSettingsRequest(access_token=await self._token(), mfa_options=options),
        )

    async def associate_software_token(self) -> ops.AssociateSoftwareTokenResponse:
        """AssociateSoftwareToken: a new TOTP secret (``secret_code``) for an authenticator."""
        return await call(
            self._transport, ops.AssociateSoftwareTokenRequest(access_token=await self._token())
        )

    async def verify_software_token(
        self, code: str, *, friendly_device_name: str | None = None
    ) -> ops.VerifySoftwareTokenResponse:
        """VerifySoftwareToken: confirm the authenticator with its current 6-digit code."""
        check_text(code, "code", max_length=64)
        check_optional_text(friendly_device_name, "friendly_device_name")
        return await call(
            self._transport,
            ops.VerifySoftwareTokenRequest(
                access_token=await self._token(),
                user_code=code,
                friendly_device_name=friendly_device_name,
            ),
        )

    async def auth_factors(self) -> ops.GetUserAuthFactorsResponse:
        """GetUserAuthFactors: which sign-in factors the user has."""
        return await call(
            self._transport, ops.GetUserAuthFactorsRequest(access_token=await self._token())
        )

    # -- devices --------------------------------------------------------------------------------

    async def list_devices(
        self, *, limit: int | None = None, pagination_token: str | None = None
    ) -> ops.ListDevicesResponse:
        """ListDevices (one page)."""
        _optional_int(limit, "limit")
        check_optional_text(pagination_token, "pagination_token")
        return await call(
            self._transport,
            ops.ListDevicesRequest(
                access_token=await self._token(), limit=limit, pagination_token=pagination_token
            ),
        )

    async def get_device(self, device_key: str) -> ops.GetDeviceResponse:
        """GetDevice."""
        check_text(device_key, "device_key")
        return await call(
            self._transport,
            ops.GetDeviceRequest(access_token=await self._token(), device_key=device_key),
        )

    async def update_device_status(
        self, device_key: str, *, remembered: bool
    ) -> ops.UpdateDeviceStatusResponse:
        """UpdateDeviceStatus: remember or stop remembering a device."""
        check_text(device_key, "device_key")
        check_flag(remembered, "remembered")
        return await call(
            self._transport,
            ops.UpdateDeviceStatusRequest(
                access_token=await self._token(),
                device_key=device_key,
                device_remembered_status="remembered" if remembered else "not_remembered",
            ),
        )

    async def forget_device(self, device_key: str) -> None:
        """ForgetDevice."""
        check_text(device_key, "device_key")
        await call(
            self._transport,
            ops.ForgetDeviceRequest(access_token=await self._token(), device_key=device_key),
        )

    # -- sessions, WebAuthn, feedback -----------------------------------------------------------

    async def list_sessions(self, *, next_token: str | None = None) -> ops.ListUserSessionsResponse:
        """ListUserSessions (one page)."""
        check_optional_text(next_token, "next_token")
        return await call(
            self._transport,
            ops.ListUserSessionsRequest(access_token=await self._token(), next_token=next_token),
        )

    async def revoke_session(self, session_id: str) -> ops.RevokeUserSessionResponse:
        """RevokeUserSession."""
        check_text(session_id, "session_id")
        return await call(
            self._transport,
            ops.RevokeUserSessionRequest(access_token=await self._token(), session_id=session_id),
        )

    async def start_webauthn_registration(self) -> Any:
        """StartWebAuthnRegistration: the CredentialCreationOptions for the caller's ceremony."""
        result = await call(
            self._transport,
            ops.StartWebAuthnRegistrationRequest(access_token=await self._token()),
        )
        return result.credential_creation_options

    async def complete_webauthn_registration(self, credential: Any) -> None:
        """CompleteWebAuthnRegistration with the authenticator's RegistrationResponseJSON."""
        try:  # the request checks the document (JSON types, depth): before the token is fetched
            request = ops.CompleteWebAuthnRegistrationRequest(
                access_token=_UNSET_TOKEN, credential=credential
            )
        except ValidationError as exc:
            raise ValidationError(
                "credential must be the authenticator's response as JSON data", field="credential"
            ) from exc
        await call(self._transport, attrs.evolve(request, access_token=await self._token()))

    async def list_webauthn_credentials(
        self, *, next_token: str | None = None, max_results: int | None = None
    ) -> ops.ListWebAuthnCredentialsResponse:
        """ListWebAuthnCredentials (one page)."""
        check_optional_text(next_token, "next_token")
        _optional_int(max_results, "max_results")
        return await call(
            self._transport,
            ops.ListWebAuthnCredentialsRequest(
                access_token=await self._token(), next_token=next_token, max_results=max_results
            ),
        )

    async def delete_webauthn_credential(self, credential_id: str) -> None:
        """DeleteWebAuthnCredential."""
        check_text(credential_id, "credential_id")
        await call(
            self._transport,
            ops.DeleteWebAuthnCredentialRequest(
                access_token=await self._token(), credential_id=credential_id
            ),
        )

    async def auth_event_feedback(
        self, *, username: str, event_id: str, feedback_token: str, valid: bool
    ) -> None:
        """UpdateAuthEventFeedback (authorized by the e-mailed feedback token, not the session)."""
        check_text(username, "username", max_length=128)
        check_text(event_id, "event_id")
        check_text(feedback_token, "feedback_token")
        check_flag(valid, "valid")
        await call(
            self._transport,
            ops.UpdateAuthEventFeedbackRequest(
                user_pool_id=self._config.user_pool_id,
                username=username,
                event_id=event_id,
                feedback_token=feedback_token,
                feedback_value="Valid" if valid else "Invalid",
            ),
        )

    # -- ending ---------------------------------------------------------------------------------

    async def global_sign_out(self) -> None:
        """GlobalSignOut: every session of the user; this session's record is deleted."""
        await self._sessions.sign_out(self.session_key, global_=True)

    async def delete_user(self) -> None:
        """DeleteUser: the account is gone and this session's record with it."""
        await call(self._transport, ops.DeleteUserRequest(access_token=await self._token()))
        await self._sessions.forget(self.session_key, reason="user_deleted")

"""MFA settings: the pool's MFA configuration and each user's MFA preferences.

Operations: SetUserPoolMfaConfig, GetUserPoolMfaConfig, SetUserMFAPreference,
AdminSetUserMFAPreference, SetUserSettings (legacy SMS MFAOptions). Which factor a user is then
challenged with is decided in :mod:`.mfa_challenges`.
"""

from __future__ import annotations

from typing import Any

from authflow.emulator.domain import Pool, User
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import InvalidParameterError

__all__ = [
    "admin_set_user_mfa_preference",
    "get_user_pool_mfa_config",
    "set_user_mfa_preference",
    "set_user_pool_mfa_config",
    "set_user_settings",
]

_FACTOR_CONFIGS = (
    "SmsMfaConfiguration",
    "SoftwareTokenMfaConfiguration",
    "EmailMfaConfiguration",
    "WebAuthnConfiguration",
)
_PREFERENCES = (
    ("SMSMfaSettings", "SMS_MFA"),
    ("SoftwareTokenMfaSettings", "SOFTWARE_TOKEN_MFA"),
    ("EmailMfaSettings", "EMAIL_OTP"),
)


def _mfa_config_view(pool: Pool) -> dict[str, Any]:
    view: dict[str, Any] = {k: v for k, v in pool.mfa_config.items() if v is not None}
    view["MfaConfiguration"] = pool.mfa_mode
    return view


def set_user_pool_mfa_config(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """SetUserPoolMfaConfig: the factor settings given replace the previous ones (a factor
    left out is off); ON / OPTIONAL need at least one factor on."""
    pool = svc.directory.pool(body["UserPoolId"])
    config = {member: body[member] for member in _FACTOR_CONFIGS if body.get(member) is not None}
    mode = body.get("MfaConfiguration") or pool.mfa_mode
    previous = pool.mfa_config
    pool.mfa_config = config
    if mode != "OFF" and not pool.mfa_factors():
        pool.mfa_config = previous
        raise InvalidParameterError(
            f"Invalid MFA configuration given, can't turn off all MFAs and set MFA to '{mode}'."
        )
    pool.settings["MfaConfiguration"] = mode
    pool.modified = svc.now()
    return _mfa_config_view(pool)


def get_user_pool_mfa_config(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """GetUserPoolMfaConfig."""
    return _mfa_config_view(svc.directory.pool(body["UserPoolId"]))


# ------------------------------------------------------------------------------ preferences


def _set_preference(user: User, body: dict[str, Any]) -> None:
    enabled = set(user.mfa_settings())
    legacy_sms = bool(user.mfa_options)
    preferred = user.mfa_preferred
    chosen: list[str] = []
    for member, factor in _PREFERENCES:
        settings = body.get(member)
        if settings is None:
            continue
        if settings.get("Enabled") is True:
            if factor == "SOFTWARE_TOKEN_MFA" and user.totp_secret is None:
                raise InvalidParameterError("User has not verified software token mfa")
            if factor == "SMS_MFA" and not user.attributes.get("phone_number"):
                raise InvalidParameterError("User does not have a phone_number attribute")
            if factor == "EMAIL_OTP" and not user.attributes.get("email"):
                raise InvalidParameterError("User does not have an email attribute")
            enabled.add(factor)
        elif settings.get("Enabled") is False:
            enabled.discard(factor)
            if factor == "SMS_MFA":
                legacy_sms = False
        if settings.get("PreferredMfa") is True:
            if factor not in enabled:
                raise InvalidParameterError(
                    f"{factor} cannot be the preferred MFA method unless it is enabled"
                )
            chosen.append(factor)
        elif settings.get("PreferredMfa") is False and preferred == factor:
            preferred = None
    if len(chosen) > 1:
        raise InvalidParameterError("Only one MFA method can be preferred")
    if (body.get("WebAuthnMfaSettings") or {}).get("Enabled"):
        raise InvalidParameterError("WebAuthn MFA is not supported by the authflow emulator.")
    if chosen:
        preferred = chosen[0]
    if preferred not in enabled:
        preferred = None
    user.mfa_enabled = enabled
    if not legacy_sms:
        user.mfa_options = []
    user.mfa_preferred = preferred


def set_user_mfa_preference(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """SetUserMFAPreference: enable/disable SMS, TOTP (once verified) and e-mail MFA, and pick
    one preferred factor."""
    _, _, user, _ = svc.tokens.authorize(body["AccessToken"])
    _set_preference(user, body)
    user.modified = svc.now()
    return {}


def admin_set_user_mfa_preference(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """AdminSetUserMFAPreference (accepted unsigned, like every provisioning operation)."""
    pool = svc.directory.pool(body["UserPoolId"])
    user = svc.directory.require_user(pool, body["Username"])
    _set_preference(user, body)
    user.modified = svc.now()
    return {}


def set_user_settings(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """SetUserSettings: legacy SMS MFA (``MFAOptions [{DeliveryMedium: SMS, AttributeName:
    phone_number}]``); an empty list turns it off."""
    _, _, user, _ = svc.tokens.authorize(body["AccessToken"])
    options = [dict(option) for option in body["MFAOptions"]]
    for option in options:
        if option.get("DeliveryMedium") != "SMS" or option.get("AttributeName") != "phone_number":
            raise InvalidParameterError(
                "Only SMS delivery to phone_number is supported by MFAOptions; use "
                "SetUserMFAPreference for other factors."
            )
    if options and not user.attributes.get("phone_number"):
        raise InvalidParameterError("User does not have a phone_number attribute")
    user.mfa_options = options[:1]
    if not options:
        user.mfa_enabled.discard("SMS_MFA")
        if user.mfa_preferred == "SMS_MFA":
            user.mfa_preferred = None
    user.modified = svc.now()
    return {}

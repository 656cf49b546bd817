"""USER_AUTH: choice-based sign-in (ALLOW_USER_AUTH on the app client).

The first factors a user can choose come from the pool's
``Policies.SignInPolicy.AllowedFirstAuthFactors`` and the user, in this order:

* ``PASSWORD_SRP`` and ``PASSWORD`` (factor PASSWORD) for a user with a password;
* ``EMAIL_OTP`` / ``SMS_OTP`` for a verified e-mail / phone number, unless the pool requires MFA
  (Cognito offers passwordless factors only when MFA is not required).

``PREFERRED_CHALLENGE`` that is available starts at once: ``PASSWORD`` (with ``PASSWORD``) signs
in, ``PASSWORD_SRP`` (with ``SRP_A``) answers PASSWORD_VERIFIER, ``EMAIL_OTP`` / ``SMS_OTP`` send
a code (purpose ``SIGN_IN``) and wait for it. Otherwise the answer is SELECT_CHALLENGE with the
choices in the top-level ``AvailableChallenges``; RespondToAuthChallenge SELECT_CHALLENGE
``{USERNAME, ANSWER[, PASSWORD | SRP_A]}`` continues the same way. ``WEB_AUTHN`` answers
``WebAuthnNotEnabledException`` (passkeys are not emulated). A passwordless first factor skips
MFA in OPTIONAL pools.

A ``Session`` from ConfirmSignUp (or from SignUp when PreSignUp auto-confirmed the user) signs the
user in without a credential: InitiateAuth USER_AUTH ``{USERNAME}`` + ``Session``, once.

GetUserAuthFactors reports what a user can sign in with. Passkeys are not emulated:
StartWebAuthnRegistration / CompleteWebAuthnRegistration answer WebAuthnNotEnabledException,
ListWebAuthnCredentials an empty list, DeleteWebAuthnCredential ResourceNotFoundException.
"""

from __future__ import annotations

from typing import Any

from authflow.emulator.challenge_sessions import json_parameter
from authflow.emulator.domain import AppClient, Pool, SignInContext, User
from authflow.emulator.ops.mfa_challenges import code_challenge
from authflow.emulator.ops.signin_pipeline import (
    answering_user,
    check_startable,
    checked_user,
    device_key_param,
    proceed,
    required_param,
)
from authflow.emulator.ops.srp_auth import start_srp
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    FeatureUnavailableInTierError,
    InvalidParameterError,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotConfirmedError,
    UserNotFoundError,
    WebAuthnNotEnabledError,
)

__all__ = [
    "answer_select_challenge",
    "available_challenges",
    "delete_web_authn_credential",
    "get_user_auth_factors",
    "list_web_authn_credentials",
    "start_user_auth",
    "web_authn_registration",
]

_CHOICES = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")
_OTP_ATTRIBUTE = {"EMAIL_OTP": "email", "SMS_OTP": "phone_number"}


def available_challenges(pool: Pool, user: User | None) -> list[str]:
    """The first-factor choices ``user`` has in ``pool`` (password ones only for an unknown user,
    so a probe learns nothing)."""
    factors = pool.first_auth_factors
    choices: list[str] = []
    if "PASSWORD" in factors and (user is None or user.password is not None):
        choices += ["PASSWORD_SRP", "PASSWORD"]
    if user is None or pool.mfa_mode == "ON":
        return choices
    for choice, attribute in _OTP_ATTRIBUTE.items():
        if (
            choice in factors
            and user.attributes.get(attribute)
            and user.attributes.get(f"{attribute}_verified") == "true"
        ):
            choices.append(choice)
    return choices


def _web_authn() -> WebAuthnNotEnabledError:
    return WebAuthnNotEnabledError(
        "WEB_AUTHN (passkey) sign-in is not supported by the authflow emulator."
    )


def _start(
    svc: Services,
    pool: Pool,
    client: AppClient,
    username: str,
    choice: str,
    params: dict[str, Any],
    device_key: str | None,
) -> dict[str, Any]:
    """Begin first factor ``choice`` (already known to be available)."""
    if choice == "PASSWORD":
        password = required_param(params, "PASSWORD")
        user = checked_user(svc, client, pool, username)
        svc.credentials.check_password(user, password)
        ctx = SignInContext(user.username, "PASSWORD", device_key=device_key)
        return proceed(svc, pool, client, user, ctx)
    if choice == "PASSWORD_SRP":
        srp_a = required_param(params, "SRP_A")
        return start_srp(svc, pool, client, username, srp_a, device_key=device_key)
    user = checked_user(svc, client, pool, username)
    check_startable(user)
    ctx = SignInContext(user.username, "OTP", device_key=device_key)
    return code_challenge(
        svc,
        pool,
        client,
        user,
        ctx,
        choice,
        _OTP_ATTRIBUTE[choice],
        purpose="SIGN_IN",
        then="first_factor",
    )


def _after_sign_up(
    svc: Services,
    pool: Pool,
    client: AppClient,
    username: str,
    session: str,
    device_key: str | None,
) -> dict[str, Any]:
    record = svc.challenges.take(session, client, "SIGN_UP")
    user = svc.directory.find_user(pool, username)
    if user is None or user.username != record.username:
        raise NotAuthorizedError("Invalid session for the user.")
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedError("User is not confirmed.")
    if not record.data.get("confirmed"):
        raise NotAuthorizedError("Invalid session for the user.")
    check_startable(user)
    svc.challenges.consume(session)
    ctx = SignInContext(user.username, "SIGN_UP", device_key=device_key)
    return proceed(svc, pool, client, user, ctx)


def start_user_auth(
    svc: Services, request: RequestContext, pool: Pool, client: AppClient, body: dict[str, Any]
) -> dict[str, Any]:
    """InitiateAuth USER_AUTH ``{USERNAME[, PREFERRED_CHALLENGE, PASSWORD | SRP_A, SECRET_HASH,
    DEVICE_KEY]}`` (or ``{USERNAME}`` with a sign-up Session)."""
    if pool.settings.get("UserPoolTier") == "LITE":
        raise FeatureUnavailableInTierError(
            "Choice-based sign-in (USER_AUTH) needs the Essentials or Plus feature plan."
        )
    params = dict(body.get("AuthParameters") or {})
    username = required_param(params, "USERNAME")
    svc.credentials.check_secret_hash(client, username, params.get("SECRET_HASH"))
    device_key = device_key_param(params)
    if body.get("Session"):
        return _after_sign_up(svc, pool, client, username, body["Session"], device_key)
    preferred = params.get("PREFERRED_CHALLENGE")
    if preferred is not None and preferred not in _CHOICES:
        raise InvalidParameterError(f"PREFERRED_CHALLENGE must be one of {', '.join(_CHOICES)}")
    if preferred == "WEB_AUTHN":
        raise _web_authn()
    user = svc.directory.find_user(pool, username)
    if user is None and not client.prevent_user_existence_errors:
        raise UserNotFoundError("User does not exist.")
    if user is not None and not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    available = available_challenges(pool, user)
    if preferred in available:
        return _start(svc, pool, client, username, str(preferred), params, device_key)
    if not available:
        raise InvalidParameterError("The user has no sign-in method that this user pool allows.")
    internal = user.username if user is not None else ""
    ctx = SignInContext(internal, "PASSWORD", device_key=device_key)
    token = svc.challenges.open(
        pool, client, internal, "SELECT_CHALLENGE", ctx=ctx, available=available, typed=username
    )
    return {
        "ChallengeName": "SELECT_CHALLENGE",
        "Session": token,
        "ChallengeParameters": {},
        "AvailableChallenges": available,
    }


def answer_select_challenge(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge SELECT_CHALLENGE ``{USERNAME, ANSWER[, PASSWORD | SRP_A]}``."""
    record = svc.challenges.take(session, client, "SELECT_CHALLENGE")
    if record.username:
        user = answering_user(svc, pool, client, record, responses)
        username = user.username
    else:  # the simulated choice of an unknown user (PreventUserExistenceErrors=ENABLED)
        username = required_param(responses, "USERNAME")
        svc.credentials.check_secret_hash(client, username, responses.get("SECRET_HASH"))
        username = str(record.data.get("typed") or username)
    answer = required_param(responses, "ANSWER")
    if answer == "WEB_AUTHN":
        raise _web_authn()
    available = list(record.data.get("available") or ())
    if answer not in available:
        raise InvalidParameterError(
            f"Invalid ANSWER for SELECT_CHALLENGE; choose one of {json_parameter(available)}"
        )
    ctx: SignInContext = record.data["ctx"]
    result = _start(svc, pool, client, username, answer, responses, ctx.device_key)
    svc.challenges.consume(session)
    return result


def get_user_auth_factors(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """GetUserAuthFactors: the MFA settings and ConfiguredUserAuthFactors (PASSWORD, EMAIL_OTP /
    SMS_OTP for a verified address the pool allows as a first factor, SOFTWARE_TOKEN)."""
    pool, _, user, _ = svc.tokens.authorize(body["AccessToken"])
    factors = []
    if user.password is not None:
        factors.append("PASSWORD")
    for choice, attribute in _OTP_ATTRIBUTE.items():
        if (
            choice in pool.first_auth_factors
            and user.attributes.get(f"{attribute}_verified") == "true"
        ):
            factors.append(choice)
    if user.totp_secret is not None:
        factors.append("SOFTWARE_TOKEN")
    result: dict[str, Any] = {"Username": user.username, "ConfiguredUserAuthFactors": factors}
    settings = user.mfa_settings()
    if settings:
        result["UserMFASettingList"] = settings
    if user.mfa_preferred in settings:
        result["PreferredMfaSetting"] = user.mfa_preferred
    return result


def web_authn_registration(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """Passkey registration: WebAuthnNotEnabledException (not emulated)."""
    svc.tokens.authorize(body["AccessToken"])
    raise WebAuthnNotEnabledError("Passkeys (WebAuthn) are not supported by the authflow emulator.")


def list_web_authn_credentials(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """ListWebAuthnCredentials: always empty (passkeys are not emulated)."""
    svc.tokens.authorize(body["AccessToken"])
    return {"Credentials": []}


def delete_web_authn_credential(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """DeleteWebAuthnCredential: no credential exists here."""
    svc.tokens.authorize(body["AccessToken"])
    raise ResourceNotFoundError("Credential does not exist.")

"""MFA rules shared by sign-in and the MFA operations.

Which factors a user is challenged with:

* The pool switches factors on with SetUserPoolMfaConfig: SMS (``SmsMfaConfiguration``; also on
  for a pool created with MfaConfiguration ON/OPTIONAL), TOTP (``SoftwareTokenMfaConfiguration
  {Enabled}``), e-mail (``EmailMfaConfiguration``).
* A factor is *usable* for a user when the pool has it on and the user can receive it: a
  ``phone_number`` for SMS, a verified TOTP secret, an ``email`` for e-mail.
* OPTIONAL pools challenge only with the factors the user enabled (SetUserMFAPreference, legacy
  SetUserSettings MFAOptions, a completed MFA_SETUP). ON pools use the enabled ones, else every
  usable one, else ask the user to set one up (MFA_SETUP, ``MFAS_CAN_SETUP`` = the pool's factors).
* The preferred factor is challenged directly; otherwise one factor is challenged directly and
  several give SELECT_MFA_TYPE (``MFAS_CAN_CHOOSE``).

Codes sent by SMS or e-mail (MFA, MFA set-up, passwordless sign-in) live in the challenge session:
a wrong code is CodeMismatchException and leaves the session usable (``max_code_failures`` of them
spend it), a code typed after ``otp_code_seconds`` is ExpiredCodeException.
"""

from __future__ import annotations

import hmac
from typing import Any

from authflow.emulator import totp
from authflow.emulator.challenge_sessions import json_parameter
from authflow.emulator.domain import AppClient, ChallengeSession, Pool, SignInContext, User
from authflow.emulator.services import Services
from authflow.protocol.errors import CodeMismatchError, ExpiredCodeError

__all__ = [
    "CODE_MISMATCH",
    "candidates",
    "check_session_code",
    "check_totp",
    "code_challenge",
    "factor_challenge",
    "mfa_challenge",
    "usable",
]

#: Cognito's message for a wrong MFA / sign-in code.
CODE_MISMATCH = "Invalid code received for user"
_RECEIVER = {"SMS_MFA": "phone_number", "EMAIL_OTP": "email"}


def usable(pool: Pool, user: User, factor: str) -> bool:
    """Whether the pool has ``factor`` on and ``user`` can receive it."""
    if factor not in pool.mfa_factors():
        return False
    if factor == "SOFTWARE_TOKEN_MFA":
        return user.totp_secret is not None
    return bool(user.attributes.get(_RECEIVER[factor]))


def candidates(pool: Pool, user: User) -> list[str]:
    """The factors ``user`` may be challenged with now (empty: no MFA, or set-up needed)."""
    if pool.mfa_mode == "OFF":
        return []
    enabled = [f for f in user.mfa_settings() if usable(pool, user, f)]
    if enabled or pool.mfa_mode != "ON":
        return enabled
    return [f for f in pool.mfa_factors() if usable(pool, user, f)]


def mfa_challenge(
    svc: Services, pool: Pool, client: AppClient, user: User, ctx: SignInContext
) -> dict[str, Any] | None:
    """The MFA challenge ``user`` gets now, or ``None`` when there is none to pass."""
    choices = candidates(pool, user)
    if not choices:
        if pool.mfa_mode != "ON":
            return None
        params = {
            "MFAS_CAN_SETUP": json_parameter(pool.mfa_factors()),
            "USER_ID_FOR_SRP": user.username,
        }
        return svc.challenges.challenge(pool, client, user, "MFA_SETUP", params, ctx=ctx)
    if user.mfa_preferred in choices:
        return factor_challenge(svc, pool, client, user, ctx, user.mfa_preferred)
    if len(choices) == 1:
        return factor_challenge(svc, pool, client, user, ctx, choices[0])
    params = {"MFAS_CAN_CHOOSE": json_parameter(choices), "USER_ID_FOR_SRP": user.username}
    return svc.challenges.challenge(
        pool, client, user, "SELECT_MFA_TYPE", params, ctx=ctx, choices=choices
    )


def factor_challenge(
    svc: Services,
    pool: Pool,
    client: AppClient,
    user: User,
    ctx: SignInContext,
    factor: str,
) -> dict[str, Any]:
    """The challenge for one MFA factor: a code by SMS or e-mail, or the TOTP prompt."""
    if factor == "SOFTWARE_TOKEN_MFA":
        params = {"USER_ID_FOR_SRP": user.username}
        return svc.challenges.challenge(
            pool, client, user, "SOFTWARE_TOKEN_MFA", params, ctx=ctx, failures=0
        )
    return code_challenge(
        svc, pool, client, user, ctx, factor, _RECEIVER[factor], purpose="MFA", then="mfa"
    )


def code_challenge(
    svc: Services,
    pool: Pool,
    client: AppClient,
    user: User,
    ctx: SignInContext,
    challenge: str,
    attribute: str,
    *,
    purpose: str,
    then: str,
    destination: str | None = None,
) -> dict[str, Any]:
    """Send a sign-in code to ``attribute`` (or ``destination``) and open ``challenge``
    (SMS_MFA, EMAIL_OTP, SMS_OTP) waiting for it. ``then`` says what a right code does:
    ``mfa`` (MFA passed), ``first_factor`` (passwordless sign-in), ``email_setup``."""
    code = svc.codes.new()
    details = svc.codes.send(
        pool, user, purpose, attribute, client=client, code=code, destination=destination
    )
    params = {
        "CODE_DELIVERY_DELIVERY_MEDIUM": details["DeliveryMedium"],
        "CODE_DELIVERY_DESTINATION": details["Destination"],
    }
    if then != "first_factor":
        params["USER_ID_FOR_SRP"] = user.username
    return svc.challenges.challenge(
        pool,
        client,
        user,
        challenge,
        params,
        ctx=ctx,
        code=code,
        code_expires=svc.now() + svc.config.otp_code_seconds,
        failures=0,
        then=then,
        destination=destination,
    )


def _count_failure(svc: Services, record: ChallengeSession, token: str | None) -> None:
    record.data["failures"] = int(record.data.get("failures", 0)) + 1
    if record.data["failures"] >= svc.config.max_code_failures:
        svc.challenges.consume(token)


def check_session_code(
    svc: Services, record: ChallengeSession, token: str | None, code: str
) -> None:
    """Check a code sent for challenge session ``record``: wrong → CodeMismatchException (the
    session stays usable until ``max_code_failures`` wrong codes spend it); right but late →
    ExpiredCodeException (the session is spent)."""
    expected = str(record.data.get("code", ""))
    if not hmac.compare_digest(expected.encode(), code.encode()):
        _count_failure(svc, record, token)
        raise CodeMismatchError(CODE_MISMATCH)
    if svc.now() >= float(record.data.get("code_expires", 0.0)):
        svc.challenges.consume(token)
        raise ExpiredCodeError("Invalid code provided, please request a code again.")


def check_totp(
    svc: Services,
    user: User,
    secret: str,
    code: str,
    *,
    record: ChallengeSession | None = None,
    token: str | None = None,
) -> None:
    """Check a TOTP code (RFC 6238, ±1 step) against ``secret`` and remember its step, so it is
    never accepted twice. Wrong → CodeMismatchException (counted against ``record``)."""
    step = totp.matching_step(secret, code, svc.now())
    if step is None:
        if record is not None:
            _count_failure(svc, record, token)
        raise CodeMismatchError(CODE_MISMATCH)
    if step <= user.totp_last_step:
        if record is not None:
            _count_failure(svc, record, token)
        raise CodeMismatchError("Your software token has already been used once.")
    user.totp_last_step = step

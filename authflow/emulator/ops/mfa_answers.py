"""Answers to the MFA and one-time-code challenges.

SMS_MFA (``SMS_MFA_CODE``), EMAIL_OTP (``EMAIL_OTP_CODE``; MFA, MFA set-up by e-mail, or
USER_AUTH's passwordless factor), SMS_OTP (``SMS_OTP_CODE``), SOFTWARE_TOKEN_MFA
(``SOFTWARE_TOKEN_MFA_CODE``, RFC 6238 ±1 step, never the same step twice), SELECT_MFA_TYPE
(``ANSWER`` one of ``MFAS_CAN_CHOOSE``; ``EMAIL_MFA`` is taken for ``EMAIL_OTP``) and MFA_SETUP
(after VerifySoftwareToken with the challenge's Session, or ``EMAIL`` to set up e-mail MFA, which
sends an EMAIL_OTP code to that address first). See :mod:`.mfa_challenges` for which factor a
user gets.
"""

from __future__ import annotations

from typing import Any

from authflow.emulator.attributes import is_email
from authflow.emulator.challenge_sessions import json_parameter
from authflow.emulator.domain import MFA_FACTORS, AppClient, Pool, SignInContext
from authflow.emulator.ops.mfa_challenges import (
    check_session_code,
    check_totp,
    code_challenge,
    factor_challenge,
)
from authflow.emulator.ops.signin_pipeline import answering_user, proceed, required_param
from authflow.emulator.ops.user_rules import check_unique, mark_verified
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import InvalidParameterError, SoftwareTokenMFANotFoundError

__all__ = [
    "answer_email_otp",
    "answer_mfa_setup",
    "answer_select_mfa_type",
    "answer_sms_mfa",
    "answer_sms_otp",
    "answer_software_token_mfa",
]


def _answer_code(
    svc: Services,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
    challenge: str,
    key: str,
) -> dict[str, Any]:
    """Check the code (under ``key``) answering a code challenge; what a right one leads to was
    decided when the code was sent (``then``: MFA passed, first factor passed, e-mail MFA set
    up)."""
    record = svc.challenges.take(session, client, challenge)
    user = answering_user(svc, pool, client, record, responses)
    check_session_code(svc, record, session, required_param(responses, key))
    svc.challenges.consume(session)
    ctx: SignInContext = record.data["ctx"]
    then = record.data.get("then")
    if then == "email_setup":
        user.attributes["email"] = str(record.data["destination"])
        mark_verified(pool, user, "email")
        user.mfa_enabled.add("EMAIL_OTP")
        user.modified = svc.now()
    if then in ("mfa", "email_setup"):
        ctx.mfa_done = True
    return proceed(svc, pool, client, user, ctx)


def answer_sms_mfa(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge SMS_MFA ``{USERNAME, SMS_MFA_CODE}``."""
    return _answer_code(svc, pool, client, session, responses, "SMS_MFA", "SMS_MFA_CODE")


def answer_email_otp(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge EMAIL_OTP ``{USERNAME, EMAIL_OTP_CODE}`` (MFA, e-mail MFA set-up,
    or a passwordless first factor)."""
    return _answer_code(svc, pool, client, session, responses, "EMAIL_OTP", "EMAIL_OTP_CODE")


def answer_sms_otp(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge SMS_OTP ``{USERNAME, SMS_OTP_CODE}`` (a passwordless first
    factor)."""
    return _answer_code(svc, pool, client, session, responses, "SMS_OTP", "SMS_OTP_CODE")


def answer_software_token_mfa(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge SOFTWARE_TOKEN_MFA ``{USERNAME, SOFTWARE_TOKEN_MFA_CODE}``."""
    record = svc.challenges.take(session, client, "SOFTWARE_TOKEN_MFA")
    user = answering_user(svc, pool, client, record, responses)
    code = required_param(responses, "SOFTWARE_TOKEN_MFA_CODE")
    if user.totp_secret is None:
        raise SoftwareTokenMFANotFoundError("Software token MFA is not set up for the user.")
    check_totp(svc, user, user.totp_secret, code, record=record, token=session)
    svc.challenges.consume(session)
    ctx: SignInContext = record.data["ctx"]
    ctx.mfa_done = True
    return proceed(svc, pool, client, user, ctx)


def answer_select_mfa_type(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge SELECT_MFA_TYPE ``{USERNAME, ANSWER}``: the chosen factor's
    challenge."""
    record = svc.challenges.take(session, client, "SELECT_MFA_TYPE")
    user = answering_user(svc, pool, client, record, responses)
    answer = required_param(responses, "ANSWER")
    if answer == "EMAIL_MFA":  # the model's doc string spells it so; Amplify sends EMAIL_OTP
        answer = "EMAIL_OTP"
    choices = list(record.data.get("choices") or ())
    if answer not in choices or answer not in MFA_FACTORS:
        raise InvalidParameterError(
            f"Invalid ANSWER for SELECT_MFA_TYPE; choose one of {json_parameter(choices)}"
        )
    svc.challenges.consume(session)
    return factor_challenge(svc, pool, client, user, record.data["ctx"], answer)


def answer_mfa_setup(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge MFA_SETUP ``{USERNAME[, EMAIL]}``: after VerifySoftwareToken with
    the challenge's Session, or with EMAIL to set up e-mail MFA."""
    record = svc.challenges.take(session, client, "MFA_SETUP")
    user = answering_user(svc, pool, client, record, responses)
    ctx: SignInContext = record.data["ctx"]
    if record.data.get("totp_verified"):
        svc.challenges.consume(session)
        ctx.mfa_done = True
        return proceed(svc, pool, client, user, ctx)
    email = responses.get("EMAIL")
    if email:
        if "EMAIL_OTP" not in pool.mfa_factors():
            raise InvalidParameterError("Email MFA is not enabled for this user pool.")
        if not is_email(str(email)):
            raise InvalidParameterError("Invalid email address format.")
        check_unique(pool, user, "email", str(email))
        svc.challenges.consume(session)
        return code_challenge(
            svc,
            pool,
            client,
            user,
            ctx,
            "EMAIL_OTP",
            "email",
            purpose="MFA",
            then="email_setup",
            destination=str(email),
        )
    raise InvalidParameterError(
        "MFA_SETUP needs a software token verified with VerifySoftwareToken (send its Session), "
        "or EMAIL to set up email MFA."
    )

"""TOTP set-up: AssociateSoftwareToken and VerifySoftwareToken, by access token or by the Session
of an MFA_SETUP challenge.

A new secret is Base32, 32 characters; a code is checked as RFC 6238 (±1 step). With an access
token the verified secret becomes the user's TOTP; with a Session the factor is also enabled, the
Session is spent and a new one comes back for RespondToAuthChallenge MFA_SETUP
(:mod:`.mfa_answers`).
"""

from __future__ import annotations

from typing import Any

from authflow.emulator import totp
from authflow.emulator.domain import AppClient, ChallengeSession, Pool, User
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    EnableSoftwareTokenMFAError,
    InvalidParameterError,
    NotAuthorizedError,
    SoftwareTokenMFANotFoundError,
)

__all__ = ["associate_software_token", "verify_software_token"]


def _token_or_session(body: dict[str, Any]) -> tuple[str | None, str | None]:
    token, session = body.get("AccessToken"), body.get("Session")
    if token and session:
        raise InvalidParameterError("Only one of AccessToken or Session may be provided.")
    if not token and not session:
        raise InvalidParameterError("Either AccessToken or Session must be provided.")
    return token, session


def _session_owner(svc: Services, record: ChallengeSession) -> tuple[Pool, AppClient, User]:
    """The pool, app client and user of an MFA_SETUP session (all must still exist)."""
    pool = svc.directory.pool(record.pool_id)
    client = pool.clients.get(record.client_id)
    user = pool.user(record.username)
    if client is None or user is None:
        raise NotAuthorizedError("Invalid session for the user.")
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    return pool, client, user


def _require_totp_pool(pool: Pool) -> None:
    if "SOFTWARE_TOKEN_MFA" not in pool.mfa_factors():
        raise SoftwareTokenMFANotFoundError("Software Token MFA is not enabled for this user pool.")


def associate_software_token(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """AssociateSoftwareToken: a new TOTP SecretCode (Base32, 32 characters) for the user of the
    access token, or of an MFA_SETUP challenge Session (which is spent; a new one comes back)."""
    token, session = _token_or_session(body)
    secret = totp.new_secret(svc.randomness.randbytes)
    if token:
        pool, _, user, _ = svc.tokens.authorize(token)
        _require_totp_pool(pool)
        user.totp_pending = secret
        return {"SecretCode": secret}
    record = svc.challenges.take(session, None, "MFA_SETUP")
    pool, client, _ = _session_owner(svc, record)
    _require_totp_pool(pool)
    svc.challenges.consume(session)
    data = dict(record.data, totp_pending=secret, totp_verified=False, failures=0)
    new = svc.challenges.open(pool, client, record.username, "MFA_SETUP", **data)
    return {"SecretCode": secret, "Session": new}


def verify_software_token(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """VerifySoftwareToken: checks a code of the associated secret (RFC 6238, ±1 step) and
    makes it the user's verified TOTP. A wrong code is EnableSoftwareTokenMFAException and
    leaves the secret (and a Session) usable. With a Session the factor is also enabled and a
    new Session returned for RespondToAuthChallenge MFA_SETUP."""
    token, session = _token_or_session(body)
    code = body["UserCode"]
    mismatch = EnableSoftwareTokenMFAError("Code mismatch and fail enable Software Token MFA")
    if token:
        _, _, user, _ = svc.tokens.authorize(token)
        if user.totp_pending is None:
            raise SoftwareTokenMFANotFoundError(
                "No software token has been associated; call AssociateSoftwareToken first."
            )
        step = totp.matching_step(user.totp_pending, code, svc.now())
        if step is None:
            raise mismatch
        _verified(user, user.totp_pending, step, body.get("FriendlyDeviceName"))
        user.modified = svc.now()
        return {"Status": "SUCCESS"}
    record = svc.challenges.take(session, None, "MFA_SETUP")
    secret = record.data.get("totp_pending")
    if not secret:
        raise SoftwareTokenMFANotFoundError(
            "No software token has been associated with this session; call "
            "AssociateSoftwareToken with it first."
        )
    pool, client, user = _session_owner(svc, record)
    step = totp.matching_step(secret, code, svc.now())
    if step is None:
        record.data["failures"] = int(record.data.get("failures", 0)) + 1
        if record.data["failures"] >= svc.config.max_code_failures:
            svc.challenges.consume(session)
        raise mismatch
    _verified(user, secret, step, body.get("FriendlyDeviceName"))
    user.mfa_enabled.add("SOFTWARE_TOKEN_MFA")
    svc.challenges.consume(session)
    data = {k: v for k, v in record.data.items() if k != "totp_pending"}
    new = svc.challenges.open(
        pool, client, record.username, "MFA_SETUP", **dict(data, totp_verified=True)
    )
    return {"Status": "SUCCESS", "Session": new}


def _verified(user: User, secret: str, step: int, name: str | None) -> None:
    user.totp_secret = secret
    user.totp_pending = None
    user.totp_last_step = step
    if name:
        user.totp_friendly_name = name

"""USER_SRP_AUTH → PASSWORD_VERIFIER, verified for real, and the SRP steps other flows share.

InitiateAuth USER_SRP_AUTH ``{USERNAME, SRP_A}`` answers PASSWORD_VERIFIER (SALT, SRP_B,
SECRET_BLOCK, USER_ID_FOR_SRP, USERNAME); the server side of the proof is kept under its
SECRET_BLOCK, which the answer spends whatever its outcome. An unknown user under
PreventUserExistenceErrors=ENABLED gets a simulated challenge (stable per pool and username) that
no proof can pass. Custom auth (:mod:`.custom`), USER_AUTH (:mod:`.user_auth`) and device SRP
(:mod:`.devices`) reuse :func:`start_srp`, :func:`pending_proof` and :func:`check_proof`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from authflow.emulator import srp_server
from authflow.emulator.credentials import WRONG_PASSWORD
from authflow.emulator.domain import AppClient, PendingSrp, Pool, SignInContext
from authflow.emulator.ops.signin_pipeline import (
    Continuation,
    device_key_param,
    proceed,
    required_param,
)
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import NotAuthorizedError, UserNotFoundError

__all__ = [
    "answer_password_verifier",
    "check_proof",
    "pending_proof",
    "start_srp",
    "start_srp_auth",
]


def start_srp(
    svc: Services,
    pool: Pool,
    client: AppClient,
    username: str,
    srp_a: str,
    *,
    device_key: str | None,
    then: Continuation | None = None,
) -> dict[str, Any]:
    """Answer an SRP_A with PASSWORD_VERIFIER (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP,
    USERNAME); an unknown user gets a simulated challenge when existence errors are prevented.
    ``then`` runs once the proof passes (default: the sign-in pipeline)."""
    srp_server.check_a(srp_a)
    user = svc.directory.find_user(pool, username)
    context: SignInContext | None
    if user is None:
        if not client.prevent_user_existence_errors:
            raise UserNotFoundError("User does not exist.")
        user_id, salt, v = srp_server.fake_identity(pool.fake_secret, pool.name_part, username)
        internal: str | None = None
        context = None
    else:
        if not user.enabled:
            raise NotAuthorizedError("User is disabled.")
        if user.password is None or user.password.verifier is None:
            raise NotAuthorizedError(WRONG_PASSWORD)
        user_id, salt, v = user.username, user.password.salt, user.password.verifier
        internal = user.username
        context = SignInContext(user.username, "SRP", device_key=device_key)
    server = srp_server.new_server(v, svc.randomness.randbytes)
    block = svc.randomness.randbytes(64)
    svc.challenges.add_pending_srp(
        block,
        PendingSrp(
            pool_id=pool.id,
            client_id=client.id,
            username=internal,
            user_id_for_srp=user_id,
            srp_a=srp_a,
            server=server,
            verifier=v,
            expires_at=svc.now() + client.auth_session_seconds,
            context=context,
            then=then,
        ),
    )
    return {
        "ChallengeName": srp_server.PASSWORD_VERIFIER,
        "ChallengeParameters": {
            "SALT": srp_server.salt_hex(salt),
            "SRP_B": server.srp_b,
            "SECRET_BLOCK": base64.b64encode(block).decode("ascii"),
            "USER_ID_FOR_SRP": user_id,
            "USERNAME": user_id,
        },
    }


def start_srp_auth(
    svc: Services, request: RequestContext, pool: Pool, client: AppClient, body: dict[str, Any]
) -> dict[str, Any]:
    """InitiateAuth USER_SRP_AUTH ``{USERNAME, SRP_A[, SECRET_HASH, DEVICE_KEY]}``."""
    params = dict(body.get("AuthParameters") or {})
    username = required_param(params, "USERNAME")
    srp_a = required_param(params, "SRP_A")
    svc.credentials.check_secret_hash(client, username, params.get("SECRET_HASH"))
    return start_srp(svc, pool, client, username, srp_a, device_key=device_key_param(params))


def pending_proof(
    svc: Services, pool: Pool, client: AppClient, responses: dict[str, Any], name: str
) -> tuple[PendingSrp, bytes]:
    """The SRP proof in progress named by PASSWORD_CLAIM_SECRET_BLOCK (spent whatever the
    outcome)."""
    block_text = required_param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
    try:
        block = base64.b64decode(block_text, validate=True)
    except (binascii.Error, ValueError):
        raise NotAuthorizedError(WRONG_PASSWORD) from None
    pending = svc.challenges.take_pending_srp(block)
    if pending is None or pending.client_id != client.id or pending.pool_id != pool.id:
        raise NotAuthorizedError(WRONG_PASSWORD)
    svc.challenges.consume(pending.session)
    if pending.challenge != name:
        raise NotAuthorizedError(WRONG_PASSWORD)
    if svc.now() >= pending.expires_at:
        raise NotAuthorizedError("Invalid session for the user, session is expired.")
    return pending, block


def check_proof(
    svc: Services, pending: PendingSrp, block: bytes, responses: dict[str, Any], pool_name: str
) -> bool:
    """Verify PASSWORD_CLAIM_SIGNATURE / TIMESTAMP of a pending SRP proof."""
    return srp_server.check_claim(
        pool_name=pool_name,
        user_id=pending.user_id_for_srp,
        v=pending.verifier,
        srp_a=pending.srp_a,
        server=pending.server,
        secret_block=block,
        timestamp=required_param(responses, "TIMESTAMP"),
        signature=required_param(responses, "PASSWORD_CLAIM_SIGNATURE"),
        now=svc.now(),
        tolerance_seconds=svc.config.srp_timestamp_tolerance_seconds,
    )


def answer_password_verifier(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge PASSWORD_VERIFIER ``{USERNAME, PASSWORD_CLAIM_SECRET_BLOCK,
    PASSWORD_CLAIM_SIGNATURE, TIMESTAMP[, SECRET_HASH, DEVICE_KEY]}``."""
    # The SRP state lives in SECRET_BLOCK; a Session, if sent, is not needed
    # (docs/protocol-notes.md §3.2).
    username = required_param(responses, "USERNAME")
    required_param(responses, "PASSWORD_CLAIM_SIGNATURE")
    required_param(responses, "TIMESTAMP")
    svc.credentials.check_secret_hash(client, username, responses.get("SECRET_HASH"))
    pending, block = pending_proof(svc, pool, client, responses, srp_server.PASSWORD_VERIFIER)
    user = svc.directory.find_user(pool, username) if pending.username is not None else None
    if user is not None and user.username != pending.username:
        raise NotAuthorizedError(WRONG_PASSWORD)
    if user is not None:
        if not user.enabled:
            raise NotAuthorizedError("User is disabled.")
        svc.credentials.check_lockout(user)
    valid = check_proof(svc, pending, block, responses, pool.name_part)
    if user is None or pending.context is None:
        raise NotAuthorizedError(WRONG_PASSWORD)
    if not valid:
        svc.credentials.record_failure(user)
        raise NotAuthorizedError(WRONG_PASSWORD)
    svc.credentials.record_success(user)
    ctx = pending.context
    if responses.get("DEVICE_KEY"):
        ctx.device_key = str(responses["DEVICE_KEY"])
    then = pending.then or proceed
    return then(svc, pool, client, user, ctx)

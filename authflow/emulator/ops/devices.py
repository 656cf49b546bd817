"""Remembered devices and auth-event feedback.

Operations (access-token authorized): ConfirmDevice (stores the SRP verifier;
``UserConfirmationNecessary`` is true in opt-in pools, whose devices are remembered only after
UpdateDeviceStatus ``remembered``), GetDevice, ListDevices (``Limit`` default 60,
``PaginationToken``), UpdateDeviceStatus, ForgetDevice. UpdateAuthEventFeedback (authorized by
pool, user and event id) is accepted and recorded (:mod:`authflow.emulator.auth_events`).

Challenges: DEVICE_SRP_AUTH ``{USERNAME, DEVICE_KEY, SRP_A}`` → DEVICE_PASSWORD_VERIFIER
(``SALT``, ``SRP_B``, ``SECRET_BLOCK``, ``USERNAME``, ``DEVICE_KEY``) → a real check of the
device's claim with poolName := DeviceGroupKey and userId := DeviceKey. The DEVICE_SRP_AUTH Session
may be left out (pycognito does): the open one for that device on that client is used. The
DEVICE_PASSWORD_VERIFIER state lives in SECRET_BLOCK; its Session, if sent, must match.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from authflow import srp
from authflow.emulator import srp_server
from authflow.emulator.credentials import WRONG_PASSWORD
from authflow.emulator.domain import (
    AppClient,
    AuthEventFeedback,
    ChallengeSession,
    PendingSrp,
    Pool,
    SignInContext,
)
from authflow.emulator.ops.device_rules import device_type, remove_device, users_device
from authflow.emulator.ops.signin_pipeline import answering_user, proceed, required_param
from authflow.emulator.ops.srp_auth import check_proof, pending_proof
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    DeviceKeyExistsError,
    InvalidParameterError,
    NotAuthorizedError,
    ResourceNotFoundError,
)

__all__ = [
    "answer_device_password_verifier",
    "answer_device_srp_auth",
    "confirm_device",
    "forget_device",
    "get_device",
    "list_devices",
    "update_auth_event_feedback",
    "update_device_status",
]


def _b64(value: Any, name: str) -> bytes:
    try:
        decoded = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidParameterError(f"DeviceSecretVerifierConfig.{name} is not base64.") from None
    if not decoded:
        raise InvalidParameterError(f"DeviceSecretVerifierConfig.{name} is empty.")
    return decoded


def confirm_device(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """ConfirmDevice: the device from this user's NewDeviceMetadata gets its SRP verifier."""
    pool, _, user, _ = svc.tokens.authorize(body["AccessToken"])
    device = users_device(pool, user, body["DeviceKey"], confirmed=False)
    if device.confirmed:
        raise DeviceKeyExistsError("Device key already exists.")
    config = body.get("DeviceSecretVerifierConfig") or {}
    if not config.get("PasswordVerifier") or not config.get("Salt"):
        raise InvalidParameterError(
            "DeviceSecretVerifierConfig with PasswordVerifier and Salt is required."
        )
    verifier = int.from_bytes(_b64(config["PasswordVerifier"], "PasswordVerifier"), "big")
    salt = _b64(config["Salt"], "Salt")
    if not 1 < verifier < srp.N:
        raise InvalidParameterError("DeviceSecretVerifierConfig.PasswordVerifier is invalid.")
    opt_in = bool((pool.device_configuration or {}).get("DeviceOnlyRememberedOnUserPrompt"))
    device.salt = salt
    device.verifier = verifier
    device.name = body.get("DeviceName") or None
    device.remembered = not opt_in
    device.modified = svc.now()
    return {"UserConfirmationNecessary": opt_in}


def _device_token(body: dict[str, Any]) -> str:
    token = body.get("AccessToken")
    if not token:
        raise InvalidParameterError("Missing required parameter AccessToken")
    return str(token)


def get_device(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """GetDevice: one confirmed device of the signed-in user."""
    pool, _, user, _ = svc.tokens.authorize(_device_token(body))
    return {"Device": device_type(users_device(pool, user, body["DeviceKey"]))}


def list_devices(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """ListDevices: the user's confirmed devices, oldest first, ``Limit`` (1..60, default 60)
    at a time; ``PaginationToken`` continues."""
    pool, _, user, _ = svc.tokens.authorize(body["AccessToken"])
    devices = sorted(
        (d for d in pool.devices.values() if d.username == user.username and d.confirmed),
        key=lambda d: (d.created, d.key),
    )
    start = 0
    token = body.get("PaginationToken")
    if token:
        keys = [d.key for d in devices]
        if token not in keys:
            raise InvalidParameterError("Invalid pagination token.")
        start = keys.index(token)
    limit = body.get("Limit") or 60
    page = devices[start : start + limit]
    result: dict[str, Any] = {"Devices": [device_type(d) for d in page]}
    if start + limit < len(devices):
        result["PaginationToken"] = devices[start + limit].key
    return result


def update_device_status(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """UpdateDeviceStatus: ``remembered`` or ``not_remembered``."""
    pool, _, user, _ = svc.tokens.authorize(body["AccessToken"])
    device = users_device(pool, user, body["DeviceKey"])
    status = body.get("DeviceRememberedStatus")
    if status not in ("remembered", "not_remembered"):
        raise InvalidParameterError("DeviceRememberedStatus must be remembered or not_remembered.")
    device.remembered = status == "remembered"
    device.modified = svc.now()
    return {}


def forget_device(svc: Services, request: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """ForgetDevice: the device is gone; presenting it again gets ``Device does not exist.``"""
    pool, _, user, _ = svc.tokens.authorize(_device_token(body))
    device = users_device(pool, user, body["DeviceKey"], confirmed=False)
    remove_device(pool, device)
    return {}


def update_auth_event_feedback(
    svc: Services, request: RequestContext, body: dict[str, Any]
) -> dict[str, Any]:
    """UpdateAuthEventFeedback: the event must be one of the user's sign-ins (the ``event_id``
    claim of its tokens); the feedback is recorded. The FeedbackToken (which Cognito mails with
    its risk notifications, never sent here) is not checked."""
    pool = svc.directory.pool(body["UserPoolId"])
    user = svc.directory.require_user(pool, body["Username"])
    event_id = body["EventId"]
    if not svc.tokens.is_sign_in_event(pool, user, event_id):
        raise ResourceNotFoundError(f"Authentication event {event_id} does not exist.")
    svc.feedback.record(
        AuthEventFeedback(
            pool_id=pool.id,
            username=user.username,
            event_id=event_id,
            value=body["FeedbackValue"],
            time=svc.now(),
        )
    )
    return {}


# ------------------------------------------------------------------------------ challenges


def _device_session(
    svc: Services, client: AppClient, session: str | None, device_key: str
) -> tuple[str, ChallengeSession]:
    """The DEVICE_SRP_AUTH session answered: the one sent, or without one the newest open one
    for this device on this client."""
    if session:
        return session, svc.challenges.take(session, client, "DEVICE_SRP_AUTH")
    found = svc.challenges.newest_open("DEVICE_SRP_AUTH", client, device_key=device_key)
    if found is None:
        raise InvalidParameterError("Missing required parameter Session")
    return found


def answer_device_srp_auth(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge DEVICE_SRP_AUTH ``{USERNAME, DEVICE_KEY, SRP_A}`` (the Session
    may be left out) → DEVICE_PASSWORD_VERIFIER."""
    device_key = required_param(responses, "DEVICE_KEY")
    token, record = _device_session(svc, client, session, device_key)
    if record.data.get("device_key") != device_key:
        raise NotAuthorizedError("Invalid session for the user.")
    user = answering_user(svc, pool, client, record, responses)
    srp_a = required_param(responses, "SRP_A")
    srp_server.check_a(srp_a)
    device = users_device(pool, user, device_key)
    assert device.verifier is not None and device.salt is not None
    ctx: SignInContext = record.data["ctx"]
    svc.challenges.consume(token)
    server = srp_server.new_server(device.verifier, svc.randomness.randbytes)
    block = svc.randomness.randbytes(64)
    new = svc.challenges.open(
        pool, client, user.username, "DEVICE_PASSWORD_VERIFIER", ctx=ctx, device_key=device.key
    )
    svc.challenges.add_pending_srp(
        block,
        PendingSrp(
            pool_id=pool.id,
            client_id=client.id,
            username=user.username,
            user_id_for_srp=device.key,
            srp_a=srp_a,
            server=server,
            verifier=device.verifier,
            expires_at=svc.now() + client.auth_session_seconds,
            context=ctx,
            challenge="DEVICE_PASSWORD_VERIFIER",
            device_key=device.key,
            srp_pool_name=device.group_key,
            session=new,
        ),
    )
    return {
        "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
        "Session": new,
        "ChallengeParameters": {
            "SALT": srp_server.salt_hex(device.salt),
            "SRP_B": server.srp_b,
            "SECRET_BLOCK": base64.b64encode(block).decode("ascii"),
            "USERNAME": user.username,
            "DEVICE_KEY": device.key,
        },
    }


def answer_device_password_verifier(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER ``{USERNAME, DEVICE_KEY,
    PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE, TIMESTAMP}``."""
    username = required_param(responses, "USERNAME")
    device_key = required_param(responses, "DEVICE_KEY")
    required_param(responses, "PASSWORD_CLAIM_SIGNATURE")
    required_param(responses, "TIMESTAMP")
    svc.credentials.check_secret_hash(client, username, responses.get("SECRET_HASH"))
    if session:
        svc.challenges.take(session, client, "DEVICE_PASSWORD_VERIFIER")
    pending, block = pending_proof(svc, pool, client, responses, "DEVICE_PASSWORD_VERIFIER")
    if session and session != pending.session:
        raise NotAuthorizedError("Invalid session for the user.")
    user = svc.directory.find_user(pool, username)
    if user is None or user.username != pending.username or device_key != pending.device_key:
        raise NotAuthorizedError(WRONG_PASSWORD)
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    users_device(pool, user, device_key)
    assert pending.srp_pool_name is not None and pending.context is not None
    if not check_proof(svc, pending, block, responses, pending.srp_pool_name):
        raise NotAuthorizedError(WRONG_PASSWORD)
    ctx = pending.context
    ctx.device_done = True
    return proceed(svc, pool, client, user, ctx)

"""Remembered devices and auth-event feedback.

Operations (access-token authorized): ConfirmDevice (stores the SRP verifier;
``UserConfirmationNecessary`` is true in opt-in pools, whose devices are remembered only after
UpdateDeviceStatus ``remembered``), GetDevice, ListDevices (``Limit`` default 60,
``PaginationToken``), UpdateDeviceStatus, ForgetDevice. UpdateAuthEventFeedback (authorized by
pool, user and event id) is accepted and recorded in :attr:`EmulatorCore.auth_event_feedback`.

Challenges: DEVICE_SRP_AUTH ``{USERNAME, DEVICE_KEY, SRP_A}`` → DEVICE_PASSWORD_VERIFIER
(``SALT``, ``SRP_B``, ``SECRET_BLOCK``, ``USERNAME``, ``DEVICE_KEY``) → a real check of the
device's claim with poolName := DeviceGroupKey and userId := DeviceKey. The DEVICE_SRP_AUTH Session
may be left out (pycognito does): the open one for that device on that client is used. The
DEVICE_PASSWORD_VERIFIER state lives in SECRET_BLOCK; its Session, if sent, must match.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from authflow import srp
from authflow.emulator import srp_server
from authflow.emulator.domain import (
    AppClient,
    AuthEventFeedback,
    ChallengeSession,
    PendingSrp,
    Pool,
    SignInContext,
)
from authflow.emulator.ops import operation
from authflow.emulator.ops.auth import challenge, check_proof, pending_proof
from authflow.emulator.ops.device_rules import DEVICE_NOT_FOUND, device_type, users_device
from authflow.emulator.ops.signin_pipeline import (
    WRONG_PASSWORD,
    answering_user,
    proceed,
    required_param,
)
from authflow.protocol.errors import (
    DeviceKeyExistsError,
    InvalidParameterError,
    NotAuthorizedError,
    ResourceNotFoundError,
)

if TYPE_CHECKING:
    from authflow.emulator.core import EmulatorCore

__all__: list[str] = []


def _b64(value: Any, name: str) -> bytes:
    try:
        decoded = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidParameterError(f"DeviceSecretVerifierConfig.{name} is not base64.") from None
    if not decoded:
        raise InvalidParameterError(f"DeviceSecretVerifierConfig.{name} is empty.")
    return decoded


@operation("ConfirmDevice")
def confirm_device(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """ConfirmDevice: the device from this user's NewDeviceMetadata gets its SRP verifier."""
    pool, _, user, _ = core.authorize(body["AccessToken"])
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
    device.modified = core.now()
    return {"UserConfirmationNecessary": opt_in}


def _device_token(body: dict[str, Any]) -> str:
    token = body.get("AccessToken")
    if not token:
        raise InvalidParameterError("Missing required parameter AccessToken")
    return str(token)


@operation("GetDevice")
def get_device(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """GetDevice: one confirmed device of the signed-in user."""
    pool, _, user, _ = core.authorize(_device_token(body))
    return {"Device": device_type(users_device(pool, user, body["DeviceKey"]))}


@operation("ListDevices")
def list_devices(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """ListDevices: the user's confirmed devices, oldest first, ``Limit`` (1..60, default 60)
    at a time; ``PaginationToken`` continues."""
    pool, _, user, _ = core.authorize(body["AccessToken"])
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


@operation("UpdateDeviceStatus")
def update_device_status(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """UpdateDeviceStatus: ``remembered`` or ``not_remembered``."""
    pool, _, user, _ = core.authorize(body["AccessToken"])
    device = users_device(pool, user, body["DeviceKey"])
    status = body.get("DeviceRememberedStatus")
    if status not in ("remembered", "not_remembered"):
        raise InvalidParameterError("DeviceRememberedStatus must be remembered or not_remembered.")
    device.remembered = status == "remembered"
    device.modified = core.now()
    return {}


@operation("ForgetDevice")
def forget_device(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """ForgetDevice: the device is gone; presenting it again gets ``Device does not exist.``"""
    pool, _, user, _ = core.authorize(_device_token(body))
    device = users_device(pool, user, body["DeviceKey"], confirmed=False)
    del pool.devices[device.key]
    return {}


@operation("UpdateAuthEventFeedback")
def update_auth_event_feedback(core: EmulatorCore, body: dict[str, Any]) -> dict[str, Any]:
    """UpdateAuthEventFeedback: the event must be one of the user's sign-ins (the ``event_id``
    claim of its tokens); the feedback is recorded. The FeedbackToken (which Cognito mails with
    its risk notifications, never sent here) is not checked."""
    pool = core.pool(body["UserPoolId"])
    user = core.require_user(pool, body["Username"])
    event_id = body["EventId"]
    if not any(
        f.event_id == event_id and f.username == user.username for f in pool.families.values()
    ):
        raise ResourceNotFoundError(f"Authentication event {event_id} does not exist.")
    core.auth_event_feedback.append(
        AuthEventFeedback(
            pool_id=pool.id,
            username=user.username,
            event_id=event_id,
            value=body["FeedbackValue"],
            time=core.now(),
        )
    )
    return {}


# ------------------------------------------------------------------------------ challenges


def _device_session(
    core: EmulatorCore, client: AppClient, session: str | None, device_key: str
) -> tuple[str, ChallengeSession]:
    """The DEVICE_SRP_AUTH session answered: the one sent, or without one the newest open one
    for this device on this client."""
    if session:
        return session, core.take_session(session, client, "DEVICE_SRP_AUTH")
    for token, record in reversed(list(core.sessions.items())):
        if (
            record.challenge == "DEVICE_SRP_AUTH"
            and record.client_id == client.id
            and record.data.get("device_key") == device_key
            and core.now() < record.expires_at
        ):
            return token, record
    raise InvalidParameterError("Missing required parameter Session")


@challenge("DEVICE_SRP_AUTH")
def _device_srp_auth(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    device_key = required_param(responses, "DEVICE_KEY")
    token, record = _device_session(core, client, session, device_key)
    if record.data.get("device_key") != device_key:
        raise NotAuthorizedError("Invalid session for the user.")
    user = answering_user(core, pool, client, record, responses)
    srp_a = required_param(responses, "SRP_A")
    srp_server.check_a(srp_a)
    device = users_device(pool, user, device_key)
    assert device.verifier is not None and device.salt is not None
    ctx: SignInContext = record.data["ctx"]
    core.consume_session(token)
    server = srp_server.new_server(device.verifier, core.randbytes)
    block = core.randbytes(64)
    new = core.open_session(
        pool, client, user.username, "DEVICE_PASSWORD_VERIFIER", ctx=ctx, device_key=device.key
    )
    core.add_pending_srp(
        block,
        PendingSrp(
            pool_id=pool.id,
            client_id=client.id,
            username=user.username,
            user_id_for_srp=device.key,
            srp_a=srp_a,
            server=server,
            verifier=device.verifier,
            expires_at=core.now() + client.auth_session_seconds,
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


@challenge("DEVICE_PASSWORD_VERIFIER")
def _device_password_verifier(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    username = required_param(responses, "USERNAME")
    device_key = required_param(responses, "DEVICE_KEY")
    required_param(responses, "PASSWORD_CLAIM_SIGNATURE")
    required_param(responses, "TIMESTAMP")
    core.check_secret_hash(client, username, responses.get("SECRET_HASH"))
    if session:
        core.take_session(session, client, "DEVICE_PASSWORD_VERIFIER")
    pending, block = pending_proof(core, pool, client, responses, "DEVICE_PASSWORD_VERIFIER")
    if session and session != pending.session:
        raise NotAuthorizedError("Invalid session for the user.")
    user = core.find_user(pool, username)
    if user is None or user.username != pending.username or device_key != pending.device_key:
        raise NotAuthorizedError(WRONG_PASSWORD)
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    device = pool.devices.get(device_key)
    if device is None or not device.confirmed or device.username != user.username:
        raise ResourceNotFoundError(DEVICE_NOT_FOUND)
    assert pending.srp_pool_name is not None and pending.context is not None
    if not check_proof(core, pending, block, responses, pending.srp_pool_name):
        raise NotAuthorizedError(WRONG_PASSWORD)
    ctx = pending.context
    ctx.device_done = True
    return proceed(core, pool, client, user, ctx)

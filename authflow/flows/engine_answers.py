"""The challenges the engine answers itself, with SRP: PASSWORD_VERIFIER (the password) and
DEVICE_SRP_AUTH then DEVICE_PASSWORD_VERIFIER (the remembered device's secret).

Each function turns the pending :class:`~authflow.flows.challenges.Challenge` into the
ChallengeResponses to send (docs/protocol-notes.md §3 and §4.3); the flow adds SECRET_HASH and
DEVICE_KEY and sends them. A missing or hostile server value is a
:class:`~authflow.protocol.errors.ProtocolViolationError`.
"""

from __future__ import annotations

from datetime import datetime

from authflow import srp
from authflow.flows.challenges import Challenge
from authflow.protocol.errors import ProtocolViolationError, ValidationError
from authflow.sessions.record import DeviceRecord

__all__ = ["device_password_verifier", "device_srp_auth", "password_verifier"]


def _param(challenge: Challenge, name: str) -> str:
    value = challenge.parameters.get(name)
    if not value:
        raise ProtocolViolationError(f"{challenge.name} challenge lacks {name}", field=name)
    return value


async def password_verifier(
    challenge: Challenge,
    *,
    pool_name: str,
    password: str | None,
    ephemeral: srp.SrpEphemeral | None,
    now: datetime,
) -> dict[str, str]:
    """PASSWORD_VERIFIER's responses: the password claim over the server's SALT, SRP_B and
    SECRET_BLOCK, as USER_ID_FOR_SRP (``ephemeral`` is the one whose SRP_A was sent)."""
    if ephemeral is None:
        raise ProtocolViolationError("PASSWORD_VERIFIER arrived but no SRP_A was sent")
    if not password:
        raise ValidationError("this sign-in needs the password", field="password")
    user_id = _param(challenge, "USER_ID_FOR_SRP")
    claim = await srp.password_claim_async(
        pool_name=pool_name,
        user_id=user_id,
        password=password,
        ephemeral=ephemeral,
        salt_hex=_param(challenge, "SALT"),
        srp_b_hex=_param(challenge, "SRP_B"),
        secret_block=_param(challenge, "SECRET_BLOCK"),
        now=now,
    )
    responses = claim.to_challenge_responses()
    responses["USERNAME"] = user_id
    return responses


async def device_srp_auth(device: DeviceRecord | None) -> tuple[srp.SrpEphemeral, dict[str, str]]:
    """DEVICE_SRP_AUTH's responses (a fresh SRP_A) and the ephemeral that made them."""
    if device is None:
        raise ProtocolViolationError("DEVICE_SRP_AUTH arrived but no device was presented")
    ephemeral = await srp.new_ephemeral_async()
    return ephemeral, {"SRP_A": ephemeral.srp_a}


async def device_password_verifier(
    challenge: Challenge,
    *,
    device: DeviceRecord | None,
    ephemeral: srp.SrpEphemeral | None,
    now: datetime,
) -> dict[str, str]:
    """DEVICE_PASSWORD_VERIFIER's responses: the device's claim with its own secret."""
    if device is None or ephemeral is None:
        raise ProtocolViolationError("DEVICE_PASSWORD_VERIFIER arrived out of order")
    claim = await srp.device_password_claim_async(
        device_group_key=device.device_group_key,
        device_key=device.device_key,
        device_password=device.device_password,
        ephemeral=ephemeral,
        salt_hex=_param(challenge, "SALT"),
        srp_b_hex=_param(challenge, "SRP_B"),
        secret_block=_param(challenge, "SECRET_BLOCK"),
        now=now,
    )
    responses = claim.to_challenge_responses()
    responses["USERNAME"] = challenge.parameters.get("USERNAME") or challenge.principal
    return responses

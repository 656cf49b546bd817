"""What the engine answers itself: PASSWORD_VERIFIER with the password and DEVICE_SRP_AUTH then
DEVICE_PASSWORD_VERIFIER with the remembered device's secret (SRP, docs/protocol-notes.md §3 and
§4.3), and the password or SRP_A that SELECT_CHALLENGE's PASSWORD / PASSWORD_SRP need.

:class:`EngineAnswers` holds those secrets for one sign-in and turns the pending
:class:`~authflow.flows.challenges.Challenge` into the ChallengeResponses to send; the flow adds
USERNAME, SECRET_HASH and DEVICE_KEY and sends them. A missing or hostile server value is a
:class:`~authflow.protocol.errors.ProtocolViolationError`.
"""

from __future__ import annotations

from datetime import datetime

from authflow import srp
from authflow.flows.challenges import Challenge, Respond
from authflow.protocol.errors import ProtocolViolationError, ValidationError
from authflow.sessions.record import DeviceRecord

__all__ = ["EngineAnswers"]


def _param(challenge: Challenge, name: str) -> str:
    value = challenge.parameters.get(name)
    if not value:
        raise ProtocolViolationError(f"{challenge.name} challenge lacks {name}", field=name)
    return value


class EngineAnswers:
    """The secrets a sign-in answers with, and only for as long as it needs them: the password
    (dropped once signed in) and the SRP ephemeral between sending SRP_A and answering the
    verifier. Never in a repr."""

    def __init__(self, password: str | None) -> None:
        self.password = password
        self._ephemeral: srp.SrpEphemeral | None = None

    def __repr__(self) -> str:
        return f"EngineAnswers(password={'set' if self.password else None}, srp={self.mid_srp})"

    @property
    def mid_srp(self) -> bool:
        """Whether an SRP_A was sent and its verifier not answered yet."""
        return self._ephemeral is not None

    async def start(self, *, srp_a: bool) -> str | None:
        """A new sign-in attempt: a fresh SRP_A when it starts with SRP, else nothing."""
        self._ephemeral = await srp.new_ephemeral_async() if srp_a else None
        return self._ephemeral.srp_a if self._ephemeral else None

    async def complete(self, action: Respond) -> dict[str, str]:
        """The caller's responses plus what SELECT_CHALLENGE's PASSWORD / PASSWORD_SRP take from
        the sign-in itself: the password, or a fresh SRP_A."""
        responses = dict(action.responses)
        if not (action.with_password or action.with_srp_a):
            return responses
        if not self.password:
            choice = responses.get("ANSWER")
            raise ValidationError(f"{choice} needs the password", field="PASSWORD")
        if action.with_password:
            responses["PASSWORD"] = self.password
        if action.with_srp_a:
            srp_a = await self.start(srp_a=True)
            assert srp_a is not None
            responses["SRP_A"] = srp_a
        return responses

    async def answer(
        self, challenge: Challenge, *, device: DeviceRecord | None, pool_name: str, now: datetime
    ) -> dict[str, str]:
        """The responses to ``challenge``, one of the challenges the engine answers itself."""
        if challenge.name == "PASSWORD_VERIFIER":
            return await self.password_verifier(challenge, pool_name=pool_name, now=now)
        if challenge.name == "DEVICE_SRP_AUTH":
            return await self.device_srp_auth(device)
        if challenge.name == "DEVICE_PASSWORD_VERIFIER":
            return await self.device_password_verifier(challenge, device=device, now=now)
        raise ProtocolViolationError(f"{challenge.name} is not a challenge the engine answers")

    async def password_verifier(
        self, challenge: Challenge, *, pool_name: str, now: datetime
    ) -> dict[str, str]:
        """PASSWORD_VERIFIER's responses: the password claim over the server's SALT, SRP_B and
        SECRET_BLOCK, as USER_ID_FOR_SRP."""
        if self._ephemeral is None:
            raise ProtocolViolationError("PASSWORD_VERIFIER arrived but no SRP_A was sent")
        if not self.password:
            raise ValidationError("this sign-in needs the password", field="password")
        user_id = _param(challenge, "USER_ID_FOR_SRP")
        claim = await srp.password_claim_async(
            pool_name=pool_name,
            user_id=user_id,
            password=self.password,
            ephemeral=self._ephemeral,
            salt_hex=_param(challenge, "SALT"),
            srp_b_hex=_param(challenge, "SRP_B"),
            secret_block=_param(challenge, "SECRET_BLOCK"),
            now=now,
        )
        self._ephemeral = None
        responses = claim.to_challenge_responses()
        responses["USERNAME"] = user_id
        return responses

    async def device_srp_auth(self, device: DeviceRecord | None) -> dict[str, str]:
        """DEVICE_SRP_AUTH's responses: a fresh SRP_A for the remembered device."""
        if device is None:
            raise ProtocolViolationError("DEVICE_SRP_AUTH arrived but no device was presented")
        srp_a = await self.start(srp_a=True)
        assert srp_a is not None
        return {"SRP_A": srp_a}

    async def device_password_verifier(
        self, challenge: Challenge, *, device: DeviceRecord | None, now: datetime
    ) -> dict[str, str]:
        """DEVICE_PASSWORD_VERIFIER's responses: the device's claim with its own secret."""
        if device is None or self._ephemeral is None:
            raise ProtocolViolationError("DEVICE_PASSWORD_VERIFIER arrived out of order")
        claim = await srp.device_password_claim_async(
            device_group_key=device.device_group_key,
            device_key=device.device_key,
            device_password=device.device_password,
            ephemeral=self._ephemeral,
            salt_hex=_param(challenge, "SALT"),
            srp_b_hex=_param(challenge, "SRP_B"),
            secret_block=_param(challenge, "SECRET_BLOCK"),
            now=now,
        )
        self._ephemeral = None
        responses = claim.to_challenge_responses()
        responses["USERNAME"] = challenge.parameters.get("USERNAME") or challenge.principal
        return responses

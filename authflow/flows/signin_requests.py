"""What a sign-in sends, and to whom: :class:`SignInRequests`.

It fills the members the engine owns (USERNAME with the right principal, SECRET_HASH over it,
DEVICE_KEY of a remembered device where the challenge takes one), builds each request through the
session manager's :class:`~authflow.sessions.signin_operations.SignInOperations` and sends it.
The flow keeps the state; this keeps the wire rules (docs/protocol-notes.md §2.3, §5, §6).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from authflow.config import CognitoConfig
from authflow.flows.challenges import (
    Challenge,
    ChooseSetup,
    SetUpTotp,
    VerifyTotp,
    responses_from,
)
from authflow.flows.engine_answers import EngineAnswers
from authflow.flows.options import SignInOptions
from authflow.protocol.errors import (
    EnableSoftwareTokenMFAError,
    ProtocolViolationError,
    ValidationError,
)
from authflow.protocol.operations import AssociateSoftwareTokenRequest, VerifySoftwareTokenRequest
from authflow.protocol.secret_hash import secret_hash
from authflow.sessions.record import DeviceRecord
from authflow.sessions.signin_operations import AuthResponse, SignInOperations
from authflow.transport.base import Transport, call

__all__ = ["SignInRequests"]


class SignInRequests:
    """The requests of one sign-in, for ``config``'s app client, sent over ``transport``."""

    def __init__(
        self, *, config: CognitoConfig, transport: Transport, operations: SignInOperations
    ) -> None:
        self._config = config
        self._transport = transport
        self._operations = operations

    def __repr__(self) -> str:
        return f"SignInRequests(operations={self._operations.name!r})"

    def _secret_hash(self, username: str) -> str | None:
        cfg = self._config
        if not cfg.client_secret:
            return None
        return secret_hash(username, cfg.client_id, cfg.client_secret)

    async def start(
        self,
        options: SignInOptions,
        *,
        login: str,
        password: str | None,
        srp_a: str | None,
        device: DeviceRecord | None,
    ) -> AuthResponse:
        """InitiateAuth for ``options``: the password or SRP_A as the flow needs, USER_AUTH's
        preference, SECRET_HASH over the typed login, the remembered device's key."""
        flow = options.auth_flow
        params: dict[str, str] = {"USERNAME": login}
        if flow == "USER_AUTH" and options.preferred_challenge:
            params["PREFERRED_CHALLENGE"] = options.preferred_challenge
        if srp_a is not None:
            params["SRP_A"] = srp_a
            if flow == "CUSTOM_AUTH":
                params["CHALLENGE_NAME"] = "SRP_A"
        elif options.sends_password:
            if not password:
                raise ValidationError("this sign-in needs the password", field="password")
            params["PASSWORD"] = password
        hashed = self._secret_hash(login)
        if hashed:
            params["SECRET_HASH"] = hashed
        if device is not None:
            params["DEVICE_KEY"] = device.device_key
        request = self._operations.start(
            self._config,
            auth_flow=flow,
            parameters=params,
            client_metadata=options.client_metadata or None,
            session=options.session if flow == "USER_AUTH" else None,
        )
        return await call(self._transport, request)

    async def answer(
        self,
        challenge: Challenge,
        responses: Mapping[str, str],
        *,
        device: DeviceRecord | None,
        client_metadata: Mapping[str, str],
    ) -> AuthResponse:
        """RespondToAuthChallenge with ``responses`` plus USERNAME (the challenge's principal
        unless given), SECRET_HASH over it and DEVICE_KEY where the challenge takes one."""
        sent = dict(responses)
        sent["USERNAME"] = sent.get("USERNAME") or challenge.principal
        hashed = self._secret_hash(sent["USERNAME"])
        if hashed:
            sent["SECRET_HASH"] = hashed
        if device is not None and challenge.kind.sends_device_key:
            sent["DEVICE_KEY"] = device.device_key
        request = self._operations.answer(
            self._config,
            challenge_name=challenge.name,
            session=challenge.session,
            responses=sent,
            client_metadata=client_metadata or None,
        )
        return await call(self._transport, request)

    async def carry_out(
        self, challenge: Challenge, answer: object, engine: EngineAnswers
    ) -> tuple[Challenge, dict[str, str] | None]:
        """What the caller's ``answer`` to ``challenge`` leads to: the challenge as it now
        stands, and the ChallengeResponses to answer it with (``None``: MFA_SETUP's next
        question comes first). Checked locally first (a ValidationError sends nothing)."""
        kind = challenge.kind
        action = kind.interpret(challenge, responses_from(answer, kind.expected_keys(challenge)))
        if isinstance(action, SetUpTotp):
            return await self.associate_software_token(challenge), None
        if isinstance(action, ChooseSetup):
            return attrs.evolve(challenge, setup_choice=action.choice), None
        if isinstance(action, VerifyTotp):
            code, name = action.code, action.friendly_device_name
            return await self.verify_software_token(challenge, code, name), {}
        return challenge, await engine.complete(action)

    async def associate_software_token(self, challenge: Challenge) -> Challenge:
        """MFA_SETUP with TOTP, step 1: the secret for the authenticator, on the challenge's
        Session; returns the challenge holding the secret and the Session that follows."""
        request = AssociateSoftwareTokenRequest(session=challenge.session)
        result = await call(self._transport, request)
        if not result.secret_code:
            raise ProtocolViolationError("AssociateSoftwareToken returned no SecretCode")
        return attrs.evolve(
            challenge, totp_secret=result.secret_code, session=result.session or challenge.session
        )

    async def verify_software_token(
        self, challenge: Challenge, code: str, friendly_device_name: str | None
    ) -> Challenge:
        """MFA_SETUP with TOTP, step 2: the authenticator's first code; returns the challenge
        with the Session to answer MFA_SETUP with (the secret is no longer needed)."""
        request = VerifySoftwareTokenRequest(
            session=challenge.session, user_code=code, friendly_device_name=friendly_device_name
        )
        verified = await call(self._transport, request)
        if verified.status != "SUCCESS":
            raise EnableSoftwareTokenMFAError("the TOTP code was not accepted")
        return attrs.evolve(
            challenge, totp_secret=None, session=verified.session or challenge.session
        )

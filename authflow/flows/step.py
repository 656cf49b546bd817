"""The :class:`Step` every ``flow.step()`` returns: where the flow is and what it waits for."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

import attrs

from authflow.flows.challenges import Challenge, required_attributes
from authflow.sessions.record import Tokens

__all__ = ["CodeDelivery", "Step"]


@attrs.frozen
class CodeDelivery:
    """Where a one-time code was sent (masked destination, e.g. ``+*******9878``)."""

    medium: str | None
    destination: str | None
    attribute: str | None = None


@attrs.frozen
class Step:
    """What a flow is waiting for after a call to ``step()``.

    * ``state`` - the flow's top-level state name;
    * ``challenge`` - the Cognito ChallengeName waited for (``None`` unless ChallengePending);
    * ``expects`` - the ChallengeResponses keys the answer should supply (a plain string answer
      fills the first one);
    * ``delivery`` - where the code was sent: code challenges, and sign-up or password-reset
      codes (SignUpFlow and ForgotPasswordFlow steps carry only ``state`` and ``delivery``);
    * ``parameters`` - the raw ChallengeParameters, as received;
    * ``choices`` - the options to pick from (AvailableChallenges, MFAS_CAN_CHOOSE, MFAS_CAN_SETUP);
    * ``required_attributes`` / ``user_attributes`` - for NEW_PASSWORD_REQUIRED;
    * ``secret_code`` / ``otpauth_uri`` - the TOTP secret during MFA_SETUP (hidden from repr);
    * ``deadline`` - local epoch time after which the challenge session will have expired;
    * ``tokens`` - once Authenticated;
    * ``url`` - where to send the browser (the authorization-code flow, while ChallengePending;
      hidden from repr: it carries the PKCE challenge, ``state`` and ``nonce``).
    """

    state: str
    challenge: str | None = None
    expects: tuple[str, ...] = ()
    delivery: CodeDelivery | None = None
    parameters: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    choices: tuple[str, ...] = ()
    required_attributes: tuple[str, ...] = ()
    user_attributes: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    secret_code: str | None = attrs.field(default=None, repr=False)
    otpauth_uri: str | None = attrs.field(default=None, repr=False)
    deadline: float | None = None
    tokens: Tokens | None = None
    url: str | None = attrs.field(default=None, repr=False)

    @classmethod
    def for_challenge(cls, challenge: Challenge, *, account: str, issuer: str) -> Step:
        """The ChallengePending step for ``challenge``: what its kind expects and offers, where
        a code went, NEW_PASSWORD_REQUIRED's attributes, and MFA_SETUP's TOTP secret with its
        ``otpauth://`` URI (labelled ``issuer:account``)."""
        params = challenge.parameters
        user_attributes: dict[str, Any] = {}
        if params.get("userAttributes"):
            try:
                decoded = json.loads(params["userAttributes"])
            except ValueError:
                decoded = None
            if isinstance(decoded, dict):
                user_attributes = decoded
        delivery = None
        if "CODE_DELIVERY_DELIVERY_MEDIUM" in params or "CODE_DELIVERY_DESTINATION" in params:
            delivery = CodeDelivery(
                medium=params.get("CODE_DELIVERY_DELIVERY_MEDIUM"),
                destination=params.get("CODE_DELIVERY_DESTINATION"),
            )
        kind = challenge.kind
        secret = challenge.totp_secret
        otpauth_uri = None
        if secret is not None:
            label = urllib.parse.quote(f"{issuer}:{account}")
            query = urllib.parse.urlencode({"secret": secret, "issuer": issuer})
            otpauth_uri = f"otpauth://totp/{label}?{query}"
        return cls(
            state="ChallengePending",
            challenge=challenge.name,
            expects=kind.expected_keys(challenge),
            delivery=delivery,
            parameters=dict(params),
            choices=kind.choices(challenge),
            required_attributes=required_attributes(challenge),
            user_attributes=user_attributes,
            secret_code=secret,
            otpauth_uri=otpauth_uri,
            deadline=challenge.deadline,
        )

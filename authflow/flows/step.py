"""The :class:`Step` value every ``flow.step()`` returns, and the challenge catalogue behind it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from authflow.sessions.record import Tokens

__all__ = [
    "ANSWER_KEYS",
    "CodeDelivery",
    "ENGINE_CHALLENGES",
    "Step",
    "json_list_param",
]

#: Challenges the engine answers itself; they are transitions, never questions to the caller.
ENGINE_CHALLENGES = frozenset({"PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"})

#: The ChallengeResponses key a plain-string answer fills, per challenge.
ANSWER_KEYS: Mapping[str, str] = {
    "SMS_MFA": "SMS_MFA_CODE",
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
    "SMS_OTP": "SMS_OTP_CODE",
    "SELECT_MFA_TYPE": "ANSWER",
    "SELECT_CHALLENGE": "ANSWER",
    "CUSTOM_CHALLENGE": "ANSWER",
    "NEW_PASSWORD_REQUIRED": "NEW_PASSWORD",
    "WEB_AUTHN": "CREDENTIAL",
    "MFA_SETUP": "ANSWER",
}


def json_list_param(params: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Decode a JSON-string list challenge parameter (``MFAS_CAN_CHOOSE``, ``requiredAttributes``).

    A missing or malformed value yields ``()``: the caller still sees the raw parameters.
    """
    raw = params.get(name)
    if not raw:
        return ()
    try:
        value = json.loads(raw)
    except ValueError:
        return ()
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value)


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
    * ``delivery`` - where the code was sent, for code challenges;
    * ``parameters`` - the raw ChallengeParameters, as received;
    * ``choices`` - the options to pick from (AvailableChallenges, MFAS_CAN_CHOOSE, MFAS_CAN_SETUP);
    * ``required_attributes`` / ``user_attributes`` - for NEW_PASSWORD_REQUIRED;
    * ``secret_code`` / ``otpauth_uri`` - the TOTP secret during MFA_SETUP (hidden from repr);
    * ``deadline`` - local epoch time after which the challenge session will have expired;
    * ``tokens`` - once Authenticated.
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

"""Cognito Lambda triggers as Python callables: PreSignUp and the custom-auth trio.

A trigger is a callable that takes the event ``dict`` Cognito would send to the Lambda function and
returns it with ``response`` filled in (returning ``None`` after changing the event in place works
too). Events have the Lambda shapes: ``version``, ``region``, ``userPoolId``, ``userName``,
``callerContext {awsSdkVersion, clientId}``, ``triggerSource``, ``request``, ``response``.

::

    def define(event):
        session = event["request"]["session"]
        if session and session[-1]["challengeResult"]:
            event["response"].update(issueTokens=True, failAuthentication=False)
        elif len(session) >= 3:
            event["response"].update(issueTokens=False, failAuthentication=True)
        else:
            event["response"].update(issueTokens=False, failAuthentication=False,
                                     challengeName="CUSTOM_CHALLENGE")
        return event

    pool = emu.create_user_pool("p", triggers=Triggers(define_auth_challenge=define,
                                                        create_auth_challenge=create,
                                                        verify_auth_challenge_response=verify))
    emu.set_triggers(pool.id, Triggers(pre_sign_up=auto_confirm))   # replaces them all

Errors map as Cognito maps a failing Lambda: an exception raised by the callable →
``UserLambdaValidationException: <Trigger> failed with error <message>.``; a result that is not
the event shape → ``InvalidLambdaResponseException``. A pool whose ``LambdaConfig`` names a
function with no callable behind it → ``UnexpectedLambdaException`` (the emulator runs no Lambda).
Triggers never appear in DescribeUserPool except as placeholder ARNs in ``LambdaConfig``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from authflow.protocol.errors import (
    InvalidLambdaResponseError,
    UnexpectedLambdaError,
    UserLambdaValidationError,
)

__all__ = [
    "TRIGGER_NAMES",
    "TriggerFn",
    "Triggers",
    "event",
    "invoke",
    "response_bool",
    "response_str_map",
]

#: A trigger: takes the event, returns it (or ``None`` after changing it in place).
TriggerFn = Callable[[dict[str, Any]], "dict[str, Any] | None"]

#: Triggers attribute → LambdaConfig member.
TRIGGER_NAMES: Mapping[str, str] = {
    "pre_sign_up": "PreSignUp",
    "define_auth_challenge": "DefineAuthChallenge",
    "create_auth_challenge": "CreateAuthChallenge",
    "verify_auth_challenge_response": "VerifyAuthChallengeResponse",
}


def _callable_or_none(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not callable(value):
        raise TypeError(f"{attribute.name} must be a callable or None")


@attrs.frozen
class Triggers:
    """The Python callables standing in for a pool's Lambda triggers (all optional)."""

    pre_sign_up: TriggerFn | None = attrs.field(default=None, validator=_callable_or_none)
    define_auth_challenge: TriggerFn | None = attrs.field(default=None, validator=_callable_or_none)
    create_auth_challenge: TriggerFn | None = attrs.field(default=None, validator=_callable_or_none)
    verify_auth_challenge_response: TriggerFn | None = attrs.field(
        default=None, validator=_callable_or_none
    )

    def lambda_config(self, region: str) -> dict[str, str]:
        """Placeholder ARNs for DescribeUserPool's ``LambdaConfig``, one per set trigger."""
        return {
            member: (f"arn:aws:lambda:{region}:000000000000:function:authflow-emulator-{member}")
            for attribute, member in TRIGGER_NAMES.items()
            if getattr(self, attribute) is not None
        }

    def __repr__(self) -> str:
        set_ = [name for name in TRIGGER_NAMES if getattr(self, name) is not None]
        return f"Triggers({', '.join(set_)})"


def event(
    *,
    region: str,
    pool_id: str,
    username: str,
    client_id: str | None,
    source: str,
    request: dict[str, Any],
    response: dict[str, Any],
) -> dict[str, Any]:
    """A trigger event with the common Lambda header."""
    return {
        "version": "1",
        "region": region,
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": {"awsSdkVersion": "authflow-emulator", "clientId": client_id},
        "triggerSource": source,
        "request": request,
        "response": response,
    }


def invoke(
    triggers: Triggers,
    lambda_config: Mapping[str, Any],
    attribute: str,
    event: dict[str, Any],
) -> dict[str, Any] | None:
    """Run trigger ``attribute`` with (a deep copy of) ``event``; return the event it gave back.

    ``None`` when the trigger is not set (the caller decides whether that is an error), unless
    ``lambda_config`` names a real Lambda function: UnexpectedLambdaException."""
    member = TRIGGER_NAMES[attribute]
    fn: TriggerFn | None = getattr(triggers, attribute)
    if fn is None:
        if lambda_config.get(member):
            raise UnexpectedLambdaError(
                f"{member} is configured as a Lambda function; the authflow emulator cannot "
                "invoke Lambda. Configure the trigger as a Python callable (Triggers)."
            )
        return None
    sent = copy.deepcopy(event)
    try:
        result = fn(sent)
    except Exception as exc:  # the trigger refused: Cognito reports its message
        raise UserLambdaValidationError(f"{member} failed with error {exc}.") from None
    if result is None:
        result = sent
    if not isinstance(result, dict) or not isinstance(result.get("response"), dict):
        raise InvalidLambdaResponseError(f"Unrecognizable lambda output from {member}")
    return result


def response_bool(event: Mapping[str, Any], name: str, member: str) -> bool:
    """A boolean ``response`` member (absent or null means false)."""
    value = event["response"].get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidLambdaResponseError(f"Unrecognizable lambda output from {member}")
    return value


def response_str_map(event: Mapping[str, Any], name: str, member: str) -> dict[str, str]:
    """A string-to-string ``response`` member (absent or null means empty)."""
    value = event["response"].get(name)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidLambdaResponseError(f"Unrecognizable lambda output from {member}")
    return dict(value)

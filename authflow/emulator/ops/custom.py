"""CUSTOM_AUTH: the Define / Create / Verify auth-challenge triggers, with or without SRP first.

InitiateAuth ``CUSTOM_AUTH`` (``USERNAME`` [, ``CHALLENGE_NAME=SRP_A`` and ``SRP_A``]) asks
DefineAuthChallenge what to do with ``request.session`` (a list of ``{challengeName,
challengeResult, challengeMetadata}``; ``[{"challengeName": "SRP_A", "challengeResult": true}]``
when SRP comes first). Its ``response`` decides:

* ``failAuthentication`` → ``NotAuthorizedException: Incorrect username or password.``;
* ``issueTokens`` → the sign-in completes (device authentication and NewDeviceMetadata as usual;
  pool MFA does not apply to custom auth);
* ``challengeName = "PASSWORD_VERIFIER"`` (after SRP_A) → a real PASSWORD_VERIFIER challenge;
  a wrong proof is NotAuthorizedException, a right one adds ``{PASSWORD_VERIFIER, true}`` to the
  session and asks DefineAuthChallenge again;
* ``challengeName = "CUSTOM_CHALLENGE"`` → CreateAuthChallenge supplies
  ``publicChallengeParameters`` (sent as ChallengeParameters, plus ``USERNAME``),
  ``privateChallengeParameters`` and ``challengeMetadata``. The ``ANSWER`` goes to
  VerifyAuthChallengeResponse (``answerCorrect``), its result is appended to the session and
  DefineAuthChallenge is asked again, with a new Session each round.

An unknown user gets UserNotFoundException, or, with PreventUserExistenceErrors=ENABLED, runs the
triggers with ``userNotFound: true`` and can never be issued tokens.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import attrs

from authflow.emulator import triggers as _triggers
from authflow.emulator.domain import AppClient, Pool, SignInContext, User
from authflow.emulator.ops.auth import auth_flow, challenge, start_srp
from authflow.emulator.ops.signin_pipeline import (
    WRONG_PASSWORD,
    answering_user,
    check_startable,
    proceed,
    required_param,
)
from authflow.protocol.errors import (
    InvalidLambdaResponseError,
    InvalidParameterError,
    NotAuthorizedError,
    UserNotFoundError,
)

if TYPE_CHECKING:
    from authflow.emulator.core import EmulatorCore

__all__: list[str] = []

_NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."


@attrs.define
class _CustomAuth:
    """One custom-auth sign-in: the trigger session so far and what InitiateAuth brought."""

    username: str
    user: User | None
    ctx: SignInContext
    session: list[dict[str, Any]] = attrs.field(factory=list)
    srp_a: str | None = attrs.field(default=None, repr=False)
    client_metadata: dict[str, str] = attrs.field(factory=dict)


def _event(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    state: _CustomAuth,
    source: str,
    request: dict[str, Any],
    response: dict[str, Any],
) -> dict[str, Any]:
    attributes: dict[str, str] = {}
    if state.user is not None:
        attributes = {**state.user.attributes, "cognito:user_status": state.user.status}
    return _triggers.event(
        region=pool.region,
        pool_id=pool.id,
        username=state.user.username if state.user is not None else state.username,
        client_id=client.id,
        source=source,
        request={
            "userAttributes": attributes,
            **request,
            "clientMetadata": dict(state.client_metadata),
            "userNotFound": state.user is None,
        },
        response=response,
    )


def _run(pool: Pool, attribute: str, event: dict[str, Any]) -> dict[str, Any]:
    lambda_config = pool.settings.get("LambdaConfig") or {}
    result = _triggers.invoke(pool.triggers, lambda_config, attribute, event)
    if result is None:
        raise InvalidParameterError(_NOT_CONFIGURED)
    return result


def _next(core: EmulatorCore, pool: Pool, client: AppClient, state: _CustomAuth) -> dict[str, Any]:
    """Ask DefineAuthChallenge what comes next, and do it."""
    define = _run(
        pool,
        "define_auth_challenge",
        _event(
            core,
            pool,
            client,
            state,
            "DefineAuthChallenge_Authentication",
            {"session": [dict(item) for item in state.session]},
            {"challengeName": None, "issueTokens": None, "failAuthentication": None},
        ),
    )
    member = "DefineAuthChallenge"
    fail = _triggers.response_bool(define, "failAuthentication", member)
    issue = _triggers.response_bool(define, "issueTokens", member)
    name = define["response"].get("challengeName")
    if fail or (issue and state.user is None):
        raise NotAuthorizedError(WRONG_PASSWORD)
    if issue:
        assert state.user is not None
        return proceed(core, pool, client, state.user, state.ctx)
    if name == "PASSWORD_VERIFIER":
        if state.srp_a is None:
            raise InvalidLambdaResponseError(
                "DefineAuthChallenge asked for PASSWORD_VERIFIER, but the sign-in did not start "
                "with CHALLENGE_NAME=SRP_A and an SRP_A (or it was used already)."
            )
        srp_a, state.srp_a = state.srp_a, None
        then = functools.partial(_after_password_verifier, state)
        return start_srp(
            core, pool, client, state.username, srp_a, device_key=state.ctx.device_key, then=then
        )
    if name == "CUSTOM_CHALLENGE":
        return _custom_challenge(core, pool, client, state)
    raise InvalidLambdaResponseError(f"Unrecognizable lambda output from {member}")


def _after_password_verifier(
    state: _CustomAuth,
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    user: User,
    ctx: SignInContext,
) -> dict[str, Any]:
    state.ctx.device_key = ctx.device_key
    state.session.append(
        {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True, "challengeMetadata": ""}
    )
    return _next(core, pool, client, state)


def _custom_challenge(
    core: EmulatorCore, pool: Pool, client: AppClient, state: _CustomAuth
) -> dict[str, Any]:
    create = _run(
        pool,
        "create_auth_challenge",
        _event(
            core,
            pool,
            client,
            state,
            "CreateAuthChallenge_Authentication",
            {"challengeName": "CUSTOM_CHALLENGE", "session": [dict(i) for i in state.session]},
            {
                "publicChallengeParameters": {},
                "privateChallengeParameters": {},
                "challengeMetadata": None,
            },
        ),
    )
    member = "CreateAuthChallenge"
    public = _triggers.response_str_map(create, "publicChallengeParameters", member)
    private = _triggers.response_str_map(create, "privateChallengeParameters", member)
    metadata = create["response"].get("challengeMetadata") or ""
    if not isinstance(metadata, str):
        raise InvalidLambdaResponseError(f"Unrecognizable lambda output from {member}")
    username = state.user.username if state.user is not None else state.username
    params = {**public}
    params.setdefault("USERNAME", username)
    token = core.open_session(
        pool,
        client,
        username,
        "CUSTOM_CHALLENGE",
        ctx=state.ctx,
        custom=state,
        private=private,
        metadata=metadata,
    )
    return {"ChallengeName": "CUSTOM_CHALLENGE", "Session": token, "ChallengeParameters": params}


@auth_flow("CUSTOM_AUTH")
def _custom_auth(
    core: EmulatorCore, pool: Pool, client: AppClient, body: dict[str, Any]
) -> dict[str, Any]:
    params = dict(body.get("AuthParameters") or {})
    username = required_param(params, "USERNAME")
    core.check_secret_hash(client, username, params.get("SECRET_HASH"))
    lambda_config = pool.settings.get("LambdaConfig") or {}
    if pool.triggers.define_auth_challenge is None and not lambda_config.get("DefineAuthChallenge"):
        raise InvalidParameterError(_NOT_CONFIGURED)
    user = core.find_user(pool, username)
    if user is None:
        if not client.prevent_user_existence_errors:
            raise UserNotFoundError("User does not exist.")
    else:
        check_startable(user)
    device_key = str(params["DEVICE_KEY"]) if params.get("DEVICE_KEY") else None
    ctx = SignInContext(user.username if user else "", "CUSTOM", device_key=device_key)
    state = _CustomAuth(
        username=username,
        user=user,
        ctx=ctx,
        client_metadata=dict(core.client_metadata),
    )
    if params.get("CHALLENGE_NAME") == "SRP_A":
        state.srp_a = required_param(params, "SRP_A")
        state.session.append(
            {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": ""}
        )
    elif params.get("CHALLENGE_NAME"):
        raise InvalidParameterError("CHALLENGE_NAME must be SRP_A when given.")
    return _next(core, pool, client, state)


@challenge("CUSTOM_CHALLENGE")
def _answer_custom_challenge(
    core: EmulatorCore,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    record = core.take_session(session, client, "CUSTOM_CHALLENGE")
    state: _CustomAuth = record.data["custom"]
    if state.user is not None:
        answering_user(core, pool, client, record, responses)
    else:
        username = required_param(responses, "USERNAME")
        core.check_secret_hash(client, username, responses.get("SECRET_HASH"))
    answer = required_param(responses, "ANSWER")
    if responses.get("DEVICE_KEY"):
        state.ctx.device_key = str(responses["DEVICE_KEY"])
    state.client_metadata = dict(core.client_metadata)
    verify = _run(
        pool,
        "verify_auth_challenge_response",
        _event(
            core,
            pool,
            client,
            state,
            "VerifyAuthChallengeResponse_Authentication",
            {
                "privateChallengeParameters": dict(record.data.get("private") or {}),
                "challengeAnswer": answer,
            },
            {"answerCorrect": None},
        ),
    )
    correct = _triggers.response_bool(verify, "answerCorrect", "VerifyAuthChallengeResponse")
    core.consume_session(session)
    state.session.append(
        {
            "challengeName": "CUSTOM_CHALLENGE",
            "challengeResult": correct,
            "challengeMetadata": record.data.get("metadata") or "",
        }
    )
    return _next(core, pool, client, state)

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
from typing import Any

import attrs

from authflow.emulator import triggers
from authflow.emulator.credentials import WRONG_PASSWORD
from authflow.emulator.domain import AppClient, Pool, SignInContext, User
from authflow.emulator.ops.signin_pipeline import (
    answering_user,
    check_startable,
    device_key_param,
    proceed,
    required_param,
)
from authflow.emulator.ops.srp_auth import start_srp
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import (
    InvalidLambdaResponseError,
    InvalidParameterError,
    NotAuthorizedError,
    UserNotFoundError,
)

__all__ = ["answer_custom_challenge", "start_custom_auth"]

_NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."


@attrs.define
class _CustomAuth:
    """One custom-auth sign-in: the trigger session so far and what InitiateAuth brought."""

    username: str
    user: User | None
    ctx: SignInContext
    session: list[dict[str, Any]] = attrs.field(factory=list)
    srp_a: str | None = attrs.field(default=None, repr=False)
    #: ClientMetadata of the request that last advanced this sign-in (InitiateAuth, then each
    #: CUSTOM_CHALLENGE answer), which the triggers see as ``clientMetadata``.
    client_metadata: dict[str, str] = attrs.field(factory=dict)


def _event(
    pool: Pool,
    client: AppClient,
    state: _CustomAuth,
    source: str,
    event_request: dict[str, Any],
    event_response: dict[str, Any],
) -> dict[str, Any]:
    attributes: dict[str, str] = {}
    if state.user is not None:
        attributes = {**state.user.attributes, "cognito:user_status": state.user.status}
    return triggers.event(
        region=pool.region,
        pool_id=pool.id,
        username=state.user.username if state.user is not None else state.username,
        client_id=client.id,
        source=source,
        request={
            "userAttributes": attributes,
            **event_request,
            "clientMetadata": dict(state.client_metadata),
            "userNotFound": state.user is None,
        },
        response=event_response,
    )


def _run(pool: Pool, attribute: str, event: dict[str, Any]) -> dict[str, Any]:
    lambda_config = pool.settings.get("LambdaConfig") or {}
    result = triggers.invoke(pool.triggers, lambda_config, attribute, event)
    if result is None:
        raise InvalidParameterError(_NOT_CONFIGURED)
    return result


def _next(svc: Services, pool: Pool, client: AppClient, state: _CustomAuth) -> dict[str, Any]:
    """Ask DefineAuthChallenge what comes next, and do it."""
    define = _run(
        pool,
        "define_auth_challenge",
        _event(
            pool,
            client,
            state,
            "DefineAuthChallenge_Authentication",
            {"session": [dict(item) for item in state.session]},
            {"challengeName": None, "issueTokens": None, "failAuthentication": None},
        ),
    )
    member = "DefineAuthChallenge"
    fail = triggers.response_bool(define, "failAuthentication", member)
    issue = triggers.response_bool(define, "issueTokens", member)
    name = define["response"].get("challengeName")
    if fail or (issue and state.user is None):
        raise NotAuthorizedError(WRONG_PASSWORD)
    if issue:
        assert state.user is not None
        return proceed(svc, pool, client, state.user, state.ctx)
    if name == "PASSWORD_VERIFIER":
        if state.srp_a is None:
            raise InvalidLambdaResponseError(
                "DefineAuthChallenge asked for PASSWORD_VERIFIER, but the sign-in did not start "
                "with CHALLENGE_NAME=SRP_A and an SRP_A (or it was used already)."
            )
        srp_a, state.srp_a = state.srp_a, None
        then = functools.partial(_after_password_verifier, state)
        return start_srp(
            svc, pool, client, state.username, srp_a, device_key=state.ctx.device_key, then=then
        )
    if name == "CUSTOM_CHALLENGE":
        return _custom_challenge(svc, pool, client, state)
    raise InvalidLambdaResponseError(f"Unrecognizable lambda output from {member}")


def _after_password_verifier(
    state: _CustomAuth,
    svc: Services,
    pool: Pool,
    client: AppClient,
    user: User,
    ctx: SignInContext,
) -> dict[str, Any]:
    state.ctx.device_key = ctx.device_key
    state.session.append(
        {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True, "challengeMetadata": ""}
    )
    return _next(svc, pool, client, state)


def _custom_challenge(
    svc: Services, pool: Pool, client: AppClient, state: _CustomAuth
) -> dict[str, Any]:
    create = _run(
        pool,
        "create_auth_challenge",
        _event(
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
    public = triggers.response_str_map(create, "publicChallengeParameters", member)
    private = triggers.response_str_map(create, "privateChallengeParameters", member)
    metadata = create["response"].get("challengeMetadata") or ""
    if not isinstance(metadata, str):
        raise InvalidLambdaResponseError(f"Unrecognizable lambda output from {member}")
    username = state.user.username if state.user is not None else state.username
    params = {**public}
    params.setdefault("USERNAME", username)
    token = svc.challenges.open(
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


def start_custom_auth(
    svc: Services, request: RequestContext, pool: Pool, client: AppClient, body: dict[str, Any]
) -> dict[str, Any]:
    """InitiateAuth CUSTOM_AUTH ``{USERNAME[, CHALLENGE_NAME=SRP_A, SRP_A, SECRET_HASH,
    DEVICE_KEY]}``: DefineAuthChallenge decides what comes first."""
    params = dict(body.get("AuthParameters") or {})
    username = required_param(params, "USERNAME")
    svc.credentials.check_secret_hash(client, username, params.get("SECRET_HASH"))
    lambda_config = pool.settings.get("LambdaConfig") or {}
    if pool.triggers.define_auth_challenge is None and not lambda_config.get("DefineAuthChallenge"):
        raise InvalidParameterError(_NOT_CONFIGURED)
    user = svc.directory.find_user(pool, username)
    if user is None:
        if not client.prevent_user_existence_errors:
            raise UserNotFoundError("User does not exist.")
    else:
        check_startable(user)
    ctx = SignInContext(
        user.username if user else "", "CUSTOM", device_key=device_key_param(params)
    )
    state = _CustomAuth(
        username=username,
        user=user,
        ctx=ctx,
        client_metadata=dict(request.client_metadata),
    )
    if params.get("CHALLENGE_NAME") == "SRP_A":
        state.srp_a = required_param(params, "SRP_A")
        state.session.append(
            {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": ""}
        )
    elif params.get("CHALLENGE_NAME"):
        raise InvalidParameterError("CHALLENGE_NAME must be SRP_A when given.")
    return _next(svc, pool, client, state)


def answer_custom_challenge(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge CUSTOM_CHALLENGE ``{USERNAME, ANSWER[, SECRET_HASH, DEVICE_KEY]}``:
    VerifyAuthChallengeResponse judges the answer, DefineAuthChallenge decides what follows."""
    record = svc.challenges.take(session, client, "CUSTOM_CHALLENGE")
    state: _CustomAuth = record.data["custom"]
    if state.user is not None:
        answering_user(svc, pool, client, record, responses)
    else:
        username = required_param(responses, "USERNAME")
        svc.credentials.check_secret_hash(client, username, responses.get("SECRET_HASH"))
    answer = required_param(responses, "ANSWER")
    if responses.get("DEVICE_KEY"):
        state.ctx.device_key = str(responses["DEVICE_KEY"])
    state.client_metadata = dict(request.client_metadata)
    verify = _run(
        pool,
        "verify_auth_challenge_response",
        _event(
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
    correct = triggers.response_bool(verify, "answerCorrect", "VerifyAuthChallengeResponse")
    svc.challenges.consume(session)
    state.session.append(
        {
            "challengeName": "CUSTOM_CHALLENGE",
            "challengeResult": correct,
            "challengeMetadata": record.data.get("metadata") or "",
        }
    )
    return _next(svc, pool, client, state)

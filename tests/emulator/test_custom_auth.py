"""CUSTOM_AUTH with Define/Create/Verify auth-challenge triggers as Python callables (with and
without SRP first), the PreSignUp trigger, and every trigger failure, over boto3 and raw HTTP."""

from __future__ import annotations

from typing import Any

from authflow.emulator import Emulator, ManualClock, Triggers

from .conftest import PASSWORD, Raw, error_of, make_user
from .srp_client import SrpClient

FLOWS = ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
WRONG = ("NotAuthorizedException", "Incorrect username or password.")
INVALID = ("NotAuthorizedException", "Invalid session for the user.")
USED = ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")


class Quiz:
    """Triggers for a three-attempt secret-word challenge, recording every event."""

    def __init__(self, answer: str = "42", srp_first: bool = False) -> None:
        self.answer = answer
        self.srp_first = srp_first
        self.events: list[dict[str, Any]] = []

    def define(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        session = event["request"]["session"]
        response = event["response"]
        if self.srp_first and len(session) == 1:
            response.update(challengeName="PASSWORD_VERIFIER", issueTokens=False)
        elif session and session[-1]["challengeName"] == "CUSTOM_CHALLENGE":
            if session[-1]["challengeResult"]:
                response.update(issueTokens=True, failAuthentication=False)
            elif len([s for s in session if s["challengeName"] == "CUSTOM_CHALLENGE"]) >= 3:
                response.update(issueTokens=False, failAuthentication=True)
            else:
                response.update(challengeName="CUSTOM_CHALLENGE")
        else:
            response.update(challengeName="CUSTOM_CHALLENGE", issueTokens=False)
        return event

    def create(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        attempt = len(event["request"]["session"])
        event["response"]["publicChallengeParameters"] = {"question": "the answer?"}
        event["response"]["privateChallengeParameters"] = {"answer": self.answer}
        event["response"]["challengeMetadata"] = f"QUIZ-{attempt}"
        return event

    def verify(self, event: dict[str, Any]) -> None:  # changing the event in place works too
        self.events.append(event)
        request = event["request"]
        correct = request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
        event["response"]["answerCorrect"] = correct

    def triggers(self) -> Triggers:
        return Triggers(
            define_auth_challenge=self.define,
            create_auth_challenge=self.create,
            verify_auth_challenge_response=self.verify,
        )


def start(cognito: Any, client_id: str, username: str, **params: str) -> Any:
    return cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": username, **params},
        ClientMetadata={"app": "tests"},
    )


def answer(cognito: Any, client_id: str, challenge: Any, username: str, text: str) -> Any:
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "ANSWER": text},
        ClientMetadata={"step": "answer"},
    )


def test_custom_challenge_rounds_and_events(temu: Emulator, cognito: Any) -> None:
    quiz = Quiz()
    pool = temu.create_user_pool("custom", triggers=quiz.triggers())
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "ana", email="ana@example.com")
    challenge = start(cognito, app.id, "ana")
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"] == {"question": "the answer?", "USERNAME": "ana"}
    define, create = quiz.events
    assert define["triggerSource"] == "DefineAuthChallenge_Authentication"
    assert define["userPoolId"] == pool.id and define["userName"] == "ana"
    assert define["callerContext"]["clientId"] == app.id
    assert define["request"]["session"] == []
    assert define["request"]["clientMetadata"] == {"app": "tests"}
    assert define["request"]["userNotFound"] is False
    assert define["request"]["userAttributes"]["email"] == "ana@example.com"
    assert define["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert create["triggerSource"] == "CreateAuthChallenge_Authentication"
    assert create["request"]["challengeName"] == "CUSTOM_CHALLENGE"

    second = answer(cognito, app.id, challenge, "ana", "41")
    assert (
        second["ChallengeName"] == "CUSTOM_CHALLENGE" and second["Session"] != challenge["Session"]
    )
    verify = quiz.events[2]
    assert verify["triggerSource"] == "VerifyAuthChallengeResponse_Authentication"
    assert verify["request"]["privateChallengeParameters"] == {"answer": "42"}
    assert verify["request"]["challengeAnswer"] == "41"
    assert verify["request"]["clientMetadata"] == {"step": "answer"}
    assert quiz.events[3]["request"]["session"] == [
        {
            "challengeName": "CUSTOM_CHALLENGE",
            "challengeResult": False,
            "challengeMetadata": "QUIZ-0",
        }
    ]
    # The answered session is spent.
    assert error_of(lambda: answer(cognito, app.id, challenge, "ana", "42")) == USED
    done = answer(cognito, app.id, second, "ana", "42")
    assert done["AuthenticationResult"]["AccessToken"]
    assert quiz.events[-1]["request"]["session"][-1] == {
        "challengeName": "CUSTOM_CHALLENGE",
        "challengeResult": True,
        "challengeMetadata": "QUIZ-1",
    }

    # Three wrong answers: DefineAuthChallenge fails the sign-in.
    challenge = start(cognito, app.id, "ana")
    for _ in range(2):
        challenge = answer(cognito, app.id, challenge, "ana", "nope")
    assert error_of(lambda: answer(cognito, app.id, challenge, "ana", "nope")) == WRONG


def test_custom_auth_session_expires_and_belongs_to_its_user(
    temu: Emulator, cognito: Any, clock: ManualClock
) -> None:
    pool = temu.create_user_pool("custom", triggers=Quiz().triggers())
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "ben")
    make_user(temu, pool.id, "bea")
    challenge = start(cognito, app.id, "ben")
    assert error_of(lambda: answer(cognito, app.id, challenge, "bea", "42")) == INVALID
    clock.advance(180)
    assert error_of(lambda: answer(cognito, app.id, challenge, "ben", "42")) == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )


async def test_custom_auth_with_srp_first_over_raw_http(
    emu: Emulator, raw: Raw, clock: ManualClock
) -> None:
    quiz = Quiz(srp_first=True)
    pool = emu.create_user_pool("srp-custom", triggers=quiz.triggers())
    app = emu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(emu, pool.id, "cat")

    async def begin() -> tuple[SrpClient, Any]:
        srp = SrpClient(pool.id)
        started = await raw.ok(
            "InitiateAuth",
            {
                "ClientId": app.id,
                "AuthFlow": "CUSTOM_AUTH",
                "AuthParameters": {
                    "USERNAME": "cat",
                    "CHALLENGE_NAME": "SRP_A",
                    "SRP_A": srp.srp_a,
                },
            },
        )
        return srp, started

    srp, started = await begin()
    assert started["ChallengeName"] == "PASSWORD_VERIFIER"
    assert quiz.events[0]["request"]["session"] == [
        {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": ""}
    ]
    body = {
        "ClientId": app.id,
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeResponses": srp.responses(
            started["ChallengeParameters"], "Wrong-Horse-9!", clock()
        ),
    }
    assert await raw.error("RespondToAuthChallenge", body) == WRONG

    srp, started = await begin()
    body["ChallengeResponses"] = srp.responses(started["ChallengeParameters"], PASSWORD, clock())
    custom = await raw.ok("RespondToAuthChallenge", body)
    assert custom["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert [s["challengeName"] for s in quiz.events[-2]["request"]["session"]] == [
        "SRP_A",
        "PASSWORD_VERIFIER",
    ]
    done = await raw.ok(
        "RespondToAuthChallenge",
        {
            "ClientId": app.id,
            "ChallengeName": "CUSTOM_CHALLENGE",
            "Session": custom["Session"],
            "ChallengeResponses": {"USERNAME": "cat", "ANSWER": "42"},
        },
    )
    assert done["AuthenticationResult"]["RefreshToken"]


def test_trigger_failures(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool("broken")
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "dan")
    assert error_of(lambda: start(cognito, app.id, "dan")) == (
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
    )

    def boom(event: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("boom")

    temu.set_triggers(pool.id, Triggers(define_auth_challenge=boom))
    assert error_of(lambda: start(cognito, app.id, "dan")) == (
        "UserLambdaValidationException",
        "DefineAuthChallenge failed with error boom.",
    )
    temu.set_triggers(pool.id, Triggers(define_auth_challenge=lambda e: {"no": "response"}))
    assert error_of(lambda: start(cognito, app.id, "dan"))[0] == "InvalidLambdaResponseException"

    def wants_srp(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["challengeName"] = "PASSWORD_VERIFIER"
        return event

    temu.set_triggers(pool.id, Triggers(define_auth_challenge=wants_srp))
    assert error_of(lambda: start(cognito, app.id, "dan"))[0] == "InvalidLambdaResponseException"

    def asks(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
        return event

    temu.set_triggers(pool.id, Triggers(define_auth_challenge=asks))
    assert error_of(lambda: start(cognito, app.id, "dan")) == (
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
    )

    def bad_params(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["publicChallengeParameters"] = {"n": 1}
        return event

    temu.set_triggers(
        pool.id, Triggers(define_auth_challenge=asks, create_auth_challenge=bad_params)
    )
    assert error_of(lambda: start(cognito, app.id, "dan"))[0] == "InvalidLambdaResponseException"

    # A real Lambda ARN cannot run here: a clear error, not a silent pass.
    arn = "arn:aws:lambda:us-east-1:123456789012:function:define"
    lambda_pool = cognito.create_user_pool(
        PoolName="arn", LambdaConfig={"DefineAuthChallenge": arn}
    )
    pool_id = lambda_pool["UserPool"]["Id"]
    lambda_app = temu.create_user_pool_client(pool_id, explicit_auth_flows=FLOWS)
    make_user(temu, pool_id, "dan")
    assert error_of(lambda: start(cognito, lambda_app.id, "dan"))[0] == "UnexpectedLambdaException"

    no_custom = temu.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_SRP_AUTH"])
    assert error_of(lambda: start(cognito, no_custom.id, "dan")) == (
        "InvalidParameterException",
        "CUSTOM_AUTH flow not enabled for this client",
    )


def test_describe_shows_placeholder_arns(temu: Emulator, cognito: Any) -> None:
    quiz = Quiz()
    pool = temu.create_user_pool("arns", triggers=quiz.triggers())
    config = cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]["LambdaConfig"]
    assert set(config) == {
        "DefineAuthChallenge",
        "CreateAuthChallenge",
        "VerifyAuthChallengeResponse",
    }
    assert config["DefineAuthChallenge"].startswith("arn:aws:lambda:us-east-1:000000000000:")
    cognito.update_user_pool(UserPoolId=pool.id)  # Python triggers are not wire settings
    assert (
        "DefineAuthChallenge"
        in cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]["LambdaConfig"]
    )
    assert "define" not in repr(temu.core.pools[pool.id])


def test_unknown_user(temu: Emulator, cognito: Any) -> None:
    quiz = Quiz()
    pool = temu.create_user_pool("ghosts", triggers=quiz.triggers())
    legacy = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    prevent = temu.create_user_pool_client(
        pool.id, explicit_auth_flows=FLOWS, prevent_user_existence_errors="ENABLED"
    )
    assert error_of(lambda: start(cognito, legacy.id, "ghost")) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    challenge = start(cognito, prevent.id, "ghost")
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert quiz.events[0]["request"]["userNotFound"] is True
    assert error_of(lambda: answer(cognito, prevent.id, challenge, "ghost", "42")) == WRONG


def test_pre_sign_up_trigger(temu: Emulator, cognito: Any) -> None:
    seen: list[dict[str, Any]] = []

    def pre_sign_up(event: dict[str, Any]) -> dict[str, Any]:
        seen.append(event)
        if event["request"]["validationData"].get("invite") != "yes":
            raise ValueError("no invitation")
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
        return event

    pool = temu.create_user_pool(
        "pre", auto_verified_attributes=["email"], triggers=Triggers(pre_sign_up=pre_sign_up)
    )
    app = temu.create_user_pool_client(
        pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )
    email = [{"Name": "email", "Value": "eve@example.com"}]
    assert error_of(
        lambda: cognito.sign_up(
            ClientId=app.id, Username="eve", Password=PASSWORD, UserAttributes=email
        )
    ) == ("UserLambdaValidationException", "PreSignUp failed with error no invitation.")
    assert error_of(lambda: cognito.admin_get_user(UserPoolId=pool.id, Username="eve"))[0] == (
        "UserNotFoundException"
    )
    out = cognito.sign_up(
        ClientId=app.id,
        Username="eve",
        Password=PASSWORD,
        UserAttributes=email,
        ValidationData=[{"Name": "invite", "Value": "yes"}],
        ClientMetadata={"source": "test"},
    )
    assert out["UserConfirmed"] is True and "CodeDeliveryDetails" not in out
    assert not temu.outbox.messages(username="eve")
    event = seen[-1]
    assert event["triggerSource"] == "PreSignUp_SignUp"
    assert event["request"]["userAttributes"] == {"email": "eve@example.com"}
    assert event["request"]["clientMetadata"] == {"source": "test"}
    user = cognito.admin_get_user(UserPoolId=pool.id, Username="eve")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    assert cognito.initiate_auth(
        ClientId=app.id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "eve", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    # AdminCreateUser runs it too (PreSignUp_AdminCreateUser).
    assert (
        error_of(
            lambda: cognito.admin_create_user(
                UserPoolId=pool.id, Username="fay", MessageAction="SUPPRESS"
            )
        )[0]
        == "UserLambdaValidationException"
    )
    assert seen[-1]["triggerSource"] == "PreSignUp_AdminCreateUser"

    def verify_phone(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["autoVerifyPhone"] = True
        return event

    temu.set_triggers(pool.id, Triggers(pre_sign_up=verify_phone))
    assert (
        error_of(
            lambda: cognito.sign_up(
                ClientId=app.id,
                Username="gus",
                Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": "gus@example.com"}],
            )
        )[0]
        == "InvalidLambdaResponseException"
    )

"""AdminInitiateAuth / AdminRespondToAuthChallenge flows over real HTTP with boto3, signature
verification on: ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH (legacy flow and client setting),
USER_SRP_AUTH with a real SRP client, REFRESH_TOKEN_AUTH, CUSTOM_AUTH (triggers see the admin
request), USER_AUTH; which flows each operation refuses; UserPoolId / ClientId mismatches;
ContextData and AnalyticsMetadata accepted; the request model validated."""

from __future__ import annotations

import base64
import json
from typing import Any

from authflow.emulator import Emulator, ManualClock, Triggers

from .admin_support import AdminSignIn, admin, iam_emu, signed_client, unsigned_client
from .conftest import PASSWORD, error_of, make_user
from .srp_client import SrpClient, secret_hash
from .test_custom_auth import Quiz

__all__ = ["admin", "iam_emu"]  # fixtures

ADMIN_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
ALL_FLOWS = [
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
NOT_SUPPORTED = ("InvalidParameterException", "Initiate Auth method not supported.")
NOT_ENABLED = ("InvalidParameterException", "Auth flow not enabled for this client")
WRONG = ("NotAuthorizedException", "Incorrect username or password.")
CONTEXT = {
    "IpAddress": "192.0.2.10",
    "ServerName": "app.example.com",
    "ServerPath": "/login",
    "HttpHeaders": [{"headerName": "User-Agent", "headerValue": "tests"}],
    "EncodedData": "ZW5jb2RlZA==",
}


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def pool_and_client(emu: Emulator, flows: list[str] = ALL_FLOWS, **settings: Any) -> AdminSignIn:
    pool = emu.create_user_pool("admin")
    app = emu.create_user_pool_client(pool.id, explicit_auth_flows=flows, **settings)
    return AdminSignIn(signed_client(emu), pool.id, app.id)


def test_admin_user_password_auth_issues_tokens(iam_emu: Emulator, admin: Any) -> None:
    sign_in = pool_and_client(iam_emu)
    make_user(iam_emu, sign_in.pool_id, "ann", email="ann@example.com")
    out = sign_in.start_with(
        "ADMIN_USER_PASSWORD_AUTH",
        {"USERNAME": "ann", "PASSWORD": PASSWORD},
        ClientMetadata={"k": "v"},
        ContextData=CONTEXT,
        AnalyticsMetadata={"AnalyticsEndpointId": "endpoint-1"},
    )
    tokens = out["AuthenticationResult"]
    assert out["ChallengeParameters"] == {} and "ChallengeName" not in out
    assert set(tokens) >= {"AccessToken", "IdToken", "RefreshToken", "ExpiresIn", "TokenType"}
    access = claims(tokens["AccessToken"])
    assert access["client_id"] == sign_in.client_id and access["username"] == "ann"
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert claims(tokens["IdToken"])["aud"] == sign_in.client_id
    # The tokens are the public operations' tokens: GetUser (unsigned) accepts them.
    me = unsigned_client(iam_emu).get_user(AccessToken=tokens["AccessToken"])
    assert me["Username"] == "ann"


def test_password_flow_errors_are_cognitos(iam_emu: Emulator, admin: Any) -> None:
    sign_in = pool_and_client(iam_emu)
    make_user(iam_emu, sign_in.pool_id, "bea")

    def start(username: str, password: str) -> Any:
        return sign_in.start("ADMIN_USER_PASSWORD_AUTH", USERNAME=username, PASSWORD=password)

    assert error_of(lambda: start("bea", "Wrong-Horse-9!")) == WRONG
    assert error_of(lambda: start("nobody", PASSWORD)) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    assert error_of(lambda: sign_in.start("ADMIN_USER_PASSWORD_AUTH", USERNAME="bea")) == (
        "InvalidParameterException",
        "Missing required parameter PASSWORD",
    )
    admin.admin_disable_user(UserPoolId=sign_in.pool_id, Username="bea")
    assert error_of(lambda: start("bea", PASSWORD)) == (
        "NotAuthorizedException",
        "User is disabled.",
    )
    hidden = pool_and_client(iam_emu, prevent_user_existence_errors="ENABLED")
    assert (
        error_of(
            lambda: hidden.start("ADMIN_USER_PASSWORD_AUTH", USERNAME="nobody", PASSWORD=PASSWORD)
        )
        == WRONG
    )


def test_secret_client_needs_the_secret_hash(iam_emu: Emulator, admin: Any) -> None:
    pool = iam_emu.create_user_pool("secret")
    app = iam_emu.create_user_pool_client(
        pool.id, explicit_auth_flows=ADMIN_FLOWS, generate_secret=True
    )
    assert app.secret is not None
    make_user(iam_emu, pool.id, "cy")
    sign_in = AdminSignIn(admin, pool.id, app.id)
    params = {"USERNAME": "cy", "PASSWORD": PASSWORD}
    assert error_of(lambda: sign_in.start_with("ADMIN_USER_PASSWORD_AUTH", params)) == (
        "NotAuthorizedException",
        f"Client {app.id} is configured for secret but secret was not received",
    )
    good = {**params, "SECRET_HASH": secret_hash(app.secret, "cy", app.id)}
    assert sign_in.start_with("ADMIN_USER_PASSWORD_AUTH", good)["AuthenticationResult"]


def test_legacy_admin_no_srp_auth(iam_emu: Emulator, admin: Any) -> None:
    legacy = pool_and_client(iam_emu, flows=["ADMIN_NO_SRP_AUTH"])
    make_user(iam_emu, legacy.pool_id, "dan")
    for flow in ("ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH"):
        assert legacy.start(flow, USERNAME="dan", PASSWORD=PASSWORD)["AuthenticationResult"]
    modern = pool_and_client(iam_emu, flows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])
    make_user(iam_emu, modern.pool_id, "dan")
    assert modern.start("ADMIN_NO_SRP_AUTH", USERNAME="dan", PASSWORD=PASSWORD)[
        "AuthenticationResult"
    ]


def test_each_operation_refuses_the_others_flows(iam_emu: Emulator, admin: Any) -> None:
    pool = iam_emu.create_user_pool("flows")
    everything = iam_emu.create_user_pool_client(
        pool.id, explicit_auth_flows=[*ALL_FLOWS, "ALLOW_USER_PASSWORD_AUTH"]
    )
    make_user(iam_emu, pool.id, "eve")
    sign_in = AdminSignIn(admin, pool.id, everything.id)
    params = {"USERNAME": "eve", "PASSWORD": PASSWORD}
    assert error_of(lambda: sign_in.start_with("USER_PASSWORD_AUTH", params)) == NOT_SUPPORTED
    public = unsigned_client(iam_emu)
    for flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        assert (
            error_of(
                lambda flow=flow: public.initiate_auth(
                    ClientId=everything.id, AuthFlow=flow, AuthParameters=params
                )
            )
            == NOT_SUPPORTED
        )
    # A client without the admin password flow.
    srp_only = iam_emu.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_SRP_AUTH"])
    refused = AdminSignIn(admin, pool.id, srp_only.id)
    for flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        assert error_of(lambda flow=flow: refused.start_with(flow, params)) == NOT_ENABLED
    assert error_of(lambda: refused.start_with("CUSTOM_AUTH", {"USERNAME": "eve"})) == (
        "InvalidParameterException",
        "CUSTOM_AUTH flow not enabled for this client",
    )


def test_pool_and_client_must_match(iam_emu: Emulator, admin: Any) -> None:
    mine = pool_and_client(iam_emu)
    other = pool_and_client(iam_emu)
    make_user(iam_emu, mine.pool_id, "fay")
    params = {"USERNAME": "fay", "PASSWORD": PASSWORD}
    crossed = AdminSignIn(admin, other.pool_id, mine.client_id)
    assert error_of(lambda: crossed.start_with("ADMIN_USER_PASSWORD_AUTH", params)) == (
        "ResourceNotFoundException",
        f"User pool client {mine.client_id} does not exist.",
    )
    missing = AdminSignIn(admin, "us-east-1_NoSuchPool", mine.client_id)
    assert error_of(lambda: missing.start_with("ADMIN_USER_PASSWORD_AUTH", params)) == (
        "ResourceNotFoundException",
        "User pool us-east-1_NoSuchPool does not exist.",
    )
    challenge_answer = {"USERNAME": "fay", "NEW_PASSWORD": PASSWORD}
    assert error_of(
        lambda: crossed.respond_with("NEW_PASSWORD_REQUIRED", "s" * 40, challenge_answer)
    ) == ("ResourceNotFoundException", f"User pool client {mine.client_id} does not exist.")


def test_requests_are_validated_against_the_model(iam_emu: Emulator) -> None:
    unchecked = signed_client(iam_emu, validate=False)
    sign_in = pool_and_client(iam_emu)
    sign_in.cognito = unchecked
    code, message = error_of(
        lambda: unchecked.admin_initiate_auth(
            UserPoolId="not a pool id!",
            ClientId=sign_in.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        )
    )
    assert code == "InvalidParameterException"
    assert "at 'userPoolId' failed to satisfy constraint" in message
    code, message = error_of(
        lambda: sign_in.start_with(
            "ADMIN_USER_PASSWORD_AUTH",
            {"USERNAME": "x", "PASSWORD": PASSWORD},
            ContextData={**CONTEXT, "IpAddress": None},
        )
    )
    assert code == "InvalidParameterException"
    assert "Value null at 'contextData.ipAddress' failed to satisfy constraint" in message
    assert PASSWORD not in message


def test_user_srp_auth_with_a_real_srp_client(
    iam_emu: Emulator, admin: Any, clock: ManualClock
) -> None:
    sign_in = pool_and_client(iam_emu)
    make_user(iam_emu, sign_in.pool_id, "gus")
    srp = SrpClient(sign_in.pool_id)
    challenge = sign_in.start("USER_SRP_AUTH", USERNAME="gus", SRP_A=srp.srp_a)
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    params = challenge["ChallengeParameters"]
    assert set(params) == {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"}
    wrong = srp.responses(params, "Wrong-Horse-9!", clock())
    assert error_of(lambda: sign_in.respond_with("PASSWORD_VERIFIER", None, wrong)) == WRONG
    # The SECRET_BLOCK was spent by the wrong proof; a fresh challenge passes.
    challenge = sign_in.start("USER_SRP_AUTH", USERNAME="gus", SRP_A=srp.srp_a)
    good = srp.responses(challenge["ChallengeParameters"], PASSWORD, clock())
    done = sign_in.respond_with("PASSWORD_VERIFIER", None, good)["AuthenticationResult"]
    assert claims(done["AccessToken"])["username"] == "gus"
    assert error_of(lambda: sign_in.respond_with("PASSWORD_VERIFIER", None, good)) == WRONG


def test_refresh_token_auth(iam_emu: Emulator, admin: Any, clock: ManualClock) -> None:
    sign_in = pool_and_client(iam_emu)
    make_user(iam_emu, sign_in.pool_id, "hue")
    first = sign_in.start("ADMIN_USER_PASSWORD_AUTH", USERNAME="hue", PASSWORD=PASSWORD)[
        "AuthenticationResult"
    ]
    clock.advance(60)
    for flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        again = sign_in.start(flow, REFRESH_TOKEN=first["RefreshToken"])["AuthenticationResult"]
        assert "RefreshToken" not in again
        assert (
            claims(again["AccessToken"])["origin_jti"] == claims(first["AccessToken"])["origin_jti"]
        )
        assert claims(again["AccessToken"])["iat"] == int(clock())
    assert error_of(lambda: sign_in.start("REFRESH_TOKEN_AUTH", REFRESH_TOKEN="x" * 40)) == (
        "NotAuthorizedException",
        "Invalid Refresh Token",
    )
    # A refresh token belongs to its client, whichever operation issued it.
    second = iam_emu.create_user_pool_client(sign_in.pool_id, explicit_auth_flows=ADMIN_FLOWS)
    other = AdminSignIn(admin, sign_in.pool_id, second.id)
    assert error_of(
        lambda: other.start("REFRESH_TOKEN_AUTH", REFRESH_TOKEN=first["RefreshToken"])
    ) == ("NotAuthorizedException", "Invalid Refresh Token")
    # ... and the public operation refreshes tokens the admin one issued.
    public = unsigned_client(iam_emu).initiate_auth(
        ClientId=sign_in.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )
    assert claims(public["AuthenticationResult"]["IdToken"])["cognito:username"] == "hue"


def test_custom_auth_triggers_see_the_admin_request(iam_emu: Emulator, admin: Any) -> None:
    quiz = Quiz()
    pool = iam_emu.create_user_pool("custom", triggers=quiz.triggers())
    app = iam_emu.create_user_pool_client(pool.id, explicit_auth_flows=ALL_FLOWS)
    make_user(iam_emu, pool.id, "ida", email="ida@example.com")
    sign_in = AdminSignIn(admin, pool.id, app.id)
    challenge = sign_in.start_with(
        "CUSTOM_AUTH", {"USERNAME": "ida"}, ClientMetadata={"via": "admin"}
    )
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"] == {"question": "the answer?", "USERNAME": "ida"}
    define, create = quiz.events
    # Cognito's trigger sources have no admin variant for the custom-auth triggers.
    assert define["triggerSource"] == "DefineAuthChallenge_Authentication"
    assert create["triggerSource"] == "CreateAuthChallenge_Authentication"
    assert define["callerContext"]["clientId"] == app.id
    assert define["userPoolId"] == pool.id
    assert define["request"]["clientMetadata"] == {"via": "admin"}
    wrong = sign_in.respond_with(
        "CUSTOM_CHALLENGE",
        challenge["Session"],
        {"USERNAME": "ida", "ANSWER": "41"},
        ClientMetadata={"step": "answer"},
    )
    verify = quiz.events[2]
    assert verify["triggerSource"] == "VerifyAuthChallengeResponse_Authentication"
    assert verify["request"]["clientMetadata"] == {"step": "answer"}
    assert wrong["ChallengeName"] == "CUSTOM_CHALLENGE"
    done = sign_in.respond(wrong, USERNAME="ida", ANSWER="42")
    assert done["AuthenticationResult"]["AccessToken"]
    # The answered session is single-use.
    assert error_of(lambda: sign_in.respond(wrong, USERNAME="ida", ANSWER="42")) == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )


def test_custom_auth_with_srp_first(iam_emu: Emulator, admin: Any, clock: ManualClock) -> None:
    quiz = Quiz(srp_first=True)
    pool = iam_emu.create_user_pool("custom-srp", triggers=quiz.triggers())
    app = iam_emu.create_user_pool_client(pool.id, explicit_auth_flows=ALL_FLOWS)
    make_user(iam_emu, pool.id, "jo")
    sign_in = AdminSignIn(admin, pool.id, app.id)
    srp = SrpClient(pool.id)
    verifier = sign_in.start("CUSTOM_AUTH", USERNAME="jo", CHALLENGE_NAME="SRP_A", SRP_A=srp.srp_a)
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    proof = srp.responses(verifier["ChallengeParameters"], PASSWORD, clock())
    custom = sign_in.respond_with("PASSWORD_VERIFIER", None, proof)
    assert custom["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert sign_in.respond(custom, USERNAME="jo", ANSWER="42")["AuthenticationResult"]


def test_user_auth_choices(iam_emu: Emulator, admin: Any, clock: ManualClock) -> None:
    factors = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
    pool = iam_emu.create_user_pool("choice", policies=factors)
    app = iam_emu.create_user_pool_client(pool.id, explicit_auth_flows=ALL_FLOWS)
    make_user(iam_emu, pool.id, "kai", email="kai@example.com", email_verified="true")
    sign_in = AdminSignIn(admin, pool.id, app.id)
    select = sign_in.start("USER_AUTH", USERNAME="kai")
    assert select["ChallengeName"] == "SELECT_CHALLENGE"
    assert select["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP"]
    done = sign_in.respond(select, USERNAME="kai", ANSWER="PASSWORD", PASSWORD=PASSWORD)
    assert done["AuthenticationResult"]["AccessToken"]
    # PREFERRED_CHALLENGE EMAIL_OTP: a code by e-mail, answered through the admin operation.
    otp = sign_in.start("USER_AUTH", USERNAME="kai", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert otp["ChallengeName"] == "EMAIL_OTP"
    code = iam_emu.outbox.latest(username="kai", purpose="SIGN_IN").code
    assert sign_in.respond(otp, USERNAME="kai", EMAIL_OTP_CODE=code)["AuthenticationResult"]
    # PASSWORD_SRP through SELECT_CHALLENGE.
    srp = SrpClient(pool.id)
    select = sign_in.start("USER_AUTH", USERNAME="kai")
    verifier = sign_in.respond(select, USERNAME="kai", ANSWER="PASSWORD_SRP", SRP_A=srp.srp_a)
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    proof = srp.responses(verifier["ChallengeParameters"], PASSWORD, clock())
    assert sign_in.respond_with("PASSWORD_VERIFIER", None, proof)["AuthenticationResult"]


def test_verification_off_accepts_unsigned_admin_sign_in(temu: Emulator) -> None:
    pool = temu.create_user_pool("open")
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=ADMIN_FLOWS)
    make_user(temu, pool.id, "lou")
    assert not temu.verifies_signatures
    sign_in = AdminSignIn(unsigned_client(temu), pool.id, app.id)
    out = sign_in.start("ADMIN_USER_PASSWORD_AUTH", USERNAME="lou", PASSWORD=PASSWORD)
    assert out["AuthenticationResult"]["AccessToken"]
    # Any signature at all is accepted too.
    sloppy = AdminSignIn(signed_client(temu, "anything", "whatever"), pool.id, app.id)
    assert sloppy.start("ADMIN_USER_PASSWORD_AUTH", USERNAME="lou", PASSWORD=PASSWORD)[
        "AuthenticationResult"
    ]


def test_python_core_serves_admin_sign_in_unsigned(iam_emu: Emulator) -> None:
    pool = iam_emu.create_user_pool("direct")
    app = iam_emu.create_user_pool_client(pool.id, explicit_auth_flows=ADMIN_FLOWS)
    make_user(iam_emu, pool.id, "max")
    out = iam_emu.handle(
        "AdminInitiateAuth",
        {
            "UserPoolId": pool.id,
            "ClientId": app.id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "max", "PASSWORD": PASSWORD},
        },
    )
    assert out["AuthenticationResult"]["TokenType"] == "Bearer"


def test_custom_auth_without_triggers_is_refused(iam_emu: Emulator, admin: Any) -> None:
    pool = iam_emu.create_user_pool("no-triggers", triggers=Triggers())
    app = iam_emu.create_user_pool_client(pool.id, explicit_auth_flows=ALL_FLOWS)
    make_user(iam_emu, pool.id, "ned")
    sign_in = AdminSignIn(admin, pool.id, app.id)
    assert error_of(lambda: sign_in.start("CUSTOM_AUTH", USERNAME="ned")) == (
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
    )

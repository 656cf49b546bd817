"""InitiateAuth / RespondToAuthChallenge without SRP: flows, user states, lockout,
NEW_PASSWORD_REQUIRED, refresh, RevokeToken."""

from __future__ import annotations

import json
from typing import Any

import pytest

from authflow.emulator import Emulator, ManualClock

from .conftest import PASSWORD, error_of, make_user
from .srp_client import secret_hash

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


@pytest.fixture
def pool(temu: Emulator) -> Any:
    return temu.create_user_pool("auth", auto_verified_attributes=["email"])


@pytest.fixture
def app(temu: Emulator, pool: Any) -> Any:
    return temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)


def login(cognito: Any, client_id: str, username: str, password: str = PASSWORD) -> Any:
    return cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )


def test_disallowed_flows(temu: Emulator, cognito: Any, pool: Any) -> None:
    srp_only = temu.create_user_pool_client(
        pool.id
    )  # Cognito's default flows: SRP, refresh, custom
    make_user(temu, pool.id, "amy")
    assert error_of(lambda: login(cognito, srp_only.id, "amy")) == (
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    )
    password_only = temu.create_user_pool_client(
        pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"]
    )
    assert error_of(
        lambda: cognito.initiate_auth(
            ClientId=password_only.id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": "amy", "SRP_A": "abc"},
        )
    ) == ("InvalidParameterException", "USER_SRP_AUTH flow not enabled for this client")
    assert error_of(
        lambda: cognito.initiate_auth(
            ClientId=password_only.id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "amy", "PASSWORD": PASSWORD},
        )
    ) == ("InvalidParameterException", "Initiate Auth method not supported.")
    assert error_of(
        lambda: cognito.initiate_auth(
            ClientId="nosuchclient", AuthFlow="USER_PASSWORD_AUTH", AuthParameters={}
        )
    ) == ("ResourceNotFoundException", "User pool client nosuchclient does not exist.")


def test_missing_auth_parameters(cognito: Any, app: Any) -> None:
    assert error_of(
        lambda: cognito.initiate_auth(
            ClientId=app.id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "x"}
        )
    ) == ("InvalidParameterException", "Missing required parameter PASSWORD")


def test_wrong_password_disabled_and_lockout(
    temu: Emulator, cognito: Any, app: Any, clock: ManualClock
) -> None:
    make_user(temu, app.pool_id, "ben")
    for _ in range(5):
        assert error_of(lambda: login(cognito, app.id, "ben", "Wrong-Horse-9!")) == (
            "NotAuthorizedException",
            "Incorrect username or password.",
        )
    # Locked for 1 s after the fifth failure: even the right password is refused.
    assert error_of(lambda: login(cognito, app.id, "ben")) == (
        "NotAuthorizedException",
        "Password attempts exceeded",
    )
    clock.advance(1.5)
    assert error_of(lambda: login(cognito, app.id, "ben", "Wrong-Horse-9!"))[1] == (
        "Incorrect username or password."
    )
    clock.advance(1.5)  # the second lockout lasts 2 s
    assert error_of(lambda: login(cognito, app.id, "ben"))[1] == "Password attempts exceeded"
    clock.advance(1)
    assert login(cognito, app.id, "ben")["AuthenticationResult"]
    # Success reset the count.
    assert error_of(lambda: login(cognito, app.id, "ben", "Wrong-Horse-9!"))[1] == (
        "Incorrect username or password."
    )
    assert login(cognito, app.id, "ben")["AuthenticationResult"]

    cognito.admin_disable_user(UserPoolId=app.pool_id, Username="ben")
    assert error_of(lambda: login(cognito, app.id, "ben")) == (
        "NotAuthorizedException",
        "User is disabled.",
    )
    cognito.admin_enable_user(UserPoolId=app.pool_id, Username="ben")
    assert login(cognito, app.id, "ben")["AuthenticationResult"]


def test_new_password_required(temu: Emulator, cognito: Any, pool: Any) -> None:
    strict = temu.create_user_pool(
        "invite", schema=[{"Name": "name", "Required": True}], auto_verified_attributes=["email"]
    )
    app = temu.create_user_pool_client(strict.id, explicit_auth_flows=FLOWS)
    cognito.admin_create_user(
        UserPoolId=strict.id,
        Username="cleo",
        UserAttributes=[
            {"Name": "email", "Value": "cleo@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        DesiredDeliveryMediums=["EMAIL"],
    )
    temporary = temu.outbox.latest(username="cleo", purpose="INVITATION").code
    challenge = login(cognito, app.id, "cleo", temporary)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    params = challenge["ChallengeParameters"]
    assert params["USER_ID_FOR_SRP"] == "cleo"
    assert json.loads(params["requiredAttributes"]) == ["userAttributes.name"]
    assert json.loads(params["userAttributes"]) == {
        "email": "cleo@example.com",
        "email_verified": "true",
    }
    session = challenge["Session"]

    def respond(responses: dict[str, str], session: str = session) -> Any:
        return cognito.respond_to_auth_challenge(
            ClientId=app.id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session,
            ChallengeResponses=responses,
        )

    good = {"USERNAME": "cleo", "NEW_PASSWORD": "Fresh-Start-42", "userAttributes.name": "Cleo"}
    assert error_of(lambda: respond(good, session="x" * 40)) == (
        "NotAuthorizedException",
        "Invalid session for the user.",
    )
    assert error_of(lambda: respond({**good, "userAttributes.name": ""})) == (
        "InvalidParameterException",
        "Invalid attributes given, name is missing",
    )
    assert error_of(lambda: respond({**good, "NEW_PASSWORD": "short"})) == (
        "InvalidPasswordException",
        "Password does not conform to policy: Password not long enough",
    )
    done = respond(good)
    assert done["AuthenticationResult"]["AccessToken"]
    # The session was single-use.
    assert error_of(lambda: respond(good))[0] == "NotAuthorizedException"
    user = cognito.admin_get_user(UserPoolId=strict.id, Username="cleo")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "name", "Value": "Cleo"} in user["UserAttributes"]
    assert login(cognito, app.id, "cleo", "Fresh-Start-42")["AuthenticationResult"]


def test_new_password_session_expires(
    temu: Emulator, cognito: Any, app: Any, clock: ManualClock
) -> None:
    cognito.admin_create_user(
        UserPoolId=app.pool_id,
        Username="dora",
        TemporaryPassword="Temp-Pass-123",
        MessageAction="SUPPRESS",
    )
    challenge = login(cognito, app.id, "dora", "Temp-Pass-123")
    clock.advance(3 * 60 + 1)  # AuthSessionValidity defaults to 3 minutes
    assert error_of(
        lambda: cognito.respond_to_auth_challenge(
            ClientId=app.id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "dora", "NEW_PASSWORD": "Fresh-Start-42"},
        )
    ) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")
    clock.advance(7 * 86400)  # temporary passwords last 7 days by default
    assert error_of(lambda: login(cognito, app.id, "dora", "Temp-Pass-123")) == (
        "NotAuthorizedException",
        "Temporary password has expired and must be reset by an administrator.",
    )


def test_refresh_token_auth(temu: Emulator, cognito: Any, app: Any, clock: ManualClock) -> None:
    make_user(temu, app.pool_id, "eli")
    first = login(cognito, app.id, "eli")["AuthenticationResult"]
    clock.advance(600)
    again = cognito.initiate_auth(
        ClientId=app.id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )["AuthenticationResult"]
    assert "RefreshToken" not in again
    assert again["AccessToken"] != first["AccessToken"]
    assert cognito.get_user(AccessToken=again["AccessToken"])["Username"] == "eli"
    other = temu.create_user_pool_client(app.pool_id, explicit_auth_flows=FLOWS)
    assert error_of(
        lambda: cognito.initiate_auth(
            ClientId=other.id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    ) == ("NotAuthorizedException", "Invalid Refresh Token")
    clock.advance(30 * 86400)
    assert error_of(
        lambda: cognito.initiate_auth(
            ClientId=app.id,
            AuthFlow="REFRESH_TOKEN",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    ) == ("NotAuthorizedException", "Refresh Token has expired")


def test_refresh_with_secret_uses_the_internal_username(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool("emails", username_attributes=["email"])
    app = temu.create_user_pool_client(pool.id, generate_secret=True, explicit_auth_flows=FLOWS)
    assert app.secret is not None
    sub = make_user(temu, pool.id, "fred@example.com")["Username"]
    tokens = cognito.initiate_auth(
        ClientId=app.id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "fred@example.com",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(app.secret, "fred@example.com", app.id),
        },
    )["AuthenticationResult"]

    def refresh(name: str) -> Any:
        return cognito.initiate_auth(
            ClientId=app.id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={
                "REFRESH_TOKEN": tokens["RefreshToken"],
                "SECRET_HASH": secret_hash(app.secret, name, app.id),
            },
        )

    assert error_of(lambda: refresh("fred@example.com")) == (
        "NotAuthorizedException",
        f"SecretHash does not match for the client: {app.id}",
    )
    assert refresh(sub)["AuthenticationResult"]["IdToken"]


def test_revoke_token(temu: Emulator, cognito: Any, app: Any) -> None:
    make_user(temu, app.pool_id, "gil")
    first = login(cognito, app.id, "gil")["AuthenticationResult"]
    second = login(cognito, app.id, "gil")["AuthenticationResult"]
    assert (
        error_of(lambda: cognito.revoke_token(Token=first["AccessToken"], ClientId=app.id))[0]
        == "UnsupportedTokenTypeException"
    )
    cognito.revoke_token(Token=first["RefreshToken"], ClientId=app.id)
    assert error_of(
        lambda: cognito.initiate_auth(
            ClientId=app.id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    ) == ("NotAuthorizedException", "Refresh Token has been revoked")
    # The access token of that sign-in died with it; the other sign-in lives on.
    assert error_of(lambda: cognito.get_user(AccessToken=first["AccessToken"])) == (
        "NotAuthorizedException",
        "Access Token has been revoked",
    )
    assert cognito.get_user(AccessToken=second["AccessToken"])["Username"] == "gil"


def test_revoke_token_client_rules(temu: Emulator, cognito: Any, pool: Any) -> None:
    secret_app = temu.create_user_pool_client(
        pool.id, generate_secret=True, explicit_auth_flows=FLOWS
    )
    no_revocation = temu.create_user_pool_client(
        pool.id, explicit_auth_flows=FLOWS, enable_token_revocation=False
    )
    make_user(temu, pool.id, "hugo")
    token = login(cognito, no_revocation.id, "hugo")["AuthenticationResult"]["RefreshToken"]
    assert error_of(lambda: cognito.revoke_token(Token=token, ClientId=no_revocation.id))[0] == (
        "UnsupportedOperationException"
    )
    assert error_of(lambda: cognito.revoke_token(Token=token, ClientId=secret_app.id))[0] == (
        "UnauthorizedException"
    )
    assert (
        error_of(
            lambda: cognito.revoke_token(
                Token=token, ClientId=secret_app.id, ClientSecret=secret_app.secret
            )
        )[0]
        == "UnauthorizedException"
    )  # not this client's token

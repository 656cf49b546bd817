"""USER_AUTH choice-based sign-in over boto3 and raw HTTP: SELECT_CHALLENGE / AvailableChallenges,
PREFERRED_CHALLENGE, PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN refused, MFA
interplay, and passwordless sign-up with the ConfirmSignUp Session."""

from __future__ import annotations

from typing import Any

from authflow.emulator import Emulator, ManualClock

from .conftest import PASSWORD, Raw, error_of, make_user
from .srp_client import SrpClient

FLOWS = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
FACTORS = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}}
PHONE = "+15555550123"
INVALID = ("NotAuthorizedException", "Invalid session for the user.")
USED = ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
WRONG = ("NotAuthorizedException", "Incorrect username or password.")
WEB_AUTHN = (
    "WebAuthnNotEnabledException",
    "WEB_AUTHN (passkey) sign-in is not supported by the authflow emulator.",
)


def setup(emu: Emulator, **client: Any) -> tuple[Any, Any]:
    pool = emu.create_user_pool("choice", policies=FACTORS, auto_verified_attributes=["email"])
    client.setdefault("explicit_auth_flows", FLOWS)
    return pool, emu.create_user_pool_client(pool.id, **client)


def verified_user(emu: Emulator, pool_id: str, username: str) -> None:
    make_user(
        emu,
        pool_id,
        username,
        email=f"{username}@example.com",
        email_verified="true",
        phone_number=PHONE,
        phone_number_verified="true",
    )


def start(cognito: Any, client_id: str, username: str, **params: str) -> Any:
    return cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": username, **params}
    )


def select(cognito: Any, client_id: str, challenge: Any, **responses: str) -> Any:
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SELECT_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses=responses,
    )


def test_select_challenge_then_password(temu: Emulator, cognito: Any) -> None:
    pool, app = setup(temu)
    verified_user(temu, pool.id, "ada")
    challenge = start(cognito, app.id, "ada")
    assert challenge["ChallengeName"] == "SELECT_CHALLENGE"
    assert challenge["ChallengeParameters"] == {}
    assert challenge["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP", "SMS_OTP"]
    assert (
        error_of(lambda: select(cognito, app.id, challenge, USERNAME="ada", ANSWER="NOPE"))[0]
        == "InvalidParameterException"
    )
    assert (
        error_of(lambda: select(cognito, app.id, challenge, USERNAME="ada", ANSWER="WEB_AUTHN"))
        == WEB_AUTHN
    )
    # A wrong password leaves the session usable; the right one spends it.
    assert (
        error_of(
            lambda: select(
                cognito,
                app.id,
                challenge,
                USERNAME="ada",
                ANSWER="PASSWORD",
                PASSWORD="Wrong-Horse-9!",
            )
        )
        == WRONG
    )
    done = select(cognito, app.id, challenge, USERNAME="ada", ANSWER="PASSWORD", PASSWORD=PASSWORD)
    assert done["AuthenticationResult"]["AccessToken"]
    assert (
        error_of(
            lambda: select(
                cognito, app.id, challenge, USERNAME="ada", ANSWER="PASSWORD", PASSWORD=PASSWORD
            )
        )
        == USED
    )


def test_preferred_challenges(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    pool, app = setup(temu)
    verified_user(temu, pool.id, "bob")
    assert start(cognito, app.id, "bob", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)[
        "AuthenticationResult"
    ]
    assert error_of(lambda: start(cognito, app.id, "bob", PREFERRED_CHALLENGE="PASSWORD")) == (
        "InvalidParameterException",
        "Missing required parameter PASSWORD",
    )
    assert error_of(lambda: start(cognito, app.id, "bob", PREFERRED_CHALLENGE="WEB_AUTHN")) == (
        WEB_AUTHN
    )
    srp = SrpClient(pool.id)
    verifier = start(cognito, app.id, "bob", PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A=srp.srp_a)
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    done = cognito.respond_to_auth_challenge(
        ClientId=app.id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.responses(verifier["ChallengeParameters"], PASSWORD, clock()),
    )
    assert done["AuthenticationResult"]["IdToken"]


def test_one_time_codes(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    pool, app = setup(temu, auth_session_validity=15)
    verified_user(temu, pool.id, "cy")
    email = start(cognito, app.id, "cy", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert email["ChallengeName"] == "EMAIL_OTP"
    assert email["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": "c***@e***",
    }
    message = temu.outbox.latest(username="cy", purpose="SIGN_IN")
    assert (message.channel, message.destination) == ("EMAIL", "cy@example.com")

    def answer(challenge: Any, key: str, code: str) -> Any:
        return cognito.respond_to_auth_challenge(
            ClientId=app.id,
            ChallengeName=challenge["ChallengeName"],
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "cy", key: code},
        )

    wrong = f"{(int(message.code) + 1) % 1_000_000:06d}"
    assert error_of(lambda: answer(email, "EMAIL_OTP_CODE", wrong)) == (
        "CodeMismatchException",
        "Invalid code received for user",
    )
    assert answer(email, "EMAIL_OTP_CODE", message.code)["AuthenticationResult"]
    assert error_of(lambda: answer(email, "EMAIL_OTP_CODE", message.code)) == USED

    # SMS_OTP chosen through SELECT_CHALLENGE; a code typed after 3 minutes has expired.
    choice = start(cognito, app.id, "cy")
    sms = select(cognito, app.id, choice, USERNAME="cy", ANSWER="SMS_OTP")
    assert sms["ChallengeName"] == "SMS_OTP"
    assert sms["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    message = temu.outbox.latest(username="cy", purpose="SIGN_IN")
    assert message.channel == "SMS"
    clock.advance(181)
    assert error_of(lambda: answer(sms, "SMS_OTP_CODE", message.code)) == (
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    )
    # The session itself expires with AuthSessionValidity.
    sms = start(cognito, app.id, "cy", PREFERRED_CHALLENGE="SMS_OTP")
    clock.advance(15 * 60)
    assert error_of(
        lambda: answer(sms, "SMS_OTP_CODE", temu.outbox.latest(username="cy").code)
    ) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_availability_rules(temu: Emulator, cognito: Any) -> None:
    pool, app = setup(temu)
    make_user(temu, pool.id, "dee", email="dee@example.com")  # e-mail not verified
    challenge = start(cognito, app.id, "dee", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert challenge["ChallengeName"] == "SELECT_CHALLENGE"  # unavailable preference
    assert challenge["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD"]
    password_only = temu.create_user_pool("plain")
    plain_app = temu.create_user_pool_client(password_only.id, explicit_auth_flows=FLOWS)
    verified_user(temu, password_only.id, "dee")
    assert start(cognito, plain_app.id, "dee")["AvailableChallenges"] == [
        "PASSWORD_SRP",
        "PASSWORD",
    ]
    no_choice = temu.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_SRP_AUTH"])
    assert error_of(lambda: start(cognito, no_choice.id, "dee")) == (
        "InvalidParameterException",
        "USER_AUTH flow not enabled for this client",
    )
    lite = temu.create_user_pool("lite", user_pool_tier="LITE")
    lite_app = temu.create_user_pool_client(lite.id, explicit_auth_flows=FLOWS)
    assert error_of(lambda: start(cognito, lite_app.id, "dee"))[0] == (
        "FeatureUnavailableInTierException"
    )


def test_unknown_users(temu: Emulator, cognito: Any) -> None:
    pool, legacy = setup(temu)
    prevent = temu.create_user_pool_client(
        pool.id, explicit_auth_flows=FLOWS, prevent_user_existence_errors="ENABLED"
    )
    assert error_of(lambda: start(cognito, legacy.id, "nobody")) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    challenge = start(cognito, prevent.id, "nobody")
    assert challenge["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD"]
    assert (
        error_of(
            lambda: select(
                cognito,
                prevent.id,
                challenge,
                USERNAME="nobody",
                ANSWER="PASSWORD",
                PASSWORD=PASSWORD,
            )
        )
        == WRONG
    )


def test_mfa_with_choice_based_sign_in(temu: Emulator, cognito: Any) -> None:
    pool, app = setup(temu)
    temu.handle(
        "SetUserPoolMfaConfig",
        {"UserPoolId": pool.id, "MfaConfiguration": "OPTIONAL", "SmsMfaConfiguration": {}},
    )
    verified_user(temu, pool.id, "eli")
    temu.handle(
        "AdminSetUserMFAPreference",
        {"UserPoolId": pool.id, "Username": "eli", "SMSMfaSettings": {"Enabled": True}},
    )
    # A password first factor is followed by MFA; a one-time code is not (OPTIONAL pool).
    assert (
        start(cognito, app.id, "eli", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)[
            "ChallengeName"
        ]
        == "SMS_MFA"
    )
    email = start(cognito, app.id, "eli", PREFERRED_CHALLENGE="EMAIL_OTP")
    done = cognito.respond_to_auth_challenge(
        ClientId=app.id,
        ChallengeName="EMAIL_OTP",
        Session=email["Session"],
        ChallengeResponses={
            "USERNAME": "eli",
            "EMAIL_OTP_CODE": temu.outbox.latest(username="eli", purpose="SIGN_IN").code,
        },
    )
    assert done["AuthenticationResult"]
    # With MFA required, passwordless factors are not offered.
    temu.handle(
        "SetUserPoolMfaConfig",
        {"UserPoolId": pool.id, "MfaConfiguration": "ON", "SmsMfaConfiguration": {}},
    )
    assert start(cognito, app.id, "eli")["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD"]


async def test_passwordless_sign_up_then_sign_in_with_the_confirm_session(
    emu: Emulator, raw: Raw, clock: ManualClock
) -> None:
    _, app = setup(emu)
    signed_up = await raw.ok(
        "SignUp",
        {
            "ClientId": app.id,
            "Username": "fay",
            "UserAttributes": [{"Name": "email", "Value": "fay@example.com"}],
        },
    )
    assert signed_up["UserConfirmed"] is False
    # Before confirmation the sign-up Session cannot sign in.
    early = {
        "ClientId": app.id,
        "AuthFlow": "USER_AUTH",
        "AuthParameters": {"USERNAME": "fay"},
        "Session": signed_up["Session"],
    }
    assert await raw.error("InitiateAuth", early) == (
        "UserNotConfirmedException",
        "User is not confirmed.",
    )
    confirmed = await raw.ok(
        "ConfirmSignUp",
        {
            "ClientId": app.id,
            "Username": "fay",
            "ConfirmationCode": emu.outbox.latest(username="fay", purpose="SIGN_UP").code,
            "Session": signed_up["Session"],
        },
    )
    body = {**early, "Session": confirmed["Session"]}
    done = await raw.ok("InitiateAuth", body)
    assert done["AuthenticationResult"]["AccessToken"]
    assert await raw.error("InitiateAuth", body) == USED
    # The passwordless user has no password choices.
    choice = await raw.ok(
        "InitiateAuth",
        {"ClientId": app.id, "AuthFlow": "USER_AUTH", "AuthParameters": {"USERNAME": "fay"}},
    )
    assert choice["AvailableChallenges"] == ["EMAIL_OTP"]
    # A confirm Session expires with AuthSessionValidity.
    await raw.ok(
        "SignUp",
        {
            "ClientId": app.id,
            "Username": "gil",
            "UserAttributes": [{"Name": "email", "Value": "gil@example.com"}],
        },
    )
    confirmed = await raw.ok(
        "ConfirmSignUp",
        {
            "ClientId": app.id,
            "Username": "gil",
            "ConfirmationCode": emu.outbox.latest(username="gil", purpose="SIGN_UP").code,
        },
    )
    clock.advance(180)
    assert await raw.error(
        "InitiateAuth",
        {
            "ClientId": app.id,
            "AuthFlow": "USER_AUTH",
            "AuthParameters": {"USERNAME": "gil"},
            "Session": confirmed["Session"],
        },
    ) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")
    # A pool without passwordless factors still wants a password.
    plain = emu.create_user_pool("plain")
    plain_app = emu.create_user_pool_client(plain.id)
    assert await raw.error("SignUp", {"ClientId": plain_app.id, "Username": "hal"}) == (
        "InvalidParameterException",
        "A password is required to sign up in this user pool.",
    )


def test_auth_factors_and_passkey_operations(temu: Emulator, cognito: Any) -> None:
    pool, app = setup(temu)
    verified_user(temu, pool.id, "ida")
    access = start(cognito, app.id, "ida", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)[
        "AuthenticationResult"
    ]["AccessToken"]
    factors = cognito.get_user_auth_factors(AccessToken=access)
    assert factors["Username"] == "ida"
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]
    assert "UserMFASettingList" not in factors
    assert cognito.list_web_authn_credentials(AccessToken=access)["Credentials"] == []
    assert error_of(lambda: cognito.start_web_authn_registration(AccessToken=access))[0] == (
        "WebAuthnNotEnabledException"
    )
    assert (
        error_of(
            lambda: cognito.complete_web_authn_registration(AccessToken=access, Credential={})
        )[0]
        == "WebAuthnNotEnabledException"
    )
    assert (
        error_of(lambda: cognito.delete_web_authn_credential(AccessToken=access, CredentialId="c"))[
            0
        ]
        == "ResourceNotFoundException"
    )

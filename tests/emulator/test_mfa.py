"""MFA over boto3 and raw HTTP: pool configuration, preferences, SMS / e-mail / TOTP challenges,
SELECT_MFA_TYPE, MFA_SETUP (TOTP by Session, e-mail), legacy SetUserSettings; every wrong-code,
expired-code, spent-session and expired-session path. TOTP codes come from pyotp in the test."""

from __future__ import annotations

import json
from typing import Any

import pyotp
import pytest

from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import InvalidParameterError

from .conftest import PASSWORD, Raw, error_of, make_user
from .srp_client import SrpClient, secret_hash

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
PHONE = "+15555550100"
INVALID = ("NotAuthorizedException", "Invalid session for the user.")
USED = ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
EXPIRED = ("NotAuthorizedException", "Invalid session for the user, session is expired.")
MISMATCH = ("CodeMismatchException", "Invalid code received for user")


def mfa_pool(emu: Emulator, mode: str = "OPTIONAL", **factors: Any) -> Any:
    pool = emu.create_user_pool("mfa")
    body: dict[str, Any] = {"UserPoolId": pool.id, "MfaConfiguration": mode}
    if factors.get("sms", True):
        body["SmsMfaConfiguration"] = {"SmsAuthenticationMessage": "Your code is {####}"}
    if factors.get("totp", True):
        body["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
    if factors.get("email", False):
        body["EmailMfaConfiguration"] = {"Message": "Code {####}", "Subject": "Sign-in"}
    emu.handle("SetUserPoolMfaConfig", body)
    return pool


def login(cognito: Any, client_id: str, username: str, password: str = PASSWORD) -> Any:
    return cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )


def respond(cognito: Any, client_id: str, challenge: Any, **responses: str) -> Any:
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName=challenge["ChallengeName"],
        Session=challenge["Session"],
        ChallengeResponses=responses,
    )


def totp_now(secret: str, clock: ManualClock, offset_steps: int = 0) -> str:
    return str(pyotp.TOTP(secret).at(int(clock()) + 30 * offset_steps))


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def enable(emu: Emulator, pool_id: str, username: str, **settings: Any) -> None:
    emu.handle(
        "AdminSetUserMFAPreference", {"UserPoolId": pool_id, "Username": username, **settings}
    )


def test_pool_mfa_configuration(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool("cfg")
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool.id)["MfaConfiguration"] == "OFF"
    assert (
        error_of(
            lambda: cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration="ON")
        )[0]
        == "InvalidParameterException"
    )
    out = cognito.set_user_pool_mfa_config(
        UserPoolId=pool.id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Hi"},
        MfaConfiguration="ON",
    )
    assert out["MfaConfiguration"] == "ON"
    got = cognito.get_user_pool_mfa_config(UserPoolId=pool.id)
    assert got["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert got["EmailMfaConfiguration"]["Subject"] == "Hi"
    assert "SmsMfaConfiguration" not in got
    assert cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]["MfaConfiguration"] == "ON"
    # A pool created with MFA on gets SMS MFA, as CreateUserPool always meant.
    legacy = temu.create_user_pool("legacy", mfa_configuration="OPTIONAL")
    got = cognito.get_user_pool_mfa_config(UserPoolId=legacy.id)
    assert "SmsMfaConfiguration" in got and got["MfaConfiguration"] == "OPTIONAL"


def test_sms_mfa_wrong_code_keeps_the_session_then_right_code(temu: Emulator, cognito: Any) -> None:
    pool = mfa_pool(temu)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "ann", phone_number=PHONE)
    assert login(cognito, app.id, "ann")["AuthenticationResult"]  # OPTIONAL, nothing enabled
    enable(temu, pool.id, "ann", SMSMfaSettings={"Enabled": True})
    challenge = login(cognito, app.id, "ann")
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
        "CODE_DELIVERY_DESTINATION": "+*******0100",
        "USER_ID_FOR_SRP": "ann",
    }
    message = temu.outbox.latest(username="ann", purpose="MFA")
    assert (message.channel, message.destination) == ("SMS", PHONE)
    assert (
        error_of(
            lambda: respond(
                cognito, app.id, challenge, USERNAME="ann", SMS_MFA_CODE=other_code(message.code)
            )
        )
        == MISMATCH
    )
    done = respond(cognito, app.id, challenge, USERNAME="ann", SMS_MFA_CODE=message.code)
    assert done["AuthenticationResult"]["AccessToken"]
    # Single use: the answered session is gone.
    assert (
        error_of(
            lambda: respond(cognito, app.id, challenge, USERNAME="ann", SMS_MFA_CODE=message.code)
        )
        == USED
    )
    me = cognito.get_user(AccessToken=done["AuthenticationResult"]["AccessToken"])
    assert me["UserMFASettingList"] == ["SMS_MFA"] and "PreferredMfaSetting" not in me
    admin = cognito.admin_get_user(UserPoolId=pool.id, Username="ann")
    assert admin["UserMFASettingList"] == ["SMS_MFA"]


def test_mfa_code_and_session_expiry_and_attempt_limit(
    temu: Emulator, cognito: Any, clock: ManualClock
) -> None:
    pool = mfa_pool(temu, mode="ON")
    long_session = temu.create_user_pool_client(
        pool.id, explicit_auth_flows=FLOWS, auth_session_validity=15
    )
    short_session = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "bo", phone_number=PHONE)  # ON: a phone number is enough for SMS

    # The code lives 3 minutes; the session 15: a late right code is ExpiredCodeException.
    challenge = login(cognito, long_session.id, "bo")
    assert challenge["ChallengeName"] == "SMS_MFA"
    code = temu.outbox.latest(username="bo", purpose="MFA").code
    clock.advance(181)
    assert error_of(
        lambda: respond(cognito, long_session.id, challenge, USERNAME="bo", SMS_MFA_CODE=code)
    ) == ("ExpiredCodeException", "Invalid code provided, please request a code again.")
    assert (
        error_of(
            lambda: respond(cognito, long_session.id, challenge, USERNAME="bo", SMS_MFA_CODE=code)
        )
        == USED
    )

    # The session lives AuthSessionValidity (3 minutes by default).
    challenge = login(cognito, short_session.id, "bo")
    code = temu.outbox.latest(username="bo", purpose="MFA").code
    clock.advance(180)
    assert (
        error_of(
            lambda: respond(cognito, short_session.id, challenge, USERNAME="bo", SMS_MFA_CODE=code)
        )
        == EXPIRED
    )

    # Five wrong codes spend the session; the right one then comes too late.
    challenge = login(cognito, short_session.id, "bo")
    code = temu.outbox.latest(username="bo", purpose="MFA").code
    for _ in range(5):
        assert (
            error_of(
                lambda: respond(
                    cognito,
                    short_session.id,
                    challenge,
                    USERNAME="bo",
                    SMS_MFA_CODE=other_code(code),
                )
            )
            == MISMATCH
        )
    assert (
        error_of(
            lambda: respond(cognito, short_session.id, challenge, USERNAME="bo", SMS_MFA_CODE=code)
        )
        == USED
    )

    # Another client cannot answer the session; nor another user.
    challenge = login(cognito, short_session.id, "bo")
    code = temu.outbox.latest(username="bo", purpose="MFA").code
    assert (
        error_of(
            lambda: respond(cognito, long_session.id, challenge, USERNAME="bo", SMS_MFA_CODE=code)
        )
        == INVALID
    )
    make_user(temu, pool.id, "cy", phone_number="+15555550199")
    assert (
        error_of(
            lambda: respond(cognito, short_session.id, challenge, USERNAME="cy", SMS_MFA_CODE=code)
        )
        == INVALID
    )
    assert respond(cognito, short_session.id, challenge, USERNAME="bo", SMS_MFA_CODE=code)[
        "AuthenticationResult"
    ]


def test_totp_by_access_token_then_software_token_mfa(
    temu: Emulator, cognito: Any, clock: ManualClock
) -> None:
    pool = mfa_pool(temu)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "di")
    access = login(cognito, app.id, "di")["AuthenticationResult"]["AccessToken"]
    assert error_of(
        lambda: cognito.set_user_mfa_preference(
            AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True}
        )
    ) == ("InvalidParameterException", "User has not verified software token mfa")
    assert (
        error_of(lambda: cognito.verify_software_token(AccessToken=access, UserCode="123456"))[0]
        == "SoftwareTokenMFANotFoundException"
    )
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    assert len(secret) == 32 and secret.isalnum()
    good = totp_now(secret, clock)
    assert error_of(
        lambda: cognito.verify_software_token(AccessToken=access, UserCode=other_code(good))
    ) == ("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
    assert (
        cognito.verify_software_token(
            AccessToken=access, UserCode=good, FriendlyDeviceName="phone"
        )["Status"]
        == "SUCCESS"
    )
    # Verified, not yet enabled: an OPTIONAL pool does not ask for it.
    assert login(cognito, app.id, "di")["AuthenticationResult"]
    cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    me = cognito.get_user(AccessToken=access)
    assert me["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert me["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"

    clock.advance(30)
    challenge = login(cognito, app.id, "di")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert challenge["ChallengeParameters"] == {"USER_ID_FOR_SRP": "di"}
    # ±1 step is accepted, 2 steps is not; a code is never accepted twice.
    for offset in (2, -2):
        assert (
            error_of(
                lambda offset=offset: respond(
                    cognito,
                    app.id,
                    challenge,
                    USERNAME="di",
                    SOFTWARE_TOKEN_MFA_CODE=totp_now(secret, clock, offset),
                )
            )
            == MISMATCH
        )
    assert error_of(
        lambda: respond(cognito, app.id, challenge, USERNAME="di", SOFTWARE_TOKEN_MFA_CODE=good)
    ) == ("CodeMismatchException", "Your software token has already been used once.")
    previous_step = totp_now(secret, clock, -1)
    assert previous_step == good  # the verification's step, 30 s ago: spent
    done = respond(
        cognito,
        app.id,
        challenge,
        USERNAME="di",
        SOFTWARE_TOKEN_MFA_CODE=totp_now(secret, clock, 1),
    )
    assert done["AuthenticationResult"]["AccessToken"]
    # The next sign-in within the same steps cannot reuse a code.
    challenge = login(cognito, app.id, "di")
    assert (
        error_of(
            lambda: respond(
                cognito,
                app.id,
                challenge,
                USERNAME="di",
                SOFTWARE_TOKEN_MFA_CODE=totp_now(secret, clock),
            )
        )[1]
        == "Your software token has already been used once."
    )
    clock.advance(60)
    assert respond(
        cognito, app.id, challenge, USERNAME="di", SOFTWARE_TOKEN_MFA_CODE=totp_now(secret, clock)
    )["AuthenticationResult"]


def test_totp_needs_the_pool_factor_and_one_authorization(temu: Emulator, cognito: Any) -> None:
    pool = mfa_pool(temu, totp=False)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "ed")
    access = login(cognito, app.id, "ed")["AuthenticationResult"]["AccessToken"]
    assert error_of(lambda: cognito.associate_software_token(AccessToken=access)) == (
        "SoftwareTokenMFANotFoundException",
        "Software Token MFA is not enabled for this user pool.",
    )
    assert (
        error_of(lambda: cognito.associate_software_token(AccessToken=access, Session="s" * 30))[0]
        == "InvalidParameterException"
    )
    assert error_of(lambda: cognito.associate_software_token())[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.associate_software_token(Session="s" * 30)) == INVALID
    assert error_of(
        lambda: cognito.set_user_mfa_preference(
            AccessToken=access, SMSMfaSettings={"Enabled": True}
        )
    ) == ("InvalidParameterException", "User does not have a phone_number attribute")
    assert (
        error_of(
            lambda: cognito.set_user_mfa_preference(
                AccessToken=access,
                SMSMfaSettings={"Enabled": False, "PreferredMfa": True},
            )
        )[0]
        == "InvalidParameterException"
    )


def test_select_mfa_type(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    pool = mfa_pool(temu, email=True)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "flo", phone_number=PHONE, email="flo@example.com")
    access = login(cognito, app.id, "flo")["AuthenticationResult"]["AccessToken"]
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    cognito.verify_software_token(AccessToken=access, UserCode=totp_now(secret, clock))
    enable(
        temu,
        pool.id,
        "flo",
        SMSMfaSettings={"Enabled": True},
        SoftwareTokenMfaSettings={"Enabled": True},
        EmailMfaSettings={"Enabled": True},
    )
    challenge = login(cognito, app.id, "flo")
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    params = challenge["ChallengeParameters"]
    assert json.loads(params["MFAS_CAN_CHOOSE"]) == ["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]
    assert params["USER_ID_FOR_SRP"] == "flo"
    assert (
        error_of(lambda: respond(cognito, app.id, challenge, USERNAME="flo", ANSWER="WEB_AUTHN"))[0]
        == "InvalidParameterException"
    )
    # EMAIL_MFA (the model's spelling) is taken for EMAIL_OTP (Amplify's).
    email = respond(cognito, app.id, challenge, USERNAME="flo", ANSWER="EMAIL_MFA")
    assert email["ChallengeName"] == "EMAIL_OTP"
    assert email["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert email["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "f***@e***"
    assert (
        error_of(lambda: respond(cognito, app.id, challenge, USERNAME="flo", ANSWER="SMS_MFA"))
        == USED
    )
    code = temu.outbox.latest(username="flo", purpose="MFA").code
    assert temu.outbox.latest(username="flo", purpose="MFA").channel == "EMAIL"
    assert (
        error_of(
            lambda: respond(cognito, app.id, email, USERNAME="flo", EMAIL_OTP_CODE=other_code(code))
        )
        == MISMATCH
    )
    assert respond(cognito, app.id, email, USERNAME="flo", EMAIL_OTP_CODE=code)[
        "AuthenticationResult"
    ]
    # A preferred factor is challenged directly.
    enable(temu, pool.id, "flo", SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert login(cognito, app.id, "flo")["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    with pytest.raises(InvalidParameterError, match="Only one MFA method can be preferred"):
        enable(
            temu,
            pool.id,
            "flo",
            SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
            EmailMfaSettings={"Enabled": True, "PreferredMfa": True},
        )


def test_mfa_setup_totp_through_the_session(
    temu: Emulator, cognito: Any, clock: ManualClock
) -> None:
    pool = mfa_pool(temu, mode="ON", sms=False)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "gil")
    setup = login(cognito, app.id, "gil")
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert setup["ChallengeParameters"] == {
        "MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]',
        "USER_ID_FOR_SRP": "gil",
    }
    assert error_of(lambda: respond(cognito, app.id, setup, USERNAME="gil"))[0] == (
        "InvalidParameterException"
    )
    associated = cognito.associate_software_token(Session=setup["Session"])
    secret = associated["SecretCode"]
    assert associated["Session"] != setup["Session"]
    # The MFA_SETUP session was spent by AssociateSoftwareToken.
    assert error_of(lambda: cognito.associate_software_token(Session=setup["Session"])) == USED
    good = totp_now(secret, clock)
    assert (
        error_of(
            lambda: cognito.verify_software_token(
                Session=associated["Session"], UserCode=other_code(good)
            )
        )[0]
        == "EnableSoftwareTokenMFAException"
    )
    verified = cognito.verify_software_token(Session=associated["Session"], UserCode=good)
    assert verified["Status"] == "SUCCESS" and verified["Session"]
    assert (
        error_of(
            lambda: cognito.verify_software_token(Session=associated["Session"], UserCode=good)
        )
        == USED
    )
    done = cognito.respond_to_auth_challenge(
        ClientId=app.id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": "gil"},
    )
    access = done["AuthenticationResult"]["AccessToken"]
    assert cognito.get_user(AccessToken=access)["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    clock.advance(30)
    challenge = login(cognito, app.id, "gil")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert respond(
        cognito, app.id, challenge, USERNAME="gil", SOFTWARE_TOKEN_MFA_CODE=totp_now(secret, clock)
    )["AuthenticationResult"]


def test_mfa_setup_session_expires(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    pool = mfa_pool(temu, mode="ON", sms=False)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "hal")
    setup = login(cognito, app.id, "hal")
    associated = cognito.associate_software_token(Session=setup["Session"])
    clock.advance(181)
    code = totp_now(associated["SecretCode"], clock)
    assert (
        error_of(
            lambda: cognito.verify_software_token(Session=associated["Session"], UserCode=code)
        )
        == EXPIRED
    )


def test_mfa_setup_by_email(temu: Emulator, cognito: Any) -> None:
    pool = mfa_pool(temu, mode="ON", sms=False, email=True)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "ivy")
    setup = login(cognito, app.id, "ivy")
    assert json.loads(setup["ChallengeParameters"]["MFAS_CAN_SETUP"]) == [
        "SOFTWARE_TOKEN_MFA",
        "EMAIL_OTP",
    ]
    assert (
        error_of(lambda: respond(cognito, app.id, setup, USERNAME="ivy", EMAIL="not-an-email"))[0]
        == "InvalidParameterException"
    )
    email = respond(cognito, app.id, setup, USERNAME="ivy", EMAIL="ivy@example.com")
    assert email["ChallengeName"] == "EMAIL_OTP"
    message = temu.outbox.latest(username="ivy", purpose="MFA")
    assert (message.channel, message.destination) == ("EMAIL", "ivy@example.com")
    assert (
        error_of(
            lambda: respond(
                cognito, app.id, email, USERNAME="ivy", EMAIL_OTP_CODE=other_code(message.code)
            )
        )
        == MISMATCH
    )
    done = respond(cognito, app.id, email, USERNAME="ivy", EMAIL_OTP_CODE=message.code)
    me = cognito.get_user(AccessToken=done["AuthenticationResult"]["AccessToken"])
    attributes = {a["Name"]: a["Value"] for a in me["UserAttributes"]}
    assert attributes["email"] == "ivy@example.com" and attributes["email_verified"] == "true"
    assert me["UserMFASettingList"] == ["EMAIL_OTP"]
    again = login(cognito, app.id, "ivy")
    assert again["ChallengeName"] == "EMAIL_OTP"


def test_legacy_set_user_settings(temu: Emulator, cognito: Any) -> None:
    pool = mfa_pool(temu)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "jo", phone_number=PHONE)
    access = login(cognito, app.id, "jo")["AuthenticationResult"]["AccessToken"]
    assert (
        error_of(
            lambda: cognito.set_user_settings(
                AccessToken=access,
                MFAOptions=[{"DeliveryMedium": "EMAIL", "AttributeName": "email"}],
            )
        )[0]
        == "InvalidParameterException"
    )
    option = {"DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    cognito.set_user_settings(AccessToken=access, MFAOptions=[option])
    me = cognito.get_user(AccessToken=access)
    assert me["MFAOptions"] == [option] and me["UserMFASettingList"] == ["SMS_MFA"]
    assert login(cognito, app.id, "jo")["ChallengeName"] == "SMS_MFA"
    cognito.set_user_settings(AccessToken=access, MFAOptions=[])
    me = cognito.get_user(AccessToken=access)
    assert "MFAOptions" not in me and "UserMFASettingList" not in me
    assert login(cognito, app.id, "jo")["AuthenticationResult"]


async def test_srp_then_sms_mfa_with_a_secret_client_over_raw_http(
    emu: Emulator, raw: Raw, clock: ManualClock
) -> None:
    pool = mfa_pool(emu, mode="ON", email=False, totp=False)
    app = emu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS, generate_secret=True)
    assert app.secret is not None
    make_user(emu, pool.id, "kai", phone_number=PHONE)
    srp = SrpClient(pool.id)
    started = await raw.ok(
        "InitiateAuth",
        {
            "ClientId": app.id,
            "AuthFlow": "USER_SRP_AUTH",
            "AuthParameters": {
                "USERNAME": "kai",
                "SRP_A": srp.srp_a,
                "SECRET_HASH": secret_hash(app.secret, "kai", app.id),
            },
        },
    )
    responses = srp.responses(started["ChallengeParameters"], PASSWORD, clock())
    responses["SECRET_HASH"] = secret_hash(app.secret, "kai", app.id)
    sms = await raw.ok(
        "RespondToAuthChallenge",
        {"ClientId": app.id, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": responses},
    )
    assert sms["ChallengeName"] == "SMS_MFA"
    code = emu.outbox.latest(username="kai", purpose="MFA").code
    body = {
        "ClientId": app.id,
        "ChallengeName": "SMS_MFA",
        "Session": sms["Session"],
        "ChallengeResponses": {"USERNAME": "kai", "SMS_MFA_CODE": code},
    }
    assert await raw.error("RespondToAuthChallenge", body) == (
        "NotAuthorizedException",
        f"Client {app.id} is configured for secret but secret was not received",
    )
    body["ChallengeResponses"]["SECRET_HASH"] = secret_hash(app.secret, "kai", app.id)
    done = await raw.ok("RespondToAuthChallenge", body)
    assert done["AuthenticationResult"]["TokenType"] == "Bearer"
    assert done["ChallengeParameters"] == {}


@pytest.mark.parametrize("mode", ["OFF", "OPTIONAL"])
def test_no_mfa_without_a_factor(temu: Emulator, cognito: Any, mode: str) -> None:
    pool = temu.create_user_pool("plain")
    if mode != "OFF":
        temu.handle(
            "SetUserPoolMfaConfig",
            {
                "UserPoolId": pool.id,
                "MfaConfiguration": mode,
                "SoftwareTokenMfaConfiguration": {"Enabled": True},
            },
        )
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "lu", phone_number=PHONE)
    enable(temu, pool.id, "lu", SMSMfaSettings={"Enabled": True})  # the pool has no SMS MFA
    assert login(cognito, app.id, "lu")["AuthenticationResult"]

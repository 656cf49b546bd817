"""Every challenge answered through AdminRespondToAuthChallenge over real HTTP with boto3,
signature verification on: SMS / TOTP / e-mail MFA, SELECT_MFA_TYPE, MFA_SETUP,
NEW_PASSWORD_REQUIRED, DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER; the Session rules
(single-use, expiry, bound to its app client) are the public operation's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from authflow.emulator import Emulator, ManualClock
from authflow.srp import device_password_claim, generate_device_secret, new_ephemeral

from .admin_support import AdminSignIn, admin, iam_emu, unsigned_client
from .conftest import PASSWORD, error_of, make_user
from .test_mfa import enable, mfa_pool, other_code, totp_now

__all__ = ["admin", "iam_emu"]  # fixtures

FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
PHONE = "+15555550177"
USED = ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
EXPIRED = ("NotAuthorizedException", "Invalid session for the user, session is expired.")
INVALID = ("NotAuthorizedException", "Invalid session for the user.")
MISMATCH = ("CodeMismatchException", "Invalid code received for user")


def client_of(emu: Emulator, pool_id: str, cognito: Any, **settings: Any) -> AdminSignIn:
    app = emu.create_user_pool_client(pool_id, explicit_auth_flows=FLOWS, **settings)
    return AdminSignIn(cognito, pool_id, app.id)


def password_login(
    sign_in: AdminSignIn, username: str, password: str = PASSWORD, **params: str
) -> Any:
    return sign_in.start("ADMIN_USER_PASSWORD_AUTH", USERNAME=username, PASSWORD=password, **params)


def test_sms_mfa(iam_emu: Emulator, admin: Any) -> None:
    pool = mfa_pool(iam_emu)
    sign_in = client_of(iam_emu, pool.id, admin)
    make_user(iam_emu, pool.id, "ann", phone_number=PHONE)
    enable(iam_emu, pool.id, "ann", SMSMfaSettings={"Enabled": True})
    challenge = password_login(sign_in, "ann")
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0177"
    code = iam_emu.outbox.latest(username="ann", purpose="MFA").code
    assert (
        error_of(lambda: sign_in.respond(challenge, USERNAME="ann", SMS_MFA_CODE=other_code(code)))
        == MISMATCH
    )
    done = sign_in.respond(challenge, USERNAME="ann", SMS_MFA_CODE=code)
    assert done["AuthenticationResult"]["AccessToken"]
    assert error_of(lambda: sign_in.respond(challenge, USERNAME="ann", SMS_MFA_CODE=code)) == USED


def test_software_token_mfa(iam_emu: Emulator, admin: Any, clock: ManualClock) -> None:
    pool = mfa_pool(iam_emu, sms=False)
    sign_in = client_of(iam_emu, pool.id, admin)
    make_user(iam_emu, pool.id, "bo")
    access = password_login(sign_in, "bo")["AuthenticationResult"]["AccessToken"]
    public = unsigned_client(iam_emu)
    secret = public.associate_software_token(AccessToken=access)["SecretCode"]
    public.verify_software_token(AccessToken=access, UserCode=totp_now(secret, clock))
    enable(iam_emu, pool.id, "bo", SoftwareTokenMfaSettings={"Enabled": True})
    clock.advance(30)
    challenge = password_login(sign_in, "bo")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    good = totp_now(secret, clock)
    assert (
        error_of(
            lambda: sign_in.respond(
                challenge, USERNAME="bo", SOFTWARE_TOKEN_MFA_CODE=other_code(good)
            )
        )
        == MISMATCH
    )
    done = sign_in.respond(challenge, USERNAME="bo", SOFTWARE_TOKEN_MFA_CODE=good)
    assert done["AuthenticationResult"]["IdToken"]


def test_email_mfa_and_select_mfa_type(iam_emu: Emulator, admin: Any) -> None:
    pool = mfa_pool(iam_emu, totp=False, email=True)
    sign_in = client_of(iam_emu, pool.id, admin)
    make_user(iam_emu, pool.id, "cy", phone_number=PHONE, email="cy@example.com")
    enable(
        iam_emu, pool.id, "cy", SMSMfaSettings={"Enabled": True}, EmailMfaSettings={"Enabled": True}
    )
    select = password_login(sign_in, "cy")
    assert select["ChallengeName"] == "SELECT_MFA_TYPE"
    assert json.loads(select["ChallengeParameters"]["MFAS_CAN_CHOOSE"]) == ["SMS_MFA", "EMAIL_OTP"]
    email = sign_in.respond(select, USERNAME="cy", ANSWER="EMAIL_OTP")
    assert email["ChallengeName"] == "EMAIL_OTP"
    assert error_of(lambda: sign_in.respond(select, USERNAME="cy", ANSWER="SMS_MFA")) == USED
    message = iam_emu.outbox.latest(username="cy", purpose="MFA")
    assert message.channel == "EMAIL"
    done = sign_in.respond(email, USERNAME="cy", EMAIL_OTP_CODE=message.code)
    assert done["AuthenticationResult"]["AccessToken"]


def test_mfa_setup_by_session(iam_emu: Emulator, admin: Any, clock: ManualClock) -> None:
    pool = mfa_pool(iam_emu, mode="ON", sms=False)
    sign_in = client_of(iam_emu, pool.id, admin)
    make_user(iam_emu, pool.id, "dee")
    setup = password_login(sign_in, "dee")
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert setup["ChallengeParameters"] == {
        "MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]',
        "USER_ID_FOR_SRP": "dee",
    }
    public = unsigned_client(iam_emu)
    associated = public.associate_software_token(Session=setup["Session"])
    verified = public.verify_software_token(
        Session=associated["Session"], UserCode=totp_now(associated["SecretCode"], clock)
    )
    assert verified["Status"] == "SUCCESS"
    done = sign_in.respond_with("MFA_SETUP", verified["Session"], {"USERNAME": "dee"})
    access = done["AuthenticationResult"]["AccessToken"]
    assert public.get_user(AccessToken=access)["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    clock.advance(30)
    assert password_login(sign_in, "dee")["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_new_password_required(iam_emu: Emulator, admin: Any, clock: ManualClock) -> None:
    pool = iam_emu.create_user_pool("invite")
    sign_in = client_of(iam_emu, pool.id, admin)
    admin.admin_create_user(
        UserPoolId=pool.id,
        Username="eve",
        TemporaryPassword="Temp-Pass-123",
        MessageAction="SUPPRESS",
    )
    challenge = password_login(sign_in, "eve", "Temp-Pass-123")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == "eve"
    assert error_of(lambda: sign_in.respond(challenge, USERNAME="eve", NEW_PASSWORD="short")) == (
        "InvalidPasswordException",
        "Password does not conform to policy: Password not long enough",
    )
    done = sign_in.respond(challenge, USERNAME="eve", NEW_PASSWORD="Fresh-Start-42")
    assert done["AuthenticationResult"]["AccessToken"]
    assert (
        error_of(lambda: sign_in.respond(challenge, USERNAME="eve", NEW_PASSWORD="Fresh-Start-42"))
        == USED
    )
    assert admin.admin_get_user(UserPoolId=pool.id, Username="eve")["UserStatus"] == "CONFIRMED"
    assert password_login(sign_in, "eve", "Fresh-Start-42")["AuthenticationResult"]


def test_sessions_expire_and_belong_to_their_client(
    iam_emu: Emulator, admin: Any, clock: ManualClock
) -> None:
    pool = iam_emu.create_user_pool("sessions")
    sign_in = client_of(iam_emu, pool.id, admin)
    other = client_of(iam_emu, pool.id, admin)
    for name in ("fay", "gil"):
        admin.admin_create_user(
            UserPoolId=pool.id,
            Username=name,
            TemporaryPassword="Temp-Pass-123",
            MessageAction="SUPPRESS",
        )
    answer = {"USERNAME": "fay", "NEW_PASSWORD": "Fresh-Start-42"}
    challenge = password_login(sign_in, "fay", "Temp-Pass-123")
    assert error_of(lambda: other.respond(challenge, **answer)) == INVALID
    assert error_of(lambda: sign_in.respond(challenge, **{**answer, "USERNAME": "gil"})) == INVALID
    clock.advance(3 * 60 + 1)  # AuthSessionValidity defaults to 3 minutes
    assert error_of(lambda: sign_in.respond(challenge, **answer)) == EXPIRED
    # The session from the admin operation answers the public operation too (same client).
    fresh = password_login(sign_in, "fay", "Temp-Pass-123")
    done = unsigned_client(iam_emu).respond_to_auth_challenge(
        ClientId=sign_in.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=fresh["Session"],
        ChallengeResponses=answer,
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_remembered_device_authenticates_through_the_admin_operations(
    iam_emu: Emulator, admin: Any, clock: ManualClock
) -> None:
    always = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}
    pool = iam_emu.create_user_pool("devices", device_configuration=always)
    iam_emu.handle(
        "SetUserPoolMfaConfig",
        {"UserPoolId": pool.id, "MfaConfiguration": "ON", "SmsMfaConfiguration": {}},
    )
    sign_in = client_of(iam_emu, pool.id, admin)
    make_user(iam_emu, pool.id, "hal", phone_number=PHONE)
    sms = password_login(sign_in, "hal")
    code = iam_emu.outbox.latest(username="hal", purpose="MFA").code
    first = sign_in.respond(sms, USERNAME="hal", SMS_MFA_CODE=code)["AuthenticationResult"]
    device_key = first["NewDeviceMetadata"]["DeviceKey"]
    group_key = first["NewDeviceMetadata"]["DeviceGroupKey"]
    secret = generate_device_secret(group_key, device_key)
    unsigned_client(iam_emu).confirm_device(
        AccessToken=first["AccessToken"],
        DeviceKey=device_key,
        DeviceSecretVerifierConfig=secret.verifier_config(),
    )

    challenge = password_login(sign_in, "hal", DEVICE_KEY=device_key)
    assert challenge["ChallengeName"] == "DEVICE_SRP_AUTH"  # remembered: no SMS_MFA
    ephemeral = new_ephemeral()
    verifier = sign_in.respond(
        challenge, USERNAME="hal", DEVICE_KEY=device_key, SRP_A=ephemeral.srp_a
    )
    assert verifier["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    params = verifier["ChallengeParameters"]

    def claim(password: str) -> dict[str, str]:
        proof = device_password_claim(
            device_group_key=group_key,
            device_key=device_key,
            device_password=password,
            ephemeral=ephemeral,
            salt_hex=params["SALT"],
            srp_b_hex=params["SRP_B"],
            secret_block=params["SECRET_BLOCK"],
            now=datetime.fromtimestamp(clock(), UTC),
        )
        return {"USERNAME": "hal", "DEVICE_KEY": device_key, **proof.to_challenge_responses()}

    done = sign_in.respond_with(
        "DEVICE_PASSWORD_VERIFIER", verifier["Session"], claim(secret.device_password)
    )
    tokens = done["AuthenticationResult"]
    assert "NewDeviceMetadata" not in tokens
    me = unsigned_client(iam_emu).get_device(
        AccessToken=tokens["AccessToken"], DeviceKey=device_key
    )
    assert me["Device"]["DeviceKey"] == device_key
    # A wrong device password is refused (on a fresh challenge: the proof above spent its block).
    again = password_login(sign_in, "hal", DEVICE_KEY=device_key)
    ephemeral = new_ephemeral()
    verifier = sign_in.respond(again, USERNAME="hal", DEVICE_KEY=device_key, SRP_A=ephemeral.srp_a)
    params = verifier["ChallengeParameters"]
    assert error_of(
        lambda: sign_in.respond_with(
            "DEVICE_PASSWORD_VERIFIER", verifier["Session"], claim("A" * 56)
        )
    ) == ("NotAuthorizedException", "Incorrect username or password.")

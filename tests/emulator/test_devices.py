"""Remembered devices over boto3: NewDeviceMetadata, ConfirmDevice, DEVICE_SRP_AUTH →
DEVICE_PASSWORD_VERIFIER verified for real (the client side computed with authflow.srp's client
functions), MFA suppressed on remembered devices, stale devices, device management, refresh with a
device key, UpdateAuthEventFeedback."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from authflow.emulator import Emulator, ManualClock
from authflow.srp import DeviceSecret, device_password_claim, generate_device_secret, new_ephemeral

from .conftest import PASSWORD, error_of, make_user

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
PHONE = "+15555550142"
ALWAYS = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}
OPT_IN = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}
GONE = ("ResourceNotFoundException", "Device does not exist.")
WRONG = ("NotAuthorizedException", "Incorrect username or password.")


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


class Device:
    """One client device: its metadata and secret, and the two device SRP steps."""

    def __init__(self, cognito: Any, client_id: str, clock: ManualClock) -> None:
        self.cognito = cognito
        self.client_id = client_id
        self.clock = clock
        self.key = ""
        self.group = ""
        self.secret: DeviceSecret | None = None

    def login(self, username: str, *, device: bool = True, password: str = PASSWORD) -> Any:
        params = {"USERNAME": username, "PASSWORD": password}
        if device and self.key:
            params["DEVICE_KEY"] = self.key
        return self.cognito.initiate_auth(
            ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params
        )

    def confirm(self, result: dict[str, Any], name: str = "laptop") -> Any:
        metadata = result["NewDeviceMetadata"]
        self.key, self.group = metadata["DeviceKey"], metadata["DeviceGroupKey"]
        self.secret = generate_device_secret(self.group, self.key)
        return self.cognito.confirm_device(
            AccessToken=result["AccessToken"],
            DeviceKey=self.key,
            DeviceSecretVerifierConfig=self.secret.verifier_config(),
            DeviceName=name,
        )

    def srp_auth(self, challenge: Any, *, session: bool = True) -> Any:
        assert challenge["ChallengeName"] == "DEVICE_SRP_AUTH"
        self.ephemeral = new_ephemeral()
        kwargs = {"Session": challenge["Session"]} if session else {}
        return self.cognito.respond_to_auth_challenge(
            ClientId=self.client_id,
            ChallengeName="DEVICE_SRP_AUTH",
            ChallengeResponses={
                "USERNAME": challenge["ChallengeParameters"]["USERNAME"],
                "DEVICE_KEY": self.key,
                "SRP_A": self.ephemeral.srp_a,
            },
            **kwargs,
        )

    def verifier_responses(self, challenge: Any, password: str | None = None) -> dict[str, str]:
        assert challenge["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
        assert self.secret is not None
        params = challenge["ChallengeParameters"]
        assert params["DEVICE_KEY"] == self.key
        claim = device_password_claim(
            device_group_key=self.group,
            device_key=self.key,
            device_password=password or self.secret.device_password,
            ephemeral=self.ephemeral,
            salt_hex=params["SALT"],
            srp_b_hex=params["SRP_B"],
            secret_block=params["SECRET_BLOCK"],
            now=datetime.fromtimestamp(self.clock(), UTC),
        )
        return {
            "USERNAME": params["USERNAME"],
            "DEVICE_KEY": self.key,
            **claim.to_challenge_responses(),
        }

    def verify(self, challenge: Any, password: str | None = None, **kwargs: Any) -> Any:
        return self.cognito.respond_to_auth_challenge(
            ClientId=self.client_id,
            ChallengeName="DEVICE_PASSWORD_VERIFIER",
            ChallengeResponses=self.verifier_responses(challenge, password),
            **{"Session": challenge["Session"], **kwargs},
        )


def sms_code(emu: Emulator, username: str) -> str:
    return emu.outbox.latest(username=username, purpose="MFA").code


def pass_sms(cognito: Any, client_id: str, emu: Emulator, challenge: Any, username: str) -> Any:
    assert challenge["ChallengeName"] == "SMS_MFA"
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SMS_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "SMS_MFA_CODE": sms_code(emu, username)},
    )


@pytest.fixture
def mfa_device_pool(temu: Emulator) -> tuple[Any, Any]:
    pool = temu.create_user_pool("devices", device_configuration=ALWAYS)
    temu.handle(
        "SetUserPoolMfaConfig",
        {"UserPoolId": pool.id, "MfaConfiguration": "ON", "SmsMfaConfiguration": {}},
    )
    return pool, temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)


def test_remembered_device_skips_mfa_and_proves_itself(
    temu: Emulator, cognito: Any, clock: ManualClock, mfa_device_pool: tuple[Any, Any]
) -> None:
    pool, app = mfa_device_pool
    make_user(temu, pool.id, "ada", phone_number=PHONE)
    device = Device(cognito, app.id, clock)
    first = pass_sms(cognito, app.id, temu, device.login("ada"), "ada")["AuthenticationResult"]
    metadata = first["NewDeviceMetadata"]
    assert re.fullmatch(r"us-east-1_[0-9a-f-]{36}", metadata["DeviceKey"])
    assert metadata["DeviceGroupKey"].startswith("-") and len(metadata["DeviceGroupKey"]) == 9
    assert claims(first["AccessToken"])["device_key"] == metadata["DeviceKey"]
    assert device.confirm(first)["UserConfirmationNecessary"] is False

    challenge = device.login("ada")
    assert challenge["ChallengeName"] == "DEVICE_SRP_AUTH"  # no SMS_MFA: remembered
    assert challenge["ChallengeParameters"] == {"USERNAME": "ada", "DEVICE_KEY": device.key}
    verifier = device.srp_auth(challenge)
    params = verifier["ChallengeParameters"]
    assert set(params) == {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "DEVICE_KEY"}
    # The DEVICE_SRP_AUTH session was spent.
    assert error_of(lambda: device.srp_auth(challenge)) == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )
    assert error_of(lambda: device.verify(verifier, password="A" * 56)) == WRONG
    # The SECRET_BLOCK (and its session) were spent by the failed proof.
    assert error_of(lambda: device.verify(verifier))[0] == "NotAuthorizedException"

    verifier = device.srp_auth(device.login("ada"))
    done = device.verify(verifier)["AuthenticationResult"]
    assert "NewDeviceMetadata" not in done
    assert claims(done["AccessToken"])["device_key"] == device.key
    # Without the DEVICE_SRP_AUTH Session (as pycognito answers) the open one is used.
    verifier = device.srp_auth(device.login("ada"), session=False)
    assert device.verify(verifier)["AuthenticationResult"]

    listed = cognito.get_device(AccessToken=done["AccessToken"], DeviceKey=device.key)["Device"]
    attributes = {a["Name"]: a["Value"] for a in listed["DeviceAttributes"]}
    assert attributes["dev:device_remembered_status"] == "remembered"
    assert attributes["device_name"] == "laptop"
    assert listed["DeviceLastAuthenticatedDate"].timestamp() == pytest.approx(clock())


def test_not_remembered_device_still_gets_mfa_then_device_auth(
    temu: Emulator, cognito: Any, clock: ManualClock, mfa_device_pool: tuple[Any, Any]
) -> None:
    pool, app = mfa_device_pool
    make_user(temu, pool.id, "bo", phone_number=PHONE)
    device = Device(cognito, app.id, clock)
    first = pass_sms(cognito, app.id, temu, device.login("bo"), "bo")["AuthenticationResult"]
    device.confirm(first)
    cognito.update_device_status(
        AccessToken=first["AccessToken"],
        DeviceKey=device.key,
        DeviceRememberedStatus="not_remembered",
    )
    after_mfa = pass_sms(cognito, app.id, temu, device.login("bo"), "bo")
    assert after_mfa["ChallengeName"] == "DEVICE_SRP_AUTH"
    assert device.verify(device.srp_auth(after_mfa))["AuthenticationResult"]


def test_opt_in_pool(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    pool = temu.create_user_pool("opt-in", device_configuration=OPT_IN)
    temu.handle(
        "SetUserPoolMfaConfig",
        {"UserPoolId": pool.id, "MfaConfiguration": "ON", "SmsMfaConfiguration": {}},
    )
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "cy", phone_number=PHONE)
    device = Device(cognito, app.id, clock)
    first = pass_sms(cognito, app.id, temu, device.login("cy"), "cy")["AuthenticationResult"]
    assert device.confirm(first)["UserConfirmationNecessary"] is True
    # Not remembered until the user opts in: MFA is still asked.
    assert device.login("cy")["ChallengeName"] == "SMS_MFA"
    cognito.update_device_status(
        AccessToken=first["AccessToken"], DeviceKey=device.key, DeviceRememberedStatus="remembered"
    )
    assert device.login("cy")["ChallengeName"] == "DEVICE_SRP_AUTH"


def test_stale_and_foreign_devices(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    pool = temu.create_user_pool("stale", device_configuration=ALWAYS)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "dee")
    make_user(temu, pool.id, "dan")
    device = Device(cognito, app.id, clock)
    first = device.login("dee")["AuthenticationResult"]
    device.key = first["NewDeviceMetadata"]["DeviceKey"]
    assert error_of(lambda: device.login("dee")) == GONE  # issued but never confirmed
    device.confirm(first)
    assert error_of(lambda: device.login("dan")) == GONE  # another user's device
    device.key = "us-east-1_00000000-0000-4000-8000-000000000000"
    assert error_of(lambda: device.login("dee")) == GONE
    assert error_of(lambda: device.login("dee", password="Wrong-Horse-9!")) == WRONG
    assert device.login("dee", device=False)["AuthenticationResult"]["NewDeviceMetadata"]

    # ConfirmDevice refusals.
    fresh = device.login("dee", device=False)["AuthenticationResult"]
    key = fresh["NewDeviceMetadata"]["DeviceKey"]
    assert (
        error_of(lambda: cognito.confirm_device(AccessToken=fresh["AccessToken"], DeviceKey=key))[0]
        == "InvalidParameterException"
    )
    assert (
        error_of(
            lambda: cognito.confirm_device(
                AccessToken=fresh["AccessToken"],
                DeviceKey=key,
                DeviceSecretVerifierConfig={"PasswordVerifier": "***", "Salt": "AA=="},
            )
        )[0]
        == "InvalidParameterException"
    )
    assert (
        error_of(
            lambda: cognito.confirm_device(
                AccessToken=fresh["AccessToken"],
                DeviceKey=device.key,
                DeviceSecretVerifierConfig={"PasswordVerifier": "AQID", "Salt": "AQID"},
            )
        )
        == GONE
    )
    secret = generate_device_secret(fresh["NewDeviceMetadata"]["DeviceGroupKey"], key)
    cognito.confirm_device(
        AccessToken=fresh["AccessToken"],
        DeviceKey=key,
        DeviceSecretVerifierConfig=secret.verifier_config(),
    )
    assert error_of(
        lambda: cognito.confirm_device(
            AccessToken=fresh["AccessToken"],
            DeviceKey=key,
            DeviceSecretVerifierConfig=secret.verifier_config(),
        )
    ) == ("DeviceKeyExistsException", "Device key already exists.")

    # A pool that does not track devices issues no metadata and knows no device.
    untracked = temu.create_user_pool("untracked")
    untracked_app = temu.create_user_pool_client(untracked.id, explicit_auth_flows=FLOWS)
    make_user(temu, untracked.id, "dee")
    other = Device(cognito, untracked_app.id, clock)
    assert "NewDeviceMetadata" not in other.login("dee")["AuthenticationResult"]
    other.key = key
    assert error_of(lambda: other.login("dee")) == GONE


def test_device_challenge_sessions_expire(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    pool = temu.create_user_pool("expiry", device_configuration=ALWAYS)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "eve")
    device = Device(cognito, app.id, clock)
    device.confirm(device.login("eve")["AuthenticationResult"])
    challenge = device.login("eve")
    clock.advance(180)
    assert error_of(lambda: device.srp_auth(challenge)) == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )
    assert error_of(lambda: device.srp_auth(challenge, session=False)) == (
        "InvalidParameterException",
        "Missing required parameter Session",
    )
    verifier = device.srp_auth(device.login("eve"))
    clock.advance(180)
    responses = device.verifier_responses(verifier)
    assert error_of(
        lambda: cognito.respond_to_auth_challenge(
            ClientId=app.id, ChallengeName="DEVICE_PASSWORD_VERIFIER", ChallengeResponses=responses
        )
    ) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_device_management(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    pool = temu.create_user_pool("manage", device_configuration=ALWAYS)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "fay")
    make_user(temu, pool.id, "fin")
    devices = []
    for name in ("one", "two", "three"):
        device = Device(cognito, app.id, clock)
        result = device.login("fay", device=False)["AuthenticationResult"]
        device.confirm(result, name=name)
        devices.append(device)
        clock.advance(1)
    token = result["AccessToken"]
    page = cognito.list_devices(AccessToken=token, Limit=2)
    assert [d["DeviceKey"] for d in page["Devices"]] == [devices[0].key, devices[1].key]
    rest = cognito.list_devices(AccessToken=token, Limit=2, PaginationToken=page["PaginationToken"])
    assert [d["DeviceKey"] for d in rest["Devices"]] == [devices[2].key]
    assert "PaginationToken" not in rest
    assert len(cognito.list_devices(AccessToken=token)["Devices"]) == 3
    assert error_of(lambda: cognito.list_devices(AccessToken=token, PaginationToken="nope"))[0] == (
        "InvalidParameterException"
    )
    other = cognito.initiate_auth(
        ClientId=app.id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "fin", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    assert cognito.list_devices(AccessToken=other)["Devices"] == []
    assert error_of(lambda: cognito.get_device(AccessToken=other, DeviceKey=devices[0].key)) == GONE
    assert error_of(lambda: cognito.forget_device(AccessToken=other, DeviceKey=devices[0].key)) == (
        GONE
    )
    assert error_of(lambda: cognito.get_device(DeviceKey=devices[0].key))[0] == (
        "InvalidParameterException"
    )
    cognito.forget_device(AccessToken=token, DeviceKey=devices[0].key)
    assert error_of(lambda: cognito.get_device(AccessToken=token, DeviceKey=devices[0].key)) == GONE
    assert error_of(lambda: devices[0].login("fay")) == GONE
    assert len(cognito.list_devices(AccessToken=token)["Devices"]) == 2


def test_refresh_with_the_device_key(temu: Emulator, cognito: Any, clock: ManualClock) -> None:
    pool = temu.create_user_pool("refresh", device_configuration=ALWAYS)
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "gus")
    device = Device(cognito, app.id, clock)
    first = device.login("gus")["AuthenticationResult"]
    device.confirm(first)

    def refresh(**extra: str) -> Any:
        return cognito.initiate_auth(
            ClientId=app.id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"], **extra},
        )

    refreshed = refresh(DEVICE_KEY=device.key)["AuthenticationResult"]
    assert claims(refreshed["AccessToken"])["device_key"] == device.key
    assert "NewDeviceMetadata" not in refreshed
    assert error_of(
        lambda: refresh(DEVICE_KEY="us-east-1_00000000-0000-4000-8000-000000000000")
    ) == (
        "NotAuthorizedException",
        "Invalid Refresh Token",
    )


def test_update_auth_event_feedback(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool("feedback")
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "hal")
    token = cognito.initiate_auth(
        ClientId=app.id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "hal", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    event_id = claims(token)["event_id"]
    cognito.update_auth_event_feedback(
        UserPoolId=pool.id,
        Username="hal",
        EventId=event_id,
        FeedbackToken="feedback-token",
        FeedbackValue="Invalid",
    )
    (recorded,) = temu.core.auth_event_feedback
    assert (recorded.username, recorded.event_id, recorded.value) == ("hal", event_id, "Invalid")
    assert (
        error_of(
            lambda: cognito.update_auth_event_feedback(
                UserPoolId=pool.id,
                Username="hal",
                EventId="no-such-event",
                FeedbackToken="t",
                FeedbackValue="Valid",
            )
        )[0]
        == "ResourceNotFoundException"
    )
    assert (
        error_of(
            lambda: cognito.update_auth_event_feedback(
                UserPoolId=pool.id,
                Username="nobody",
                EventId=event_id,
                FeedbackToken="t",
                FeedbackValue="Valid",
            )
        )[0]
        == "UserNotFoundException"
    )

"""Every challenge's Session (or SECRET_BLOCK) is single-use and expires after the app client's
AuthSessionValidity, checked on the pure core for each challenge the emulator issues."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pyotp
import pytest

from authflow.emulator import EmulatorCore, Faults, ManualClock
from authflow.protocol.errors import NotAuthorizedError
from authflow.srp import (
    device_password_claim,
    generate_device_secret,
    new_ephemeral,
    password_claim,
)

from .conftest import PASSWORD, START
from .test_custom_auth import Quiz

PHONE = "+15555550111"
FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
Answer = Callable[[], dict[str, Any]]


class World:
    """A core, a clock, one pool/client and helpers to reach each challenge."""

    def __init__(self) -> None:
        self.clock = ManualClock(START)
        self.core = EmulatorCore(clock=self.clock)
        policies = {
            "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}
        }
        self.pool = self.core.create_user_pool(
            "sessions",
            policies=policies,
            device_configuration={"ChallengeRequiredOnNewDevice": True},
            triggers=Quiz().triggers(),
        )
        self.app = self.core.create_user_pool_client(self.pool.id, explicit_auth_flows=FLOWS)

    def call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.core.handle(operation, body)

    def user(
        self, name: str, *, password: str = PASSWORD, temporary: bool = False, email: bool = True
    ) -> None:
        attributes = {"phone_number": PHONE, "phone_number_verified": "true"}
        if email:
            attributes.update({"email": f"{name}@example.com", "email_verified": "true"})
        self.call(
            "AdminCreateUser",
            {
                "UserPoolId": self.pool.id,
                "Username": name,
                "MessageAction": "SUPPRESS",
                "TemporaryPassword": "Temp-Pass-123",
                "UserAttributes": [{"Name": k, "Value": v} for k, v in attributes.items()],
            },
        )
        if not temporary:
            self.call(
                "AdminSetUserPassword",
                {
                    "UserPoolId": self.pool.id,
                    "Username": name,
                    "Password": password,
                    "Permanent": True,
                },
            )

    def mfa(self, mode: str = "OPTIONAL", **configs: Any) -> None:
        self.call(
            "SetUserPoolMfaConfig",
            {"UserPoolId": self.pool.id, "MfaConfiguration": mode, **configs},
        )

    def prefer(self, name: str, **settings: Any) -> None:
        self.call(
            "AdminSetUserMFAPreference",
            {"UserPoolId": self.pool.id, "Username": name, **settings},
        )

    def login(self, name: str, password: str = PASSWORD, **params: str) -> dict[str, Any]:
        return self.call(
            "InitiateAuth",
            {
                "ClientId": self.app.id,
                "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": name, "PASSWORD": password, **params},
            },
        )

    def respond(self, challenge: dict[str, Any], **responses: str) -> Answer:
        def answer() -> dict[str, Any]:
            return {
                "ClientId": self.app.id,
                "ChallengeName": challenge["ChallengeName"],
                "Session": challenge.get("Session"),
                "ChallengeResponses": {k: v() if callable(v) else v for k, v in responses.items()},
            }

        return answer

    def code(self, name: str, purpose: str = "MFA") -> str:
        return self.core.outbox.latest(username=name, purpose=purpose).code

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)


def new_password(w: World) -> Answer:
    w.user("np", temporary=True)
    challenge = w.login("np", "Temp-Pass-123")
    return w.respond(challenge, USERNAME="np", NEW_PASSWORD="Fresh-Start-42")


def sms_mfa(w: World) -> Answer:
    w.mfa(SmsMfaConfiguration={})
    w.user("sm")
    w.prefer("sm", SMSMfaSettings={"Enabled": True})
    challenge = w.login("sm")
    return w.respond(challenge, USERNAME="sm", SMS_MFA_CODE=w.code("sm"))


def email_mfa(w: World) -> Answer:
    w.mfa(EmailMfaConfiguration={})
    w.user("em")
    w.prefer("em", EmailMfaSettings={"Enabled": True})
    challenge = w.login("em")
    return w.respond(challenge, USERNAME="em", EMAIL_OTP_CODE=w.code("em"))


def _totp_user(w: World, name: str) -> str:
    w.mfa(SoftwareTokenMfaConfiguration={"Enabled": True}, SmsMfaConfiguration={})
    w.user(name)
    access = w.login(name)["AuthenticationResult"]["AccessToken"]
    secret = str(w.call("AssociateSoftwareToken", {"AccessToken": access})["SecretCode"])
    code = pyotp.TOTP(secret).at(int(w.clock()))
    w.call("VerifySoftwareToken", {"AccessToken": access, "UserCode": code})
    w.clock.advance(30)
    return secret


def software_token_mfa(w: World) -> Answer:
    secret = _totp_user(w, "st")
    w.prefer("st", SoftwareTokenMfaSettings={"Enabled": True})
    challenge = w.login("st")
    return w.respond(
        challenge,
        USERNAME="st",
        SOFTWARE_TOKEN_MFA_CODE=lambda: pyotp.TOTP(secret).at(int(w.clock())),
    )


def select_mfa_type(w: World) -> Answer:
    _totp_user(w, "sl")
    w.prefer("sl", SoftwareTokenMfaSettings={"Enabled": True}, SMSMfaSettings={"Enabled": True})
    challenge = w.login("sl")
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    return w.respond(challenge, USERNAME="sl", ANSWER="SMS_MFA")


def mfa_setup_totp(w: World) -> Answer:
    w.mfa("ON", SoftwareTokenMfaConfiguration={"Enabled": True})
    w.user("ms")
    setup = w.login("ms")
    associated = w.call("AssociateSoftwareToken", {"Session": setup["Session"]})
    code = pyotp.TOTP(associated["SecretCode"]).at(int(w.clock()))
    verified = w.call("VerifySoftwareToken", {"Session": associated["Session"], "UserCode": code})
    return w.respond({"ChallengeName": "MFA_SETUP", "Session": verified["Session"]}, USERNAME="ms")


def mfa_setup_email(w: World) -> Answer:
    w.mfa("ON", EmailMfaConfiguration={})
    w.user("me", email=False)
    setup = w.login("me")
    assert setup["ChallengeName"] == "MFA_SETUP"
    return w.respond(setup, USERNAME="me", EMAIL="me@example.org")


def custom_challenge(w: World) -> Answer:
    w.user("cc")
    challenge = w.call(
        "InitiateAuth",
        {"ClientId": w.app.id, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": {"USERNAME": "cc"}},
    )
    return w.respond(challenge, USERNAME="cc", ANSWER="42")


def _user_auth(w: World, name: str, **params: str) -> dict[str, Any]:
    return w.call(
        "InitiateAuth",
        {
            "ClientId": w.app.id,
            "AuthFlow": "USER_AUTH",
            "AuthParameters": {"USERNAME": name, **params},
        },
    )


def select_challenge(w: World) -> Answer:
    w.user("sc")
    challenge = _user_auth(w, "sc")
    return w.respond(challenge, USERNAME="sc", ANSWER="PASSWORD", PASSWORD=PASSWORD)


def email_otp_sign_in(w: World) -> Answer:
    w.user("eo")
    challenge = _user_auth(w, "eo", PREFERRED_CHALLENGE="EMAIL_OTP")
    return w.respond(challenge, USERNAME="eo", EMAIL_OTP_CODE=w.code("eo", "SIGN_IN"))


def sms_otp_sign_in(w: World) -> Answer:
    w.user("so")
    challenge = _user_auth(w, "so", PREFERRED_CHALLENGE="SMS_OTP")
    return w.respond(challenge, USERNAME="so", SMS_OTP_CODE=w.code("so", "SIGN_IN"))


def _remembered(w: World, name: str) -> tuple[str, Any]:
    w.user(name)
    result = w.login(name)["AuthenticationResult"]
    metadata = result["NewDeviceMetadata"]
    secret = generate_device_secret(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    w.call(
        "ConfirmDevice",
        {
            "AccessToken": result["AccessToken"],
            "DeviceKey": metadata["DeviceKey"],
            "DeviceSecretVerifierConfig": secret.verifier_config(),
        },
    )
    return metadata["DeviceKey"], (metadata["DeviceGroupKey"], secret)


def device_srp_auth(w: World) -> Answer:
    key, _ = _remembered(w, "ds")
    challenge = w.login("ds", DEVICE_KEY=key)
    return w.respond(challenge, USERNAME="ds", DEVICE_KEY=key, SRP_A=new_ephemeral().srp_a)


def device_password_verifier(w: World) -> Answer:
    key, (group, secret) = _remembered(w, "dp")
    challenge = w.login("dp", DEVICE_KEY=key)
    ephemeral = new_ephemeral()
    verifier = w.call(
        "RespondToAuthChallenge",
        w.respond(challenge, USERNAME="dp", DEVICE_KEY=key, SRP_A=ephemeral.srp_a)(),
    )
    params = verifier["ChallengeParameters"]

    def claim() -> dict[str, str]:
        return device_password_claim(
            device_group_key=group,
            device_key=key,
            device_password=secret.device_password,
            ephemeral=ephemeral,
            salt_hex=params["SALT"],
            srp_b_hex=params["SRP_B"],
            secret_block=params["SECRET_BLOCK"],
            now=w.now(),
        ).to_challenge_responses()

    def answer() -> dict[str, Any]:
        body = w.respond(verifier, USERNAME="dp", DEVICE_KEY=key)()
        body["ChallengeResponses"].update(claim())
        return body

    return answer


def password_verifier(w: World) -> Answer:
    w.user("pv")
    ephemeral = new_ephemeral()
    challenge = w.call(
        "InitiateAuth",
        {
            "ClientId": w.app.id,
            "AuthFlow": "USER_SRP_AUTH",
            "AuthParameters": {"USERNAME": "pv", "SRP_A": ephemeral.srp_a},
        },
    )
    params = challenge["ChallengeParameters"]

    def answer() -> dict[str, Any]:
        claim = password_claim(
            pool_name=w.pool.id.split("_", 1)[1],
            user_id=params["USER_ID_FOR_SRP"],
            password=PASSWORD,
            ephemeral=ephemeral,
            salt_hex=params["SALT"],
            srp_b_hex=params["SRP_B"],
            secret_block=params["SECRET_BLOCK"],
            now=w.now(),
        )
        return {
            "ClientId": w.app.id,
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeResponses": {"USERNAME": "pv", **claim.to_challenge_responses()},
        }

    return answer


SCENARIOS: dict[str, Callable[[World], Answer]] = {
    "NEW_PASSWORD_REQUIRED": new_password,
    "SMS_MFA": sms_mfa,
    "EMAIL_OTP (MFA)": email_mfa,
    "SOFTWARE_TOKEN_MFA": software_token_mfa,
    "SELECT_MFA_TYPE": select_mfa_type,
    "MFA_SETUP (TOTP)": mfa_setup_totp,
    "MFA_SETUP (EMAIL)": mfa_setup_email,
    "CUSTOM_CHALLENGE": custom_challenge,
    "SELECT_CHALLENGE": select_challenge,
    "EMAIL_OTP (sign-in)": email_otp_sign_in,
    "SMS_OTP": sms_otp_sign_in,
    "DEVICE_SRP_AUTH": device_srp_auth,
    "DEVICE_PASSWORD_VERIFIER": device_password_verifier,
    "PASSWORD_VERIFIER": password_verifier,
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_an_answered_challenge_cannot_be_answered_again(name: str) -> None:
    world = World()
    answer = SCENARIOS[name](world)
    first = world.call("RespondToAuthChallenge", answer())
    assert "AuthenticationResult" in first or "ChallengeName" in first
    with pytest.raises(NotAuthorizedError) as info:
        world.call("RespondToAuthChallenge", answer())
    if name != "PASSWORD_VERIFIER":  # no Session: its SECRET_BLOCK is what was spent
        assert info.value.message == "Invalid session for the user, session can only be used once."


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_challenge_expires_with_auth_session_validity(name: str) -> None:
    world = World()
    answer = SCENARIOS[name](world)
    world.clock.advance(180)  # AuthSessionValidity: 3 minutes by default
    with pytest.raises(NotAuthorizedError) as info:
        world.call("RespondToAuthChallenge", answer())
    assert info.value.message == "Invalid session for the user, session is expired."


def test_sessions_are_swept() -> None:
    world = World()
    world.user("sw")
    for _ in range(300):
        _user_auth(world, "sw")
    world.clock.advance(181)
    for _ in range(300):
        _user_auth(world, "sw")
    assert len(world.core.services.challenges.open_sessions()) <= 300


def test_secrets_stay_out_of_reprs() -> None:
    world = World()
    answer = software_token_mfa(world)
    device = device_srp_auth(world)
    pool = world.core.pools[world.pool.id]
    user = pool.users["st"]
    assert user.totp_secret is not None
    challenges = world.core.services.challenges
    texts = [repr(user), repr(pool), repr(world.core), repr(Faults())]
    texts += [repr(s) for s in challenges.open_sessions()]
    texts += [repr(d) for d in pool.devices.values()]
    texts += [repr(p) for p in challenges.pending_srp_proofs()]
    joined = "\n".join(texts)
    assert user.totp_secret not in joined
    assert answer()["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"] not in joined
    assert device()["ChallengeResponses"]["SRP_A"][:32] not in joined
    for d in pool.devices.values():
        if d.verifier is not None:
            assert str(d.verifier) not in joined and format(d.verifier, "x") not in joined

"""Every public method of Account against the emulator over real HTTP: what each one does to the
user, read back through another method or the emulator's outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pyotp
import pytest
from emulated_cognito import PASSWORD, admin_user, client

from authflow import Account, AuthClient, InvalidStateError, SessionNotFoundError
from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import (
    CodeMismatchError,
    NotAuthorizedError,
    ResourceNotFoundError,
    UnknownOperationError,
    WebAuthnNotEnabledError,
)
from authflow.protocol.jwt import jwt_claims
from authflow.protocol.operations import GetUserRequest
from authflow.transport import call

DEVICES = {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": True}


@pytest.fixture
async def auth(emu: Emulator, clock: ManualClock) -> AsyncIterator[AuthClient]:
    async with client(emu, clock, pool_settings={"auto_verified_attributes": ["email"],
                                                 "device_configuration": DEVICES}) as auth:
        await admin_user(auth, "jane", email="jane@example.com", email_verified="true",
                         phone_number="+15555550100", phone_number_verified="true")
        await auth.transport.send("AdminSetUserPassword", {
            "UserPoolId": auth.config.user_pool_id, "Username": "jane", "Password": PASSWORD,
            "Permanent": True})
        yield auth


async def signed_in(auth: AuthClient, **options: object) -> Account:
    flow = auth.sign_in("jane", PASSWORD, **options)  # type: ignore[arg-type]
    await flow.step()
    assert flow.state == "Authenticated" and flow.session_key is not None
    return auth.account(flow.session_key)


async def test_profile_attributes_password_and_deletion(emu: Emulator, auth: AuthClient) -> None:
    me = await signed_in(auth)
    assert (await me.get_user()).username == "jane"
    await me.update_attributes({"email": "jane@new.example", "locale": "en"})
    attrs = await me.attributes()
    assert attrs["email_verified"] == "false" and attrs["locale"] == "en"
    code = emu.outbox.latest(username="jane", purpose="VERIFY_ATTRIBUTE").code
    await me.verify_attribute("email", code)
    assert (await me.attributes())["email_verified"] == "true"
    await me.delete_attributes(["locale"])
    assert "locale" not in await me.attributes()
    await me.change_password(PASSWORD, "Second-Pass-8!")
    with pytest.raises(NotAuthorizedError):
        await auth.sign_in("jane", PASSWORD).step()
    await me.delete_user()
    with pytest.raises(InvalidStateError):
        await me.get_user()


async def test_send_attribute_code_sends_a_new_one(emu: Emulator, auth: AuthClient) -> None:
    me = await signed_in(auth)
    await me.update_attributes({"email": "jane@other.example"})
    first = emu.outbox.latest(username="jane", purpose="VERIFY_ATTRIBUTE")
    sent = await me.send_attribute_code("email")
    assert sent.code_delivery_details is not None
    assert sent.code_delivery_details.delivery_medium == "EMAIL"
    again = emu.outbox.latest(username="jane", purpose="VERIFY_ATTRIBUTE")
    assert again is not first and again.destination == "jane@other.example"
    wrong = "000000" if again.code != "000000" else "111111"
    with pytest.raises(CodeMismatchError):
        await me.verify_attribute("email", wrong)
    await me.verify_attribute("email", again.code)
    assert (await me.attributes())["email_verified"] == "true"


async def test_totp_set_up_and_mfa_preference(emu: Emulator, auth: AuthClient,
                                              clock: ManualClock) -> None:
    emu.handle("SetUserPoolMfaConfig", {
        "UserPoolId": auth.config.user_pool_id, "MfaConfiguration": "OPTIONAL",
        "SoftwareTokenMfaConfiguration": {"Enabled": True}})
    me = await signed_in(auth)
    secret = (await me.associate_software_token()).secret_code
    assert secret
    code = pyotp.TOTP(secret).at(clock())
    assert (await me.verify_software_token(code, friendly_device_name="phone")).status == \
        "SUCCESS"
    await me.set_mfa_preference(totp=(True, True))
    factors = await me.auth_factors()
    assert "SOFTWARE_TOKEN" in (factors.configured_user_auth_factors or ())
    assert factors.preferred_mfa_setting == "SOFTWARE_TOKEN_MFA"
    user = await me.get_user()
    assert user.preferred_mfa_setting == "SOFTWARE_TOKEN_MFA"
    await me.set_mfa_preference(totp=(False, False))
    assert (await me.get_user()).preferred_mfa_setting is None


async def test_legacy_sms_mfa_settings(auth: AuthClient) -> None:
    me = await signed_in(auth)
    await me.set_user_settings([("SMS", "phone_number")])
    options = (await me.get_user()).mfa_options or ()
    assert [(o.delivery_medium, o.attribute_name) for o in options] == [("SMS", "phone_number")]
    await me.set_user_settings([])
    assert not (await me.get_user()).mfa_options


async def test_devices_listed_read_updated_and_forgotten(auth: AuthClient) -> None:
    me = await signed_in(auth, remember_device=True, device_name="laptop")
    (device,) = (await me.list_devices(limit=10)).devices
    fetched = (await me.get_device(device.device_key)).device

    def remembered(attributes: object) -> str:
        return {a.name: a.value for a in attributes}["dev:device_remembered_status"]  # type: ignore[attr-defined]

    assert fetched.device_key == device.device_key
    assert remembered(fetched.device_attributes) == "remembered"
    await me.update_device_status(device.device_key, remembered=False)
    assert remembered((await me.get_device(device.device_key)).device.device_attributes) == \
        "not_remembered"
    await me.forget_device(device.device_key)
    assert (await me.list_devices()).devices == ()
    with pytest.raises(ResourceNotFoundError):
        await me.get_device(device.device_key)


async def test_user_sessions_are_not_served_by_the_emulator(auth: AuthClient) -> None:
    # ListUserSessions / RevokeUserSession are not emulated: the caller gets the typed error the
    # JSON 1.1 protocol returns for an unknown operation, never a crash.
    me = await signed_in(auth)
    with pytest.raises(UnknownOperationError):
        await me.list_sessions()
    with pytest.raises(UnknownOperationError):
        await me.revoke_session("s" * 28)


async def test_webauthn_operations(auth: AuthClient) -> None:
    me = await signed_in(auth)
    with pytest.raises(WebAuthnNotEnabledError):
        await me.start_webauthn_registration()
    with pytest.raises(WebAuthnNotEnabledError):
        await me.complete_webauthn_registration({"id": "cred", "type": "public-key"})
    assert (await me.list_webauthn_credentials(max_results=5)).credentials == ()
    with pytest.raises(ResourceNotFoundError):
        await me.delete_webauthn_credential("cred")


async def test_auth_event_feedback(emu: Emulator, auth: AuthClient) -> None:
    me = await signed_in(auth)
    event_id = jwt_claims(await auth.access_token(me.session_key))["event_id"]
    await me.auth_event_feedback(username="jane", event_id=event_id, feedback_token="fb",
                                 valid=False)
    (recorded,) = emu.core.auth_event_feedback
    assert (recorded.username, recorded.event_id, recorded.value) == ("jane", event_id, "Invalid")
    with pytest.raises(ResourceNotFoundError):
        await me.auth_event_feedback(username="jane", event_id="no-such-event",
                                     feedback_token="fb", valid=True)


async def test_global_sign_out_ends_every_session(auth: AuthClient, clock: ManualClock) -> None:
    first = await signed_in(auth)
    token = await auth.access_token(first.session_key)
    async with AuthClient(auth.config, clock=clock) as elsewhere:
        other = elsewhere.sign_in("jane", PASSWORD)  # another device, its own store
        await other.step()
        await elsewhere.account(other.session_key or "").global_sign_out()
        with pytest.raises(SessionNotFoundError):
            await elsewhere.access_token(other.session_key or "")
    with pytest.raises(NotAuthorizedError):  # this device's access token was revoked too
        await call(auth.transport, GetUserRequest(access_token=token))

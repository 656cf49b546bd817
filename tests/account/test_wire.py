"""Every public method of Account on MockTransport: the operation it sends, its exact request
members (the access token comes from the stored session), what it returns, and the local checks
that refuse bad input before anything is sent."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from scripted_cognito import POOL, Script, auth_result, scripted_client

from authflow import Account, SessionNotFoundError, ValidationError
from authflow.protocol import operations as ops

NOW = 1_700_000_100.0
USER = "uid-ada"
ACCESS = auth_result(USER, iat=int(NOW))["AuthenticationResult"]["AccessToken"]
DEVICE = {"DeviceKey": "us-east-1_dev1", "DeviceAttributes": [{"Name": "name", "Value": "pc"}]}
SESSION_ID = "s" * 28

# method name -> (call, operation, request members besides AccessToken, reply, check of result)
Case = tuple[Callable[[Account], Any], str, dict[str, Any], dict[str, Any], Callable[[Any], bool]]
CASES: dict[str, Case] = {
    "get_user": (
        lambda a: a.get_user(), "GetUser", {},
        {"Username": USER, "UserAttributes": [{"Name": "email", "Value": "a@x.org"}]},
        lambda r: isinstance(r, ops.GetUserResponse) and r.username == USER),
    "attributes": (
        lambda a: a.attributes(), "GetUser", {},
        {"Username": USER, "UserAttributes": [{"Name": "email", "Value": "a@x.org"},
                                              {"Name": "name"}]},
        lambda r: r == {"email": "a@x.org", "name": ""}),
    "update_attributes": (
        lambda a: a.update_attributes({"name": "Ada"}, client_metadata={"src": "test"}),
        "UpdateUserAttributes",
        {"UserAttributes": [{"Name": "name", "Value": "Ada"}], "ClientMetadata": {"src": "test"}},
        {}, lambda r: isinstance(r, ops.UpdateUserAttributesResponse)),
    "delete_attributes": (
        lambda a: a.delete_attributes(["name", "locale"]), "DeleteUserAttributes",
        {"UserAttributeNames": ["name", "locale"]}, {},
        lambda r: isinstance(r, ops.DeleteUserAttributesResponse)),
    "send_attribute_code": (
        lambda a: a.send_attribute_code("email"), "GetUserAttributeVerificationCode",
        {"AttributeName": "email"},
        {"CodeDeliveryDetails": {"DeliveryMedium": "EMAIL", "Destination": "a***@x***"}},
        lambda r: r.code_delivery_details.delivery_medium == "EMAIL"),
    "verify_attribute": (
        lambda a: a.verify_attribute("email", "123456"), "VerifyUserAttribute",
        {"AttributeName": "email", "Code": "123456"}, {},
        lambda r: isinstance(r, ops.VerifyUserAttributeResponse)),
    "change_password": (
        lambda a: a.change_password("Old-Pass-1!", "New-Pass-2!"), "ChangePassword",
        {"PreviousPassword": "Old-Pass-1!", "ProposedPassword": "New-Pass-2!"}, {},
        lambda r: isinstance(r, ops.ChangePasswordResponse)),
    "set_mfa_preference": (
        lambda a: a.set_mfa_preference(totp=(True, True), email=(True, False), webauthn=False),
        "SetUserMFAPreference",
        {"SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
         "EmailMfaSettings": {"Enabled": True, "PreferredMfa": False},
         "WebAuthnMfaSettings": {"Enabled": False}},
        {}, lambda r: isinstance(r, ops.SetUserMFAPreferenceResponse)),
    "set_user_settings": (
        lambda a: a.set_user_settings([("SMS", "phone_number")]), "SetUserSettings",
        {"MFAOptions": [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]}, {},
        lambda r: isinstance(r, ops.SetUserSettingsResponse)),
    "associate_software_token": (
        lambda a: a.associate_software_token(), "AssociateSoftwareToken", {},
        {"SecretCode": "JBSWY3DPEHPK3PXP"}, lambda r: r.secret_code == "JBSWY3DPEHPK3PXP"),
    "verify_software_token": (
        lambda a: a.verify_software_token("123456", friendly_device_name="phone"),
        "VerifySoftwareToken", {"UserCode": "123456", "FriendlyDeviceName": "phone"},
        {"Status": "SUCCESS"}, lambda r: r.status == "SUCCESS"),
    "auth_factors": (
        lambda a: a.auth_factors(), "GetUserAuthFactors", {},
        {"Username": USER, "ConfiguredUserAuthFactors": ["PASSWORD"]},
        lambda r: r.configured_user_auth_factors == ("PASSWORD",)),
    "list_devices": (
        lambda a: a.list_devices(limit=10, pagination_token="next"), "ListDevices",
        {"Limit": 10, "PaginationToken": "next"}, {"Devices": [DEVICE]},
        lambda r: [d.device_key for d in r.devices] == ["us-east-1_dev1"]),
    "get_device": (
        lambda a: a.get_device("us-east-1_dev1"), "GetDevice", {"DeviceKey": "us-east-1_dev1"},
        {"Device": DEVICE}, lambda r: r.device.device_key == "us-east-1_dev1"),
    "update_device_status": (
        lambda a: a.update_device_status("us-east-1_dev1", remembered=False),
        "UpdateDeviceStatus",
        {"DeviceKey": "us-east-1_dev1", "DeviceRememberedStatus": "not_remembered"}, {},
        lambda r: isinstance(r, ops.UpdateDeviceStatusResponse)),
    "forget_device": (
        lambda a: a.forget_device("us-east-1_dev1"), "ForgetDevice",
        {"DeviceKey": "us-east-1_dev1"}, {}, lambda r: r is None),
    "list_sessions": (
        lambda a: a.list_sessions(next_token="n1"), "ListUserSessions", {"NextToken": "n1"},
        {"Sessions": [], "NextToken": "n2"}, lambda r: r.next_token == "n2"),
    "revoke_session": (
        lambda a: a.revoke_session(SESSION_ID), "RevokeUserSession", {"SessionId": SESSION_ID},
        {}, lambda r: isinstance(r, ops.RevokeUserSessionResponse)),
    "start_webauthn_registration": (
        lambda a: a.start_webauthn_registration(), "StartWebAuthnRegistration", {},
        {"CredentialCreationOptions": {"challenge": "abc", "rp": {"id": "x.org"}}},
        lambda r: r == {"challenge": "abc", "rp": {"id": "x.org"}}),
    "complete_webauthn_registration": (
        lambda a: a.complete_webauthn_registration({"id": "cred-1", "type": "public-key"}),
        "CompleteWebAuthnRegistration", {"Credential": {"id": "cred-1", "type": "public-key"}},
        {}, lambda r: r is None),
    "list_webauthn_credentials": (
        lambda a: a.list_webauthn_credentials(next_token="t", max_results=5),
        "ListWebAuthnCredentials", {"NextToken": "t", "MaxResults": 5}, {"Credentials": []},
        lambda r: r.credentials == ()),
    "delete_webauthn_credential": (
        lambda a: a.delete_webauthn_credential("cred-1"), "DeleteWebAuthnCredential",
        {"CredentialId": "cred-1"}, {}, lambda r: r is None),
    "global_sign_out": (
        lambda a: a.global_sign_out(), "GlobalSignOut", {}, {}, lambda r: r is None),
    "delete_user": (
        lambda a: a.delete_user(), "DeleteUser", {}, {}, lambda r: r is None),
}


def public_methods() -> set[str]:
    return {name for name, member in inspect.getmembers(Account, inspect.iscoroutinefunction)
            if not name.startswith("_")}


def test_every_public_method_has_a_wire_case() -> None:
    assert set(CASES) | {"auth_event_feedback"} == public_methods()


async def signed_in(script: Script) -> tuple[Any, Account]:
    script.on("InitiateAuth", auth_result(USER, iat=int(NOW)))
    auth = scripted_client(script, clock=lambda: NOW)
    flow = auth.sign_in("ada", "Correct-Horse-9!", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    assert flow.session_key is not None
    return auth, auth.account(flow.session_key)


@pytest.mark.parametrize("name", sorted(CASES))
async def test_method_sends_its_operation(name: str) -> None:
    call, operation, members, reply, check = CASES[name]
    script = Script().on(operation, reply)
    auth, account = await signed_in(script)
    result = await call(account)
    assert check(result)
    assert [op for op, _ in script.calls[1:]] == [operation]  # one request, after the sign-in
    assert script.sent(operation) == [{"AccessToken": ACCESS, **members}]
    if name in ("global_sign_out", "delete_user"):  # the session record is gone with them
        with pytest.raises(SessionNotFoundError):
            await auth.access_token(account.session_key)


async def test_auth_event_feedback_is_authorized_by_its_token_not_the_session() -> None:
    script = Script().on("UpdateAuthEventFeedback", {})
    _auth, account = await signed_in(script)
    result = await account.auth_event_feedback(username="ada", event_id="ev-1",
                                               feedback_token="fb-token", valid=False)
    assert result is None
    assert script.sent("UpdateAuthEventFeedback") == [{
        "UserPoolId": POOL, "Username": "ada", "EventId": "ev-1", "FeedbackToken": "fb-token",
        "FeedbackValue": "Invalid"}]


@pytest.mark.parametrize(("call", "field"), [
    (lambda a: a.update_attributes({}), "attributes"),
    (lambda a: a.delete_attributes("name"), "names"),
    (lambda a: a.delete_attributes([]), "names"),
    (lambda a: a.set_mfa_preference(), "sms"),
])
async def test_bad_input_is_refused_before_any_request(call: Callable[[Account], Any],
                                                       field: str) -> None:
    script = Script()
    _auth, account = await signed_in(script)
    with pytest.raises(ValidationError) as info:
        await call(account)
    assert info.value.field == field
    assert len(script.calls) == 1  # only the sign-in

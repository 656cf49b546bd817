"""Sign-up, confirmation codes, forgotten passwords, SECRET_HASH and user-existence hiding."""

from __future__ import annotations

from typing import Any

import pytest

from authflow.emulator import Emulator, ManualClock

from .conftest import PASSWORD, boto, error_of, make_user
from .srp_client import secret_hash


@pytest.fixture
def pool(temu: Emulator) -> Any:
    return temu.create_user_pool("signup", auto_verified_attributes=["email"])


@pytest.fixture
def app(temu: Emulator, pool: Any) -> Any:
    return temu.create_user_pool_client(
        pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )


def sign_up(cognito: Any, client_id: str, username: str, **extra: Any) -> Any:
    return cognito.sign_up(
        ClientId=client_id,
        Username=username,
        Password=extra.pop("Password", PASSWORD),
        UserAttributes=extra.pop(
            "UserAttributes", [{"Name": "email", "Value": f"{username}@example.com"}]
        ),
        **extra,
    )


def password_auth(cognito: Any, client_id: str, username: str, password: str = PASSWORD) -> Any:
    return cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )


def test_sign_up_confirm_sign_in(temu: Emulator, cognito: Any, app: Any) -> None:
    out = sign_up(cognito, app.id, "alice")
    assert out["UserConfirmed"] is False
    assert out["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    code, message = error_of(lambda: password_auth(cognito, app.id, "alice"))
    assert (code, message) == ("UserNotConfirmedException", "User is not confirmed.")
    sent = temu.outbox.latest(username="alice", purpose="SIGN_UP")
    assert sent.destination == "alice@example.com"
    confirmed = cognito.confirm_sign_up(
        ClientId=app.id, Username="alice", ConfirmationCode=sent.code
    )
    assert len(confirmed["Session"]) >= 20
    attrs = {
        a["Name"]: a["Value"]
        for a in cognito.admin_get_user(UserPoolId=app.pool_id, Username="alice")["UserAttributes"]
    }
    assert attrs["email_verified"] == "true"
    assert "AccessToken" in password_auth(cognito, app.id, "alice")["AuthenticationResult"]
    code, message = error_of(
        lambda: cognito.confirm_sign_up(
            ClientId=app.id, Username="alice", ConfirmationCode=sent.code
        )
    )
    assert (code, message) == (
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is CONFIRMED",
    )


def test_wrong_expired_and_exhausted_codes(
    temu: Emulator, cognito: Any, app: Any, clock: ManualClock
) -> None:
    sign_up(cognito, app.id, "bob")
    code = temu.outbox.latest(username="bob").code
    wrong = "000000" if code != "000000" else "111111"
    assert error_of(
        lambda: cognito.confirm_sign_up(ClientId=app.id, Username="bob", ConfirmationCode=wrong)
    ) == ("CodeMismatchException", "Invalid verification code provided, please try again.")

    clock.advance(24 * 3600 + 1)
    assert error_of(
        lambda: cognito.confirm_sign_up(ClientId=app.id, Username="bob", ConfirmationCode=code)
    ) == ("ExpiredCodeException", "Invalid code provided, please request a code again.")

    cognito.resend_confirmation_code(ClientId=app.id, Username="bob")
    fresh = temu.outbox.latest(username="bob").code
    if fresh != code:  # the old code died with the resend
        assert (
            error_of(
                lambda: cognito.confirm_sign_up(
                    ClientId=app.id, Username="bob", ConfirmationCode=code
                )
            )[0]
            == "CodeMismatchException"
        )
    bad = "000000" if fresh != "000000" else "111111"
    for _ in range(4 if fresh != code else 5):
        error_of(
            lambda: cognito.confirm_sign_up(ClientId=app.id, Username="bob", ConfirmationCode=bad)
        )
    assert error_of(
        lambda: cognito.confirm_sign_up(ClientId=app.id, Username="bob", ConfirmationCode=fresh)
    ) == ("LimitExceededException", "Attempt limit exceeded, please try after some time.")


def test_sign_up_refusals(cognito: Any, app: Any) -> None:
    sign_up(cognito, app.id, "carol")
    assert error_of(lambda: sign_up(cognito, app.id, "carol")) == (
        "UsernameExistsException",
        "User already exists",
    )
    assert error_of(lambda: sign_up(cognito, app.id, "dan", Password="weakpassword")) == (
        "InvalidPasswordException",
        "Password did not conform with policy: Password must have uppercase characters",
    )
    code, message = error_of(
        lambda: sign_up(cognito, app.id, "dan", UserAttributes=[{"Name": "custom:x", "Value": "1"}])
    )
    assert code == "InvalidParameterException"
    assert message == (
        "Attributes did not conform to the schema: "
        "custom:x: Attribute does not exist in the schema."
    )
    assert error_of(
        lambda: sign_up(cognito, app.id, "dan", UserAttributes=[{"Name": "email", "Value": "nope"}])
    ) == ("InvalidParameterException", "Invalid email address format.")
    code, _ = error_of(
        lambda: sign_up(
            cognito, app.id, "dan", UserAttributes=[{"Name": "email_verified", "Value": "true"}]
        )
    )
    assert code == "NotAuthorizedException"


def test_required_and_custom_attributes(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool(
        "schema",
        schema=[
            {"Name": "name", "Required": True},
            {
                "Name": "age",
                "AttributeDataType": "Number",
                "NumberAttributeConstraints": {"MinValue": "18", "MaxValue": "130"},
            },
        ],
    )
    app = temu.create_user_pool_client(pool.id)
    assert error_of(lambda: sign_up(cognito, app.id, "eve")) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: name: The attribute name is required",
    )
    code, message = error_of(
        lambda: sign_up(
            cognito,
            app.id,
            "eve",
            UserAttributes=[{"Name": "name", "Value": "Eve"}, {"Name": "custom:age", "Value": "9"}],
        )
    )
    assert code == "InvalidParameterException" and "custom:age" in message
    out = sign_up(
        cognito,
        app.id,
        "eve",
        UserAttributes=[{"Name": "name", "Value": "Eve"}, {"Name": "custom:age", "Value": "30"}],
    )
    assert "CodeDeliveryDetails" not in out  # nothing is auto-verified in this pool
    assert error_of(lambda: cognito.resend_confirmation_code(ClientId=app.id, Username="eve")) == (
        "InvalidParameterException",
        "Cannot resend codes. Auto verification not turned on.",
    )


def test_email_as_username(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool(
        "emails", username_attributes=["email"], auto_verified_attributes=["email"]
    )
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    out = cognito.sign_up(ClientId=app.id, Username="fay@example.com", Password=PASSWORD)
    sub = out["UserSub"]
    assert temu.outbox.latest(username="fay@example.com").username == sub
    code = temu.outbox.latest(username=sub).code
    cognito.confirm_sign_up(ClientId=app.id, Username="fay@example.com", ConfirmationCode=code)
    user = cognito.admin_get_user(UserPoolId=pool.id, Username="fay@example.com")
    assert user["Username"] == sub
    tokens = password_auth(cognito, app.id, "fay@example.com")["AuthenticationResult"]
    assert tokens["AccessToken"]
    assert error_of(
        lambda: cognito.sign_up(ClientId=app.id, Username="fay@example.com", Password=PASSWORD)
    ) == ("UsernameExistsException", "An account with the given email already exists.")
    assert error_of(
        lambda: cognito.sign_up(ClientId=app.id, Username="fay", Password=PASSWORD)
    ) == (
        "InvalidParameterException",
        "Username should be an email.",
    )


def test_alias_pool_refuses_email_shaped_username(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool(
        "alias", alias_attributes=["email"], auto_verified_attributes=["email"]
    )
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    assert error_of(
        lambda: cognito.sign_up(ClientId=app.id, Username="g@example.com", Password=PASSWORD)
    ) == (
        "InvalidParameterException",
        "Username cannot be of email format, since user pool is configured for email alias.",
    )
    sign_up(cognito, app.id, "gus")
    # Not verified yet: the alias does not resolve.
    assert error_of(lambda: password_auth(cognito, app.id, "gus@example.com")) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    code = temu.outbox.latest(username="gus").code
    cognito.confirm_sign_up(ClientId=app.id, Username="gus", ConfirmationCode=code)
    assert password_auth(cognito, app.id, "gus@example.com")["AuthenticationResult"]


def test_forgot_password(temu: Emulator, cognito: Any, app: Any) -> None:
    make_user(temu, app.pool_id, "hal", email="hal@example.com", email_verified="true")
    out = cognito.forgot_password(ClientId=app.id, Username="hal")
    assert out["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    code = temu.outbox.latest(username="hal", purpose="FORGOT_PASSWORD").code
    new = "Another-Horse-7?"
    assert error_of(
        lambda: cognito.confirm_forgot_password(
            ClientId=app.id, Username="hal", ConfirmationCode=code, Password="weak"
        )
    ) == (
        "InvalidPasswordException",
        "Password does not conform to policy: Password not long enough",
    )
    wrong = "000000" if code != "000000" else "111111"
    assert (
        error_of(
            lambda: cognito.confirm_forgot_password(
                ClientId=app.id, Username="hal", ConfirmationCode=wrong, Password=new
            )
        )[0]
        == "CodeMismatchException"
    )
    cognito.confirm_forgot_password(
        ClientId=app.id, Username="hal", ConfirmationCode=code, Password=new
    )
    assert error_of(lambda: password_auth(cognito, app.id, "hal"))[1] == (
        "Incorrect username or password."
    )
    assert password_auth(cognito, app.id, "hal", new)["AuthenticationResult"]
    # Single use.
    assert (
        error_of(
            lambda: cognito.confirm_forgot_password(
                ClientId=app.id, Username="hal", ConfirmationCode=code, Password=PASSWORD
            )
        )[0]
        == "CodeMismatchException"
    )


def test_forgot_password_needs_a_verified_channel(temu: Emulator, cognito: Any, app: Any) -> None:
    make_user(temu, app.pool_id, "ida", email="ida@example.com")
    assert error_of(lambda: cognito.forgot_password(ClientId=app.id, Username="ida")) == (
        "InvalidParameterException",
        "Cannot reset password for the user as there is no registered/verified email or "
        "phone_number",
    )


def test_admin_reset_requires_new_password(temu: Emulator, cognito: Any, app: Any) -> None:
    make_user(temu, app.pool_id, "ivan", email="ivan@example.com", email_verified="true")
    cognito.admin_reset_user_password(UserPoolId=app.pool_id, Username="ivan")
    assert error_of(lambda: password_auth(cognito, app.id, "ivan")) == (
        "PasswordResetRequiredException",
        "Password reset required for the user",
    )
    code = temu.outbox.latest(username="ivan", purpose="FORGOT_PASSWORD").code
    cognito.confirm_forgot_password(
        ClientId=app.id, Username="ivan", ConfirmationCode=code, Password="Brand-New-Pass-1"
    )
    assert password_auth(cognito, app.id, "ivan", "Brand-New-Pass-1")["AuthenticationResult"]


def test_user_existence_legacy_vs_enabled(temu: Emulator, cognito: Any, pool: Any) -> None:
    legacy = temu.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    hidden = temu.create_user_pool_client(
        pool.id,
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"],
        prevent_user_existence_errors="ENABLED",
    )
    assert error_of(lambda: password_auth(cognito, legacy.id, "ghost")) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    assert error_of(lambda: password_auth(cognito, hidden.id, "ghost")) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    assert error_of(lambda: cognito.forgot_password(ClientId=legacy.id, Username="ghost")) == (
        "UserNotFoundException",
        "Username/client id combination not found.",
    )
    out = cognito.forgot_password(ClientId=hidden.id, Username="ghost@example.com")
    assert out["CodeDeliveryDetails"]["Destination"] == "g***@e***"
    assert temu.outbox.messages(username="ghost@example.com") == []
    assert (
        error_of(
            lambda: cognito.confirm_forgot_password(
                ClientId=hidden.id, Username="ghost", ConfirmationCode="123456", Password=PASSWORD
            )
        )[0]
        == "CodeMismatchException"
    )
    assert (
        error_of(
            lambda: cognito.confirm_sign_up(
                ClientId=hidden.id, Username="ghost", ConfirmationCode="1"
            )
        )[0]
        == "CodeMismatchException"
    )
    assert cognito.resend_confirmation_code(ClientId=hidden.id, Username="ghost")[
        "CodeDeliveryDetails"
    ]


def test_secret_hash_enforced(temu: Emulator, pool: Any) -> None:
    cognito = boto(temu)
    app = temu.create_user_pool_client(
        pool.id, generate_secret=True, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"]
    )
    assert app.secret is not None
    assert error_of(lambda: sign_up(cognito, app.id, "jack")) == (
        "NotAuthorizedException",
        f"Client {app.id} is configured for secret but secret was not received",
    )
    assert error_of(
        lambda: sign_up(cognito, app.id, "jack", SecretHash=secret_hash(app.secret, "jill", app.id))
    ) == ("NotAuthorizedException", f"Unable to verify secret hash for client {app.id}")
    sign_up(cognito, app.id, "jack", SecretHash=secret_hash(app.secret, "jack", app.id))
    code = temu.outbox.latest(username="jack").code
    assert (
        error_of(
            lambda: cognito.confirm_sign_up(ClientId=app.id, Username="jack", ConfirmationCode=code)
        )[0]
        == "NotAuthorizedException"
    )
    cognito.confirm_sign_up(
        ClientId=app.id,
        Username="jack",
        ConfirmationCode=code,
        SecretHash=secret_hash(app.secret, "jack", app.id),
    )
    assert error_of(lambda: password_auth(cognito, app.id, "jack"))[1] == (
        f"Client {app.id} is configured for secret but secret was not received"
    )
    ok = cognito.initiate_auth(
        ClientId=app.id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "jack",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(app.secret, "jack", app.id),
        },
    )
    assert ok["AuthenticationResult"]["IdToken"]


def test_admin_only_pool_refuses_sign_up(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool(
        "closed", admin_create_user_config={"AllowAdminCreateUserOnly": True}
    )
    app = temu.create_user_pool_client(pool.id)
    assert error_of(lambda: sign_up(cognito, app.id, "kim")) == (
        "NotAuthorizedException",
        "SignUp is not permitted for this user pool",
    )

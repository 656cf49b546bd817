"""Operations of a signed-in user, through boto3."""

from __future__ import annotations

from typing import Any

import pytest

from authflow.emulator import Emulator, ManualClock

from .conftest import PASSWORD, error_of, make_user

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def attrs_of(cognito: Any, token: str) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in cognito.get_user(AccessToken=token)["UserAttributes"]}


def sign_in(cognito: Any, client_id: str, username: str, password: str = PASSWORD) -> str:
    result = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]
    return str(result["AccessToken"])


@pytest.fixture
def setup(temu: Emulator, cognito: Any) -> tuple[Any, Any, str]:
    pool = temu.create_user_pool(
        "account",
        auto_verified_attributes=["email"],
        schema=[{"Name": "badge", "AttributeDataType": "String", "Mutable": False}],
    )
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(
        temu,
        pool.id,
        "ada",
        email="ada@example.com",
        email_verified="true",
        name="Ada",
        **{"custom:badge": "gold"},
    )
    return pool, app, sign_in(cognito, app.id, "ada")


def test_get_user(cognito: Any, setup: tuple[Any, Any, str]) -> None:
    _, _, token = setup
    user = cognito.get_user(AccessToken=token)
    assert user["Username"] == "ada"
    attrs = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attrs["email_verified"] == "true" and attrs["custom:badge"] == "gold"


def test_change_email_sends_code_and_marks_unverified(
    temu: Emulator, cognito: Any, setup: tuple[Any, Any, str], clock: ManualClock
) -> None:
    _, app, token = setup
    out = cognito.update_user_attributes(
        AccessToken=token,
        UserAttributes=[
            {"Name": "email", "Value": "ada@new.example"},
            {"Name": "name", "Value": "Ada L."},
        ],
    )
    assert out["CodeDeliveryDetailsList"] == [
        {"Destination": "a***@n***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    attrs = attrs_of(cognito, token)
    assert attrs["email"] == "ada@new.example" and attrs["email_verified"] == "false"
    assert attrs["name"] == "Ada L."
    sent = temu.outbox.latest(username="ada", purpose="VERIFY_ATTRIBUTE")
    assert sent.destination == "ada@new.example"
    wrong = "000000" if sent.code != "000000" else "111111"
    assert error_of(
        lambda: cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=wrong)
    ) == ("CodeMismatchException", "Invalid verification code provided, please try again.")
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=sent.code)
    assert attrs_of(cognito, token)["email_verified"] == "true"

    # A code asked for later, and let expire.
    cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "ada@third.example"}]
    )
    again = cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert again["CodeDeliveryDetails"]["Destination"] == "a***@t***"
    code = temu.outbox.latest(username="ada").code
    clock.advance(24 * 3600)
    token = sign_in(cognito, app.id, "ada")  # the old access token has expired too
    assert (
        error_of(
            lambda: cognito.verify_user_attribute(
                AccessToken=token, AttributeName="email", Code=code
            )
        )[0]
        == "ExpiredCodeException"
    )


def test_verification_before_update_keeps_the_old_value(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool(
        "careful",
        auto_verified_attributes=["email"],
        user_attribute_update_settings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
    app = temu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    make_user(temu, pool.id, "bea", email="bea@old.example", email_verified="true")
    token = sign_in(cognito, app.id, "bea")
    cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "bea@new.example"}]
    )
    attrs = attrs_of(cognito, token)
    assert attrs["email"] == "bea@old.example" and attrs["email_verified"] == "true"
    sent = temu.outbox.latest(username="bea")
    assert sent.destination == "bea@new.example"
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=sent.code)
    attrs = attrs_of(cognito, token)
    assert attrs["email"] == "bea@new.example" and attrs["email_verified"] == "true"


def test_attribute_refusals(temu: Emulator, cognito: Any, setup: tuple[Any, Any, str]) -> None:
    pool, _, token = setup
    assert (
        error_of(
            lambda: cognito.update_user_attributes(
                AccessToken=token, UserAttributes=[{"Name": "custom:badge", "Value": "silver"}]
            )
        )[0]
        == "InvalidParameterException"
    )
    assert error_of(
        lambda: cognito.update_user_attributes(
            AccessToken=token, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
        )
    ) == ("NotAuthorizedException", "A client attempted to write unauthorized attribute")
    narrow = temu.create_user_pool_client(
        pool.id, explicit_auth_flows=FLOWS, write_attributes=["name"], read_attributes=["name"]
    )
    narrow_token = sign_in(cognito, narrow.id, "ada")
    assert set(attrs_of(cognito, narrow_token)) == {"sub", "name"}
    assert (
        error_of(
            lambda: cognito.update_user_attributes(
                AccessToken=narrow_token, UserAttributes=[{"Name": "email", "Value": "x@y.example"}]
            )
        )[0]
        == "NotAuthorizedException"
    )


def test_delete_attributes(cognito: Any, setup: tuple[Any, Any, str]) -> None:
    _, _, token = setup
    cognito.delete_user_attributes(AccessToken=token, UserAttributeNames=["name"])
    assert "name" not in attrs_of(cognito, token)
    assert (
        error_of(
            lambda: cognito.delete_user_attributes(AccessToken=token, UserAttributeNames=["sub"])
        )[0]
        == "NotAuthorizedException"
    )


def test_change_password(cognito: Any, setup: tuple[Any, Any, str]) -> None:
    _, app, token = setup
    assert error_of(
        lambda: cognito.change_password(
            AccessToken=token, PreviousPassword="Not-The-One-1", ProposedPassword="New-Pass-123"
        )
    ) == ("NotAuthorizedException", "Incorrect username or password.")
    assert error_of(
        lambda: cognito.change_password(
            AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="nouppercase1!"
        )
    ) == (
        "InvalidPasswordException",
        "Password does not conform to policy: Password must have uppercase characters",
    )
    cognito.change_password(
        AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="New-Pass-123"
    )
    assert sign_in(cognito, app.id, "ada", "New-Pass-123")
    for _ in range(5):
        error_of(
            lambda: cognito.change_password(
                AccessToken=token, PreviousPassword="Guess-Pass-1", ProposedPassword="X-Pass-1234"
            )
        )
    assert error_of(
        lambda: cognito.change_password(
            AccessToken=token, PreviousPassword="New-Pass-123", ProposedPassword="X-Pass-1234"
        )
    ) == ("LimitExceededException", "Attempt limit exceeded, please try after some time.")


def test_delete_user(cognito: Any, setup: tuple[Any, Any, str]) -> None:
    _pool, app, token = setup
    cognito.delete_user(AccessToken=token)
    assert error_of(lambda: cognito.get_user(AccessToken=token)) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    assert error_of(lambda: sign_in(cognito, app.id, "ada"))[0] == "UserNotFoundException"

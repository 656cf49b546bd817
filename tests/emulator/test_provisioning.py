"""Provisioning through boto3 (an independent client): pools, app clients, admin user operations."""

from __future__ import annotations

from typing import Any

from authflow.emulator import Emulator

from .conftest import PASSWORD, error_of


def test_pool_lifecycle(cognito: Any) -> None:
    created = cognito.create_user_pool(
        PoolName="shop",
        Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireSymbols": False}},
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Schema=[
            {"Name": "tier", "AttributeDataType": "String", "Mutable": True},
            {"Name": "email", "Required": True},
        ],
    )["UserPool"]
    pool_id = created["Id"]
    assert pool_id.startswith("us-east-1_")
    described = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    policy = described["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == 10 and policy["RequireSymbols"] is False
    assert policy["RequireUppercase"] is True
    assert described["UsernameAttributes"] == ["email"]
    schema = {a["Name"]: a for a in described["SchemaAttributes"]}
    assert schema["custom:tier"]["AttributeDataType"] == "String"
    assert schema["email"]["Required"] is True and schema["sub"]["Mutable"] is False

    # UpdateUserPool resets what it does not mention (Cognito's semantics)...
    cognito.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OFF")
    described = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert "AutoVerifiedAttributes" not in described
    # ...but keeps what only CreateUserPool can set.
    assert described["UsernameAttributes"] == ["email"]

    cognito.delete_user_pool(UserPoolId=pool_id)
    code, message = error_of(lambda: cognito.describe_user_pool(UserPoolId=pool_id))
    assert (code, message) == ("ResourceNotFoundException", f"User pool {pool_id} does not exist.")


def test_pool_setting_conflicts(cognito: Any) -> None:
    code, message = error_of(
        lambda: cognito.create_user_pool(
            PoolName="bad", AliasAttributes=["email"], UsernameAttributes=["email"]
        )
    )
    assert code == "InvalidParameterException"
    assert message == (
        "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."
    )
    code, message = error_of(
        lambda: cognito.create_user_pool(
            PoolName="bad", Schema=[{"Name": "x", "AttributeDataType": "String", "Required": True}]
        )
    )
    assert (code, message) == (
        "InvalidParameterException",
        "Required custom attributes are not supported currently.",
    )
    pool_id = cognito.create_user_pool(PoolName="p", DeletionProtection="ACTIVE")["UserPool"]["Id"]
    assert error_of(lambda: cognito.delete_user_pool(UserPoolId=pool_id))[0] == (
        "InvalidParameterException"
    )


def test_client_lifecycle(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="apps")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=15,
        TokenValidityUnits={"AccessToken": "minutes"},
        AuthSessionValidity=5,
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
    )["UserPoolClient"]
    client_id = client["ClientId"]
    assert len(client_id) == 26 and len(client["ClientSecret"]) >= 24
    described = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)[
        "UserPoolClient"
    ]
    assert described["ClientSecret"] == client["ClientSecret"]
    assert described["ExplicitAuthFlows"] == [
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ]
    assert described["AccessTokenValidity"] == 15
    assert described["TokenValidityUnits"]["AccessToken"] == "minutes"
    assert described["AuthSessionValidity"] == 5
    assert described["PreventUserExistenceErrors"] == "ENABLED"

    updated = cognito.update_user_pool_client(
        UserPoolId=pool_id, ClientId=client_id, ClientName="web2"
    )["UserPoolClient"]
    assert updated["ClientName"] == "web2"
    assert updated["PreventUserExistenceErrors"] == "LEGACY"  # reset to the default
    assert updated["ClientSecret"] == client["ClientSecret"]  # the secret is kept
    assert set(updated["ExplicitAuthFlows"]) == {
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
    }

    code, _ = error_of(
        lambda: cognito.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="x",
            AccessTokenValidity=2,
            TokenValidityUnits={"AccessToken": "days"},
        )
    )
    assert code == "InvalidParameterException"
    code, _ = error_of(
        lambda: cognito.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="x",
            ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"],
        )
    )
    assert code == "InvalidParameterException"

    cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    code, message = error_of(
        lambda: cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    )
    assert code == "ResourceNotFoundException"
    assert message == f"User pool client {client_id} does not exist."


def test_python_api_matches_the_wire(temu: Emulator, cognito: Any) -> None:
    pool = temu.create_user_pool("py", alias_attributes=["email"])
    app = temu.create_user_pool_client(pool.id, "py-app", generate_secret=True)
    assert app.secret and "secret" not in repr(app) and app.secret not in repr(app)
    wire = cognito.describe_user_pool_client(UserPoolId=pool.id, ClientId=app.id)
    assert wire["UserPoolClient"]["ClientSecret"] == app.secret
    assert cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]["AliasAttributes"] == [
        "email"
    ]


def test_admin_create_user_and_friends(temu: Emulator, cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="admin")["UserPool"]["Id"]
    user = cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="hank",
        UserAttributes=[
            {"Name": "email", "Value": "hank@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        DesiredDeliveryMediums=["EMAIL"],
    )["User"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD" and user["Enabled"] is True
    invitation = temu.outbox.latest(username="hank")
    assert invitation.purpose == "INVITATION" and invitation.channel == "EMAIL"
    assert invitation.code not in repr(invitation)

    code, message = error_of(lambda: cognito.admin_create_user(UserPoolId=pool_id, Username="hank"))
    assert (code, message) == ("UsernameExistsException", "User account already exists")

    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="hank",
        MessageAction="RESEND",
        DesiredDeliveryMediums=["EMAIL"],
    )
    assert temu.outbox.latest(username="hank").code != invitation.code

    cognito.admin_create_user(UserPoolId=pool_id, Username="ivy", MessageAction="SUPPRESS")
    assert temu.outbox.messages(username="ivy") == []
    got = cognito.admin_get_user(UserPoolId=pool_id, Username="ivy")
    assert got["UserStatus"] == "FORCE_CHANGE_PASSWORD"

    code, message = error_of(
        lambda: cognito.admin_set_user_password(
            UserPoolId=pool_id, Username="ivy", Password="short", Permanent=True
        )
    )
    assert (code, message) == (
        "InvalidPasswordException",
        "Password does not conform to policy: Password not long enough",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username="ivy", Password=PASSWORD, Permanent=True
    )
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="ivy")["UserStatus"] == "CONFIRMED"
    code, message = error_of(
        lambda: cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username="ivy")
    )
    assert (code, message) == (
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is CONFIRMED",
    )

    cognito.admin_delete_user(UserPoolId=pool_id, Username="ivy")
    code, message = error_of(lambda: cognito.admin_get_user(UserPoolId=pool_id, Username="ivy"))
    assert (code, message) == ("UserNotFoundException", "User does not exist.")


def test_temporary_password_must_meet_the_policy(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="tmp")["UserPool"]["Id"]
    code, message = error_of(
        lambda: cognito.admin_create_user(
            UserPoolId=pool_id, Username="jo", TemporaryPassword="alllowercase1!"
        )
    )
    assert (code, message) == (
        "InvalidPasswordException",
        "Password did not conform with policy: Password must have uppercase characters",
    )


def test_list_users_filter_and_pages(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="list")["UserPool"]["Id"]
    for i in range(5):
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=f"user{i}",
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"u{i}@{'a' if i % 2 else 'b'}.example"}],
        )
    page = cognito.list_users(UserPoolId=pool_id, Limit=2)
    assert [u["Username"] for u in page["Users"]] == ["user0", "user1"]
    rest = cognito.list_users(UserPoolId=pool_id, Limit=10, PaginationToken=page["PaginationToken"])
    assert [u["Username"] for u in rest["Users"]] == ["user2", "user3", "user4"]
    assert "PaginationToken" not in rest
    hits = cognito.list_users(UserPoolId=pool_id, Filter='email = "u3@a.example"')["Users"]
    assert [u["Username"] for u in hits] == ["user3"]
    hits = cognito.list_users(
        UserPoolId=pool_id, Filter='username ^= "user"', AttributesToGet=["email"]
    )["Users"]
    assert len(hits) == 5 and {a["Name"] for a in hits[0]["Attributes"]} == {"email"}
    hits = cognito.list_users(UserPoolId=pool_id, Filter='cognito:user_status = "CONFIRMED"')
    assert hits["Users"] == []
    code, message = error_of(lambda: cognito.list_users(UserPoolId=pool_id, Filter="email ~ x"))
    assert (code, message) == ("InvalidParameterException", "Error while parsing filter.")

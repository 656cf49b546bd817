"""Provisioning for OAuth 2.0: user-pool domains, resource servers, and the app client's OAuth
settings, with the validation Cognito applies (boto3 over HTTP, and the Python API)."""

from __future__ import annotations

from typing import Any

import pytest

from authflow.emulator import Emulator
from authflow.protocol.errors import ResourceNotFoundError, ServiceError

from .conftest import boto, error_of

CALLBACK = "http://localhost:3000/cb"


def _pool(cognito: Any, name: str = "p") -> str:
    return str(cognito.create_user_pool(PoolName=name)["UserPool"]["Id"])


def _orders_server(cognito: Any, pool_id: str) -> None:
    """A resource server ``orders`` with the scope ``orders/read``."""
    cognito.create_resource_server(
        UserPoolId=pool_id,
        Identifier="orders",
        Name="Orders",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}],
    )


def test_domain_lifecycle_over_boto3(cognito: Any) -> None:
    pool_id = _pool(cognito)
    created = cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="my-app-1")
    assert created["ManagedLoginVersion"] == 1
    described = cognito.describe_user_pool_domain(Domain="my-app-1")["DomainDescription"]
    assert described["UserPoolId"] == pool_id and described["Domain"] == "my-app-1"
    assert described["Status"] == "ACTIVE"
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Domain"] == "my-app-1"
    # Cognito answers an unknown domain with an empty description.
    assert cognito.describe_user_pool_domain(Domain="nobody-here")["DomainDescription"] == {}
    cognito.update_user_pool_domain(UserPoolId=pool_id, Domain="my-app-1", ManagedLoginVersion=2)
    described = cognito.describe_user_pool_domain(Domain="my-app-1")["DomainDescription"]
    assert described["ManagedLoginVersion"] == 2
    cognito.delete_user_pool_domain(UserPoolId=pool_id, Domain="my-app-1")
    assert cognito.describe_user_pool_domain(Domain="my-app-1")["DomainDescription"] == {}
    assert "Domain" not in cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]


def test_domain_validation(cognito: Any) -> None:
    first, second = _pool(cognito, "a"), _pool(cognito, "b")
    cognito.create_user_pool_domain(UserPoolId=first, Domain="taken")
    code, message = error_of(
        lambda: cognito.create_user_pool_domain(UserPoolId=second, Domain="taken")
    )
    assert (code, message) == (
        "InvalidParameterException",
        "Domain already associated with another user pool.",
    )
    code, message = error_of(
        lambda: cognito.create_user_pool_domain(UserPoolId=first, Domain="another")
    )
    assert message == "User pool already has a domain configured."
    for word in ("aws", "amazon", "cognito"):
        code, message = error_of(
            lambda w=word: cognito.create_user_pool_domain(UserPoolId=second, Domain=f"my-{w}-x")
        )
        assert code == "InvalidParameterException" and word in message
    code, message = error_of(
        lambda: cognito.create_user_pool_domain(UserPoolId=second, Domain="Upper-Case")
    )
    assert code == "InvalidParameterException" and "regular expression pattern" in message
    code, _ = error_of(
        lambda: cognito.create_user_pool_domain(
            UserPoolId=second, Domain="x", ManagedLoginVersion=3
        )
    )
    assert code == "InvalidParameterException"
    code, _ = error_of(lambda: cognito.delete_user_pool_domain(UserPoolId=second, Domain="taken"))
    assert code == "ResourceNotFoundException"


def test_resource_servers(cognito: Any) -> None:
    pool_id = _pool(cognito)
    scopes = [
        {"ScopeName": "read", "ScopeDescription": "Read"},
        {"ScopeName": "write", "ScopeDescription": "Write"},
    ]
    server = cognito.create_resource_server(
        UserPoolId=pool_id, Identifier="https://api.example.com", Name="API", Scopes=scopes
    )["ResourceServer"]
    assert server["Identifier"] == "https://api.example.com" and server["Scopes"] == scopes
    for n in range(3):
        cognito.create_resource_server(UserPoolId=pool_id, Identifier=f"rs{n}", Name=f"R{n}")
    listed = cognito.list_resource_servers(UserPoolId=pool_id, MaxResults=3)
    assert [s["Identifier"] for s in listed["ResourceServers"]] == [
        "https://api.example.com",
        "rs0",
        "rs1",
    ]
    rest = cognito.list_resource_servers(
        UserPoolId=pool_id, MaxResults=3, NextToken=listed["NextToken"]
    )
    assert [s["Identifier"] for s in rest["ResourceServers"]] == ["rs2"]
    assert "NextToken" not in rest
    described = cognito.describe_resource_server(UserPoolId=pool_id, Identifier="rs1")
    assert described["ResourceServer"]["Name"] == "R1"
    code, _ = error_of(
        lambda: cognito.create_resource_server(UserPoolId=pool_id, Identifier="rs1", Name="again")
    )
    assert code == "InvalidParameterException"
    code, message = error_of(
        lambda: cognito.create_resource_server(
            UserPoolId=pool_id,
            Identifier="bad",
            Name="Bad",
            Scopes=[{"ScopeName": "a/b", "ScopeDescription": "slash"}],
        )
    )
    assert code == "InvalidParameterException" and "scopeName" in message
    code, _ = error_of(
        lambda: cognito.list_resource_servers(UserPoolId=pool_id, MaxResults=3, NextToken="x")
    )
    assert code == "InvalidParameterException"
    cognito.update_resource_server(UserPoolId=pool_id, Identifier="rs1", Name="Renamed")
    described = cognito.describe_resource_server(UserPoolId=pool_id, Identifier="rs1")
    assert described["ResourceServer"]["Name"] == "Renamed"
    cognito.delete_resource_server(UserPoolId=pool_id, Identifier="rs1")
    code, _ = error_of(
        lambda: cognito.describe_resource_server(UserPoolId=pool_id, Identifier="rs1")
    )
    assert code == "ResourceNotFoundException"


def test_resource_server_quota(emu: Emulator) -> None:
    pool = emu.create_user_pool("quota")
    for n in range(25):
        emu.handle(
            "CreateResourceServer", {"UserPoolId": pool.id, "Identifier": f"r{n}", "Name": "R"}
        )
    with pytest.raises(ServiceError) as info:
        emu.handle(
            "CreateResourceServer", {"UserPoolId": pool.id, "Identifier": "one-more", "Name": "R"}
        )
    assert info.value.code == "LimitExceededException"


def test_client_oauth_settings_are_kept_and_described(cognito: Any) -> None:
    pool_id = _pool(cognito)
    _orders_server(cognito, pool_id)
    settings = {
        "AllowedOAuthFlows": ["code", "implicit"],
        "AllowedOAuthScopes": ["openid", "email", "orders/read"],
        "AllowedOAuthFlowsUserPoolClient": True,
        "CallbackURLs": [CALLBACK, "https://app.example.com/cb", "myapp://cb"],
        "LogoutURLs": ["http://127.0.0.1:3000/out", "http://[::1]:3000/out"],
        "DefaultRedirectURI": CALLBACK,
        "SupportedIdentityProviders": ["COGNITO"],
    }
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web", **settings)
    client_id = client["UserPoolClient"]["ClientId"]
    described = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    for key, value in settings.items():
        assert described["UserPoolClient"][key] == value
    cognito.update_user_pool_client(
        UserPoolId=pool_id, ClientId=client_id, AllowedOAuthFlows=["code"], CallbackURLs=[CALLBACK]
    )
    described = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["AllowedOAuthFlows"] == ["code"]
    assert "AllowedOAuthScopes" not in described["UserPoolClient"]  # Update resets members


@pytest.mark.parametrize(
    ("settings", "secret", "expected"),
    [
        (
            {"CallbackURLs": ["http://app.example.com/cb"]},
            False,
            (
                "InvalidParameterException",
                "http://app.example.com/cb cannot use the HTTP protocol.",
            ),
        ),
        (
            {"LogoutURLs": ["http://localhost.com/"]},
            False,
            ("InvalidParameterException", "http://localhost.com/ cannot use the HTTP protocol."),
        ),
        (
            {"CallbackURLs": ["https://app.example.com/cb#frag"]},
            False,
            (
                "InvalidParameterException",
                "https://app.example.com/cb#frag cannot contain a fragment.",
            ),
        ),
        (
            {"CallbackURLs": ["/relative"]},
            False,
            ("InvalidParameterException", "/relative is not an absolute URL."),
        ),
        (
            {"CallbackURLs": [CALLBACK], "DefaultRedirectURI": "https://other.example.com"},
            False,
            ("InvalidParameterException", "DefaultRedirectURI must be one of the CallbackURLs."),
        ),
        (
            {"AllowedOAuthScopes": ["openid", "orders/delete"]},
            False,
            ("ScopeDoesNotExistException", "Invalid scope requested: orders/delete"),
        ),
        (
            {"AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["orders/read"]},
            False,
            (
                "InvalidOAuthFlowException",
                "client_credentials flow can not be selected if client does not have a client "
                "secret.",
            ),
        ),
        (
            {"AllowedOAuthFlows": ["client_credentials", "code"], "CallbackURLs": [CALLBACK]},
            True,
            (
                "InvalidOAuthFlowException",
                "client_credentials flow can not be selected along with code flow or implicit flow",
            ),
        ),
        (
            {"AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["openid"]},
            True,
            (
                "InvalidOAuthFlowException",
                "client_credentials flow can only be used with custom scopes.",
            ),
        ),
        (
            {"AllowedOAuthFlows": ["code"], "AllowedOAuthFlowsUserPoolClient": True},
            False,
            (
                "InvalidOAuthFlowException",
                "CallbackUrls can not be empty when code flow or implicit flow is selected",
            ),
        ),
        (
            {"SupportedIdentityProviders": ["Google"]},
            False,
            (
                "InvalidParameterException",
                "The provider Google does not exist for User Pool {pool}",
            ),
        ),
    ],
)
def test_client_oauth_settings_refused(
    cognito: Any, settings: dict[str, Any], secret: bool, expected: tuple[str, str]
) -> None:
    pool_id = _pool(cognito)
    _orders_server(cognito, pool_id)
    code, message = error_of(
        lambda: cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="c", GenerateSecret=secret, **settings
        )
    )
    assert (code, message) == (expected[0], expected[1].format(pool=pool_id))
    # Update checks the same rules, against the client's existing secret.
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="ok", GenerateSecret=secret
    )["UserPoolClient"]["ClientId"]
    code, message = error_of(
        lambda: cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, **settings)
    )
    assert (code, message) == (expected[0], expected[1].format(pool=pool_id))


def test_client_credentials_client_with_a_secret_is_accepted(cognito: Any) -> None:
    pool_id = _pool(cognito)
    _orders_server(cognito, pool_id)
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="m2m",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["orders/read"],
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]
    assert client["AllowedOAuthFlows"] == ["client_credentials"] and client["ClientSecret"]


async def test_python_domain_api(emu: Emulator) -> None:
    pool = emu.create_user_pool("py")
    base = emu.create_user_pool_domain(pool.id, "py-app")
    assert base == f"{emu.endpoint}/domains/py-app" == emu.domain_url(pool.id)
    other = emu.create_user_pool("no-domain")
    with pytest.raises(ResourceNotFoundError, match="has no domain"):
        emu.domain_url(other.id)
    with pytest.raises(ServiceError) as info:
        emu.domain_url(12345)  # type: ignore[arg-type]
    assert info.value.code == "SerializationException"
    with pytest.raises(ServiceError) as info:
        emu.create_user_pool_domain(other.id, "py-app")
    assert info.value.code == "InvalidParameterException"
    with pytest.raises(ServiceError):
        emu.create_user_pool_domain(other.id, "x" * 64)


def test_domain_url_of_a_threaded_emulator(temu: Emulator) -> None:
    cognito = boto(temu)
    pool_id = _pool(cognito)
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="threaded")
    assert temu.domain_url(pool_id).endswith("/domains/threaded")

"""AiohttpTransport against moto's server: an independent Cognito implementation on 127.0.0.1.

The pool and client are provisioned with boto3 (signed admin calls); everything a user does goes
through authflow's transport as raw dict payloads, unsigned, as the real client operations are.
moto hands the ForgotPassword code back in a response header, which the test reads through
aiohttp's ``trace_configs`` (the transport itself exposes no headers).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from authflow.protocol import errors as E
from authflow.transport import AiohttpTransport, RetryPolicy

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

REGION = "us-east-1"
PASSWORD = "Correct-Horse-9!"


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    assert host == "127.0.0.1"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def app_client(moto_endpoint: str) -> dict[str, str]:
    idp = boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=moto_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool = idp.create_user_pool(PoolName="authflow-interop")["UserPool"]
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return {"pool_id": pool["Id"], "client_id": client["ClientId"]}


class HeaderTap:
    """Collects the response headers of every request (through aiohttp tracing)."""

    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []
        self.config = aiohttp.TraceConfig()
        self.config.on_request_end.append(self._on_end)

    async def _on_end(
        self, session: aiohttp.ClientSession, ctx: object, params: aiohttp.TraceRequestEndParams
    ) -> None:
        self.headers.append(dict(params.response.headers))


@pytest.fixture
def tap() -> HeaderTap:
    return HeaderTap()


@pytest.fixture
async def transport(moto_endpoint: str, tap: HeaderTap) -> AsyncIterator[AiohttpTransport]:
    async with AiohttpTransport(
        moto_endpoint, trace_configs=[tap.config], retry=RetryPolicy(max_attempts=1)
    ) as t:
        yield t


async def sign_up_confirmed(transport: AiohttpTransport, client_id: str) -> str:
    username = f"user-{uuid.uuid4().hex[:8]}"
    signed_up = await transport.send(
        "SignUp",
        {
            "ClientId": client_id,
            "Username": username,
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": f"{username}@example.com"}],
        },
    )
    assert signed_up["UserConfirmed"] is False
    assert signed_up["UserSub"]
    # moto does not check the code.
    confirmed = await transport.send(
        "ConfirmSignUp", {"ClientId": client_id, "Username": username, "ConfirmationCode": "123456"}
    )
    assert confirmed == {}
    return username


async def password_sign_in(
    transport: AiohttpTransport, client_id: str, username: str, password: str
) -> dict[str, Any]:
    answer = await transport.send(
        "InitiateAuth",
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": client_id,
            "AuthParameters": {"USERNAME": username, "PASSWORD": password},
        },
    )
    result: dict[str, Any] = answer["AuthenticationResult"]
    return result


async def test_sign_up_sign_in_refresh_and_get_user(
    transport: AiohttpTransport, app_client: dict[str, str]
) -> None:
    client_id = app_client["client_id"]
    username = await sign_up_confirmed(transport, client_id)

    tokens = await password_sign_in(transport, client_id, username, PASSWORD)
    assert tokens["TokenType"] == "Bearer"
    assert tokens["ExpiresIn"] > 0
    assert {"AccessToken", "IdToken", "RefreshToken"} <= tokens.keys()

    refreshed = await transport.send(
        "InitiateAuth",
        {
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": client_id,
            "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]},
        },
    )
    new_tokens = refreshed["AuthenticationResult"]
    assert "RefreshToken" not in new_tokens  # as AWS: a refresh does not rotate by default
    assert new_tokens["AccessToken"]

    user = await transport.send("GetUser", {"AccessToken": new_tokens["AccessToken"]})
    assert user["Username"] == username
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == f"{username}@example.com"


async def test_wrong_password_and_unknown_user_are_typed(
    transport: AiohttpTransport, app_client: dict[str, str]
) -> None:
    client_id = app_client["client_id"]
    username = await sign_up_confirmed(transport, client_id)
    with pytest.raises(E.NotAuthorizedError) as info:
        await password_sign_in(transport, client_id, username, "Wrong-Horse-9!")
    assert info.value.status == 400
    assert "Wrong-Horse-9!" not in str(info.value)
    with pytest.raises(E.UserNotFoundError):
        await password_sign_in(transport, client_id, "nobody-" + username, PASSWORD)


async def test_update_user_attributes(
    transport: AiohttpTransport, app_client: dict[str, str]
) -> None:
    client_id = app_client["client_id"]
    username = await sign_up_confirmed(transport, client_id)
    access = (await password_sign_in(transport, client_id, username, PASSWORD))["AccessToken"]
    await transport.send(
        "UpdateUserAttributes",
        {"AccessToken": access, "UserAttributes": [{"Name": "given_name", "Value": "Alice"}]},
    )
    user = await transport.send("GetUser", {"AccessToken": access})
    assert {"Name": "given_name", "Value": "Alice"} in user["UserAttributes"]


async def test_change_password(transport: AiohttpTransport, app_client: dict[str, str]) -> None:
    client_id = app_client["client_id"]
    username = await sign_up_confirmed(transport, client_id)
    access = (await password_sign_in(transport, client_id, username, PASSWORD))["AccessToken"]
    new_password = "Battery-Staple-7?"
    answer = await transport.send(
        "ChangePassword",
        {"AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": new_password},
    )
    assert answer == {}
    assert await password_sign_in(transport, client_id, username, new_password)
    with pytest.raises(E.NotAuthorizedError):
        await password_sign_in(transport, client_id, username, PASSWORD)


async def test_forgot_and_confirm_forgot_password(
    transport: AiohttpTransport, app_client: dict[str, str], tap: HeaderTap
) -> None:
    client_id = app_client["client_id"]
    username = await sign_up_confirmed(transport, client_id)
    sent = await transport.send("ForgotPassword", {"ClientId": client_id, "Username": username})
    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] in {"EMAIL", "SMS"}  # moto says SMS
    code = tap.headers[-1]["x-moto-forgot-password-confirmation-code"]
    new_password = "Reset-Pass-5#"
    await transport.send(
        "ConfirmForgotPassword",
        {
            "ClientId": client_id,
            "Username": username,
            "ConfirmationCode": code,
            "Password": new_password,
        },
    )
    assert await password_sign_in(transport, client_id, username, new_password)
    with pytest.raises(E.NotAuthorizedError):
        await password_sign_in(transport, client_id, username, PASSWORD)


async def test_global_sign_out_revokes_the_access_token(
    transport: AiohttpTransport, app_client: dict[str, str]
) -> None:
    client_id = app_client["client_id"]
    username = await sign_up_confirmed(transport, client_id)
    access = (await password_sign_in(transport, client_id, username, PASSWORD))["AccessToken"]
    assert await transport.send("GlobalSignOut", {"AccessToken": access}) == {}
    with pytest.raises(E.NotAuthorizedError):
        await transport.send("GetUser", {"AccessToken": access})
    # moto puts the revoked token itself in this message: the transport must scrub it.
    with pytest.raises(E.NotAuthorizedError) as info:
        await transport.send("GlobalSignOut", {"AccessToken": access})
    assert access not in str(info.value) and access not in repr(info.value)
    assert "***" in info.value.message


async def test_moto_html_500_is_a_typed_error_and_not_resent(
    moto_endpoint: str, tap: HeaderTap
) -> None:
    # moto answers an operation it does not implement with an HTML 500 page (a crashed handler):
    # a code-less 5xx, so a non-idempotent (here: unknown) operation is not resent.
    sleeps: list[float] = []

    async def no_sleep(delay: float) -> None:
        sleeps.append(delay)

    retry = RetryPolicy(max_attempts=3, sleep=no_sleep)
    async with AiohttpTransport(moto_endpoint, trace_configs=[tap.config], retry=retry) as t:
        with pytest.raises(E.ServiceError) as info:
            await t.send("NoSuchOperation", {"Password": PASSWORD})
    err = info.value
    assert type(err) is E.ServiceError
    assert (err.code, err.status, err.retryable) == ("HTTP500", 500, True)
    assert "text/html" in err.message
    assert len(tap.headers) == 1 and sleeps == []

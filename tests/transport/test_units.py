"""The transport pieces that need no socket: MockTransport, call(), RetryPolicy, secrets_of."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import authflow.transport as transport_pkg
from authflow.protocol import errors as E
from authflow.transport import (
    IDEMPOTENT_OPERATIONS,
    AiohttpTransport,
    MockTransport,
    RetryPolicy,
    Transport,
    call,
    secrets_of,
)


@attrs.frozen
class GetUserResponse:
    username: str

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> GetUserResponse:
        return cls(username=data["Username"])


@attrs.frozen
class GetUserRequest:
    """Shaped like the protocol engineer's request classes."""

    OPERATION: ClassVar[str] = "GetUser"
    RESPONSE: ClassVar[type[GetUserResponse]] = GetUserResponse
    access_token: str = attrs.field(repr=False)

    def to_wire(self) -> dict[str, Any]:
        return {"AccessToken": self.access_token}


def test_public_names_are_pinned() -> None:
    assert set(transport_pkg.__all__) == {
        "IDEMPOTENT_OPERATIONS",
        "MAX_RESPONSE_BYTES",
        "AiohttpTransport",
        "Handler",
        "MockTransport",
        "OAuthTransport",
        "ResponseType",
        "RetryPolicy",
        "SigV4Signer",
        "StaticCredentials",
        "Transport",
        "WireRequest",
        "call",
        "redaction_forms",
        "secrets_of",
        "signature_required",
    }
    for name in transport_pkg.__all__:
        obj = getattr(transport_pkg, name)
        assert obj.__doc__ or name in {"IDEMPOTENT_OPERATIONS", "MAX_RESPONSE_BYTES", "Handler"}


def test_both_transports_satisfy_the_protocol() -> None:
    assert isinstance(MockTransport(lambda op, p: {}), Transport)
    assert isinstance(AiohttpTransport("http://127.0.0.1:1/"), Transport)


# --- MockTransport ------------------------------------------------------------------------------


async def test_mock_records_calls_and_works_with_call() -> None:
    async with MockTransport(lambda op, payload: {"Username": "alice"}) as mock:
        response = await call(mock, GetUserRequest("tok-123456"))
    assert response == GetUserResponse("alice")
    assert mock.calls == [("GetUser", {"AccessToken": "tok-123456"})]
    assert mock.operations == ["GetUser"]
    assert mock.closed
    assert "tok-123456" not in repr(mock)


async def test_mock_accepts_async_handlers_and_propagates_errors() -> None:
    async def handler(operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        if operation == "GetUser":
            return {"Username": payload["AccessToken"]}
        raise E.service_error("NotAuthorizedException", "Invalid Access Token", status=400)

    mock = MockTransport(handler)
    assert await mock.send("GetUser", {"AccessToken": "x"}) == {"Username": "x"}
    with pytest.raises(E.NotAuthorizedError):
        await mock.send("GlobalSignOut", {})
    assert mock.operations == ["GetUser", "GlobalSignOut"]


async def test_mock_payload_is_a_json_copy() -> None:
    payload: dict[str, Any] = {"UserAttributes": [{"Name": "email", "Value": "a@b.c"}]}
    mock = MockTransport(lambda op, p: {})
    await mock.send("UpdateUserAttributes", payload)
    payload["UserAttributes"].append("later")
    assert mock.calls[0][1] == {"UserAttributes": [{"Name": "email", "Value": "a@b.c"}]}
    with pytest.raises(E.ValidationError):
        await mock.send("SignUp", {"Password": b"bytes"})


async def test_mock_refuses_after_close_and_bad_handler_results() -> None:
    mock = MockTransport(lambda op, p: [])  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError):
        await mock.send("GetUser", {})
    await mock.close()
    with pytest.raises(E.InvalidStateError):
        await mock.send("GetUser", {})


@pytest.mark.parametrize(
    "answer",
    [{}, {"Username": 7, "extra": "x"}, {"Username": None}],
    ids=["missing", "int", "none"],
)
async def test_call_turns_a_shape_mismatch_into_a_protocol_violation(
    answer: dict[str, Any],
) -> None:
    @attrs.frozen
    class Strict:
        username: str = attrs.field(validator=attrs.validators.instance_of(str))

        @classmethod
        def from_wire(cls, data: Mapping[str, Any]) -> Strict:
            return cls(username=data["Username"])

    @attrs.frozen
    class Req:
        OPERATION: ClassVar[str] = "GetUser"
        RESPONSE: ClassVar[type[Strict]] = Strict

        def to_wire(self) -> dict[str, Any]:
            return {}

    with pytest.raises(E.ProtocolViolationError) as info:
        await call(MockTransport(lambda op, p: answer), Req())
    assert "GetUser" in str(info.value)


# --- RetryPolicy --------------------------------------------------------------------------------


def test_backoff_is_exponential_and_capped() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, jitter="none")
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


@given(attempt=st.integers(1, 200), draw=st.floats(0, 1, exclude_max=True))
def test_full_jitter_stays_within_the_ceiling(attempt: int, draw: float) -> None:
    policy = RetryPolicy(base_delay=0.1, max_delay=5.0, rng=lambda: draw)
    delay = policy.delay(attempt)
    assert 0 <= delay <= min(5.0, 0.1 * 2 ** (attempt - 1))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_attempts": 0},
        {"base_delay": -1},
        {"max_delay": -0.1},
        {"max_total_time": 0},
        {"jitter": "equal"},
    ],
)
def test_retry_policy_validates(kwargs: dict[str, Any]) -> None:
    with pytest.raises((ValueError, TypeError)):
        RetryPolicy(**kwargs)


def test_retry_policy_defaults() -> None:
    policy = RetryPolicy()
    assert (policy.max_attempts, policy.max_total_time, policy.jitter) == (3, 30.0, "full")
    assert RetryPolicy(max_total_time=None).max_total_time is None


# --- idempotency and secrets --------------------------------------------------------------------

NON_IDEMPOTENT = """
SignUp ConfirmSignUp ResendConfirmationCode InitiateAuth RespondToAuthChallenge ForgotPassword
ConfirmForgotPassword ChangePassword GlobalSignOut RevokeToken DeleteUser UpdateUserAttributes
GetUserAttributeVerificationCode VerifyUserAttribute AssociateSoftwareToken VerifySoftwareToken
ConfirmDevice ForgetDevice GetTokensFromRefreshToken StartWebAuthnRegistration
CompleteWebAuthnRegistration DeleteWebAuthnCredential RevokeUserSession
""".split()


def test_idempotent_operations_partition_the_catalogue() -> None:
    # The 34 unauthenticated operations of docs/protocol-notes.md §1.2, each classified exactly once.
    assert len(set(NON_IDEMPOTENT) | IDEMPOTENT_OPERATIONS) == 34
    assert not set(NON_IDEMPOTENT) & IDEMPOTENT_OPERATIONS


def test_secrets_of_finds_secrets_at_any_depth() -> None:
    payload = {
        "ClientId": "client-id-1",
        "Username": "alice",
        "SecretHash": "hash-value",
        "AuthParameters": {
            "USERNAME": "alice",
            "SRP_A": "abcdef",
            "DEVICE_KEY": "us-east-1_dev",
            "REFRESH_TOKEN": "refresh-1",
        },
        "ChallengeResponses": {
            "USERNAME": "alice",
            "ANSWER": "custom-answer",
            "userAttributes.x": "v1v1",
        },
        "Session": "session-1",
        "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
        "DeviceSecretVerifierConfig": {"PasswordVerifier": "verifier-1", "Salt": "salt-1"},
        "ClientMetadata": {"k": "public"},
        "Limit": 5,
    }
    assert secrets_of(payload) == {
        "hash-value",
        "abcdef",
        "refresh-1",
        "custom-answer",
        "v1v1",
        "session-1",
        "alice@example.com",
        "verifier-1",
        "salt-1",
    }


def test_secrets_of_ignores_non_string_values() -> None:
    assert secrets_of({"Password": 123, "AuthParameters": None, "UserAttributes": "x"}) == set()


# Any aiohttp import except its server side (``aiohttp.web``, which the emulator uses).
CLIENT_IMPORT = (
    r"^\s*(import aiohttp\s*$|import aiohttp\.(?!web\b)"
    r"|from aiohttp(\.(?!web\b)| import (?!web\b)))"
)


def test_only_the_aiohttp_transport_imports_aiohttp_client() -> None:
    import pathlib
    import re

    assert re.search(CLIENT_IMPORT, "from aiohttp import ClientSession", re.M)
    assert re.search(CLIENT_IMPORT, "import aiohttp", re.M)
    assert not re.search(CLIENT_IMPORT, "from aiohttp import web", re.M)
    assert not re.search(CLIENT_IMPORT, "from aiohttp.web import Application", re.M)

    root = pathlib.Path(transport_pkg.__file__).parent.parent
    importers = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if re.search(CLIENT_IMPORT, path.read_text(), re.M)
    }
    # Besides the transports (the JSON one and the OAuth form one): the JWKS fetcher (GETs a
    # JSON document, not a Cognito operation) and the verifier that hands it a borrowed session,
    # and the aiohttp client middleware.
    assert importers <= {
        "transport/aiohttp.py",
        "transport/oauth.py",
        "verify/jwks.py",
        "verify/verifier.py",
        "integrations/aiohttp_client.py",
    }, importers

"""The IAM-authorized operations of a server-side sign-in (AdminInitiateAuth,
AdminRespondToAuthChallenge) against botocore's model, as the 34 public ones are in
test_operations.py: members, required members, minimum lengths, secrets out of reprs."""

from __future__ import annotations

from typing import Any

import pytest

import authflow.protocol as protocol
from authflow.protocol import (
    IAM_OPERATIONS,
    OPERATIONS,
    AdminInitiateAuthRequest,
    AdminRespondToAuthChallengeRequest,
    ContextData,
    HttpHeader,
    ValidationError,
    target_header,
)

from .test_operations import MARK, _check_against, _has_secret, _populated


@pytest.fixture(scope="module")
def model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("cognito-idp")


def test_catalogue(model: Any) -> None:
    assert set(IAM_OPERATIONS) == {"AdminInitiateAuth", "AdminRespondToAuthChallenge"}
    assert not set(IAM_OPERATIONS) & set(OPERATIONS)
    for name, (req, resp) in IAM_OPERATIONS.items():
        assert req.__name__ == f"{name}Request" and resp.__name__ == f"{name}Response"
        assert req.OPERATION == name and req.RESPONSE is resp  # type: ignore[attr-defined]
        assert getattr(protocol, req.__name__) is req and getattr(protocol, resp.__name__) is resp
        assert target_header(name) == f"AWSCognitoIdentityProviderService.{name}"
        # AWS authorizes them with IAM credentials: the model does not mark them unauthenticated
        assert model.operation_model(name).auth_type != "none"


@pytest.mark.parametrize("name", sorted(IAM_OPERATIONS))
def test_members_match_the_model(model: Any, name: str) -> None:
    op = model.operation_model(name)
    req, resp = IAM_OPERATIONS[name]
    _check_against(req, op.input_shape, is_request=True)
    _check_against(resp, op.output_shape, is_request=False)
    full = _populated(req, "x")
    assert set(full.to_wire()) == set(op.input_shape.members)


@pytest.mark.parametrize(
    "cls",
    [c for pair in IAM_OPERATIONS.values() for c in pair] + [ContextData, HttpHeader],
    ids=lambda c: c.__name__,
)
def test_no_secret_in_any_repr(cls: Any) -> None:
    value = _populated(cls, "plain")
    assert MARK not in repr(value) and MARK not in str(value)
    assert (MARK in repr(value.to_wire())) == _has_secret(cls)


def test_wire_form_and_validation() -> None:
    context = ContextData(
        ip_address="192.0.2.1",
        server_name="app.example.com",
        server_path="/login",
        http_headers=[HttpHeader(header_name="User-Agent", header_value="ua")],
    )
    req = AdminInitiateAuthRequest(
        user_pool_id="us-east-1_Pool1",
        client_id="client",
        auth_flow="ADMIN_USER_PASSWORD_AUTH",
        auth_parameters={"USERNAME": "alice", "PASSWORD": "Correct-Horse-9!"},
        context_data=context,
    )
    assert req.to_wire() == {
        "UserPoolId": "us-east-1_Pool1",
        "ClientId": "client",
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Correct-Horse-9!"},
        "ContextData": {
            "IpAddress": "192.0.2.1",
            "ServerName": "app.example.com",
            "ServerPath": "/login",
            "HttpHeaders": [{"headerName": "User-Agent", "headerValue": "ua"}],
        },
    }
    assert "Correct-Horse-9!" not in repr(req) and "192.0.2.1" not in repr(req)
    with pytest.raises(ValidationError) as info:
        AdminRespondToAuthChallengeRequest(
            user_pool_id="", client_id="c", challenge_name="SMS_MFA"
        )
    assert info.value.field == "user_pool_id"
    with pytest.raises(ValidationError) as info:
        AdminRespondToAuthChallengeRequest(
            user_pool_id="us-east-1_P", client_id="c", challenge_name="SMS_MFA", session="short"
        )
    assert info.value.field == "session"
    answer = AdminRespondToAuthChallengeRequest.RESPONSE.from_wire(
        {"ChallengeName": "SMS_MFA", "Session": "s" * 30, "ChallengeParameters": {"A": "b"}}
    )
    assert answer.challenge_name == "SMS_MFA" and answer.challenge_parameters == {"A": "b"}

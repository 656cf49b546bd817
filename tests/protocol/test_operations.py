"""The operation catalogue against botocore's service model, secrets kept out of reprs and
messages, and the behaviour of particular operations."""

from __future__ import annotations

from typing import Any

import pytest

from authflow.protocol import (
    AUTH_FACTORS,
    AUTH_FLOWS,
    CHALLENGE_NAMES,
    DELIVERY_MEDIUMS,
    DEVICE_REMEMBERED_STATUSES,
    FEEDBACK_VALUES,
    OPERATIONS,
    REVOKE_ASSOCIATED_SESSIONS_VALUES,
    SESSION_TYPES,
    VERIFY_SOFTWARE_TOKEN_STATUSES,
    AttributeType,
    ConfirmDeviceRequest,
    DeleteUserResponse,
    DeviceSecretVerifierConfig,
    ForgetDeviceResponse,
    GetUserResponse,
    InitiateAuthRequest,
    InitiateAuthResponse,
    ProtocolViolationError,
    RespondToAuthChallengeRequest,
    SignUpRequest,
    UserContextData,
    ValidationError,
    VerifySoftwareTokenRequest,
    shapes,
    target_header,
)
from authflow.protocol._wire import (
    DOCUMENT,
    STR_MAP,
    TIMESTAMP,
    Codec,
    Int,
    ListOf,
    Nested,
    Str,
    WireValue,
    members,
)
from authflow.transport import WireRequest

# docs/protocol-notes.md §1.2: the 30 operations in scope plus the 4 found in botocore 1.44.8.
EXPECTED_OPERATIONS = """
SignUp ConfirmSignUp ResendConfirmationCode InitiateAuth RespondToAuthChallenge ForgotPassword
ConfirmForgotPassword ChangePassword GlobalSignOut RevokeToken GetUser DeleteUser
UpdateUserAttributes DeleteUserAttributes GetUserAttributeVerificationCode VerifyUserAttribute
SetUserSettings SetUserMFAPreference AssociateSoftwareToken VerifySoftwareToken ConfirmDevice
ForgetDevice GetDevice ListDevices UpdateDeviceStatus UpdateAuthEventFeedback
GetTokensFromRefreshToken GetUserAuthFactors StartWebAuthnRegistration
CompleteWebAuthnRegistration DeleteWebAuthnCredential ListWebAuthnCredentials ListUserSessions
RevokeUserSession
""".split()

# Secret by authflow's rule although the model does not flag them sensitive.
EXTRA_SECRETS = {
    "ConfirmationCode",
    "Code",
    "ChallengeParameters",
    "FeedbackToken",
    "PasswordVerifier",
    "Credential",
    "CredentialCreationOptions",
}

SHAPE_MODEL_NAMES = {
    shapes.AttributeType: "AttributeType",
    shapes.AnalyticsMetadata: "AnalyticsMetadataType",
    shapes.UserContextData: "UserContextDataType",
    shapes.ContextData: "ContextDataType",
    shapes.HttpHeader: "HttpHeader",
    shapes.CodeDeliveryDetails: "CodeDeliveryDetailsType",
    shapes.NewDeviceMetadata: "NewDeviceMetadataType",
    shapes.AuthenticationResult: "AuthenticationResultType",
    shapes.DeviceSecretVerifierConfig: "DeviceSecretVerifierConfigType",
    shapes.Device: "DeviceType",
    shapes.MFAOption: "MFAOptionType",
    shapes.SMSMfaSettings: "SMSMfaSettingsType",
    shapes.SoftwareTokenMfaSettings: "SoftwareTokenMfaSettingsType",
    shapes.EmailMfaSettings: "EmailMfaSettingsType",
    shapes.WebAuthnMfaSettings: "WebAuthnMfaSettingsType",
    shapes.SessionLocation: "SessionLocationType",
    shapes.SessionDescription: "SessionDescriptionType",
    shapes.WebAuthnCredentialDescription: "WebAuthnCredentialDescription",
}


def test_catalogue() -> None:
    assert sorted(OPERATIONS) == sorted(EXPECTED_OPERATIONS)
    assert len(OPERATIONS) == 34
    for name, (req, resp) in OPERATIONS.items():
        assert req.__name__ == f"{name}Request" and resp.__name__ == f"{name}Response"
        assert req.OPERATION == name  # type: ignore[attr-defined]
        assert req.RESPONSE is resp  # type: ignore[attr-defined]
        assert req.__doc__ and resp.__doc__
        assert target_header(name) == f"AWSCognitoIdentityProviderService.{name}"


# --- botocore's model as the independent oracle ---------------------------------------------


@pytest.fixture(scope="module")
def model() -> Any:
    try:
        import botocore.session
    except ImportError:  # pragma: no cover - botocore is a test extra
        pytest.skip("botocore is not installed: cannot check members against its model")
    return botocore.session.get_session().get_service_model("cognito-idp")


def test_the_34_are_exactly_the_models_unauthenticated_operations(model: Any) -> None:
    no_auth = {n for n in model.operation_names if model.operation_model(n).auth_type == "none"}
    assert no_auth == set(OPERATIONS)


def _model_codec_ok(codec: Codec, shape: Any) -> bool:
    kind = shape.type_name
    if shape.metadata.get("document"):
        return codec is DOCUMENT
    if kind == "string":
        return isinstance(codec, Str)
    if kind == "integer":
        return isinstance(codec, Int)
    if kind == "boolean":
        return codec.expected == "a boolean"
    if kind == "timestamp":
        return codec is TIMESTAMP
    if kind == "map":
        return codec is STR_MAP and shape.key.type_name == shape.value.type_name == "string"
    if kind == "list":
        return isinstance(codec, ListOf) and _model_codec_ok(codec.item, shape.member)
    if kind == "structure":
        return isinstance(codec, Nested) and SHAPE_MODEL_NAMES[codec.cls] == shape.name
    return False


def _check_against(cls: type[WireValue], shape: Any, *, is_request: bool) -> None:
    ours = {m.wire: m for m in members(cls)}
    model_members = dict(shape.members) if shape is not None else {}
    # the brief's minimum: what we send is a subset of the model; then: nothing is missing
    assert set(ours) <= set(model_members), f"{cls.__name__} sends unknown members"
    assert set(ours) == set(model_members), f"{cls.__name__} misses model members"
    required = set(shape.required_members) if shape is not None else set()
    assert {w for w, m in ours.items() if m.required} == required, cls.__name__
    for wire, m in ours.items():
        member_shape = model_members[wire]
        assert _model_codec_ok(m.codec, member_shape), f"{cls.__name__}.{wire}"
        sensitive = bool(member_shape.metadata.get("sensitive"))
        if sensitive or wire in EXTRA_SECRETS:
            assert m.secret, f"{cls.__name__}.{wire} must be hidden from repr"
        if is_request and isinstance(m.codec, Str):
            # botocore's parameter validation checks the model's minimum length
            expected = member_shape.metadata.get("min", 0)
            if m.required:
                expected = max(expected, 1)
            assert m.codec.min_len == expected, f"{cls.__name__}.{wire}"


@pytest.mark.parametrize("name", EXPECTED_OPERATIONS)
def test_operation_members_match_the_model(model: Any, name: str) -> None:
    op = model.operation_model(name)
    req, resp = OPERATIONS[name]
    _check_against(req, op.input_shape, is_request=True)
    _check_against(resp, op.output_shape, is_request=False)
    # a fully populated request's wire member set is inside the model's input members
    full = _populated(req, "x")
    assert set(full.to_wire()) <= set(op.input_shape.members)
    assert set(op.input_shape.required_members) <= set(full.to_wire())


@pytest.mark.parametrize("cls", list(SHAPE_MODEL_NAMES), ids=lambda c: c.__name__)
def test_shape_members_match_the_model(model: Any, cls: type[WireValue]) -> None:
    _check_against(cls, model.shape_for(SHAPE_MODEL_NAMES[cls]), is_request=False)


def test_enum_constants_match_the_model(model: Any) -> None:
    pairs = {
        "AuthFlowType": AUTH_FLOWS,
        "ChallengeNameType": CHALLENGE_NAMES,
        "DeliveryMediumType": DELIVERY_MEDIUMS,
        "DeviceRememberedStatusType": DEVICE_REMEMBERED_STATUSES,
        "FeedbackValueType": FEEDBACK_VALUES,
        "RevokeAssociatedSessionsType": REVOKE_ASSOCIATED_SESSIONS_VALUES,
        "VerifySoftwareTokenResponseType": VERIFY_SOFTWARE_TOKEN_STATUSES,
        "SessionTypeType": SESSION_TYPES,
        "AuthFactorType": AUTH_FACTORS,
    }
    for shape_name, ours in pairs.items():
        assert ours == frozenset(model.shape_for(shape_name).enum), shape_name


# --- secrets --------------------------------------------------------------------------------

MARK = "MARKER-SECRET-0123456789abcdef"  # 30 chars: long enough for every minimum length


def _sample(codec: Codec, secret: bool, filler: str) -> Any:
    text = MARK if secret else filler
    if isinstance(codec, Str):
        return text if len(text) >= codec.min_len else text * codec.min_len
    if isinstance(codec, Int):
        return 1
    if codec is TIMESTAMP:
        return 1_700_000_000.5
    if codec is STR_MAP:
        return {"USERNAME": text, "SECRET_HASH": text}
    if codec is DOCUMENT:
        return {"response": {"clientDataJSON": text}}
    if isinstance(codec, ListOf):
        return [_sample(codec.item, secret, filler)]
    if isinstance(codec, Nested):
        return _populated(codec.cls, filler)
    return True


def _populated(cls: type[WireValue], filler: str) -> Any:
    """Every member set; secret members (and everything nested in them) carry MARK."""
    kwargs = {m.name: _sample(m.codec, m.secret, filler) for m in members(cls)}
    return cls(**kwargs)


def _has_secret(cls: type[WireValue]) -> bool:
    def codec_has(codec: Codec) -> bool:
        if isinstance(codec, ListOf):
            return codec_has(codec.item)
        return isinstance(codec, Nested) and _has_secret(codec.cls)

    return any(m.secret or codec_has(m.codec) for m in members(cls))


@pytest.mark.parametrize(
    "cls",
    [c for pair in OPERATIONS.values() for c in pair] + list(SHAPE_MODEL_NAMES),
    ids=lambda c: c.__name__,
)
def test_no_secret_in_any_repr(cls: type[WireValue]) -> None:
    value = _populated(cls, "plain")
    assert MARK not in repr(value)
    assert MARK not in str(value)
    # not vacuous: the markers are really in the value
    assert (MARK in repr(value.to_wire())) == _has_secret(cls)


def test_secret_markers_reach_the_wire() -> None:
    # the test above would be vacuous if markers never made it into values
    req = _populated(RespondToAuthChallengeRequest, "plain")
    assert MARK in str(req.to_wire()) and MARK not in repr(req)
    assert "plain" in repr(req)  # non-secret members still show


def test_model_sensitive_members_are_hidden(model: Any) -> None:
    for name in EXPECTED_OPERATIONS:
        op = model.operation_model(name)
        for cls, shape in zip(OPERATIONS[name], (op.input_shape, op.output_shape), strict=True):
            for m in members(cls):
                if shape.members[m.wire].metadata.get("sensitive"):
                    assert m.secret, f"{cls.__name__}.{m.wire}"


def test_validation_errors_never_carry_the_value() -> None:
    with pytest.raises(ValidationError) as info:
        InitiateAuthRequest(auth_flow="USER_AUTH", client_id="c", session="MARK-short")
    assert info.value.field == "session" and "MARK" not in str(info.value)
    with pytest.raises(ValidationError) as info:
        InitiateAuthRequest(
            auth_flow="USER_AUTH",
            client_id="c",
            auth_parameters={"PASSWORD": 12345},  # type: ignore[dict-item]
        )
    assert info.value.field == "auth_parameters" and "12345" not in str(info.value)
    with pytest.raises(ValidationError) as info:
        SignUpRequest(client_id="c", username="MARK-user", password=["MARK-pw"])  # type: ignore[arg-type]
    assert "MARK" not in str(info.value) and "MARK" not in repr(info.value)


def test_protocol_errors_never_carry_the_value() -> None:
    payload = {"Username": {"MARK": "MARK"}, "UserAttributes": [{"Name": "e", "Value": 1}]}
    with pytest.raises(ProtocolViolationError) as info:
        GetUserResponse.from_wire(payload)
    assert "MARK" not in str(info.value) and info.value.field == "Username"


# --- particular operations -------------------------------------------------------------------


def test_get_user_without_username_is_a_protocol_violation() -> None:
    with pytest.raises(ProtocolViolationError) as info:
        GetUserResponse.from_wire({"UserAttributes": []})
    assert info.value.field == "Username"
    ok = GetUserResponse.from_wire(
        {"Username": "alice", "UserAttributes": [{"Name": "email", "Value": "a@b"}], "New": 1}
    )
    assert ok.user_attributes == (AttributeType("email", "a@b"),)


@pytest.mark.parametrize(
    "cls", [DeleteUserResponse, ForgetDeviceResponse], ids=lambda c: c.__name__
)
@pytest.mark.parametrize("body", [None, "", b"", {}, {"Unexpected": True}])
def test_operations_without_output_accept_empty_bodies(cls: type[WireValue], body: Any) -> None:
    assert cls.from_wire(body) == cls()
    assert cls().to_wire() == {}


@pytest.mark.parametrize("body", [None, "", []])
def test_operations_with_output_need_an_object(body: Any) -> None:
    with pytest.raises(ProtocolViolationError):
        InitiateAuthResponse.from_wire(body)


def test_initiate_auth_wire_body() -> None:
    req = InitiateAuthRequest(
        auth_flow="USER_SRP_AUTH",
        client_id="client",
        auth_parameters={"USERNAME": "alice", "SRP_A": "abc"},
        client_metadata={"k": "v"},
        user_context_data=UserContextData(encoded_data="fp"),
    )
    assert req.to_wire() == {
        "AuthFlow": "USER_SRP_AUTH",
        "AuthParameters": {"USERNAME": "alice", "SRP_A": "abc"},
        "ClientMetadata": {"k": "v"},
        "ClientId": "client",
        "UserContextData": {"EncodedData": "fp"},
    }
    assert InitiateAuthRequest.from_wire(req.to_wire()) == req


def test_challenge_response_round_trip() -> None:
    body = {
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {"SALT": "ab", "SRP_B": "cd", "SECRET_BLOCK": "ef"},
        "AvailableChallenges": ["PASSWORD", "FUTURE_CHALLENGE"],
    }
    resp = InitiateAuthResponse.from_wire(body)
    assert resp.challenge_name in CHALLENGE_NAMES
    assert resp.available_challenges == ("PASSWORD", "FUTURE_CHALLENGE")  # forward compatible
    assert resp.to_wire() == body
    with pytest.raises(ProtocolViolationError) as info:
        InitiateAuthResponse.from_wire({"ChallengeParameters": {"SALT": 1}})
    assert info.value.field == "ChallengeParameters"


def test_unknown_enum_values_are_accepted() -> None:
    req = InitiateAuthRequest(auth_flow="SOME_FUTURE_FLOW", client_id="c")
    assert req.auth_flow not in AUTH_FLOWS
    assert req.to_wire()["AuthFlow"] == "SOME_FUTURE_FLOW"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"auth_flow": "", "client_id": "c"}, "auth_flow"),
        ({"auth_flow": "USER_AUTH", "client_id": ""}, "client_id"),
        ({"auth_flow": "USER_AUTH", "client_id": None}, "client_id"),
        ({"auth_flow": "USER_AUTH", "client_id": "c", "session": "s" * 19}, "session"),
        ({"auth_flow": "USER_AUTH", "client_id": "c", "client_metadata": "k=v"}, "client_metadata"),
        (
            {"auth_flow": "USER_AUTH", "client_id": "c", "analytics_metadata": {}},
            "analytics_metadata",
        ),
    ],
)
def test_initiate_auth_validation(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        InitiateAuthRequest(**kwargs)
    assert info.value.field == field
    assert f"InitiateAuthRequest.{field}" in str(info.value)


def test_other_request_validation() -> None:
    with pytest.raises(ValidationError):
        VerifySoftwareTokenRequest(user_code="12345")  # exactly 6 in the model; min is checked
    assert VerifySoftwareTokenRequest(user_code="123456", session="s" * 20).to_wire() == {
        "Session": "s" * 20,
        "UserCode": "123456",
    }
    with pytest.raises(ValidationError) as info:
        SignUpRequest(client_id="c", username="u", user_attributes="email")  # type: ignore[arg-type]
    assert info.value.field == "user_attributes"
    req = SignUpRequest(
        client_id="c", username="u", user_attributes=(a for a in [AttributeType("email", "x")])
    )
    assert req.to_wire()["UserAttributes"] == [{"Name": "email", "Value": "x"}]
    confirm = ConfirmDeviceRequest(
        access_token="t",
        device_key="us-east-1_0f1e",
        device_secret_verifier_config=DeviceSecretVerifierConfig(password_verifier="pv", salt="s"),
    )
    assert confirm.to_wire()["DeviceSecretVerifierConfig"] == {
        "PasswordVerifier": "pv",
        "Salt": "s",
    }


def test_request_protocol_types_a_transport() -> None:
    def call(request: WireRequest[Any], body: Any) -> Any:
        return request.RESPONSE.from_wire(body)

    req = InitiateAuthRequest(auth_flow="USER_AUTH", client_id="c")
    assert isinstance(call(req, {"Session": "s" * 20}), InitiateAuthResponse)
    assert req.OPERATION == "InitiateAuth"

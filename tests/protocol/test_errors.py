"""The error taxonomy: one class per Cognito exception, code extraction, retryability, redaction."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authflow.protocol import errors as E

# docs/protocol-notes.md §2.5, plus UnknownOperationException from the JSON 1.1 protocol and the
# IAM authentication errors of signed requests.
CATALOGUE = """
AliasExists CodeDeliveryFailure CodeMismatch ConcurrentModification DeviceKeyExists
EnableSoftwareTokenMFA ExpiredCode FeatureUnavailableInTier Forbidden InternalError
InvalidEmailRoleAccessPolicy InvalidLambdaResponse InvalidParameter InvalidPassword
InvalidSmsRoleAccessPolicy InvalidSmsRoleTrustRelationship InvalidUserPoolConfiguration
LimitExceeded MFAMethodNotFound NotAuthorized OperationNotEnabled PasswordHistoryPolicyViolation
PasswordResetRequired RefreshTokenReuse ResourceNotFound SoftwareTokenMFANotFound
TooManyFailedAttempts TooManyRequests Unauthorized UnexpectedLambda UnsupportedOperation
UnsupportedTokenType UserLambdaValidation UserNotConfirmed UserNotFound UserPoolAddOnNotEnabled
UsernameExists WebAuthnChallengeNotFound WebAuthnClientMismatch WebAuthnConfigurationMissing
WebAuthnCredentialNotSupported WebAuthnNotEnabled WebAuthnOriginNotAllowed
WebAuthnRelyingPartyMismatch UnknownOperation
AccessDenied ExpiredToken IncompleteSignature InvalidSignature MissingAuthenticationToken
UnrecognizedClient
""".split()


@pytest.mark.parametrize("stem", CATALOGUE)
def test_every_cognito_exception_has_its_class(stem: str) -> None:
    code = stem + "Exception"
    cls = getattr(E, stem + "Error")
    assert E.SERVICE_ERRORS[code] is cls
    err = E.service_error(code, "boom", status=400, request_id="rid")
    assert type(err) is cls
    assert isinstance(err, E.ServiceError) and isinstance(err, E.AuthflowError)
    assert (err.code, err.message, err.status, err.request_id) == (code, "boom", 400, "rid")
    assert cls.__doc__
    assert cls.__name__ in E.__all__


def test_catalogue_is_complete() -> None:
    assert set(E.SERVICE_ERRORS) == {s + "Exception" for s in CATALOGUE}


def test_unknown_code_keeps_the_code() -> None:
    err = E.service_error("CognitoLocal#Unsupported".split("#")[1], "nope", status=500)
    assert type(err) is E.ServiceError
    assert err.code == "Unsupported"
    assert err.retryable  # a 5xx
    assert not E.service_error("SomethingNew", "x", status=400).retryable
    assert E.service_error("ThrottlingException", "x", status=400).retryable


def test_retryable_flags() -> None:
    assert E.TooManyRequestsError().retryable
    assert E.InternalErrorError().retryable
    assert not E.LimitExceededError().retryable  # a lockout, never retried
    assert not E.NotAuthorizedError().retryable
    assert E.TransportError("x").retryable
    assert issubclass(E.TransportTimeoutError, TimeoutError)
    assert issubclass(E.TransportTimeoutError, E.TransportError)


@pytest.mark.parametrize(
    ("header", "body", "expected"),
    [
        ("NotAuthorizedException:", {}, "NotAuthorizedException"),
        ("NotAuthorizedException:http://internal.amazon.com/", {}, "NotAuthorizedException"),
        (None, {"__type": "com.amazonaws#UserNotFoundException"}, "UserNotFoundException"),
        (None, {"code": "TooManyRequestsException", "__type": "Other"}, "TooManyRequestsException"),
        ("", {"__type": "A,B"}, "A"),
        (None, {"__type": "CognitoLocal#Unsupported"}, "Unsupported"),
        (None, {}, None),
        (None, "not a dict", None),
        (None, {"__type": 7}, None),
        ("  ", {}, None),
    ],
)
def test_error_code_extraction(header: str | None, body: object, expected: str | None) -> None:
    assert E.error_code_from(header, body) == expected


@given(st.one_of(st.none(), st.text()), st.dictionaries(st.text(), st.text() | st.integers()))
def test_error_code_extraction_never_crashes(header: str | None, body: dict[str, object]) -> None:
    code = E.error_code_from(header, body)
    assert code is None or (code and ":" not in code and "," not in code and "#" not in code)


def test_redact_hides_every_secret() -> None:
    msg = "Value 'Correct-Horse-9!' at 'password' and token eyJabc.def failed"
    out = E.redact(msg, ["Correct-Horse-9!", "eyJabc.def", ""])
    assert "Correct-Horse-9!" not in out and "eyJabc.def" not in out
    assert out.count("***") == 2


_no_star = st.characters(blacklist_characters="*")


@given(st.text(_no_star, min_size=4), st.text(_no_star), st.text(_no_star))
def test_redact_property(secret: str, before: str, after: str) -> None:
    assert secret not in E.redact(before + secret + after, [secret])


def test_errors_pickle_and_repr() -> None:
    err = E.service_error("CodeMismatchException", "Invalid code", status=400, request_id="r")
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is E.CodeMismatchError and clone.code == err.code
    assert re.match(r"CodeMismatchError\(code='CodeMismatchException'", repr(err))
    assert str(err) == "CodeMismatchException: Invalid code"


def test_the_table_is_built_from_the_classes() -> None:
    defined = {cls for cls in vars(E).values()
               if isinstance(cls, type) and issubclass(cls, E.ServiceError)
               and "code_name" in cls.__dict__ and cls.code_name}
    assert set(E.SERVICE_ERRORS.values()) == defined
    assert all(code == cls.code_name for code, cls in E.SERVICE_ERRORS.items())
    # a refinement inherits its parent's code and does not take its place in the table
    assert E.SERVICE_ERRORS["NotAuthorizedException"] is E.NotAuthorizedError
    assert E.ChallengeExpiredError not in E.SERVICE_ERRORS.values()


def test_a_class_defined_elsewhere_does_not_change_the_table() -> None:
    class Local(E.ServiceError):
        code_name = "LocalOnlyException"

    assert "LocalOnlyException" not in E._modelled_service_errors()


# Cognito's own texts (docs/protocol-notes.md §1.3): written out here, not taken from the module.
EXPIRED = "Invalid session for the user, session is expired."
USED_ONCE = "Invalid session for the user, session can only be used once."
INVALID = "Invalid session for the user."
NO_DEVICE = "Device does not exist."


def test_the_message_constants_are_cognitos_texts() -> None:
    assert (E.SESSION_EXPIRED_MESSAGE, E.SESSION_USED_MESSAGE, E.SESSION_INVALID_MESSAGE,
            E.DEVICE_NOT_FOUND_MESSAGE) == (EXPIRED, USED_ONCE, INVALID, NO_DEVICE)


@pytest.mark.parametrize("message", [EXPIRED, USED_ONCE, INVALID, EXPIRED.upper()])
def test_a_dead_challenge_session_is_recognised(message: str) -> None:
    error = E.service_error("NotAuthorizedException", message, status=400)
    assert E.is_dead_challenge_session(error)
    expired = E.ChallengeExpiredError.from_service_error(error)
    assert isinstance(expired, E.NotAuthorizedError)
    assert (expired.code, expired.status) == ("NotAuthorizedException", 400)
    assert message not in str(expired)  # a message of its own, saying what to do


@pytest.mark.parametrize(("code", "message"), [
    ("NotAuthorizedException", "Incorrect username or password."),
    ("NotAuthorizedException", "Refresh Token has been revoked"),
    ("NotAuthorizedException", "Access Token has expired"),
    ("CodeMismatchException", EXPIRED),  # the text alone is not enough
    ("ResourceNotFoundException", INVALID),
])
def test_other_errors_are_not_a_dead_session(code: str, message: str) -> None:
    assert not E.is_dead_challenge_session(E.service_error(code, message, status=400))


def test_an_unknown_device_is_recognised() -> None:
    assert E.is_unknown_device(E.service_error("ResourceNotFoundException", NO_DEVICE))
    assert not E.is_unknown_device(
        E.service_error("ResourceNotFoundException", "User pool client abc does not exist."))
    assert not E.is_unknown_device(E.service_error("NotAuthorizedException", NO_DEVICE))
    assert not E.is_unknown_device(ValueError(NO_DEVICE))


def test_moved_errors_are_importable_from_their_old_homes_and_the_top() -> None:
    import authflow
    from authflow.flows import ChallengeExpiredError as from_flows
    from authflow.flows.signin import ChallengeExpiredError as from_signin
    from authflow.sessions import SessionNotFoundError as from_sessions
    from authflow.sessions.manager import SessionNotFoundError as from_manager

    assert from_flows is from_signin is authflow.ChallengeExpiredError is E.ChallengeExpiredError
    assert from_sessions is from_manager is authflow.SessionNotFoundError is E.SessionNotFoundError
    clone = pickle.loads(pickle.dumps(E.ChallengeExpiredError.from_service_error(
        E.NotAuthorizedError(EXPIRED, request_id="r1"))))
    assert type(clone) is E.ChallengeExpiredError and clone.request_id == "r1"


def test_iam_auth_errors_share_a_base() -> None:
    for stem in CATALOGUE[CATALOGUE.index("AccessDenied"):]:
        err = E.service_error(stem + "Exception", "no", status=400)
        assert isinstance(err, E.IamAuthError) and isinstance(err, PermissionError)
        assert not err.retryable
    assert "IamAuthError" not in {cls.__name__ for cls in E.SERVICE_ERRORS.values()}
    assert issubclass(E.CredentialsError, E.AuthflowError)
    assert not issubclass(E.CredentialsError, E.ServiceError)

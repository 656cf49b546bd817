"""Shared by the admin sign-in and SigV4 tests: an emulator that verifies signatures, boto3 clients
signed with chosen credentials, a small AdminInitiateAuth / AdminRespondToAuthChallenge helper, and
a SigV4 signer written out from the AWS specification (hashlib and hmac only, independent of
botocore and of the emulator)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from authflow.emulator import Emulator, ManualClock, threaded_emulator

KEY = "AKIDADMINEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYadminEXAMPLE"
TEMP_KEY = "ASIATEMPORARYEXAMPLE"
TEMP_SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbTEMPEXAMPLE"
TEMP_TOKEN = "FwoGZXIvYXdzEXAMPLE+session/token=="
CREDENTIALS: dict[str, str | tuple[str, str]] = {KEY: SECRET, TEMP_KEY: (TEMP_SECRET, TEMP_TOKEN)}
TARGET = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"

MISMATCH = (
    "InvalidSignatureException",
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.",
)
UNRECOGNIZED = (
    "UnrecognizedClientException",
    "The security token included in the request is invalid.",
)
MISSING = ("MissingAuthenticationTokenException", "Missing Authentication Token")
_SESSION = boto3.session.Session()


def signed_client(
    emu: Emulator,
    key: str = KEY,
    secret: str = SECRET,
    token: str | None = None,
    *,
    region: str | None = None,
    validate: bool = True,
) -> Any:
    """A boto3 cognito-idp client that signs IAM-authorized operations with these credentials
    (``validate=False``: without botocore's own parameter checks, to reach the emulator's)."""
    return _SESSION.client(
        "cognito-idp",
        endpoint_url=emu.endpoint,
        region_name=region or emu.region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1}, parameter_validation=validate),
    )


def unsigned_client(emu: Emulator) -> Any:
    """A boto3 cognito-idp client that signs nothing."""
    return _SESSION.client(
        "cognito-idp",
        endpoint_url=emu.endpoint,
        region_name=emu.region,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )


@pytest.fixture
def iam_emu(clock: ManualClock) -> Iterator[Emulator]:
    """A threaded emulator that verifies SigV4 signatures against :data:`CREDENTIALS`."""
    with threaded_emulator(clock=clock, iam_credentials=CREDENTIALS) as emulator:
        yield emulator


@pytest.fixture
def admin(iam_emu: Emulator) -> Any:
    """boto3 signed with the right long-term credentials."""
    return signed_client(iam_emu)


class AdminSignIn:
    """AdminInitiateAuth / AdminRespondToAuthChallenge against one pool and app client."""

    def __init__(self, cognito: Any, pool_id: str, client_id: str) -> None:
        self.cognito = cognito
        self.pool_id = pool_id
        self.client_id = client_id

    def start(self, flow: str, **params: str) -> Any:
        return self.start_with(flow, params)

    def start_with(self, flow: str, params: Mapping[str, str], **members: Any) -> Any:
        return self.cognito.admin_initiate_auth(
            UserPoolId=self.pool_id,
            ClientId=self.client_id,
            AuthFlow=flow,
            AuthParameters=dict(params),
            **members,
        )

    def respond(self, challenge: Any, **responses: str) -> Any:
        return self.respond_with(challenge["ChallengeName"], challenge.get("Session"), responses)

    def respond_with(
        self, name: str, session: str | None, responses: Mapping[str, str], **members: Any
    ) -> Any:
        if session is not None:
            members["Session"] = session
        return self.cognito.admin_respond_to_auth_challenge(
            UserPoolId=self.pool_id,
            ClientId=self.client_id,
            ChallengeName=name,
            ChallengeResponses=dict(responses),
            **members,
        )


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sign_v4(
    *,
    host: str,
    headers: Mapping[str, str],
    body: bytes,
    when: datetime,
    key: str = KEY,
    secret: str = SECRET,
    region: str = "us-east-1",
    token: str | None = None,
    date_header: bool = False,
) -> dict[str, str]:
    """``headers`` plus Host, X-Amz-Date (or with ``date_header`` an RFC 1123 Date), maybe
    X-Amz-Security-Token, and an Authorization header signing all of them, for ``POST /`` with
    ``body``, as the SigV4 specification describes."""
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    signed = {**headers, "Host": host}
    if date_header:
        signed["Date"] = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    else:
        signed["X-Amz-Date"] = stamp
    if token is not None:
        signed["X-Amz-Security-Token"] = token
    canonical = {name.lower(): " ".join(value.split()) for name, value in signed.items()}
    names = sorted(canonical)
    request = "\n".join(
        [
            "POST",
            "/",
            "",
            "".join(f"{name}:{canonical[name]}\n" for name in names),
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{stamp[:8]}/{region}/cognito-idp/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(request.encode()).hexdigest()]
    )
    signing_key = _hmac(("AWS4" + secret).encode(), stamp[:8])
    for part in (region, "cognito-idp", "aws4_request"):
        signing_key = _hmac(signing_key, part)
    signature = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
    signed["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={';'.join(names)}, "
        f"Signature={signature}"
    )
    return signed


def operation_request(operation: str, payload: Any) -> tuple[dict[str, str], bytes]:
    """The Cognito headers and JSON body of ``operation``."""
    headers = {"Content-Type": CONTENT_TYPE, "X-Amz-Target": TARGET + operation}
    return headers, json.dumps(payload).encode()

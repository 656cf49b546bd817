"""SigV4 signing as an option of AiohttpTransport (and MockTransport), against a real aiohttp.web
server on 127.0.0.1 that records what arrived.

Signatures are checked with a signer written out from the AWS specification (hashlib and hmac
only: tests/emulator/admin_support.py), independent of botocore, which authflow signs with. Also:
which operations are signed (the model's IAM-authorized ones, as the emulator reads them), every
attempt signed again, the signature and token redacted from what a peer echoes, AWS's answers
typed, credentials checked and hidden, botocore imported lazily and its absence a clear error.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aws_env import AwsFiles, aws_env
from emulator.admin_support import sign_v4
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from authflow.emulator import sigv4 as emulator_sigv4
from authflow.emulator._service_model import OPERATION_INPUTS
from authflow.protocol import errors as E
from authflow.transport import (
    AiohttpTransport,
    MockTransport,
    RetryPolicy,
    SigV4Signer,
    StaticCredentials,
    signature_required,
)
from authflow.transport.sigv4 import signature_secrets

from .test_aiohttp import Server, error, ok, sequence, server

__all__ = ["aws_env", "server"]  # fixtures

ROOT = Path(__file__).resolve().parents[2]
KEY = "ASIASIGNERTESTKEY001"
SECRET = "signer/Secret+Key0123456789EXAMPLEabcdef"
TOKEN = "FwoGZXIvYXdzSIGNER+session/token=="
TEMPORARY = StaticCredentials(KEY, SECRET, TOKEN)
ADMIN_BODY = {"UserPoolId": "us-east-1_Pool1", "ClientId": "client", "AuthFlow": "USER_SRP_AUTH"}
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>\w+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)/"
    r"cognito-idp/aws4_request, SignedHeaders=(?P<names>[a-z0-9;-]+), "
    r"Signature=(?P<signature>[0-9a-f]{64})"
)
_DERIVED = ("host", "x-amz-date", "x-amz-security-token")


def verifies(headers: Any, body: bytes, *, secret: str = SECRET, token: str | None = TOKEN,
             region: str = "us-east-1") -> bool:
    """Whether ``headers`` carry a valid signature of ``body`` (POST /), recomputed from the
    specification over the headers the Authorization header says it signed."""
    match = _AUTHORIZATION.fullmatch(headers["Authorization"])
    assert match is not None, headers["Authorization"]
    names = match["names"].split(";")
    assert names == sorted(names) and {"host", "x-amz-date"} <= set(names)
    when = datetime.strptime(headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert match["date"] == headers["X-Amz-Date"][:8] and match["region"] == region
    others = {name: headers[name] for name in names if name not in _DERIVED}
    expected = sign_v4(host=headers["Host"], headers=others, body=body, when=when,
                       key=match["key"], secret=secret, region=region, token=token)
    return bool(expected["Authorization"] == headers["Authorization"])


def transport(server: Server, credentials: Any = TEMPORARY, **kwargs: Any) -> AiohttpTransport:
    return AiohttpTransport(server.url, signer=SigV4Signer(credentials, "us-east-1"), **kwargs)


# -- which operations, and the signature ----------------------------------------------------------


def test_the_signed_operations_are_the_models_iam_authorized_ones() -> None:
    # the emulator reads them from botocore's model; the transport from the unauthenticated 34
    for operation in OPERATION_INPUTS:
        assert signature_required(operation) == emulator_sigv4.signature_required(operation)
    assert signature_required("AdminInitiateAuth")
    assert signature_required("AdminRespondToAuthChallenge")
    assert not signature_required("InitiateAuth") and not signature_required("GetUser")


async def test_only_iam_operations_are_signed_and_the_signature_is_awss(server: Server) -> None:
    async with transport(server) as t:
        await t.send("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": "c"})
        await t.send("AdminInitiateAuth", ADMIN_BODY)
    public, signed = server.requests
    for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
        assert name not in public.headers
    assert verifies(signed.headers, signed.body)
    assert signed.headers["X-Amz-Security-Token"] == TOKEN
    assert signed.headers["Host"] == URL(server.url).host_port_subcomponent
    names = _AUTHORIZATION.fullmatch(signed.headers["Authorization"])["names"]  # type: ignore[index]
    assert names == "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
    # not vacuous: another secret does not verify
    assert not verifies(signed.headers, signed.body, secret="another-secret")
    assert not verifies(signed.headers, signed.body + b" ")


async def test_long_term_credentials_send_no_token(server: Server) -> None:
    async with transport(server, StaticCredentials("AKIDLONGTERMKEY0001", SECRET)) as t:
        await t.send("AdminRespondToAuthChallenge", {**ADMIN_BODY, "ChallengeName": "SMS_MFA"})
    (signed,) = server.requests
    assert "X-Amz-Security-Token" not in signed.headers
    assert verifies(signed.headers, signed.body, token=None)


async def test_every_attempt_is_signed_again(server: Server) -> None:
    server.handler = sequence(error("ThrottlingException", "slow down"), ok({}))
    sleeps: list[float] = []

    async def sleep(delay: float) -> None:
        sleeps.append(delay)

    policy = RetryPolicy(max_attempts=3, jitter="none", sleep=sleep)
    async with transport(server, retry=policy) as t:
        assert await t.send("AdminInitiateAuth", ADMIN_BODY) == {}
    assert len(server.requests) == 2 and len(sleeps) == 1
    assert all(verifies(r.headers, r.body) for r in server.requests)


@pytest.mark.parametrize(
    ("code", "cls"),
    [("ExpiredTokenException", E.ExpiredTokenError),
     ("UnrecognizedClientException", E.UnrecognizedClientError),
     ("InvalidSignatureException", E.InvalidSignatureError),
     ("IncompleteSignatureException", E.IncompleteSignatureError),
     ("MissingAuthenticationTokenException", E.MissingAuthenticationTokenError),
     ("AccessDeniedException", E.AccessDeniedError)],
)
async def test_awss_answers_are_typed_and_not_retried(server: Server, code: str,
                                                      cls: type[E.ServiceError]) -> None:
    server.handler = error(code, "The security token included in the request is expired")
    async with transport(server) as t:
        with pytest.raises(cls) as info:
            await t.send("AdminInitiateAuth", ADMIN_BODY)
    assert isinstance(info.value, E.IamAuthError) and info.value.code == code
    assert len(server.requests) == 1


async def test_the_signature_and_token_are_redacted_from_an_echo(server: Server) -> None:
    async def echo(request: web.Request, body: bytes) -> web.StreamResponse:
        authorization = request.headers["Authorization"]
        signature = authorization.rsplit("Signature=", 1)[1]
        message = (f"bad {authorization} sig {signature} token "
                   f"{request.headers['X-Amz-Security-Token']}")
        return web.json_response({"__type": "InvalidSignatureException", "message": message},
                                 status=400)

    server.handler = echo
    async with transport(server) as t:
        with pytest.raises(E.InvalidSignatureError) as info:
            await t.send("AdminInitiateAuth", ADMIN_BODY)
    (received,) = server.requests
    signature = received.headers["Authorization"].rsplit("Signature=", 1)[1]
    text = f"{info.value} {info.value!r}"
    for secret in (received.headers["Authorization"], signature, TOKEN, SECRET):
        assert secret not in text
    assert text.count("***") >= 3


async def test_no_log_line_holds_a_secret(server: Server, caplog: pytest.LogCaptureFixture
                                          ) -> None:
    server.handler = sequence(error("ThrottlingException"), ok({}))

    async def sleep(delay: float) -> None:
        return None

    with caplog.at_level(logging.DEBUG, logger="authflow"):
        async with transport(server, retry=RetryPolicy(sleep=sleep)) as t:
            await t.send("AdminInitiateAuth", ADMIN_BODY)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("authflow")]
    assert lines  # not vacuous: the transport logged the attempts
    signatures = [r.headers["Authorization"].rsplit("=", 1)[1] for r in server.requests]
    for line in lines:
        for secret in (SECRET, TOKEN, *signatures):
            assert secret not in line


# -- credentials ----------------------------------------------------------------------------------


async def test_missing_credentials_fail_before_any_request(server: Server, aws_env: AwsFiles
                                                           ) -> None:
    for credentials, expected in [("default", E.CredentialsError), ("absent", E.CredentialsError)]:
        async with transport(server, credentials) as t:
            await t.send("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": "c"})
            with pytest.raises(expected) as info:
                await t.send("AdminInitiateAuth", ADMIN_BODY)
        assert "AWS_PROFILE" in str(info.value) or "'absent'" in str(info.value)
    assert [r.operation for r in server.requests] == ["InitiateAuth", "InitiateAuth"]


async def test_a_profile_read_from_the_shared_files(server: Server, aws_env: AwsFiles) -> None:
    await asyncio.to_thread(
        aws_env.config.write_text,
        f"[profile ops]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"
        f"aws_session_token = {TOKEN}\n", encoding="utf-8")
    async with transport(server, "ops") as t:
        await t.send("AdminInitiateAuth", ADMIN_BODY)
    (signed,) = server.requests
    assert verifies(signed.headers, signed.body)


async def test_a_malformed_shared_file_is_a_credentials_error(server: Server,
                                                              aws_env: AwsFiles) -> None:
    await asyncio.to_thread(aws_env.credentials.write_text,
                            f"[default\naws_secret_access_key = {SECRET}\n", encoding="utf-8")
    async with transport(server, "default") as t:
        with pytest.raises(E.CredentialsError, match="could not be loaded") as info:
            await t.send("AdminInitiateAuth", ADMIN_BODY)
    assert SECRET not in str(info.value) and not server.requests


HOSTILE_CREDENTIALS: list[tuple[Any, ...]] = [
    (5, SECRET), (None, SECRET), ("AKID", SECRET), ("AKID" + "X" * 200, SECRET),
    ("AKIDADMIN\ud800XAMPLE", SECRET), ("AKIDADMIN EXAMPLE01", SECRET),
    (KEY, ""), (KEY, 5), (KEY, "x" * 5000), (KEY, "sécret"), (KEY, "sec\nret"), (KEY, " secret"),
    (KEY, "\udc00"), (KEY, SECRET, ""), (KEY, SECRET, 7), (KEY, SECRET, "t" * 20_000),
    (KEY, SECRET, "tok\x00en"),
]


@pytest.mark.parametrize("args", HOSTILE_CREDENTIALS, ids=range(len(HOSTILE_CREDENTIALS)))
def test_hostile_static_credentials_are_validation_errors(args: tuple[Any, ...]) -> None:
    with pytest.raises(E.ValidationError) as info:
        StaticCredentials(*args)
    assert info.value.field in {"access_key_id", "secret_access_key", "session_token"}
    for value in args:
        if isinstance(value, str) and len(value) > 4:
            assert value not in str(info.value)


@pytest.mark.parametrize(
    ("credentials", "region", "field"),
    [(TEMPORARY, "", "region"), (TEMPORARY, "us east 1", "region"), (TEMPORARY, 5, "region"),
     (TEMPORARY, "\ud800", "region"), ("", "us-east-1", "credentials"),
     (" dev", "us-east-1", "credentials"), ("p" * 500, "us-east-1", "credentials"),
     ("d\u00e9v", "us-east-1", "credentials"), (("AKID", "secret"), "us-east-1", "credentials"),
     ({"aws_access_key_id": KEY}, "us-east-1", "credentials"), (b"default", "us-east-1",
                                                                "credentials")],
)
def test_hostile_signer_arguments_are_validation_errors(credentials: Any, region: Any,
                                                       field: str) -> None:
    with pytest.raises(E.ValidationError) as info:
        SigV4Signer(credentials, region)
    assert info.value.field == field
    if isinstance(credentials, str) and len(credentials) > 100:
        assert credentials not in str(info.value)


def test_no_repr_shows_a_secret() -> None:
    signer = SigV4Signer(TEMPORARY, "us-east-1")
    t = AiohttpTransport("http://127.0.0.1:9/", signer=signer)
    for text in (repr(TEMPORARY), str(TEMPORARY), repr(signer), repr(t)):
        assert SECRET not in text and TOKEN not in text and KEY not in text
    assert repr(TEMPORARY) == "StaticCredentials(access_key_id='…Y001', session_token=<hidden>)"
    assert "us-east-1" in repr(t) and "…Y001" in repr(t)
    with pytest.raises(E.ValidationError):
        AiohttpTransport("http://127.0.0.1:9/", signer="default")  # type: ignore[arg-type]


async def test_mock_transport_signs_like_the_real_one(aws_env: AwsFiles) -> None:
    seen: list[str] = []

    def handler(operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        seen.append(operation)
        return {}

    mock = MockTransport(handler, signer=SigV4Signer(TEMPORARY, "us-east-1"))
    await mock.send("InitiateAuth", {})
    await mock.send("AdminInitiateAuth", ADMIN_BODY)
    assert mock.signed == ["AdminInitiateAuth"] and seen == ["InitiateAuth", "AdminInitiateAuth"]
    unsigned = MockTransport(handler, signer=SigV4Signer("default", "us-east-1"))
    with pytest.raises(E.CredentialsError):
        await unsigned.send("AdminInitiateAuth", ADMIN_BODY)
    assert seen == ["InitiateAuth", "AdminInitiateAuth"]  # the handler never saw it


# -- properties -----------------------------------------------------------------------------------

_header_names = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12).filter(
    lambda n: n.strip("-") == n and n not in {"host", "x-amz-date", "x-amz-security-token",
                                              "authorization", "user-agent", "expect",
                                              "transfer-encoding", "x-amzn-trace-id"})
_header_values = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1,
                         max_size=20)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=256),
       headers=st.dictionaries(_header_names, _header_values, max_size=4))
async def test_any_body_and_headers_sign_as_the_specification_says(
        body: bytes, headers: dict[str, str]) -> None:
    signer = SigV4Signer(TEMPORARY, "eu-west-1")
    signed = await signer.sign(method="POST", url=URL("https://cognito-idp.eu-west-1.amazonaws.com/"),
                               headers=headers, body=body)
    lower = {name.lower(): value for name, value in signed.items()}
    assert verifies(lower | {"Authorization": signed["Authorization"],
                             "X-Amz-Date": signed["X-Amz-Date"], "Host": signed["Host"]},
                    body, region="eu-west-1")
    assert set(signature_secrets(signed)) >= {signed["Authorization"], TOKEN}


@given(st.dictionaries(st.text(max_size=30), st.text(max_size=60), max_size=5))
def test_signature_secrets_never_fails(headers: dict[str, str]) -> None:
    found = signature_secrets(headers)
    assert all(isinstance(s, str) and s for s in found)
    for name, value in headers.items():
        if name.lower() in {"authorization", "x-amz-security-token"} and value:
            assert value in found


# -- botocore is optional ---------------------------------------------------------------------------


def _run(script: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_botocore_is_imported_only_when_a_signer_is_built() -> None:
    out = _run("""
        import sys
        import authflow.client, authflow.transport.sigv4
        from authflow.transport import StaticCredentials
        StaticCredentials("AKIDLAZYIMPORT00001", "secret")
        print("botocore" in sys.modules)
    """)
    assert out == "False"


def test_missing_botocore_is_a_credentials_error_saying_what_to_install() -> None:
    out = _run("""
        import importlib.abc, sys

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "botocore":
                    raise ModuleNotFoundError(f"No module named {name!r} (blocked)")
                return None

        sys.meta_path.insert(0, Block())
        from authflow import AuthClient, CognitoConfig, CredentialsError
        config = CognitoConfig(user_pool_id="us-east-1_Pool1", client_id="client")
        AuthClient(config)  # no credentials: botocore is never needed
        try:
            AuthClient(config, credentials="default")
        except CredentialsError as exc:
            print(exc)
        else:
            raise SystemExit("no error")
    """)
    assert out == "signing with AWS credentials needs botocore: pip install 'authflow[admin]'"


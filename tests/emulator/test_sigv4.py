"""SigV4 verification of IAM-authorized requests (``Emulator(iam_credentials=...)``): boto3 with
the right, wrong, unknown or temporary credentials, unsigned requests, requests signed by hand from
the AWS specification (other dates, headers, bodies), the incomplete-signature answers, public
operations never checked, verification off by default, the verified key reaching the handlers,
hostile configuration and headers, the ``admin`` extra missing, and the command line."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authflow.emulator import Emulator, ManualClock
from authflow.emulator.sigv4 import SigV4Verifier, parse_iam_credential, signature_required
from authflow.protocol.errors import ServiceError, ValidationError

from .admin_support import (
    CREDENTIALS,
    KEY,
    MISMATCH,
    MISSING,
    SECRET,
    TEMP_KEY,
    TEMP_SECRET,
    TEMP_TOKEN,
    UNRECOGNIZED,
    admin,
    iam_emu,
    operation_request,
    sign_v4,
    signed_client,
    unsigned_client,
)
from .conftest import PASSWORD, error_of, make_user

__all__ = ["admin", "iam_emu"]  # fixtures

ROOT = Path(__file__).resolve().parents[2]
INCOMPLETE = "IncompleteSignatureException"
ALL_MISSING = (
    "Authorization header requires 'Credential' parameter. "
    "Authorization header requires 'Signature' parameter. "
    "Authorization header requires 'SignedHeaders' parameter."
)


def failure(call: Any) -> tuple[int, str, str]:
    """Run a boto3 call that must fail; return (HTTP status, code, message)."""
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


async def post(emu: Emulator, headers: dict[str, str], body: bytes) -> tuple[int, Any, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(emu.endpoint + "/", data=body, headers=headers) as resp,
    ):
        return resp.status, resp.headers, await resp.json(content_type=None)


def host(emu: Emulator) -> str:
    return emu.endpoint.removeprefix("http://")


# ---------------------------------------------------------------------------------- with boto3


def test_right_credentials_pass(iam_emu: Emulator, admin: Any) -> None:
    assert iam_emu.verifies_signatures
    pool_id = admin.create_user_pool(PoolName="signed")["UserPool"]["Id"]
    admin.admin_create_user(UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS")
    assert [u["Username"] for u in admin.list_users(UserPoolId=pool_id)["Users"]] == ["ann"]
    temporary = signed_client(iam_emu, TEMP_KEY, TEMP_SECRET, TEMP_TOKEN)
    assert temporary.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Name"] == "signed"


def test_wrong_unknown_and_missing_credentials(iam_emu: Emulator) -> None:
    pool = iam_emu.create_user_pool("locked")

    def list_users(client: Any) -> Any:
        return lambda: client.list_users(UserPoolId=pool.id)

    assert failure(list_users(signed_client(iam_emu, KEY, "not-the-secret"))) == (400, *MISMATCH)
    assert failure(list_users(signed_client(iam_emu, "AKIDUNKNOWN", SECRET))) == (
        400,
        *UNRECOGNIZED,
    )
    assert failure(list_users(unsigned_client(iam_emu))) == (400, *MISSING)
    # Temporary credentials: the session token must be the one they were issued with.
    for token in ("another-token", None):
        client = signed_client(iam_emu, TEMP_KEY, TEMP_SECRET, token)
        assert failure(list_users(client)) == (400, *UNRECOGNIZED)
    with_token = signed_client(iam_emu, KEY, SECRET, "a-token-for-long-term-keys")
    assert failure(list_users(with_token)) == (400, *UNRECOGNIZED)
    elsewhere = signed_client(iam_emu, region="eu-west-1")
    assert failure(list_users(elsewhere)) == (
        400,
        "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    )


def test_every_admin_sign_in_operation_is_checked(iam_emu: Emulator) -> None:
    pool = iam_emu.create_user_pool("checked")
    app = iam_emu.create_user_pool_client(
        pool.id, explicit_auth_flows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )
    make_user(iam_emu, pool.id, "bo")
    start = {
        "UserPoolId": pool.id,
        "ClientId": app.id,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "bo", "PASSWORD": PASSWORD},
    }
    respond = {
        "UserPoolId": pool.id,
        "ClientId": app.id,
        "ChallengeName": "NEW_PASSWORD_REQUIRED",
        "Session": "s" * 40,
        "ChallengeResponses": {"USERNAME": "bo", "NEW_PASSWORD": PASSWORD},
    }
    for client, expected in (
        (unsigned_client(iam_emu), MISSING),
        (signed_client(iam_emu, KEY, "wrong"), MISMATCH),
        (signed_client(iam_emu, "AKIDNOBODY", "x"), UNRECOGNIZED),
    ):
        assert error_of(lambda c=client: c.admin_initiate_auth(**start)) == expected
        assert error_of(lambda c=client: c.admin_respond_to_auth_challenge(**respond)) == expected
    signed = signed_client(iam_emu)
    assert signed.admin_initiate_auth(**start)["AuthenticationResult"]
    # Past the signature check, the challenge answer meets the sign-in rules.
    assert error_of(lambda: signed.admin_respond_to_auth_challenge(**respond)) == (
        "NotAuthorizedException",
        "Invalid session for the user.",
    )


def test_public_operations_are_never_checked(iam_emu: Emulator) -> None:
    pool = iam_emu.create_user_pool("public")
    app = iam_emu.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    make_user(iam_emu, pool.id, "cy")
    for client in (unsigned_client(iam_emu), signed_client(iam_emu, "AKIDUNKNOWN", "x")):
        out = client.initiate_auth(
            ClientId=app.id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "cy", "PASSWORD": PASSWORD},
        )
        assert out["AuthenticationResult"]["AccessToken"]
    assert not signature_required("InitiateAuth") and not signature_required("SignUp")
    assert signature_required("AdminInitiateAuth") and signature_required("ListUsers")
    assert signature_required("CreateUserPool") and not signature_required("NoSuchOperation")


async def test_public_operation_with_a_garbage_signature_passes(iam_emu: Emulator) -> None:
    pool = iam_emu.create_user_pool("garbage")
    app = iam_emu.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    make_user(iam_emu, pool.id, "dan")
    payload = {
        "ClientId": app.id,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "dan", "PASSWORD": PASSWORD},
    }
    headers, body = operation_request("InitiateAuth", payload)
    headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=nobody, Signature=00"
    status, _, out = await post(iam_emu, headers, body)
    assert status == 200 and out["AuthenticationResult"]["AccessToken"]


def test_verification_is_off_by_default(temu: Emulator) -> None:
    assert not temu.verifies_signatures
    pool = temu.create_user_pool("open")
    for client in (unsigned_client(temu), signed_client(temu, "any", "thing")):
        assert client.list_users(UserPoolId=pool.id)["Users"] == []


# --------------------------------------------------------------------------- signed by hand


async def test_a_request_signed_by_hand_from_the_spec_passes(iam_emu: Emulator) -> None:
    pool = iam_emu.create_user_pool("by-hand")
    headers, body = operation_request("DescribeUserPool", {"UserPoolId": pool.id})
    # A header botocore never signs (User-Agent) is fine when the client chose to sign it.
    headers["User-Agent"] = "hand-signer/1.0   (spaces  folded)"
    now = datetime.now(UTC)
    status, _, out = await post(
        iam_emu, sign_v4(host=host(iam_emu), headers=headers, body=body, when=now), body
    )
    assert status == 200 and out["UserPool"]["Id"] == pool.id
    signed = sign_v4(
        host=host(iam_emu),
        headers=headers,
        body=body,
        when=now,
        key=TEMP_KEY,
        secret=TEMP_SECRET,
        token=TEMP_TOKEN,
    )
    status, _, out = await post(iam_emu, signed, body)
    assert status == 200


async def test_a_changed_body_or_header_breaks_the_signature(iam_emu: Emulator) -> None:
    pool = iam_emu.create_user_pool("tamper")
    headers, body = operation_request("DescribeUserPool", {"UserPoolId": pool.id})
    signed = sign_v4(host=host(iam_emu), headers=headers, body=body, when=datetime.now(UTC))
    other_body = json.dumps({"UserPoolId": pool.id, "x": 1}).encode()
    status, response_headers, out = await post(iam_emu, signed, other_body)
    assert (status, out["__type"], out["message"]) == (400, *MISMATCH)
    assert response_headers["x-amzn-ErrorType"] == "InvalidSignatureException:"
    retargeted = {**signed, "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUsers"}
    status, _, out = await post(iam_emu, retargeted, body)
    assert (status, out["__type"]) == (400, "InvalidSignatureException")


async def test_request_dates_more_than_five_minutes_off(iam_emu: Emulator) -> None:
    pool = iam_emu.create_user_pool("dates")
    headers, body = operation_request("DescribeUserPool", {"UserPoolId": pool.id})
    now = datetime.now(UTC)
    for offset, pattern in (
        (
            -6,
            r"Signature expired: (\d{8}T\d{6}Z) is now earlier than \d{8}T\d{6}Z "
            r"\(\d{8}T\d{6}Z - 5 min\.\)",
        ),
        (
            6,
            r"Signature not yet current: (\d{8}T\d{6}Z) is still later than \d{8}T\d{6}Z "
            r"\(\d{8}T\d{6}Z \+ 5 min\.\)",
        ),
    ):
        when = now + timedelta(minutes=offset)
        signed = sign_v4(host=host(iam_emu), headers=headers, body=body, when=when)
        status, _, out = await post(iam_emu, signed, body)
        assert status == 400 and out["__type"] == "InvalidSignatureException", out
        match = re.fullmatch(pattern, out["message"])
        assert match and match.group(1) == when.strftime("%Y%m%dT%H%M%SZ")
    within = sign_v4(
        host=host(iam_emu), headers=headers, body=body, when=now - timedelta(minutes=4)
    )
    assert (await post(iam_emu, within, body))[0] == 200


async def test_incomplete_authorization_headers(iam_emu: Emulator) -> None:
    pool = iam_emu.create_user_pool("incomplete")
    headers, body = operation_request("DescribeUserPool", {"UserPoolId": pool.id})
    signed = sign_v4(host=host(iam_emu), headers=headers, body=body, when=datetime.now(UTC))

    async def answer(**changed: str | None) -> tuple[int, str, str]:
        sent = {k: v for k, v in {**signed, **changed}.items() if v is not None}
        status, _, out = await post(iam_emu, sent, body)
        return status, out["__type"], out["message"]

    assert await answer(Authorization="Bearer abc.def") == (400, INCOMPLETE, ALL_MISSING)
    no_signature = signed["Authorization"].rsplit(", Signature=", 1)[0]
    assert await answer(Authorization=no_signature) == (
        400,
        INCOMPLETE,
        "Authorization header requires 'Signature' parameter.",
    )
    assert await answer(**{"X-Amz-Date": None}) == (
        400,
        INCOMPLETE,
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    )
    assert (await answer(**{"X-Amz-Date": "2026-01-01"}))[1] == INCOMPLETE
    bad_scope = signed["Authorization"].replace(f"Credential={KEY}/", "Credential=")
    assert await answer(Authorization=bad_scope) == (
        400,
        INCOMPLETE,
        "Credential must have exactly 5 slash-delimited elements, "
        "e.g. keyid/date/region/service/term.",
    )
    other_service = signed["Authorization"].replace("/cognito-idp/", "/cognito-identity/")
    assert await answer(Authorization=other_service) == (
        400,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'cognito-idp'. ",
    )
    stamp = signed["X-Amz-Date"]
    other_day = signed["Authorization"].replace(f"/{stamp[:8]}/", "/19991231/")
    assert await answer(Authorization=other_day) == (
        400,
        "InvalidSignatureException",
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        f"HTTP: '19991231' != '{stamp[:8]}', from '{stamp}'.",
    )


# ------------------------------------------------------------------ the verifier on its own


def verifier_at(moment: datetime) -> SigV4Verifier:
    return SigV4Verifier(CREDENTIALS, region="us-east-1", clock=ManualClock(moment.timestamp()))


def test_exact_expiry_messages() -> None:
    moment = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    verifier = verifier_at(moment)
    headers, body = operation_request("ListUsers", {"UserPoolId": "us-east-1_x"})

    def check(when: datetime) -> str:
        signed = sign_v4(host="emulator", headers=headers, body=body, when=when)
        with pytest.raises(ServiceError) as info:
            verifier.verify("POST", "/", signed.items(), body)
        assert info.value.code == "InvalidSignatureException"
        return info.value.message

    assert check(moment - timedelta(seconds=301)) == (
        "Signature expired: 20260101T115459Z is now earlier than 20260101T115500Z "
        "(20260101T120000Z - 5 min.)"
    )
    assert check(moment + timedelta(seconds=301)) == (
        "Signature not yet current: 20260101T120501Z is still later than 20260101T120500Z "
        "(20260101T120000Z + 5 min.)"
    )
    for seconds in (-300, 0, 300):
        signed = sign_v4(
            host="emulator", headers=headers, body=body, when=moment + timedelta(seconds=seconds)
        )
        assert verifier.verify("POST", "/", signed.items(), body) == KEY


def test_the_rfc_1123_date_header_is_accepted() -> None:
    moment = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    headers, body = operation_request("ListUsers", {"UserPoolId": "us-east-1_x"})
    signed = sign_v4(host="emulator", headers=headers, body=body, when=moment, date_header=True)
    assert "X-Amz-Date" not in signed and signed["Date"] == "Thu, 01 Jan 2026 12:00:00 GMT"
    verifier = verifier_at(moment)
    assert verifier.verify("POST", "/", signed.items(), body) == KEY
    late = sign_v4(
        host="emulator",
        headers=headers,
        body=body,
        when=moment - timedelta(minutes=6),
        date_header=True,
    )
    with pytest.raises(ServiceError, match="Signature expired: 20260101T115400Z"):
        verifier.verify("POST", "/", late.items(), body)


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("Date", "Fri, 31 Dec 9999 23:59:59 -0100", "IncompleteSignatureException"),
        ("Date", "not a date", "IncompleteSignatureException"),
        ("X-Amz-Date", "99991231T235959Z", "InvalidSignatureException"),
        ("X-Amz-Date", "00010101T000000Z", "InvalidSignatureException"),
        ("X-Amz-Date", "20261399T250000Z", "IncompleteSignatureException"),
    ],
)
def test_extreme_dates_get_aws_answers(name: str, value: str, code: str) -> None:
    headers, body = operation_request("ListUsers", {"UserPoolId": "us-east-1_x"})
    signed = sign_v4(host="emulator", headers=headers, body=body, when=datetime.now(UTC))
    del signed["X-Amz-Date"]
    signed[name] = value
    with pytest.raises(ServiceError) as info:
        verifier_at(datetime(2026, 1, 1, tzinfo=UTC)).verify("POST", "/", signed.items(), body)
    assert info.value.code == code


_SECRETS = (SECRET, TEMP_SECRET, TEMP_TOKEN)
_ANSWERS = {
    "MissingAuthenticationTokenException",
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "UnrecognizedClientException",
}
# Any code point, lone surrogates included (and drawn often, with other troublemakers).
_header_text = st.text(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(["\udce9", "\ud800", "é", "\x00", "\n", "\r", " ", ",", ";", "="]),
    ),
    max_size=200,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    authorization=st.one_of(
        _header_text,
        st.builds(
            lambda c, h, s: f"AWS4-HMAC-SHA256 Credential={c}, SignedHeaders={h}, Signature={s}",
            _header_text,
            _header_text,
            _header_text,
        ),
        # A well-formed scope for a known key: the signature itself gets recomputed.
        st.builds(
            lambda h, s: (
                f"AWS4-HMAC-SHA256 Credential={KEY}/20260101/us-east-1/cognito-idp/aws4_request, "
                f"SignedHeaders={h}, Signature={s}"
            ),
            st.one_of(st.sampled_from(["host;x-amz-date;x-foo", "x-foo", "date"]), _header_text),
            _header_text,
        ),
    ),
    date=st.one_of(st.none(), _header_text, st.just("20260101T120000Z")),
    extra=st.dictionaries(
        st.sampled_from(["host", "date", "content-type", "x-foo", "X-Foo"]),
        _header_text,
        max_size=4,
    ),
    body=st.binary(max_size=64),
    path=st.sampled_from(["/", "/?a=b&c", "//x/../y", "/%ZZ"]),
)
def test_hostile_headers_only_ever_get_aws_answers(
    authorization: str, date: str | None, extra: dict[str, str], body: bytes, path: str
) -> None:
    verifier = verifier_at(datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC))
    headers = [("Authorization", authorization), *extra.items()]
    if date is not None:
        headers.append(("X-Amz-Date", date))
    with pytest.raises(ServiceError) as info:
        verifier.verify("POST", path, headers, body)
    assert info.value.code in _ANSWERS
    assert not any(secret in info.value.message for secret in _SECRETS)


@settings(max_examples=200, deadline=None)
@given(
    values=st.dictionaries(
        st.sampled_from(["x-foo", "x-bar", "content-type", "host"]), _header_text, min_size=1
    ),
    signature=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    path=st.text(max_size=30).map(lambda text: "/" + text),
)
def test_any_signed_header_value_gets_a_signature_answer(
    values: dict[str, str], signature: str, path: str
) -> None:
    verifier = verifier_at(datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC))
    names = ";".join(sorted([*values, "x-amz-date"]))
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={KEY}/20260101/us-east-1/cognito-idp/aws4_request, "
        f"SignedHeaders={names}, Signature={signature}"
    )
    headers = [("Authorization", authorization), ("X-Amz-Date", "20260101T120000Z")]
    with pytest.raises(ServiceError) as info:
        verifier.verify("POST", path, [*headers, *values.items()], b"{}")
    assert (info.value.code, info.value.message) == MISMATCH


def test_the_verified_key_reaches_the_handlers(iam_emu: Emulator, temu: Emulator) -> None:
    seen: list[tuple[str | None, bool, str | None]] = []

    def spy(services: Any, request: Any, body: dict[str, Any]) -> dict[str, Any]:
        seen.append((request.signed_by, request.admin, request.user_pool_id))
        return {"Users": []}

    for emu in (iam_emu, temu):
        emu.core.dispatcher.register("ListUsers", spy, replace=True)
    signed_client(iam_emu).list_users(UserPoolId="us-east-1_abc")
    signed_client(iam_emu, TEMP_KEY, TEMP_SECRET, TEMP_TOKEN).list_users(UserPoolId="us-east-1_abc")
    signed_client(temu).list_users(UserPoolId="us-east-1_abc")
    assert seen == [
        (KEY, False, "us-east-1_abc"),
        (TEMP_KEY, False, "us-east-1_abc"),
        (None, False, "us-east-1_abc"),
    ]


# ----------------------------------------------------------------------- configuration


HIDDEN = "Sekr1t-Value"


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        [("AKID", HIDDEN)],
        f"AKID:{HIDDEN}",
        {"": HIDDEN},
        {"AKID with spaces": HIDDEN},
        {"A" * 129: HIDDEN},
        {"AKID": ""},
        {"AKID": 42},
        {"AKID": (HIDDEN,)},
        {"AKID": (HIDDEN, "token", "more")},
        {"AKID": (HIDDEN, "")},
        {"AKID": HIDDEN + "\udce9"},
        {"AKID": HIDDEN + "é"},
        {7: HIDDEN},
        {"AKID": "x" * 5000},
    ],
)
def test_hostile_iam_credentials_are_refused(credentials: Any) -> None:
    with pytest.raises(ValidationError, match="iam_credentials") as info:
        Emulator(iam_credentials=credentials)
    assert HIDDEN not in str(info.value) and "x" * 100 not in str(info.value)


def test_the_verifier_repr_keeps_secrets() -> None:
    verifier = SigV4Verifier(CREDENTIALS, region="us-east-1")
    text = repr(verifier)
    assert "keys=2" in text and not any(s in text for s in (SECRET, TEMP_SECRET, TEMP_TOKEN))


def test_parse_iam_credential() -> None:
    assert parse_iam_credential("AKIDEXAMPLE:abc/def+ghi") == ("AKIDEXAMPLE", "abc/def+ghi")
    assert parse_iam_credential("ASIAEXAMPLE:abc:tok:en") == ("ASIAEXAMPLE", ("abc", "tok:en"))
    for text in ("AKIDEXAMPLE", "AKIDEXAMPLE:", ":hidden-secret", "bad key:hidden-secret"):
        with pytest.raises(ValidationError) as info:
            parse_iam_credential(text)
        assert "hidden-secret" not in str(info.value)


def test_missing_botocore_is_a_clear_error() -> None:
    script = textwrap.dedent(
        """
        import importlib.abc, sys

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {"botocore", "boto3"}:
                    raise ModuleNotFoundError(f"No module named {name!r} (blocked)")
                return None

        sys.meta_path.insert(0, Block())
        from authflow.emulator import Emulator
        Emulator()  # no iam_credentials: botocore is never imported
        try:
            Emulator(iam_credentials={"AKID": "secret"})
        except ImportError as exc:
            print(exc)
        else:
            raise SystemExit("no error")
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "needs botocore: pip install 'authflow[admin]'" in out.stdout


# ----------------------------------------------------------------------- command line


def test_cli_verifies_with_the_credentials_given() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "authflow.emulator",
            "--port",
            "0",
            "--iam-credentials",
            f"{KEY}:{SECRET}",
            "--iam-credentials",
            f"{TEMP_KEY}:{TEMP_SECRET}:{TEMP_TOKEN}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())

        class Endpoint:
            endpoint = info["endpoint"]
            region = info["user_pool_id"].split("_")[0]

        emu: Any = Endpoint()
        right = signed_client(emu)
        right.admin_create_user(
            UserPoolId=info["user_pool_id"],
            Username="cli",
            TemporaryPassword="Temp-Pass-123",
            MessageAction="SUPPRESS",
        )
        out = right.admin_initiate_auth(
            UserPoolId=info["user_pool_id"],
            ClientId=info["client_id"],
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "cli", "PASSWORD": "Temp-Pass-123"},
        )
        assert out["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
        temporary = signed_client(emu, TEMP_KEY, TEMP_SECRET, TEMP_TOKEN)
        assert temporary.list_users(UserPoolId=info["user_pool_id"])["Users"]
        wrong = signed_client(emu, KEY, "wrong")
        assert error_of(lambda: wrong.list_users(UserPoolId=info["user_pool_id"])) == MISMATCH
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


@pytest.mark.parametrize("module", ["authflow.emulator", "authflow.cli"])
def test_cli_refuses_a_malformed_credential_without_echoing_it(module: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", module]
    if module == "authflow.cli":
        command.append("emulator")
    out = subprocess.run(
        [*command, "--port", "0", "--iam-credentials", ":hidden-secret-value"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "--iam-credentials takes ACCESS_KEY_ID:SECRET" in out.stderr
    assert "hidden-secret-value" not in out.stderr + out.stdout

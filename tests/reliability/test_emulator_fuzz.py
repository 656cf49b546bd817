"""The emulator's HTTP face under hostile requests: 3,000 model-guided requests, no HTTP 500,
0 dropped connections, every answer parseable by botocore's own JSON parser."""

from __future__ import annotations

import json
import random

import aiohttp
import botocore.session
import pytest
from botocore.parsers import create_parser

from authflow.emulator import Emulator
from authflow.emulator.cognito_responses import MAX_HEADER_MESSAGE

from .emulator_fuzz import Known, hostile_request

TARGET = "AWSCognitoIdentityProviderService."
MODEL = botocore.session.get_session().get_service_model("cognito-idp")


def parse_with_botocore(operation: str, status: int, headers: dict[str, str], body: bytes) -> dict:
    parser = create_parser("json")
    output = MODEL.operation_model(operation).output_shape
    parsed: dict = parser.parse(
        {"status_code": status, "headers": headers, "body": body}, output
    )
    return parsed


async def post(
    session: aiohttp.ClientSession, url: str, operation: str, body: bytes
) -> tuple[int, dict[str, str], bytes]:
    async with session.post(
        url,
        data=body,
        headers={"X-Amz-Target": TARGET + operation, "Content-Type": "application/x-amz-json-1.1"},
    ) as response:
        return response.status, dict(response.headers), await response.read()


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("100k-brackets", b"[" * 100_000),
        ("100k-nested-object", b'{"a":' * 100_000),
        ("nan", b'{"ClientId": NaN}'),
        ("infinity", b'{"ClientId": "x", "Limit": Infinity}'),
        ("invalid-utf8", b'{"ClientId": "\xff\xfe"}'),
    ],
)
async def test_unparsable_bodies_are_serialization_exceptions(name: str, raw: bytes) -> None:
    async with Emulator() as emu, aiohttp.ClientSession() as session:
        status, headers, body = await post(session, emu.endpoint + "/", "InitiateAuth", raw)
    assert status == 400, (name, body[:200])
    assert headers["x-amzn-ErrorType"] == "SerializationException:"


@pytest.mark.parametrize(
    "body",
    [
        {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "c", "AuthParameters": {"USERNAME": "\ud800"}},
        {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "\udfffc", "AuthParameters": {}},
        {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "c", "ClientMetadata": {"\ud801": "x"}},
    ],
)
async def test_lone_surrogates_are_invalid_parameters(body: dict) -> None:
    raw = json.dumps(body).encode()  # ensure_ascii: the surrogate travels as \\ud800
    async with Emulator() as emu, aiohttp.ClientSession() as session:
        status, headers, answer = await post(session, emu.endpoint + "/", "InitiateAuth", raw)
    assert status == 400, answer[:200]
    assert headers["x-amzn-ErrorType"] == "InvalidParameterException:"


async def test_echoed_control_characters_and_long_values_make_a_clean_header() -> None:
    async with Emulator() as emu, aiohttp.ClientSession() as session:
        pool = emu.create_user_pool("p")
        app = emu.create_user_pool_client(pool.id)
        value = "x\x00\x01\x1b[31m\x7f" * 3000  # 27 KB echoed by the validation message
        raw = json.dumps({"AuthFlow": value, "ClientId": app.id, "AuthParameters": {}}).encode()
        status, headers, body = await post(session, emu.endpoint + "/", "InitiateAuth", raw)
    assert status == 400
    header = headers["x-amzn-ErrorMessage"]
    assert len(header) <= MAX_HEADER_MESSAGE
    assert all(" " <= ch <= "~" for ch in header), "printable ASCII only"
    # the body still carries the whole message, JSON-escaped
    assert len(json.loads(body)["message"]) > MAX_HEADER_MESSAGE


async def test_three_thousand_hostile_requests_get_typed_answers() -> None:
    rng = random.Random(20261129)
    counts: dict[int, int] = {}
    async with Emulator() as emu:
        pool = emu.create_user_pool("fuzz")
        app = emu.create_user_pool_client(
            pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH",
                                          "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH",
                                          "ALLOW_USER_AUTH"]
        )
        emu.handle("AdminCreateUser", {"UserPoolId": pool.id, "Username": "alice",
                                       "TemporaryPassword": "Correct-Horse-9!"})
        known = Known(pool.id, app.id, "alice")
        operations = sorted(emu.core.operations())
        connector = aiohttp.TCPConnector(limit=4)
        async with aiohttp.ClientSession(connector=connector) as session:
            for _ in range(3000):
                operation = rng.choice(operations)
                raw = hostile_request(operation, rng, known)
                try:
                    status, headers, body = await post(session, emu.endpoint + "/", operation, raw)
                except aiohttp.ClientError as exc:  # pragma: no cover - the bug this guards
                    raise AssertionError(f"{operation}: connection dropped ({exc!r})") from None
                counts[status] = counts.get(status, 0) + 1
                assert status != 500, (operation, raw[:300], body[:300])
                parsed = parse_with_botocore(operation, status, headers, body)
                if status >= 400:
                    code = parsed["Error"]["Code"]
                    assert code and headers["x-amzn-ErrorType"] == f"{code}:", (operation, parsed)
    assert sum(counts.values()) == 3000
    assert counts.get(200, 0) > 0, "some requests should get through to a success"

"""Signing-key rotation: the JWKS after a rotation, the kids of new tokens, old access tokens still
accepted while their key is published (and refused once it is not), through the Python API and
``POST /_emulator/pools/{poolId}/rotate-keys``; hostile input to both."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authflow.emulator import Emulator, KeyRotation
from authflow.emulator.jwt import sign_jwt
from authflow.protocol.errors import ResourceNotFoundError, ValidationError

from .conftest import PASSWORD, Raw, make_user

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def part(token: str, index: int) -> dict[str, Any]:
    segment = token.split(".")[index]
    return dict(json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))))


def kid(token: str) -> str:
    return str(part(token, 0)["kid"])


class Pool:
    """A pool with one user, signed in over HTTP."""

    def __init__(self, emu: Emulator, raw: Raw) -> None:
        self.emu = emu
        self.raw = raw
        self.id = emu.create_user_pool("keys").id
        self.client_id = emu.create_user_pool_client(self.id, explicit_auth_flows=FLOWS).id
        make_user(emu, self.id, "ana")

    async def sign_in(self) -> dict[str, Any]:
        body = await self.raw.ok("InitiateAuth", {
            "ClientId": self.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "ana", "PASSWORD": PASSWORD}})
        return dict(body["AuthenticationResult"])

    async def jwks_kids(self) -> list[str]:
        url = f"{self.emu.endpoint}/{self.id}/.well-known/jwks.json"
        async with self.raw.session.get(url) as response:
            assert response.status == 200
            return [key["kid"] for key in (await response.json())["keys"]]

    async def get_user(self, access_token: str) -> tuple[int, Any]:
        status, _, payload = await self.raw("GetUser", {"AccessToken": access_token})
        return status, payload


@pytest.fixture
def pool(emu: Emulator, raw: Raw) -> Pool:
    return Pool(emu, raw)


async def test_the_jwks_lists_the_new_kids_first_and_keeps_the_old_ones(pool: Pool) -> None:
    before = await pool.jwks_kids()
    assert len(before) == 2
    rotation = pool.emu.rotate_signing_keys(pool.id)
    assert isinstance(rotation, KeyRotation)
    new = [rotation.id_token_kid, rotation.access_token_kid]
    assert not set(new) & set(before)
    assert await pool.jwks_kids() == new + before
    assert rotation.previous_kids == tuple(before)
    assert rotation.retired_kids == ()
    # A second rotation drops the first keys: two generations are published at most.
    second = pool.emu.rotate_signing_keys(pool.id)
    assert await pool.jwks_kids() == [second.id_token_kid, second.access_token_kid, *new]
    assert second.retired_kids == tuple(before)


async def test_new_tokens_carry_the_new_kids(pool: Pool) -> None:
    old = await pool.sign_in()
    rotation = pool.emu.rotate_signing_keys(pool.id)
    new = await pool.sign_in()
    assert kid(new["AccessToken"]) == rotation.access_token_kid
    assert kid(new["IdToken"]) == rotation.id_token_kid
    assert (kid(old["IdToken"]), kid(old["AccessToken"])) == rotation.previous_kids
    refreshed = await pool.raw.ok("InitiateAuth", {
        "ClientId": pool.client_id, "AuthFlow": "REFRESH_TOKEN_AUTH",
        "AuthParameters": {"REFRESH_TOKEN": old["RefreshToken"]}})
    # A refresh token from before the rotation still works and gets new-key tokens.
    assert kid(refreshed["AuthenticationResult"]["AccessToken"]) == rotation.access_token_kid


async def test_old_access_tokens_authorize_while_their_key_is_published(pool: Pool) -> None:
    old = await pool.sign_in()
    pool.emu.rotate_signing_keys(pool.id)
    status, payload = await pool.get_user(old["AccessToken"])
    assert status == 200 and payload["Username"] == "ana"
    newer = await pool.sign_in()
    pool.emu.rotate_signing_keys(pool.id)  # the first key is withdrawn now
    assert await pool.get_user(old["AccessToken"]) == (
        400, {"__type": "NotAuthorizedException", "message": "Invalid Access Token"})
    status, _ = await pool.get_user(newer["AccessToken"])
    assert status == 200


async def test_retire_old_drops_the_replaced_keys_at_once(pool: Pool) -> None:
    old = await pool.sign_in()
    before = await pool.jwks_kids()
    rotation = pool.emu.rotate_signing_keys(pool.id, retire_old=True)
    assert await pool.jwks_kids() == [rotation.id_token_kid, rotation.access_token_kid]
    assert rotation.previous_kids == ()
    assert rotation.retired_kids == tuple(before)
    status, payload = await pool.get_user(old["AccessToken"])
    assert (status, payload["__type"]) == (400, "NotAuthorizedException")
    status, _ = await pool.get_user((await pool.sign_in())["AccessToken"])
    assert status == 200


async def test_an_access_token_signed_with_the_id_key_is_refused(pool: Pool) -> None:
    token = (await pool.sign_in())["AccessToken"]
    pool.emu.rotate_signing_keys(pool.id)
    state = pool.emu.core.pools[pool.id]
    for key in (state.id_key, state.previous_id_key):
        assert key is not None
        forged = sign_jwt(key, part(token, 1))
        assert kid(forged) in await pool.jwks_kids()
        status, payload = await pool.get_user(forged)
        assert (status, payload["message"]) == (400, "Invalid Access Token")
    assert (await pool.get_user(token))[0] == 200


async def test_a_pool_never_used_gets_keys_and_no_previous_ones(emu: Emulator, raw: Raw) -> None:
    fresh = emu.create_user_pool("fresh").id
    rotation = emu.rotate_signing_keys(fresh)
    assert rotation.previous_kids == rotation.retired_kids == ()
    assert emu.core.jwks(fresh)["keys"][1]["kid"] == rotation.access_token_kid
    assert len(emu.core.jwks(fresh)["keys"]) == 2


def test_python_api_refuses_hostile_input(emu: Emulator) -> None:
    pool_id = emu.create_user_pool("p").id
    with pytest.raises(ResourceNotFoundError, match="does not exist"):
        emu.rotate_signing_keys("us-east-1_Nope12345")
    for bad in (None, 7, ["x"], {"a": 1}, b"us-east-1_x"):
        with pytest.raises(ValidationError) as caught:
            emu.rotate_signing_keys(bad)  # type: ignore[arg-type]
        assert caught.value.field == "pool_id"
    for flag in (1, "yes", None, float("nan")):
        with pytest.raises(ValidationError) as caught:
            emu.rotate_signing_keys(pool_id, retire_old=flag)  # type: ignore[arg-type]
        assert caught.value.field == "retire_old"
    assert len(emu.core.jwks(pool_id)["keys"]) == 2  # nothing was rotated


# -- over HTTP -----------------------------------------------------------------------------------


async def rotate_over_http(
    session: aiohttp.ClientSession, endpoint: str, pool_id: str, data: bytes | None = None
) -> tuple[int, Any]:
    url = f"{endpoint}/_emulator/pools/{pool_id}/rotate-keys"
    async with session.post(url, data=data) as response:
        return response.status, await response.json()


async def test_http_control_rotates_and_answers_the_kids(pool: Pool) -> None:
    old = await pool.sign_in()
    before = await pool.jwks_kids()
    status, body = await rotate_over_http(pool.raw.session, pool.emu.endpoint, pool.id)
    assert status == 200
    assert set(body) == {"idTokenKid", "accessTokenKid", "previousKids", "retiredKids"}
    assert body["previousKids"] == before and body["retiredKids"] == []
    assert await pool.jwks_kids() == [body["idTokenKid"], body["accessTokenKid"], *before]
    assert kid((await pool.sign_in())["AccessToken"]) == body["accessTokenKid"]
    assert (await pool.get_user(old["AccessToken"]))[0] == 200
    status, retired = await rotate_over_http(
        pool.raw.session, pool.emu.endpoint, pool.id, b'{"retireOld": true}')
    assert status == 200 and retired["previousKids"] == []
    assert retired["retiredKids"] == [body["idTokenKid"], body["accessTokenKid"], *before]
    assert await pool.jwks_kids() == [retired["idTokenKid"], retired["accessTokenKid"]]


async def test_http_control_unknown_pool_and_bad_bodies(pool: Pool) -> None:
    session, endpoint = pool.raw.session, pool.emu.endpoint
    assert await rotate_over_http(session, endpoint, "us-east-1_Nope12345") == (
        404, {"message": "User pool us-east-1_Nope12345 does not exist."})
    kids = await pool.jwks_kids()
    for bad in (b"[]", b"null", b'{"retireOld": 1}', b'{"retireOld": "true"}', b'{"other": 1}',
                b'{"retireOld": NaN}', b"\xff\xfe", b"[" * 100_000, b" " * 2000 + b"{}"):
        status, body = await rotate_over_http(session, endpoint, pool.id, bad)
        assert status == 400, bad[:20]
        assert "retireOld" in body["message"]
    assert await pool.jwks_kids() == kids  # none of them rotated anything


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served() -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    async with Emulator() as emu, aiohttp.ClientSession() as session:
        yield session, emu.endpoint


_bodies = st.one_of(
    st.binary(max_size=64),
    st.builds(lambda v: json.dumps({"retireOld": v}).encode(),
              st.none() | st.booleans() | st.integers() | st.text(max_size=5)),
    st.dictionaries(st.text(max_size=10), st.booleans(), max_size=3).map(
        lambda d: json.dumps(d).encode()),
)


@pytest.mark.asyncio(loop_scope="module")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies)
async def test_any_body_is_answered_400_or_404_never_500(
    served: tuple[aiohttp.ClientSession, str], body: bytes
) -> None:
    # An unknown pool: a valid body reaches the pool lookup (404), nothing else does (400).
    session, endpoint = served
    status, answer = await rotate_over_http(session, endpoint, "us-east-1_Nope12345", body)
    try:
        parsed = json.loads(body) if body.strip() else {}
    except ValueError:
        parsed = None
    valid = (
        isinstance(parsed, dict) and set(parsed) <= {"retireOld"}
        and isinstance(parsed.get("retireOld", False), bool)
    )
    assert status == (404 if valid else 400), body
    assert isinstance(answer["message"], str)

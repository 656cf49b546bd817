"""TokenVerifier against the emulator over real HTTP: its tokens, its JWKS, its revocation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import jwt
import pytest
from cognito_support import SignedIn, create_user, signed_in

from authflow.protocol.errors import ValidationError
from authflow.verify import (
    MissingScopeError,
    RevocationCheckUnavailableError,
    TokenExpiredError,
    TokenRevokedError,
    TokenVerifier,
    UnknownKeyError,
    WrongClientError,
    WrongTokenUseError,
)


@pytest.fixture
async def s() -> AsyncIterator[SignedIn]:
    async with signed_in() as session:
        yield session


def verifier(s: SignedIn, **options: object) -> TokenVerifier:
    options.setdefault("client_ids", [s.client_id])
    options.setdefault("token_use", "access")
    return TokenVerifier(s.pool_id, endpoint=s.emu.endpoint, clock=s.clock, **options)  # type: ignore[arg-type]


async def test_the_emulators_access_and_id_tokens_verify(s: SignedIn) -> None:
    async with verifier(s) as access, verifier(s, token_use="id") as ident:
        a = await access.verify(s.access_token)
        i = await ident.verify(s.id_token)
    assert a.username == i.username == "alice"
    assert a.sub == i.sub
    assert a.client_id == i.client_id == s.client_id
    assert a.issuer == f"{s.emu.endpoint}/{s.pool_id}"
    assert a.scopes == {"aws.cognito.signin.user.admin"}
    assert a.origin_jti == i.raw["origin_jti"]
    assert a.jti is not None and a.auth_time is not None


async def test_id_for_access_and_access_for_id_are_refused(s: SignedIn) -> None:
    async with verifier(s) as access, verifier(s, token_use="id") as ident:
        with pytest.raises(WrongTokenUseError):
            await access.verify(s.id_token)
        with pytest.raises(WrongTokenUseError):
            await ident.verify(s.access_token)


async def test_a_token_of_another_client_or_pool_is_refused(s: SignedIn) -> None:
    other_app = s.emu.create_user_pool_client(s.pool_id)
    async with verifier(s, client_ids=[other_app.id]) as wrong_client:
        with pytest.raises(WrongClientError):
            await wrong_client.verify(s.access_token)
    async with signed_in("bob", emu=s.emu, clock=s.clock) as other_pool, verifier(s) as ours:
        with pytest.raises(UnknownKeyError):  # signed by the other pool's key
            await ours.verify(other_pool.access_token)


async def test_an_expired_emulator_token_is_refused(s: SignedIn) -> None:
    async with verifier(s) as v:
        assert await v.verify(s.access_token)
        s.clock.advance(3600)
        with pytest.raises(TokenExpiredError):
            await v.verify(s.access_token)


async def test_pyjwt_jwks_client_reads_the_emulators_jwks_unchanged(s: SignedIn) -> None:
    client = jwt.PyJWKClient(f"{s.emu.endpoint}/{s.pool_id}/.well-known/jwks.json")
    # PyJWKClient uses blocking urllib: keep it off the loop.
    key = await asyncio.to_thread(client.get_signing_key_from_jwt, s.access_token)
    claims = jwt.decode(
        s.access_token, key.key, algorithms=["RS256"], issuer=f"{s.emu.endpoint}/{s.pool_id}",
        options={"verify_exp": False},
    )
    assert claims["username"] == "alice"
    id_key = await asyncio.to_thread(client.get_signing_key_from_jwt, s.id_token)
    assert id_key.key_id != key.key_id  # one key for access tokens, one for ID tokens
    assert jwt.decode(s.id_token, id_key.key, algorithms=["RS256"], audience=s.client_id,
                      options={"verify_exp": False})["cognito:username"] == "alice"


# -- revocation ----------------------------------------------------------------------------------


async def test_a_revoked_token_is_refused_with_check_revocation(s: SignedIn) -> None:
    async with verifier(s, check_revocation=True) as checked, verifier(s) as plain:
        assert await checked.verify(s.access_token)
        await s.flow.sign_out()  # RevokeToken
        s.clock.advance(31)  # past the cached "still accepted" answer
        with pytest.raises(TokenRevokedError):
            await checked.verify(s.access_token)
        assert await plain.verify(s.access_token)  # the signature alone cannot tell
        assert checked.revocation is not None and checked.revocation.request_count == 2


async def test_global_sign_out_is_seen_through_the_cache_after_its_ttl(s: SignedIn) -> None:
    async with verifier(s, check_revocation=True, revocation_ttl=10) as v:
        assert await v.verify(s.access_token)
        await s.flow.sign_out(global_=True)
        assert await v.verify(s.access_token)  # the cached answer, within its ttl
        s.clock.advance(10)
        with pytest.raises(TokenRevokedError):
            await v.verify(s.access_token)
        with pytest.raises(TokenRevokedError):  # the refusal is cached too
            await v.verify(s.access_token)
        assert v.revocation is not None and v.revocation.request_count == 2


async def test_concurrent_checks_of_one_token_send_one_get_user(s: SignedIn) -> None:
    async with verifier(s, check_revocation=True) as v:
        results = await asyncio.gather(*(v.verify(s.access_token) for _ in range(200)))
        assert len(results) == 200
        assert v.revocation is not None and v.revocation.request_count == 1


async def test_a_failing_revocation_check_refuses_retryably_and_is_not_cached(s: SignedIn) -> None:
    async with verifier(s, check_revocation=True) as v:
        s.emu.faults.add("internal_error", operation="GetUser", times=2)
        with pytest.raises(RevocationCheckUnavailableError) as caught:
            await v.verify(s.access_token)
        assert caught.value.retryable
        assert await v.verify(s.access_token)


async def test_a_deleted_user_s_token_is_refused(s: SignedIn) -> None:
    async with verifier(s, check_revocation=True) as v:
        await s.auth.transport.send("AdminDeleteUser",
                                    {"UserPoolId": s.pool_id, "Username": "alice"})
        with pytest.raises(TokenRevokedError):
            await v.verify(s.access_token)


async def test_check_revocation_needs_the_admin_scope_and_access_tokens(s: SignedIn) -> None:
    from jwks_support import JwksServer, access_claims, rsa_key

    async with JwksServer(rsa_key(0)) as server:
        v = TokenVerifier(server.pool_id, client_ids=None, token_use="access",
                          endpoint=server.endpoint, check_revocation=True)
        with pytest.raises(MissingScopeError) as caught:
            await v.verify(rsa_key(0).sign(access_claims(server.issuer, scope="openid")))
        assert caught.value.missing == ("aws.cognito.signin.user.admin",)
        await v.close()
        assert server.requests == 1  # the JWKS only: no GetUser was tried
    with pytest.raises(ValidationError):
        TokenVerifier(s.pool_id, client_ids=None, token_use="id", check_revocation=True)


async def test_two_users_are_cached_apart(s: SignedIn) -> None:
    await create_user(s.auth, "bob")
    bob = s.auth.sign_in("bob", "Correct-Horse-9!", auth_flow="USER_PASSWORD_AUTH")
    await bob.step()
    assert bob.tokens is not None
    bobs = bob.tokens.access_token
    async with verifier(s, check_revocation=True) as v:
        await bob.sign_out()
        assert (await v.verify(s.access_token)).username == "alice"
        with pytest.raises(TokenRevokedError):
            await v.verify(bobs)

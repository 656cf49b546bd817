"""The OAuth 2.0 endpoints over real HTTP: the code grant with PKCE and nonce, secret clients
(Basic and post), the implicit grant, refresh (with rotation), client credentials, userInfo,
revocation, logout, discovery, Host-header routing, and faults. Tokens are checked against the
pool's JWKS with ``cryptography`` here, independently of the emulator's own JWT code."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import aiohttp
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from authflow.emulator import Emulator, ManualClock

from .conftest import PASSWORD, Raw
from .oauth_support import (
    CALLBACK,
    LOGOUT,
    LoginDriver,
    Page,
    add_user,
    authorize_url,
    basic,
    callback_parameters,
    code_grant,
    m2m_app,
    new_session,
    oauth_app,
    pkce,
)


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def verified_claims(emu: Emulator, pool_id: str, token: str) -> dict[str, Any]:
    """The claims of ``token`` after checking its RS256 signature against the pool's JWKS."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emu.endpoint}/{pool_id}/.well-known/jwks.json") as resp:
            keys = {k["kid"]: k for k in (await resp.json())["keys"]}
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(_b64(header_b64))
    jwk = keys[header["kid"]]
    numbers = rsa.RSAPublicNumbers(
        int.from_bytes(_b64(jwk["e"]), "big"), int.from_bytes(_b64(jwk["n"]), "big")
    )
    numbers.public_key().verify(
        _b64(signature_b64),
        f"{header_b64}.{payload_b64}".encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    assert header["alg"] == "RS256"
    claims: dict[str, Any] = json.loads(_b64(payload_b64))
    return claims


async def test_code_grant_with_pkce_and_nonce(emu: Emulator, raw: Raw) -> None:
    app = oauth_app(emu)
    add_user(emu, app, given_name="Alice")
    verifier, challenge = pkce()
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        page = await driver.open(
            authorize_url(app, code_challenge=challenge, code_challenge_method="S256", nonce="n-1")
        )
        assert isinstance(page, Page) and page.status == 200
        assert "<form method='post'" in page.html and page.hidden()["_csrf"]
        location = await driver.submit(page, username="alice", password=PASSWORD)
        assert isinstance(location, str)
        params = callback_parameters(location)
        assert set(params) == {"code", "state"} and params["state"] == "state-123"
        status, headers, body = await driver.token(
            app.base,
            {
                "grant_type": "authorization_code",
                "client_id": app.client_id,
                "code": params["code"],
                "redirect_uri": CALLBACK,
                "code_verifier": verifier,
            },
        )
    assert status == 200, body
    assert headers["Content-Type"] == "application/json;charset=UTF-8"
    assert headers["Access-Control-Allow-Origin"] == "*" and headers["Cache-Control"] == "no-store"
    assert set(body) == {"id_token", "access_token", "refresh_token", "expires_in", "token_type"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    access = await verified_claims(emu, app.pool_id, body["access_token"])
    identity = await verified_claims(emu, app.pool_id, body["id_token"])
    assert access["scope"] == "openid email profile aws.cognito.signin.user.admin"
    assert access["version"] == 2 and access["token_use"] == "access"
    assert access["username"] == "alice" and access["client_id"] == app.client_id
    assert "aud" not in access
    assert identity["aud"] == app.client_id and identity["nonce"] == "n-1"
    assert identity["token_use"] == "id" and identity["cognito:username"] == "alice"
    assert identity["email"] == "alice@example.com" and identity["given_name"] == "Alice"
    digest = hashlib.sha256(body["access_token"].encode()).digest()[:16]
    assert identity["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert identity["origin_jti"] == access["origin_jti"]
    user = await raw.ok("GetUser", {"AccessToken": body["access_token"]})
    assert user["Username"] == "alice"


async def test_secret_client_authenticates_by_basic_or_post(emu: Emulator) -> None:
    app = oauth_app(emu, secret=True)
    add_user(emu, app)
    assert app.secret is not None
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        grant = {"grant_type": "authorization_code", "redirect_uri": CALLBACK}
        code = await driver.code(app)
        status, _, body = await driver.token(
            app.base, {**grant, "code": code}, authorization=basic(app.client_id, app.secret)
        )
        assert status == 200 and "access_token" in body
        code = await driver.code(app)
        status, _, body = await driver.token(
            app.base,
            {**grant, "code": code, "client_id": app.client_id, "client_secret": app.secret},
        )
        assert status == 200 and "refresh_token" in body
        code = await driver.code(app)
        status, _, body = await driver.token(
            app.base, {**grant, "code": code, "client_id": app.client_id}
        )
        assert (status, body["error"]) == (400, "invalid_client")


async def test_implicit_grant_puts_tokens_in_the_fragment(emu: Emulator, raw: Raw) -> None:
    app = oauth_app(emu, flows=("implicit",))
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        location = await driver.sign_in(authorize_url(app, response_type="token", nonce="nn"))
        assert isinstance(location, str) and location.startswith(CALLBACK + "#")
        params = callback_parameters(location)
        assert set(params) == {"id_token", "access_token", "token_type", "expires_in", "state"}
        assert params["token_type"] == "bearer" and params["expires_in"] == "3600"
        identity = await verified_claims(emu, app.pool_id, params["id_token"])
        assert identity["nonce"] == "nn"
        await raw.ok("GetUser", {"AccessToken": params["access_token"]})
        # Without openid there is no ID token.
        location = await driver.sign_in(
            authorize_url(app, response_type="token", scope="aws.cognito.signin.user.admin")
        )
        assert isinstance(location, str)
        assert set(callback_parameters(location)) == {
            "access_token",
            "token_type",
            "expires_in",
            "state",
        }


async def test_refresh_grant_keeps_the_granted_scopes(emu: Emulator, raw: Raw) -> None:
    app = oauth_app(emu, scopes=("openid", "aws.cognito.signin.user.admin"))
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        first = await driver.tokens(app, scope="openid aws.cognito.signin.user.admin")
        status, _, body = await driver.token(
            app.base,
            {
                "grant_type": "refresh_token",
                "client_id": app.client_id,
                "refresh_token": first["refresh_token"],
            },
        )
    assert status == 200 and set(body) == {"id_token", "access_token", "expires_in", "token_type"}
    access = await verified_claims(emu, app.pool_id, body["access_token"])
    assert access["scope"] == "openid aws.cognito.signin.user.admin" and access["version"] == 2
    original = await verified_claims(emu, app.pool_id, first["access_token"])
    assert access["origin_jti"] == original["origin_jti"]
    # The API's refresh of a hosted sign-in keeps its scopes too.
    refreshed = await raw.ok(
        "GetTokensFromRefreshToken",
        {"ClientId": app.client_id, "RefreshToken": first["refresh_token"]},
    )
    again = await verified_claims(
        emu, app.pool_id, refreshed["AuthenticationResult"]["AccessToken"]
    )
    assert again["scope"] == access["scope"]


async def test_refresh_grant_rotates_when_the_client_does(
    emu: Emulator, clock: ManualClock
) -> None:
    app = oauth_app(emu, refresh_token_rotation={"Feature": "ENABLED"})
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        first = await driver.tokens(app)
        refresh = {"grant_type": "refresh_token", "client_id": app.client_id}
        status, _, second = await driver.token(
            app.base, {**refresh, "refresh_token": first["refresh_token"]}
        )
        assert status == 200 and second["refresh_token"] != first["refresh_token"]
        clock.advance(1)
        status, _, reused = await driver.token(
            app.base, {**refresh, "refresh_token": first["refresh_token"]}
        )
        assert (status, reused) == (400, {"error": "invalid_grant"})
        status, _, third = await driver.token(
            app.base, {**refresh, "refresh_token": second["refresh_token"]}
        )
        assert status == 200 and "refresh_token" in third


async def test_client_credentials_grant(emu: Emulator, raw: Raw) -> None:
    app = m2m_app(emu)
    assert app.secret is not None
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        auth = basic(app.client_id, app.secret)
        status, headers, body = await driver.token(
            app.base, {"grant_type": "client_credentials"}, authorization=auth
        )
        assert status == 200 and set(body) == {"access_token", "expires_in", "token_type"}
        assert headers["Access-Control-Allow-Origin"] == "*"
        claims = await verified_claims(emu, app.pool_id, body["access_token"])
        assert claims["sub"] == claims["client_id"] == app.client_id
        assert claims["scope"] == "orders/read orders/write" and claims["version"] == 2
        assert not {"username", "origin_jti", "aud"} & set(claims)
        status, _, body = await driver.token(
            app.base,
            {
                "grant_type": "client_credentials",
                "client_id": app.client_id,
                "client_secret": app.secret,
                "scope": "orders/read",
            },
        )
        assert status == 200
        assert (await verified_claims(emu, app.pool_id, body["access_token"]))["scope"] == (
            "orders/read"
        )
    # A machine token is no user's: the user operations refuse it.
    status, _, error = await raw("GetUser", {"AccessToken": body["access_token"]})
    assert status == 400 and error["__type"] in ("NotAuthorizedException", "UserNotFoundException")


async def test_userinfo(emu: Emulator, raw: Raw) -> None:
    app = oauth_app(emu, read_attributes=["email", "email_verified", "given_name", "phone_number"])
    add_user(emu, app, given_name="Alice", phone_number="+15555550100", family_name="Hidden")
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        tokens = await driver.tokens(app, scope="openid email aws.cognito.signin.user.admin")
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        async with session.get(f"{app.base}/oauth2/userInfo", headers=bearer) as resp:
            assert resp.status == 200
            info = await resp.json()
        async with session.post(f"{app.base}/oauth2/userInfo", headers=bearer) as resp:
            assert resp.status == 200 and await resp.json() == info
        # An API-flow token has no openid scope.
        api = await raw.ok(
            "InitiateAuth",
            {
                "ClientId": emu.create_user_pool_client(
                    app.pool_id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"]
                ).id,
                "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
            },
        )
        api_bearer = {"Authorization": f"Bearer {api['AuthenticationResult']['AccessToken']}"}
        async with session.get(f"{app.base}/oauth2/userInfo", headers=api_bearer) as resp:
            assert resp.status == 401
            assert 'error="invalid_token"' in resp.headers["WWW-Authenticate"]
        async with session.get(f"{app.base}/oauth2/userInfo") as resp:
            assert resp.status == 400
            assert 'error="invalid_request"' in resp.headers["WWW-Authenticate"]
        await raw.ok("GlobalSignOut", {"AccessToken": tokens["access_token"]})
        async with session.get(f"{app.base}/oauth2/userInfo", headers=bearer) as resp:
            assert resp.status == 401 and (await resp.json())["error"] == "invalid_token"
    user = emu.core.pools[app.pool_id].user("alice")
    assert user is not None
    assert info == {
        "sub": user.sub,
        "email": "alice@example.com",
        "username": "alice",
    }


async def test_userinfo_scopes_pick_attributes(emu: Emulator) -> None:
    app = oauth_app(emu, scopes=("openid", "profile", "phone"))
    add_user(emu, app, given_name="Alice", phone_number="+15555550100")
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        tokens = await driver.tokens(app, scope="openid profile phone")
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        async with session.get(f"{app.base}/oauth2/userInfo", headers=bearer) as resp:
            info = await resp.json()
    assert info["given_name"] == "Alice" and info["phone_number"] == "+15555550100"
    assert "email" not in info and info["username"] == "alice"


async def test_revocation_endpoint(emu: Emulator, raw: Raw) -> None:
    app = oauth_app(emu, secret=True)
    add_user(emu, app)
    assert app.secret is not None
    auth = basic(app.client_id, app.secret)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        code = await driver.code(app)
        _, _, tokens = await driver.token(
            app.base,
            {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
            authorization=auth,
        )

        async def revoke(data: dict[str, str], authorization: str | None = auth) -> Any:
            headers = {"Authorization": authorization} if authorization else {}
            async with session.post(
                f"{app.base}/oauth2/revoke", data=data, headers=headers
            ) as resp:
                return resp.status, await resp.read()

        assert await revoke({"token": tokens["access_token"]}) == (
            400,
            b'{"error":"unsupported_token_type"}',
        )
        assert (await revoke({"token": tokens["refresh_token"]}, basic(app.client_id, "bad")))[
            0
        ] == 401
        assert await revoke({"token": tokens["refresh_token"]}) == (200, b"")
        assert await revoke({"token": tokens["refresh_token"]}) == (200, b"")
        assert await revoke({"token": "unknown-token"}) == (200, b"")
        assert (await revoke({}))[0] == 400
        status, _, body = await driver.token(
            app.base,
            {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            authorization=auth,
        )
        assert (status, body) == (400, {"error": "invalid_grant"})
    status, _, error = await raw("GetUser", {"AccessToken": tokens["access_token"]})
    assert (status, error["message"]) == (400, "Access Token has been revoked")


async def test_logout(emu: Emulator) -> None:
    app = oauth_app(emu)
    async with new_session() as session:

        async def logout(**params: str) -> tuple[int, str | None]:
            async with session.get(
                f"{app.base}/logout", params=params, allow_redirects=False
            ) as resp:
                return resp.status, resp.headers.get("Location")

        assert await logout(client_id=app.client_id, logout_uri=LOGOUT) == (302, LOGOUT)
        status, location = await logout(client_id=app.client_id, logout_uri="https://evil.example")
        assert status == 302 and location is not None
        assert location.startswith("/domains/my-app/error?error=redirect_mismatch")
        status, location = await logout(
            client_id=app.client_id, redirect_uri=CALLBACK, response_type="code"
        )
        assert status == 302 and location is not None
        assert location.startswith("/domains/my-app/login?")
        status, location = await logout(client_id="nobody", logout_uri=LOGOUT)
        assert location is not None and "/error?error=invalid_request" in location


async def test_discovery_lists_only_what_is_served(emu: Emulator) -> None:
    pool = emu.create_user_pool("plain")
    async with aiohttp.ClientSession() as session:
        url = f"{emu.endpoint}/{pool.id}/.well-known/openid-configuration"
        async with session.get(url) as resp:
            bare = await resp.json()
        assert "authorization_endpoint" not in bare and "token_endpoint" not in bare
        assert bare["issuer"] == f"{emu.endpoint}/{pool.id}"
        base = emu.create_user_pool_domain(pool.id, "plain-app")
        async with session.get(url) as resp:
            config = await resp.json()
        assert config["authorization_endpoint"] == f"{base}/oauth2/authorize"
        assert config["token_endpoint"] == f"{base}/oauth2/token"
        assert config["userinfo_endpoint"] == f"{base}/oauth2/userInfo"
        assert config["revocation_endpoint"] == f"{base}/oauth2/revoke"
        assert config["end_session_endpoint"] == f"{base}/logout"
        for key in ("token_endpoint", "revocation_endpoint"):
            async with session.post(config[key], data={}) as resp:
                assert resp.status in (400, 401), key
        for key in ("authorization_endpoint", "end_session_endpoint"):
            async with session.get(config[key], allow_redirects=False) as resp:
                assert resp.status == 302, key
        async with session.get(config["userinfo_endpoint"]) as resp:
            assert resp.status == 400


async def test_host_header_routing(emu: Emulator) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    host = {"Host": f"my-app.auth.{emu.region}.amazoncognito.com"}
    async with new_session() as session:
        url = authorize_url(app).replace(app.base, emu.endpoint)
        async with session.get(url, headers=host, allow_redirects=False) as resp:
            assert resp.status == 302 and resp.headers["Location"].startswith("/login?")
        wrong_region = {"Host": "my-app.auth.eu-west-1.amazoncognito.com"}
        async with session.get(url, headers=wrong_region, allow_redirects=False) as resp:
            assert resp.status == 404
        async with session.get(url, allow_redirects=False) as resp:
            assert resp.status == 404  # no Host routing for the emulator's own address
        async with session.post(
            f"{emu.endpoint}/oauth2/token", data={"grant_type": "nope"}, headers=host
        ) as resp:
            assert (resp.status, await resp.json()) == (400, {"error": "unsupported_grant_type"})
        async with session.get(f"{emu.endpoint}/_emulator/health", headers=host) as resp:
            assert resp.status == 200


async def test_faults_reach_the_oauth_endpoints(emu: Emulator) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    emu.faults.add("throttle", operation="oauth2/token")
    emu.faults.add("internal_error", operation="login")
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        status, _, body = await driver.token(app.base, {"grant_type": "client_credentials"})
        assert (status, body) == (429, {"error": "too_many_requests"})
        page = await driver.open(authorize_url(app))
        assert isinstance(page, Page) and page.status == 500
        code = await driver.code(app)
        emu.faults.add("drop_after", operation="oauth2/token")
        grant = code_grant(app, code)
        with pytest.raises(aiohttp.ClientError):
            await driver.token(app.base, grant)
        # The lost answer's code was spent all the same.
        status, _, body = await driver.token(app.base, grant)
        assert (status, body) == (400, {"error": "invalid_grant"})
    kinds = [(op, kind) for op, kind in emu.faults.injected]
    assert kinds == [
        ("oauth2/token", "throttle"),
        ("login", "internal_error"),
        ("oauth2/token", "drop_after"),
    ]

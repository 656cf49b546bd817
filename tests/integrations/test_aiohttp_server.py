"""bearer_auth and require_token on a real aiohttp.web server (aiohttp's test client)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given, settings
from hypothesis import strategies as st
from jwks_support import JwksServer, access_claims, id_claims, rsa_key

from authflow.integrations.aiohttp import AUTH_KEY, bearer_auth, require_token
from authflow.integrations.bearer import MISSING_CREDENTIALS, BearerRefusal, bearer_token
from authflow.protocol.errors import ValidationError
from authflow.verify import TokenClaims, TokenVerifier

# request["auth"] is a plain string key, as documented; aiohttp's own default filter hides this
# advice outside tests.
pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web.NotAppKeyWarning")


def build_app(verifier: TokenVerifier, **options: Any) -> web.Application:
    async def public(request: web.Request) -> web.Response:
        claims = request[AUTH_KEY]
        return web.json_response({"auth": None if claims is None else claims.username})

    @require_token()
    async def me(request: web.Request) -> web.Response:
        claims = request[AUTH_KEY]
        assert isinstance(claims, TokenClaims)
        return web.json_response({"username": claims.username})

    @require_token(scopes=["orders/read"])
    async def orders(request: web.Request) -> web.Response:
        return web.json_response({"orders": [], "user": request[AUTH_KEY].username})

    @require_token(scopes=["orders/read", "orders/write"])
    async def write(request: web.Request) -> web.Response:
        return web.json_response({})

    @require_token(groups=["admins"])
    async def admin(request: web.Request) -> web.Response:
        return web.json_response({})

    @require_token(groups=["admins", "editors"])
    class Edit(web.View):
        async def get(self) -> web.Response:
            return web.json_response({"editor": self.request[AUTH_KEY].username})

    app = web.Application(middlewares=[bearer_auth(verifier, realm="api", **options)])
    app.router.add_get("/public", public)
    app.router.add_get("/me", me)
    app.router.add_get("/orders", orders)
    app.router.add_get("/write", write)
    app.router.add_get("/admin", admin)
    app.router.add_view("/edit", Edit)
    return app


@pytest.fixture
async def client(verifier: TokenVerifier) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with TestClient(TestServer(build_app(verifier))) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_valid_token_reaches_the_handler_with_claims(client: TestClient, server: JwksServer) -> None:  # type: ignore[type-arg]
    token = rsa_key(0).sign(access_claims(server.issuer))
    for path, expected in (("/me", {"username": "alice"}),
                           ("/orders", {"orders": [], "user": "alice"}),
                           ("/edit", {"editor": "alice"})):
        response = await client.get(path, headers=bearer(token))
        assert response.status == 200, await response.text()
        assert await response.json() == expected


async def test_public_routes_read_no_token(client: TestClient, server: JwksServer) -> None:  # type: ignore[type-arg]
    for headers in ({}, bearer("garbage"), {"Authorization": "Basic eDp5"}):
        response = await client.get("/public", headers=headers)
        assert response.status == 200 and await response.json() == {"auth": None}
    assert server.requests == 0


async def test_no_credentials_is_401_without_an_error_code(client: TestClient) -> None:  # type: ignore[type-arg]
    for headers in ({}, {"Authorization": "Basic eDp5"}, {"Authorization": ""}):
        response = await client.get("/me", headers=headers)
        assert response.status == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


async def test_a_malformed_authorization_header_is_400_invalid_request(client: TestClient) -> None:  # type: ignore[type-arg]
    for value in ("Bearer", "Bearer ", "Bearer a b", "Bearer a,b", "Bearer \"x\"",
                  "Bearer !!!.e30.c2ln"):
        response = await client.get("/me", headers={"Authorization": value})
        assert response.status == 400, value
        assert 'error="invalid_request"' in response.headers["WWW-Authenticate"]
    response = await client.get("/me", headers=[("Authorization", "Bearer a.b.c"),
                                                ("Authorization", "Bearer d.e.f")])
    assert response.status == 400


def bad_tokens(server: JwksServer) -> dict[str, str]:
    now = time.time()
    return {
        "not three segments": "abc.def",
        "bad base64": "e30+.e30.c2ln",  # b64token syntax, but not base64url
        "unknown kid": rsa_key(1).sign(access_claims(server.issuer)),
        "other key, our kid": rsa_key(1).sign(access_claims(server.issuer), kid=rsa_key(0).kid),
        "alg none": jwt.encode(access_claims(server.issuer), None, algorithm="none",
                               headers={"kid": rsa_key(0).kid}),
        "hs256 with the public key": rsa_key(0).forge_hs256(access_claims(server.issuer)),
        "expired by 1 s": rsa_key(0).sign(access_claims(server.issuer, now=now - 3601)),
        "id token": rsa_key(0).sign(id_claims(server.issuer)),
        "other client": rsa_key(0).sign(access_claims(server.issuer, client_id="other")),
        "other issuer": rsa_key(0).sign(access_claims(server.issuer + "x")),
    }


async def test_refused_tokens_are_401_invalid_token_and_never_echoed(
    client: TestClient, server: JwksServer  # type: ignore[type-arg]
) -> None:
    for name, token in bad_tokens(server).items():
        response = await client.get("/me", headers=bearer(token))
        assert response.status == 401, name
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="api", error="invalid_token", error_description="')
        body = await response.json()
        assert body["error"] == "invalid_token" and body["error_description"]
        text = challenge + await response.text()
        assert all(part not in text for part in token.split(".") if len(part) > 8), name


async def test_a_huge_token_is_refused_without_a_500(client: TestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/me", headers=bearer("A" * 7000 + ".e30.c2ln"))
    assert response.status == 401
    response = await client.get("/me", headers=bearer("A" * (1024 * 1024)))
    assert 400 <= response.status < 500  # aiohttp's own header limit answers first


async def test_missing_scope_or_group_is_403_insufficient_scope(
    client: TestClient, server: JwksServer  # type: ignore[type-arg]
) -> None:
    token = rsa_key(0).sign(access_claims(server.issuer))
    response = await client.get("/write", headers=bearer(token))
    assert response.status == 403
    challenge = response.headers["WWW-Authenticate"]
    assert 'error="insufficient_scope"' in challenge
    assert 'scope="orders/read orders/write"' in challenge
    assert (await response.json())["scope"] == "orders/read orders/write"
    response = await client.get("/admin", headers=bearer(token))
    assert response.status == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    expired = rsa_key(0).sign(access_claims(server.issuer, now=time.time() - 7200))
    assert (await client.get("/write", headers=bearer(expired))).status == 401


@pytest.mark.parametrize("mode", ["500", "html", "empty", "hang"])
async def test_an_unavailable_jwks_is_503_never_500(
    client: TestClient, server: JwksServer, mode: str  # type: ignore[type-arg]
) -> None:
    server.mode = mode
    response = await client.get("/me", headers=bearer(rsa_key(0).sign(access_claims(server.issuer))))
    assert response.status == 503
    assert response.headers["Retry-After"] == "5"
    assert (await response.json())["error"] == "temporarily_unavailable"


async def test_protect_all_guards_every_route(verifier: TokenVerifier, server: JwksServer) -> None:
    async with TestClient(TestServer(build_app(verifier, protect_all=True))) as client:
        assert (await client.get("/public")).status == 401
        token = rsa_key(0).sign(access_claims(server.issuer))
        response = await client.get("/public", headers=bearer(token))
        assert response.status == 200
        assert (await response.json())["auth"] == "alice"
        assert (await client.get("/missing", headers=bearer(token))).status == 404


async def test_a_marked_handler_without_the_middleware_fails_closed() -> None:
    @require_token()
    async def secret(request: web.Request) -> web.Response:
        return web.Response(text="secret")

    app = web.Application()
    app.router.add_get("/secret", secret)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/secret", headers=bearer("a.b.c"))
        assert response.status == 500
        assert "secret" not in await response.text()


def test_bad_options() -> None:
    with pytest.raises(ValidationError):
        require_token(scopes="orders/read")
    with pytest.raises(ValidationError):
        require_token(groups=["has space"])
    with pytest.raises(ValidationError):
        require_token(scopes=['quo"te'])
    with pytest.raises(ValidationError):
        bearer_auth("verifier")  # type: ignore[arg-type]


# -- the header parser ---------------------------------------------------------------------------


def test_bearer_token_parsing() -> None:
    assert bearer_token(["Bearer abc.def-_~+/.x=="]) == "abc.def-_~+/.x=="
    assert bearer_token(["bearer   abc  "]) == "abc"
    assert bearer_token([]) is MISSING_CREDENTIALS
    assert bearer_token(["Basic abc"]) is MISSING_CREDENTIALS
    assert bearer_token(["Bearerx abc"]) is MISSING_CREDENTIALS
    for value in ("Bearer", "Bearer a b", "Bearer =abc"):
        refusal = bearer_token([value])
        assert isinstance(refusal, BearerRefusal) and refusal.status == 400


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=3))
def test_bearer_token_of_any_header_values(values: list[str]) -> None:
    result = bearer_token(values)
    if isinstance(result, str):
        assert len(values) == 1 and result in values[0]
        assert result and " " not in result
    else:
        assert result.status in (400, 401)
        for header in result.headers("realm").values():
            header.encode("latin-1")  # a header value aiohttp and Starlette can send

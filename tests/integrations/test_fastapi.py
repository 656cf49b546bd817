"""CognitoBearer as a FastAPI dependency (httpx's ASGI transport, same event loop).

No ``from __future__ import annotations`` here: FastAPI resolves the routes' annotations at run
time, and ``Depends(anyone)`` names a local.
"""

import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from jwks_support import JwksServer, access_claims, id_claims, rsa_key

from authflow.integrations.fastapi import CognitoBearer
from authflow.protocol.errors import ValidationError
from authflow.verify import TokenClaims, TokenVerifier


def build_app(verifier: TokenVerifier) -> FastAPI:
    app = FastAPI()
    anyone = CognitoBearer(verifier, realm="api")
    writers = CognitoBearer(verifier, scopes=["orders/write"], realm="api")
    admins = CognitoBearer(verifier, groups=["admins"])

    @app.get("/me")
    async def me(claims: Annotated[TokenClaims, Depends(anyone)]) -> dict[str, Any]:
        return {"username": claims.username, "groups": sorted(claims.groups)}

    @app.post("/orders")
    async def orders(claims: Annotated[TokenClaims, Depends(writers)]) -> dict[str, Any]:
        return {}

    @app.get("/admin")
    async def admin(claims: Annotated[TokenClaims, Depends(admins)]) -> dict[str, Any]:
        return {}

    return app


@pytest.fixture
async def http(verifier: TokenVerifier) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(verifier))
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_valid_token_gives_the_claims(http: httpx.AsyncClient, server: JwksServer) -> None:
    response = await http.get("/me", headers=bearer(rsa_key(0).sign(access_claims(server.issuer))))
    assert response.status_code == 200
    assert response.json() == {"username": "alice", "groups": ["editors"]}


async def test_missing_and_malformed_credentials(http: httpx.AsyncClient) -> None:
    response = await http.get("/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    response = await http.get("/me", headers={"Authorization": "Bearer a b"})
    assert response.status_code == 400
    assert 'error="invalid_request"' in response.headers["WWW-Authenticate"]


async def test_refused_tokens_are_401_invalid_token(http: httpx.AsyncClient, server: JwksServer) -> None:
    for token in ("abc", rsa_key(1).sign(access_claims(server.issuer)),
                  rsa_key(0).sign(id_claims(server.issuer)),
                  rsa_key(0).sign(access_claims(server.issuer, now=time.time() - 3601)),
                  rsa_key(0).forge_hs256(access_claims(server.issuer)),
                  "A" * (1024 * 1024)):
        response = await http.get("/me", headers=bearer(token))
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
        assert response.json()["detail"]["error"] == "invalid_token"
        assert token[:40] not in response.text


async def test_missing_scope_and_group_are_403(http: httpx.AsyncClient, server: JwksServer) -> None:
    token = rsa_key(0).sign(access_claims(server.issuer))
    response = await http.post("/orders", headers=bearer(token))
    assert response.status_code == 403
    assert 'scope="orders/write"' in response.headers["WWW-Authenticate"]
    response = await http.get("/admin", headers=bearer(token))
    assert response.status_code == 403


@pytest.mark.parametrize("mode", ["500", "html", "empty", "hang"])
async def test_an_unavailable_jwks_is_503(http: httpx.AsyncClient, server: JwksServer, mode: str) -> None:
    server.mode = mode
    response = await http.get("/me", headers=bearer(rsa_key(0).sign(access_claims(server.issuer))))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


def test_openapi_documents_a_bearer_jwt_scheme(verifier: TokenVerifier) -> None:
    schema = build_app(verifier).openapi()
    assert schema["components"]["securitySchemes"]["CognitoBearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schema["paths"]["/me"]["get"]["security"] == [{"CognitoBearer": []}]


def test_bad_options(verifier: TokenVerifier) -> None:
    with pytest.raises(ValidationError):
        CognitoBearer("verifier")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        CognitoBearer(verifier, scopes="orders/write")

"""A JWKS server of our own (aiohttp.web on 127.0.0.1) and RS256 tokens signed with PyJWT.

Used where the emulator cannot help: rotating keys, a JWKS endpoint that fails in a chosen way,
tokens with hand-picked claims (groups, scopes, nbf, other pools' keys, forged algorithms).
Also imported by bench/verify.py for its key-rotation storm.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from types import TracebackType
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

POOL_ID = "us-east-1_TestPool1"
CLIENT_ID = "testclient1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class RsaKey:
    """An RSA private key with a ``kid``, its public JWK and a signer."""

    def __init__(self, kid: str, bits: int = 2048) -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=bits)

    def jwk(self) -> dict[str, Any]:
        entry: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        entry.update(kid=self.kid, alg="RS256", use="sig")
        return entry

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        """RS256 over ``claims`` as given (PyJWT's JWS layer: no claim validation)."""
        return self.sign_bytes(json.dumps(claims).encode(), **header)

    def sign_bytes(self, payload: bytes, **header: Any) -> str:
        headers = {"kid": self.kid, **header}
        return jwt.api_jws.encode(payload, self.private, algorithm="RS256", headers=headers)

    def forge_hs256(self, claims: dict[str, Any]) -> str:
        """An HS256 token whose HMAC secret is this key's public PEM (the classic confusion)."""
        head = b64url(json.dumps({"alg": "HS256", "kid": self.kid}).encode())
        body = b64url(json.dumps(claims).encode())
        mac = hmac.new(self.public_pem(), f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{b64url(mac)}"


@functools.cache
def rsa_key(index: int) -> RsaKey:
    """The ``index``-th test key (generated once per process: RSA generation is slow)."""
    return RsaKey(f"test-kid-{index}")


def unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"sig") -> str:
    """A token with any header and claims and a bogus signature."""
    return ".".join(
        [b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()), b64url(signature)]
    )


def access_claims(issuer: str, *, now: float | None = None, **over: Any) -> dict[str, Any]:
    """Claims shaped like a Cognito access token's (AWS's code-grant sample)."""
    now = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "iss": issuer,
        "client_id": CLIENT_ID,
        "origin_jti": str(uuid.uuid4()),
        "event_id": str(uuid.uuid4()),
        "token_use": "access",
        "scope": "openid email orders/read",
        "auth_time": now,
        "exp": now + 3600,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "username": "alice",
        "cognito:groups": ["editors"],
        "version": 2,
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def id_claims(issuer: str, *, now: float | None = None, **over: Any) -> dict[str, Any]:
    """Claims shaped like a Cognito ID token's."""
    now = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "iss": issuer,
        "aud": CLIENT_ID,
        "cognito:username": "alice",
        "token_use": "id",
        "auth_time": now,
        "exp": now + 3600,
        "iat": now,
        "email": "alice@example.com",
        "email_verified": True,
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


class JwksServer:
    """Serves ``/{pool}/.well-known/jwks.json`` on 127.0.0.1 with the keys in :attr:`keys`.

    :attr:`mode` picks the answer: ``ok``, ``html`` (an error page with 200), ``500``,
    ``empty`` (``{"keys": []}``), ``hang`` (never answers), ``notjson``, ``huge``, ``redirect``.
    :attr:`requests` counts requests; :attr:`endpoint` is what a verifier takes as ``endpoint``.
    """

    def __init__(self, *keys: RsaKey, pool_id: str = POOL_ID) -> None:
        self.keys: list[RsaKey] = list(keys)
        self.pool_id = pool_id
        self.mode = "ok"
        self.requests = 0
        self.delay = 0.0
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.endpoint = ""

    @property
    def issuer(self) -> str:
        return f"{self.endpoint}/{self.pool_id}"

    def rotate(self, key: RsaKey) -> None:
        """Publish ``key`` first; the older keys stay published."""
        self.keys.insert(0, key)

    async def _jwks(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if request.match_info["pool"] != self.pool_id:
            return web.Response(status=404)
        mode = self.mode
        if mode == "hang":
            await self._release.wait()
            return web.Response(status=504)
        if mode == "html":
            return web.Response(text="<html><body>Oops</body></html>", content_type="text/html")
        if mode == "500":
            return web.Response(status=500, text="internal error")
        if mode == "empty":
            return web.json_response({"keys": []})
        if mode == "notjson":
            return web.Response(body=b"\xff\xfe{", content_type="application/json")
        if mode == "huge":
            return web.Response(body=b" " * (512 * 1024), content_type="application/json")
        if mode == "redirect":
            raise web.HTTPFound("http://127.0.0.1:1/jwks.json")
        return web.json_response({"keys": [k.jwk() for k in self.keys]})

    async def __aenter__(self) -> JwksServer:
        app = web.Application()
        app.router.add_get("/{pool}/.well-known/jwks.json", self._jwks)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.endpoint = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._release.set()
        assert self._runner is not None
        await self._runner.cleanup()


def kids(count: int) -> Iterator[str]:
    """``count`` distinct random-looking kids."""
    return (str(uuid.uuid4()) for _ in range(count))

"""A FastAPI API protected by Cognito access tokens (the ``fastapi`` extra).

Run it against the bundled emulator (no AWS account needed; calls go through httpx's ASGI
transport, so no server process is started)::

    python examples/fastapi_app.py

Against a real user pool, build the verifier for your pool and serve ``create_app(verifier)``
with any ASGI server (``uvicorn module:app``).

No ``from __future__ import annotations``: FastAPI reads the route annotations at run time.
"""

import asyncio
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator
from authflow.integrations.fastapi import CognitoBearer
from authflow.verify import TokenClaims, TokenVerifier

PROFILE_SCOPE = "aws.cognito.signin.user.admin"


def create_app(verifier: TokenVerifier) -> FastAPI:
    """The API: ``/hello`` public, ``/me`` and ``/profile`` behind ``verifier``."""
    signed_in = CognitoBearer(verifier, realm="example")
    with_profile = CognitoBearer(verifier, scopes=[PROFILE_SCOPE], realm="example")

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        yield
        await verifier.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/me")
    async def me(claims: Annotated[TokenClaims, Depends(signed_in)]) -> dict[str, Any]:
        return {"username": claims.username, "sub": claims.sub}

    @app.get("/profile")
    async def profile(claims: Annotated[TokenClaims, Depends(with_profile)]) -> dict[str, Any]:
        return {"scopes": sorted(claims.scopes)}

    return app


async def demo() -> dict[str, int]:
    """Start the emulator, sign a user in, call the API with and without the user's token;
    return ``{path: status}``."""
    async with Emulator() as emu:
        pool = emu.create_user_pool("example", auto_verified_attributes=["email"])
        app_client = emu.create_user_pool_client(
            pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        )
        config = CognitoConfig(user_pool_id=pool.id, client_id=app_client.id, endpoint=emu.endpoint)
        async with AuthClient(config) as auth:
            signup = auth.sign_up("alice", "Correct-Horse-9!", attributes={"email": "a@x.test"})
            await signup.step()
            await signup.step(emu.outbox.latest(username="alice").code)
            flow = auth.sign_in("alice", "Correct-Horse-9!", auth_flow="USER_PASSWORD_AUTH")
            await flow.step()
            token = await auth.access_token(flow.session_key)

            verifier = TokenVerifier(pool.id, client_ids=[app_client.id], token_use="access",
                                     endpoint=emu.endpoint)
            app = create_app(verifier)
            statuses: dict[str, int] = {}
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
                for path in ("/hello", "/me", "/profile"):
                    response = await http.get(path, headers={"Authorization": f"Bearer {token}"})
                    statuses[path] = response.status_code
                    print(path, response.status_code, response.json())
                response = await http.get("/me")
                statuses["/me without a token"] = response.status_code
                print("/me without a token", response.status_code,
                      response.headers["WWW-Authenticate"])
            await verifier.close()
            return statuses


if __name__ == "__main__":
    asyncio.run(demo())

"""An aiohttp.web API protected by Cognito access tokens, called as the signed-in user.

Run it against the bundled emulator (no AWS account needed)::

    python examples/aiohttp_app.py

Against a real user pool, build the verifier for your pool and serve the same app::

    verifier = TokenVerifier("us-east-1_AbCdEf123", client_ids=["<app client id>"],
                             token_use="access")
    web.run_app(create_app(verifier))
"""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator
from authflow.integrations.aiohttp import bearer_auth, require_token
from authflow.integrations.aiohttp_client import BearerAuth
from authflow.verify import TokenVerifier

# API sign-ins (SRP, password) grant this scope; hosted-UI tokens carry the scopes you configure.
PROFILE_SCOPE = "aws.cognito.signin.user.admin"


async def hello(request: web.Request) -> web.Response:
    """A public route: no token needed, none read."""
    return web.json_response({"hello": "world"})


@require_token()
async def me(request: web.Request) -> web.Response:
    """Any valid access token of the pool's app client."""
    claims = request["auth"]
    return web.json_response({"username": claims.username, "sub": claims.sub})


@require_token(scopes=[PROFILE_SCOPE])
async def profile(request: web.Request) -> web.Response:
    """A route that also needs a scope (403 insufficient_scope without it)."""
    return web.json_response({"scopes": sorted(request["auth"].scopes)})


def create_app(verifier: TokenVerifier) -> web.Application:
    """The API: ``/hello`` public, ``/me`` and ``/profile`` behind ``verifier``."""
    app = web.Application(middlewares=[bearer_auth(verifier, realm="example")])
    app.router.add_get("/hello", hello)
    app.router.add_get("/me", me)
    app.router.add_get("/profile", profile)

    async def close_verifier(_app: web.Application) -> None:
        await verifier.close()

    app.on_cleanup.append(close_verifier)
    return app


async def demo() -> dict[str, int]:
    """Start the emulator and the API, sign a user in, call the API as that user and without a
    token; return ``{path: status}``."""
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

            verifier = TokenVerifier(pool.id, client_ids=[app_client.id], token_use="access",
                                     endpoint=emu.endpoint)
            runner = web.AppRunner(create_app(verifier))
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            base = f"http://127.0.0.1:{runner.addresses[0][1]}"
            statuses: dict[str, int] = {}
            try:
                as_alice = BearerAuth(auth, flow.session_key, origins=[base])
                async with aiohttp.ClientSession(middlewares=(as_alice,)) as http:
                    for path in ("/hello", "/me", "/profile"):
                        async with http.get(base + path) as response:
                            statuses[path] = response.status
                            print(path, response.status, await response.json())
                async with aiohttp.ClientSession() as anonymous, anonymous.get(base + "/me") as r:
                    statuses["/me without a token"] = r.status
                    print("/me without a token", r.status, r.headers["WWW-Authenticate"])
            finally:
                await runner.cleanup()
            return statuses


if __name__ == "__main__":
    asyncio.run(demo())

"""``authflow demo``: a short sign-in story against the embedded emulator, transitions printed.

An admin creates ``alice`` with a temporary password; she signs in with SRP and answers
NEW_PASSWORD_REQUIRED; she signs in again with her new password, reads an access token, refreshes
and signs out. No token or password is printed: only claims and lengths.
"""

from __future__ import annotations

from collections.abc import Callable

from authflow.client import AuthClient
from authflow.config import CognitoConfig
from authflow.flows.base import TransitionEvent
from authflow.protocol.jwt import jwt_claims

__all__ = ["run_demo"]

TEMPORARY = "Temp-Pass-1!"
NEW_PASSWORD = "Correct-Horse-9!"


async def run_demo(out: Callable[[str], None] = print) -> int:
    """Run the story; return the process exit code (0 on success)."""
    from authflow.emulator import Emulator

    def show(event: TransitionEvent) -> None:
        out(f"    {event}")

    async with Emulator() as emu:
        pool = emu.create_user_pool("demo")
        app = emu.create_user_pool_client(
            pool.id,
            explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )
        out(f"emulator at {emu.endpoint}, pool {pool.id}, client {app.id}")
        config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint)
        async with AuthClient(config) as auth:
            await auth.transport.send(
                "AdminCreateUser",
                {
                    "UserPoolId": pool.id,
                    "Username": "alice",
                    "TemporaryPassword": TEMPORARY,
                    "UserAttributes": [
                        {"Name": "email", "Value": "alice@example.com"},
                        {"Name": "email_verified", "Value": "true"},
                    ],
                    "MessageAction": "SUPPRESS",
                },
            )
            out("1. admin created 'alice' with a temporary password (FORCE_CHANGE_PASSWORD)")

            out("2. first sign-in (USER_SRP_AUTH) with the temporary password")
            first = auth.sign_in("alice", TEMPORARY)
            first.on_transition(show)
            step = await first.step()
            out(f"   -> {step.state}: {step.challenge}, expects {list(step.expects)}")
            step = await first.step({"NEW_PASSWORD": NEW_PASSWORD})
            out(f"   -> {step.state}")
            await first.sign_out()

            out("3. sign-in with the new password (SRP proof answered by the engine)")
            flow = auth.sign_in("alice", NEW_PASSWORD)
            flow.on_transition(show)
            step = await flow.step()
            assert flow.session_key is not None and flow.tokens is not None
            # the key's random session id is a secret (it opens the stored session): not shown
            shown = (flow.session_key or "").rpartition(":")[0] + ":<session id>"
            out(f"   -> {step.state}; session stored under {shown}")

            token = await auth.access_token(flow.session_key)
            claims = jwt_claims(token)
            out(
                f"4. access token: {len(token)} chars, username={claims.get('username')}, "
                f"scope={claims.get('scope')}, expires in {int(claims['exp'] - claims['iat'])} s"
            )

            out("5. refresh")
            before = flow.tokens.access_token
            await flow.refresh()
            out(f"   -> {flow.state}; new access token: {flow.tokens.access_token != before}")

            out("6. sign out (RevokeToken)")
            await flow.sign_out()
            out(f"   -> {flow.state}")
    return 0

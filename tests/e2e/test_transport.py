"""authflow's own stack against the emulator: AiohttpTransport, typed protocol requests, and the
client half of authflow.srp — sign-up, SRP sign-in, refresh, typed errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from emulator.conftest import PASSWORD

from authflow.emulator import Emulator, ManualClock
from authflow.protocol import (
    AttributeType,
    CodeMismatchError,
    ConfirmSignUpRequest,
    GetUserRequest,
    InitiateAuthRequest,
    NotAuthorizedError,
    RespondToAuthChallengeRequest,
    SignUpRequest,
    pool_name_from_pool_id,
    secret_hash,
)
from authflow.srp import new_ephemeral, password_claim
from authflow.transport import AiohttpTransport, call


async def test_sign_up_and_srp_sign_in_with_a_secret_client(
    emu: Emulator, clock: ManualClock
) -> None:
    pool = emu.create_user_pool("stack", auto_verified_attributes=["email"])
    app = emu.create_user_pool_client(
        pool.id,
        generate_secret=True,
        explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )
    assert app.secret is not None
    async with AiohttpTransport(emu.endpoint) as transport:
        signed_up = await call(
            transport,
            SignUpRequest(
                client_id=app.id,
                secret_hash=secret_hash("alice", app.id, app.secret),
                username="alice",
                password=PASSWORD,
                user_attributes=[AttributeType(name="email", value="alice@example.com")],
            ),
        )
        assert signed_up.user_confirmed is False
        with pytest.raises(CodeMismatchError) as info:
            await call(
                transport,
                ConfirmSignUpRequest(
                    client_id=app.id,
                    secret_hash=secret_hash("alice", app.id, app.secret),
                    username="alice",
                    confirmation_code="0000000",
                ),
            )
        assert info.value.request_id and info.value.status == 400
        await call(
            transport,
            ConfirmSignUpRequest(
                client_id=app.id,
                secret_hash=secret_hash("alice", app.id, app.secret),
                username="alice",
                confirmation_code=emu.outbox.latest(username="alice").code,
            ),
        )

        ephemeral = new_ephemeral()
        challenge = await call(
            transport,
            InitiateAuthRequest(
                client_id=app.id,
                auth_flow="USER_SRP_AUTH",
                auth_parameters={
                    "USERNAME": "alice",
                    "SRP_A": ephemeral.srp_a,
                    "SECRET_HASH": secret_hash("alice", app.id, app.secret),
                },
            ),
        )
        assert challenge.challenge_name == "PASSWORD_VERIFIER"
        params = challenge.challenge_parameters or {}
        user_id = params["USER_ID_FOR_SRP"]
        claim = password_claim(
            pool_name=pool_name_from_pool_id(pool.id),
            user_id=user_id,
            password=PASSWORD,
            ephemeral=ephemeral,
            salt_hex=params["SALT"],
            srp_b_hex=params["SRP_B"],
            secret_block=params["SECRET_BLOCK"],
            now=datetime.fromtimestamp(clock(), UTC),
        )
        answer = await call(
            transport,
            RespondToAuthChallengeRequest(
                client_id=app.id,
                challenge_name="PASSWORD_VERIFIER",
                challenge_responses={
                    "USERNAME": user_id,
                    "SECRET_HASH": secret_hash(user_id, app.id, app.secret),
                    **claim.to_challenge_responses(),
                },
            ),
        )
        tokens = answer.authentication_result
        assert tokens is not None and tokens.access_token and tokens.refresh_token
        user = await call(transport, GetUserRequest(access_token=tokens.access_token))
        assert user.username == "alice"

        refreshed = await call(
            transport,
            InitiateAuthRequest(
                client_id=app.id,
                auth_flow="REFRESH_TOKEN_AUTH",
                auth_parameters={
                    "REFRESH_TOKEN": tokens.refresh_token,
                    "SECRET_HASH": secret_hash("alice", app.id, app.secret),
                },
            ),
        )
        assert refreshed.authentication_result is not None
        assert refreshed.authentication_result.refresh_token is None

        # The same claim again: the SECRET_BLOCK is spent.
        with pytest.raises(NotAuthorizedError, match="Incorrect username or password"):
            await call(
                transport,
                RespondToAuthChallengeRequest(
                    client_id=app.id,
                    challenge_name="PASSWORD_VERIFIER",
                    challenge_responses={
                        "USERNAME": user_id,
                        "SECRET_HASH": secret_hash(user_id, app.id, app.secret),
                        **claim.to_challenge_responses(),
                    },
                ),
            )

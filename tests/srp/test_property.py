"""Properties: for random passwords, salts and identities the client's S equals the server's S and
the server accepts the client's claim (both backends)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from srp_support import backend

from authflow.srp import (
    CognitoSRPContext,
    available_backends,
    compute_verifier,
    format_timestamp,
    new_ephemeral,
    new_server_ephemeral,
    pad_hex,
    password_claim,
    verify_password_claim,
)

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
pool_names = st.text(alphabet=ALNUM, min_size=1, max_size=12)
user_ids = st.text(min_size=1, max_size=40)
passwords = st.text(max_size=64)
salts = st.binary(min_size=1, max_size=32)
blocks = st.binary(min_size=1, max_size=64)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


def check_agreement(
    pool_name: str, user_id: str, password: str, salt: bytes, block: bytes, now: datetime
) -> None:
    v = compute_verifier(pool_name=pool_name, user_id=user_id, password=password, salt=salt)
    server = new_server_ephemeral(v)
    client = new_ephemeral()

    # S, both sides, from the srptools skeleton through our context.
    ctx = CognitoSRPContext(pool_name + user_id, password)
    u = int(ctx.get_common_secret(server.B, client.A))
    x = int(ctx.get_common_password_hash(pad_hex(int.from_bytes(salt, "big"))))
    client_s = ctx.get_client_premaster_secret(
        password_hash=x, server_public=server.B, client_private=client.a, common_secret=u
    )
    server_s = ctx.get_server_premaster_secret(
        password_verifier=v, server_private=server.b, client_public=client.A, common_secret=u
    )
    assert int(client_s) == int(server_s)

    # The claim, as the emulator will check it (SALT travels as hex of the salt integer).
    claim = password_claim(
        pool_name=pool_name,
        user_id=user_id,
        password=password,
        ephemeral=client,
        salt_hex=format(int.from_bytes(salt, "big"), "x"),
        srp_b_hex=server.srp_b,
        secret_block=base64.b64encode(block).decode(),
        now=now,
    )
    assert claim.timestamp == format_timestamp(now)
    assert verify_password_claim(
        pool_name=pool_name,
        user_id=user_id,
        verifier=v,
        srp_a_hex=client.srp_a,
        server=server,
        secret_block=block,
        timestamp=claim.timestamp,
        signature=claim.signature,
        now=now + timedelta(seconds=30),
    )


# 3072-bit exponentiations are expensive: few examples, no deadline (pure: ~60 ms an example).
@pytest.mark.skipif("gmpy2" not in available_backends(), reason="gmpy2 missing")
@settings(max_examples=25, deadline=None)
@given(pool_names, user_ids, passwords, salts, blocks, instants)
def test_client_and_server_agree_gmpy2(
    pool_name: str, user_id: str, password: str, salt: bytes, block: bytes, now: datetime
) -> None:
    with backend("gmpy2"):
        check_agreement(pool_name, user_id, password, salt, block, now)


@settings(max_examples=10, deadline=None)
@given(pool_names, user_ids, passwords, salts, blocks, instants)
def test_client_and_server_agree_pure(
    pool_name: str, user_id: str, password: str, salt: bytes, block: bytes, now: datetime
) -> None:
    with backend("pure"):
        check_agreement(pool_name, user_id, password, salt, block, now)

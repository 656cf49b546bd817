"""Every known-answer SRP vector, bit for bit, on both big-integer backends.

Vectors: tests/vectors/srp.json (docs/protocol-notes.md §8.2: user SRP, device SRP, non-ASCII password) and
tests/vectors/srp_published.json (docs/protocol-notes.md §8.1: cognito-srp-helper's published fixture).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from srp_support import BACKENDS, PUBLISHED, SRP, backend, replay

from authflow.srp import (
    CognitoSRPContext,
    G,
    K,
    N,
    ServerEphemeral,
    SrpEphemeral,
    compute_verifier,
    device_password_claim,
    generate_device_secret,
    get_backend,
    new_ephemeral,
    pad_hex,
    parse_timestamp,
    password_claim,
    verify_password_claim,
)
from authflow.srp._codec import derive_key

USER = SRP["user_srp"]
DEVICE = SRP["device_srp"]
# The non-ASCII variant shares every input with USER but the password, so v, B, u, S and what
# derives from them differ; keep only the shared inputs.
_DERIVED = {"x_hex", "v_hex", "u_hex", "u_padhex", "S_hex", "S_padhex", "B_padhex",
            "inner_hash_hex", "hkdf_key_hex", "PASSWORD_CLAIM_SIGNATURE"}
UNICODE = {
    **{k: v for k, v in USER.items() if k not in _DERIVED},
    **SRP["user_srp_unicode_password"],
}


def h(text: str) -> int:
    return int(text, 16)


@pytest.fixture(params=BACKENDS)
def srp_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    with backend(request.param):
        yield request.param


def test_group_constants() -> None:
    assert N.bit_length() == 3072
    assert G == 2
    assert format(K, "x") == USER["k_hex"]
    # k = H(padHex(N) || padHex(g)) over the 385-byte padHex(N) and the 1-byte 02.
    assert len(pad_hex(N)) == 385 and pad_hex(G) == b"\x02"
    assert K == int.from_bytes(hashlib.sha256(b"\x00" + N.to_bytes(384, "big") + b"\x02").digest())


def test_backend_is_really_switched(srp_backend: str) -> None:
    assert get_backend() == srp_backend
    ctx = CognitoSRPContext("x")
    assert ctx.backend == srp_backend
    assert (type(ctx._prime).__name__ == "mpz") == (srp_backend == "gmpy2")


@pytest.mark.parametrize("vector", [USER, UNICODE, PUBLISHED], ids=["user", "unicode", "published"])
def test_user_srp_intermediates(srp_backend: str, vector: dict[str, Any]) -> None:
    eph = SrpEphemeral.from_private(h(vector["a_hex"]))
    assert eph.srp_a == vector["A_hex_SRP_A"]
    big_b = h(vector["B_hex_SRP_B"])
    identity = vector["pool_name_part"] + vector["user_id_for_srp"]
    ctx = CognitoSRPContext(identity, vector["password"])
    u = int(ctx.get_common_secret(big_b, eph.A))
    assert format(u, "x") == vector["u_hex"]
    x = int(ctx.get_common_password_hash(pad_hex(h(vector["salt_hex"]))))
    if "x_hex" in vector:
        assert format(x, "064x") == vector["x_hex"]
    s = int(
        ctx.get_client_premaster_secret(
            password_hash=x, server_public=big_b, client_private=eph.a, common_secret=u
        )
    )
    if "S_hex" in vector:
        assert format(s, "x") == vector["S_hex"]
    assert derive_key(s, u).hex() == vector["hkdf_key_hex"]


def test_inner_hash(srp_backend: str) -> None:
    for vector in (USER, PUBLISHED):
        inner = hashlib.sha256(
            f"{vector['pool_name_part']}{vector['user_id_for_srp']}:{vector['password']}".encode()
        ).hexdigest()
        assert inner == vector["inner_hash_hex"]


@pytest.mark.parametrize("vector", [USER, UNICODE, PUBLISHED], ids=["user", "unicode", "published"])
def test_password_claim_signature(srp_backend: str, vector: dict[str, Any]) -> None:
    claim = password_claim(
        pool_name=vector["pool_name_part"],
        user_id=vector["user_id_for_srp"],
        password=vector["password"],
        ephemeral=SrpEphemeral.from_private(h(vector["a_hex"])),
        salt_hex=vector["salt_hex"],
        srp_b_hex=vector["B_hex_SRP_B"],
        secret_block=vector["secret_block_b64"],
        now=parse_timestamp(vector["timestamp"]),
    )
    assert claim.signature == vector["PASSWORD_CLAIM_SIGNATURE"]
    assert claim.timestamp == vector["timestamp"]
    assert claim.to_challenge_responses() == {
        "PASSWORD_CLAIM_SECRET_BLOCK": vector["secret_block_b64"],
        "PASSWORD_CLAIM_SIGNATURE": vector["PASSWORD_CLAIM_SIGNATURE"],
        "TIMESTAMP": vector["timestamp"],
    }


def test_unicode_password_bytes() -> None:
    assert UNICODE["password"].encode().hex() == UNICODE["password_utf8_hex"]


def test_new_ephemeral_uses_injected_randomness(srp_backend: str) -> None:
    eph = new_ephemeral(replay(bytes.fromhex(PUBLISHED["a_hex"])))
    assert eph.srp_a == PUBLISHED["A_hex_SRP_A"]


def test_server_side_user_vector(srp_backend: str) -> None:
    for vector in (USER, UNICODE):
        v = compute_verifier(
            pool_name=vector["pool_name_part"],
            user_id=vector["user_id_for_srp"],
            password=vector["password"],
            salt=bytes.fromhex(vector["salt_hex"]),
        )
        if vector is USER:
            assert format(v, "x") == vector["v_hex"]
        server = ServerEphemeral.from_private(h(vector["b_hex"]), v)
        assert server.srp_b == vector["B_hex_SRP_B"]
        ctx = CognitoSRPContext("")
        u = int(ctx.get_common_secret(server.B, h(vector["A_hex_SRP_A"])))
        s = ctx.get_server_premaster_secret(
            password_verifier=v, server_private=server.b, client_public=h(vector["A_hex_SRP_A"]),
            common_secret=u,
        )
        if vector is USER:
            assert format(int(s), "x") == vector["S_hex"]
        assert verify_password_claim(
            pool_name=vector["pool_name_part"],
            user_id=vector["user_id_for_srp"],
            verifier=v,
            srp_a_hex=vector["A_hex_SRP_A"],
            server=server,
            secret_block=base64.b64decode(vector["secret_block_b64"]),
            timestamp=vector["timestamp"],
            signature=vector["PASSWORD_CLAIM_SIGNATURE"],
            now=parse_timestamp(vector["timestamp"]),
        )


def test_device_verifier_config(srp_backend: str) -> None:
    secret = generate_device_secret(
        DEVICE["device_group_key"],
        DEVICE["device_key"],
        replay(
            base64.b64decode(DEVICE["device_random_password"]),
            bytes.fromhex(DEVICE["device_salt_hex"]),
        ),
    )
    assert secret.device_password == DEVICE["device_random_password"]
    assert secret.verifier_config() == DEVICE["DeviceSecretVerifierConfig"]
    assert base64.b64decode(secret.salt).hex() == DEVICE["device_salt_padhex"]
    assert base64.b64decode(secret.password_verifier).hex() == DEVICE["verifier_padhex"]


def test_device_intermediates(srp_backend: str) -> None:
    eph = SrpEphemeral.from_private(h(DEVICE["a_hex"]))
    assert eph.srp_a == DEVICE["A_hex_SRP_A"]
    ctx = CognitoSRPContext(DEVICE["device_group_key"] + DEVICE["device_key"],
                            DEVICE["device_random_password"])
    x = int(ctx.get_common_password_hash(pad_hex(h(DEVICE["device_salt_hex"]))))
    assert format(x, "x") == DEVICE["x_hex"]
    big_b = h(DEVICE["B_hex_SRP_B"])
    u = int(ctx.get_common_secret(big_b, eph.A))
    assert format(u, "x") == DEVICE["u_hex"]
    s = int(ctx.get_client_premaster_secret(
        password_hash=x, server_public=big_b, client_private=eph.a, common_secret=u))
    assert format(s, "x") == DEVICE["S_hex"]
    assert derive_key(s, u).hex() == DEVICE["hkdf_key_hex"]


def test_device_password_claim(srp_backend: str) -> None:
    claim = device_password_claim(
        device_group_key=DEVICE["device_group_key"],
        device_key=DEVICE["device_key"],
        device_password=DEVICE["device_random_password"],
        ephemeral=SrpEphemeral.from_private(h(DEVICE["a_hex"])),
        salt_hex=DEVICE["device_salt_hex"],
        srp_b_hex=DEVICE["B_hex_SRP_B"],
        secret_block=DEVICE["secret_block_b64"],
        now=parse_timestamp(DEVICE["timestamp"]),
    )
    assert claim.signature == DEVICE["PASSWORD_CLAIM_SIGNATURE"]
    assert claim.timestamp == DEVICE["timestamp"]


def test_device_server_side(srp_backend: str) -> None:
    config = DEVICE["DeviceSecretVerifierConfig"]
    v = int.from_bytes(base64.b64decode(config["PasswordVerifier"]), "big")
    assert v == compute_verifier(
        pool_name=DEVICE["device_group_key"],
        user_id=DEVICE["device_key"],
        password=DEVICE["device_random_password"],
        salt=base64.b64decode(config["Salt"]),
    )
    server = ServerEphemeral.from_private(h(DEVICE["b_hex"]), v)
    assert server.srp_b == DEVICE["B_hex_SRP_B"]
    assert verify_password_claim(
        pool_name=DEVICE["device_group_key"],
        user_id=DEVICE["device_key"],
        verifier=v,
        srp_a_hex=DEVICE["A_hex_SRP_A"],
        server=server,
        secret_block=base64.b64decode(DEVICE["secret_block_b64"]),
        timestamp=DEVICE["timestamp"],
        signature=DEVICE["PASSWORD_CLAIM_SIGNATURE"],
        now=parse_timestamp(DEVICE["timestamp"]),
    )

"""The async twins give the sync results and keep the event loop running meanwhile."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from srp_support import BACKENDS, SRP, backend, replay

from authflow.srp import (
    InvalidSrpParameterError,
    ServerEphemeral,
    SrpEphemeral,
    aio,
    available_backends,
    compute_verifier_async,
    device_password_claim_async,
    generate_device_secret_async,
    new_ephemeral,
    new_ephemeral_async,
    new_server_ephemeral,
    new_server_ephemeral_async,
    parse_timestamp,
    password_claim,
    password_claim_async,
    set_executor,
    shutdown_executors,
    verify_password_claim_async,
)

USER = SRP["user_srp"]
DEVICE = SRP["device_srp"]
T = TypeVar("T")


@pytest.fixture(params=BACKENDS)
def srp_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    with backend(request.param):
        yield request.param
    shutdown_executors()


def user_claim_args() -> dict[str, Any]:
    return dict(
        pool_name=USER["pool_name_part"],
        user_id=USER["user_id_for_srp"],
        password=USER["password"],
        ephemeral=SrpEphemeral.from_private(int(USER["a_hex"], 16)),
        salt_hex=USER["salt_hex"],
        srp_b_hex=USER["B_hex_SRP_B"],
        secret_block=USER["secret_block_b64"],
        now=parse_timestamp(USER["timestamp"]),
    )


async def ticks_during(make: Callable[[], Awaitable[T]]) -> tuple[T, int]:
    """Run ``make()`` while a ticker counts how often the loop got to it."""
    ticks = 0
    done = False

    async def ticker() -> None:
        nonlocal ticks
        while not done:
            await asyncio.sleep(0)
            ticks += 1

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)  # let the ticker start
    start = ticks
    try:
        result = await make()
        end = ticks
    finally:
        done = True
        await task
    return result, end - start


async def test_user_claim_matches_sync(srp_backend: str) -> None:
    claim = await password_claim_async(**user_claim_args())
    assert claim == password_claim(**user_claim_args())
    assert claim.signature == USER["PASSWORD_CLAIM_SIGNATURE"]


SEED = hashlib.sha512(b"authflow srp async test").digest()  # 64 bytes


async def test_ephemeral_matches_sync(srp_backend: str) -> None:
    eph = await new_ephemeral_async(replay(SEED))
    assert eph == new_ephemeral(replay(SEED))
    assert eph.a == int.from_bytes(SEED, "big")
    fresh = await new_ephemeral_async()
    assert 0 < fresh.a < 1 << 512


async def test_device_functions_match_vectors(srp_backend: str) -> None:
    secret = await generate_device_secret_async(
        DEVICE["device_group_key"],
        DEVICE["device_key"],
        replay(
            base64.b64decode(DEVICE["device_random_password"]),
            bytes.fromhex(DEVICE["device_salt_hex"]),
        ),
    )
    assert secret.verifier_config() == DEVICE["DeviceSecretVerifierConfig"]
    claim = await device_password_claim_async(
        device_group_key=DEVICE["device_group_key"],
        device_key=DEVICE["device_key"],
        device_password=DEVICE["device_random_password"],
        ephemeral=SrpEphemeral.from_private(int(DEVICE["a_hex"], 16)),
        salt_hex=DEVICE["device_salt_hex"],
        srp_b_hex=DEVICE["B_hex_SRP_B"],
        secret_block=DEVICE["secret_block_b64"],
        now=parse_timestamp(DEVICE["timestamp"]),
    )
    assert claim.signature == DEVICE["PASSWORD_CLAIM_SIGNATURE"]


async def test_server_functions_match_vectors(srp_backend: str) -> None:
    v = await compute_verifier_async(
        pool_name=USER["pool_name_part"],
        user_id=USER["user_id_for_srp"],
        password=USER["password"],
        salt=bytes.fromhex(USER["salt_hex"]),
    )
    assert format(v, "x") == USER["v_hex"]
    fresh = await new_server_ephemeral_async(v, replay(SEED))
    assert fresh == new_server_ephemeral(v, replay(SEED))
    server = ServerEphemeral.from_private(int(USER["b_hex"], 16), v)
    assert await verify_password_claim_async(
        pool_name=USER["pool_name_part"],
        user_id=USER["user_id_for_srp"],
        verifier=v,
        srp_a_hex=USER["A_hex_SRP_A"],
        server=server,
        secret_block=base64.b64decode(USER["secret_block_b64"]),
        timestamp=USER["timestamp"],
        signature=USER["PASSWORD_CLAIM_SIGNATURE"],
        now=parse_timestamp(USER["timestamp"]),
    )


async def test_errors_cross_the_executor(srp_backend: str) -> None:
    with pytest.raises(InvalidSrpParameterError) as info:
        await password_claim_async(**{**user_claim_args(), "srp_b_hex": "0"})
    assert info.value.field == "SRP_B"


async def test_loop_keeps_running(srp_backend: str) -> None:
    await password_claim_async(**user_claim_args())  # warm the pool up (processes start slowly)

    async def sign_ins() -> list[str]:
        eph = await new_ephemeral_async()
        claims = await asyncio.gather(
            *(password_claim_async(**{**user_claim_args(), "ephemeral": eph}) for _ in range(4))
        )
        return [c.signature for c in claims]

    signatures, ticks = await ticks_during(sign_ins)
    assert len(set(signatures)) == 1
    assert ticks >= 10

    # Control: the synchronous call gives the loop no chance at all.
    async def blocking() -> str:
        return password_claim(**user_claim_args()).signature

    _, ticks = await ticks_during(blocking)
    assert ticks == 0


def test_default_policy_by_backend() -> None:
    try:
        with backend("pure"):
            assert isinstance(aio._executor(), ProcessPoolExecutor)
        if "gmpy2" in available_backends():
            with backend("gmpy2"):
                assert isinstance(aio._executor(), ThreadPoolExecutor)
    finally:
        shutdown_executors()


class CountingExecutor(Executor):
    def __init__(self) -> None:
        self.calls = 0
        self.inner = ThreadPoolExecutor(1)

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        self.calls += 1
        return self.inner.submit(fn, *args, **kwargs)


async def test_set_executor() -> None:
    counting = CountingExecutor()
    set_executor(counting)
    try:
        claim = await password_claim_async(**user_claim_args())
        assert claim.signature == USER["PASSWORD_CLAIM_SIGNATURE"]
        assert counting.calls == 1
    finally:
        set_executor(None)
        counting.inner.shutdown()
    assert aio._executor() is not counting
    shutdown_executors()

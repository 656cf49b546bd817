"""Async twins of the SRP functions: same arguments, same results, the event loop keeps running.

Randomness is drawn on the caller's thread (it is cheap); only the modular exponentiations go to a
worker, chosen by measurement (``bench/srp_loop_lag.py``; figures in the :mod:`authflow.srp`
docstring):

* gmpy2 backend -> one dedicated worker thread. gmpy2 releases the GIL inside ``mpz_powm``
  (:func:`~authflow.srp.backend.gil_released`), so the loop only waits for the short pure-Python
  parts of the worker's job. Every extra thread added GIL hand-off contention for the loop
  thread: p99 lag was 0.7-2.8 ms with one thread, 0.6-5 ms with two, 5-8 ms with three and
  4.5-20 ms with the default executor's ``cpu_count + 4``. One thread still signs in about 400
  users per second.
* pure backend -> a ``spawn`` process pool with one process per CPU but one (at least 1, at most
  4). CPython's ``pow`` holds the GIL for a whole 3072-bit exponentiation (5-10 ms), so any
  thread stalls the loop (p99 13-45 ms with one thread); processes do not (p99 about 1 ms).
  Leaving a core to the loop measured better than using them all (2 processes on 2 cores: p99
  1.1-2 ms). As with any ``spawn`` pool, the program's main module must be import-safe
  (``if __name__ == "__main__":``); install ``authflow-cognito[fast]`` to avoid processes.

:func:`set_executor` replaces that policy with any :class:`concurrent.futures.Executor` (e.g. more
threads for throughput; a process executor must be able to pickle the arguments, which are plain
values). A cancelled call abandons its result; the worker finishes the computation anyway.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from authflow.protocol.errors import ValidationError
from authflow.srp.backend import get_backend, set_backend
from authflow.srp.client import (
    PasswordClaim,
    SrpEphemeral,
    device_password_claim,
    draw_private,
    password_claim,
)
from authflow.srp.context import N
from authflow.srp.device import (
    DEVICE_PASSWORD_BYTES,
    DEVICE_SALT_BYTES,
    DeviceSecret,
    device_secret_from_bytes,
)
from authflow.srp.server import (
    ServerEphemeral,
    compute_verifier,
    verify_password_claim,
)

__all__ = [
    "compute_verifier_async",
    "device_password_claim_async",
    "generate_device_secret_async",
    "new_ephemeral_async",
    "new_server_ephemeral_async",
    "password_claim_async",
    "set_executor",
    "shutdown_executors",
    "verify_password_claim_async",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")

_CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
_THREADS = 1
_PROCESSES = min(4, max(1, _CPUS - 1))
_MAX_DRAWS = 8
_lock = threading.Lock()
_custom: Executor | None = None
_threads: ThreadPoolExecutor | None = None
_processes: ProcessPoolExecutor | None = None


#: Niceness added to authflow's own SRP workers: the OS scheduler then prefers the event-loop
#: thread whenever both want a core, so a burst of sign-ins does not delay the loop's wake-ups
#: (measured by bench/loop_lag.py). Raising one's own niceness needs no privilege.
WORKER_NICENESS = 10


def _lower_priority() -> None:
    """Executor initializer: make the calling worker thread (Linux: a thread is a schedulable
    task with its own niceness) or process yield to the event loop."""
    try:
        tid = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, current + WORKER_NICENESS))
    except (AttributeError, OSError):  # not Linux/Unix, or not permitted: run as is
        pass


def _pure_worker() -> None:
    _lower_priority()
    set_backend("pure")


def set_executor(executor: Executor | None) -> None:
    """Run SRP work on ``executor`` from now on; ``None`` restores the default policy.

    authflow never shuts down an executor it was given.
    """
    global _custom
    with _lock:
        _custom = executor


def shutdown_executors(*, wait: bool = True) -> None:
    """Shut down the pools authflow created (they are re-created on demand)."""
    global _threads, _processes
    with _lock:
        pools: list[Executor] = [p for p in (_threads, _processes) if p is not None]
        _threads = _processes = None
    for pool in pools:
        pool.shutdown(wait=wait)


def _executor() -> Executor:
    global _threads, _processes
    with _lock:
        if _custom is not None:
            return _custom
        if get_backend() == "gmpy2":
            if _threads is None:
                _threads = ThreadPoolExecutor(
                    _THREADS, thread_name_prefix="authflow-srp", initializer=_lower_priority
                )
            return _threads
        if _processes is None:
            _processes = ProcessPoolExecutor(
                _PROCESSES,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_pure_worker,
            )
        return _processes


async def _offload(fn: Callable[_P, _R], /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(), functools.partial(fn, *args, **kwargs))


async def new_ephemeral_async(
    randbytes: Callable[[int], bytes] = secrets.token_bytes,
) -> SrpEphemeral:
    """:func:`~authflow.srp.client.new_ephemeral` off the event loop."""
    return await _offload(SrpEphemeral.from_private, draw_private(randbytes))


async def password_claim_async(
    *,
    pool_name: str,
    user_id: str,
    password: str,
    ephemeral: SrpEphemeral,
    salt_hex: str,
    srp_b_hex: str,
    secret_block: str,
    now: datetime,
) -> PasswordClaim:
    """:func:`~authflow.srp.client.password_claim` off the event loop."""
    return await _offload(
        password_claim,
        pool_name=pool_name,
        user_id=user_id,
        password=password,
        ephemeral=ephemeral,
        salt_hex=salt_hex,
        srp_b_hex=srp_b_hex,
        secret_block=secret_block,
        now=now,
    )


async def device_password_claim_async(
    *,
    device_group_key: str,
    device_key: str,
    device_password: str,
    ephemeral: SrpEphemeral,
    salt_hex: str,
    srp_b_hex: str,
    secret_block: str,
    now: datetime,
) -> PasswordClaim:
    """:func:`~authflow.srp.client.device_password_claim` off the event loop."""
    return await _offload(
        device_password_claim,
        device_group_key=device_group_key,
        device_key=device_key,
        device_password=device_password,
        ephemeral=ephemeral,
        salt_hex=salt_hex,
        srp_b_hex=srp_b_hex,
        secret_block=secret_block,
        now=now,
    )


async def generate_device_secret_async(
    device_group_key: str,
    device_key: str,
    randbytes: Callable[[int], bytes] = secrets.token_bytes,
) -> DeviceSecret:
    """:func:`~authflow.srp.device.generate_device_secret` off the event loop."""
    password_bytes = randbytes(DEVICE_PASSWORD_BYTES)
    salt_bytes = randbytes(DEVICE_SALT_BYTES)
    return await _offload(
        device_secret_from_bytes, device_group_key, device_key, password_bytes, salt_bytes
    )


async def compute_verifier_async(
    *, pool_name: str, user_id: str, password: str, salt: bytes
) -> int:
    """:func:`~authflow.srp.server.compute_verifier` off the event loop."""
    return await _offload(
        compute_verifier, pool_name=pool_name, user_id=user_id, password=password, salt=salt
    )


async def new_server_ephemeral_async(
    verifier: int, randbytes: Callable[[int], bytes] = secrets.token_bytes
) -> ServerEphemeral:
    """:func:`~authflow.srp.server.new_server_ephemeral` off the event loop."""
    for _ in range(_MAX_DRAWS):
        eph = await _offload(ServerEphemeral.from_private, draw_private(randbytes), verifier)
        if eph.B % N:
            return eph
    raise ValidationError("randbytes keeps returning unusable values", field="randbytes")


async def verify_password_claim_async(
    *,
    pool_name: str,
    user_id: str,
    verifier: int,
    srp_a_hex: str,
    server: ServerEphemeral,
    secret_block: bytes,
    timestamp: str,
    signature: str,
    now: datetime,
    tolerance: timedelta = timedelta(minutes=5),
) -> bool:
    """:func:`~authflow.srp.server.verify_password_claim` off the event loop."""
    return await _offload(
        verify_password_claim,
        pool_name=pool_name,
        user_id=user_id,
        verifier=verifier,
        srp_a_hex=srp_a_hex,
        server=server,
        secret_block=secret_block,
        timestamp=timestamp,
        signature=signature,
        now=now,
        tolerance=tolerance,
    )

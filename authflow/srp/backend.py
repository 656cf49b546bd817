"""Big-integer backend for SRP: GMP through ``gmpy2`` when installed, CPython's ``pow`` otherwise.

The SRP-6a formulas live in :class:`srptools.SRPContext` and call the builtin ``pow(b, e, m)``.
When the group constants of a :class:`~authflow.srp.context.CognitoSRPContext` are ``gmpy2.mpz``
values, that very ``pow`` call dispatches to GMP's ``mpz_powm`` (exactly what ``gmpy2.powmod``
runs; measured at the same speed), so the library formulas stay untouched and only the number type
changes. Results are turned back into plain ``int`` at the module boundary.

GIL: gmpy2 releases the GIL inside ``mpz_powm`` only when the current gmpy2 context has
``allow_release_gil=True`` (off by default, and contexts are per thread). :func:`gil_released`
switches it on for the duration of one SRP computation. Measured on the 2-core dev machine, 2x300
modexps (3072-bit modulus, 512-bit exponent) on two threads took 0.72 s with the flag off (the
threads serialise: 2.0x one thread's 0.35 s) and 0.39 s with it on (1.1x): the GIL really is free
while GMP works, so a worker thread does not stall the event loop.

Choosing the backend: ``auto`` (default) uses gmpy2 when importable. Force one with the environment
variable ``AUTHFLOW_SRP_BACKEND=pure|gmpy2|auto`` (read at import) or :func:`set_backend` (affects
contexts created afterwards). Both give bit-identical results; the test suite runs the vectors on
both.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any, Literal

from authflow.protocol.errors import ValidationError

__all__ = ["BackendName", "available_backends", "get_backend", "gil_released", "set_backend"]

BackendName = Literal["pure", "gmpy2"]

try:  # optional: the `fast` extra
    import gmpy2 as _gmpy2
except ImportError:  # pragma: no cover - depends on the environment
    _gmpy2 = None

ENV_VAR = "AUTHFLOW_SRP_BACKEND"


def available_backends() -> tuple[BackendName, ...]:
    """The backends usable in this interpreter: ``("pure",)`` or ``("pure", "gmpy2")``."""
    return ("pure", "gmpy2") if _gmpy2 is not None else ("pure",)


def _resolve(name: str) -> BackendName:
    if name == "auto":
        return "gmpy2" if _gmpy2 is not None else "pure"
    if name == "pure":
        return "pure"
    if name == "gmpy2":
        if _gmpy2 is None:
            raise ValidationError(
                "SRP backend 'gmpy2' requested but gmpy2 is not installed "
                "(pip install 'authflow-cognito[fast]')",
                field="backend",
            )
        return "gmpy2"
    raise ValidationError(
        f"unknown SRP backend {name!r}; expected 'auto', 'pure' or 'gmpy2'", field="backend"
    )


_current: BackendName = _resolve(os.environ.get(ENV_VAR, "auto").strip().lower() or "auto")


def get_backend() -> BackendName:
    """The backend new SRP contexts use: ``"gmpy2"`` or ``"pure"``."""
    return _current


def set_backend(name: Literal["auto", "pure", "gmpy2"]) -> BackendName:
    """Select the big-integer backend for SRP contexts created from now on; returns the one chosen.

    ``"auto"`` picks gmpy2 when it is installed. ``"gmpy2"`` without gmpy2 installed raises
    :class:`~authflow.protocol.errors.ValidationError`.

    >>> set_backend("auto") in available_backends()
    True
    """
    global _current
    _current = _resolve(name)
    return _current


def to_backend_int(value: int, backend: BackendName) -> Any:
    """``value`` as the backend's integer type (``gmpy2.mpz`` or ``int``)."""
    if backend == "gmpy2" and _gmpy2 is not None:
        return _gmpy2.mpz(value)
    return value


@contextlib.contextmanager
def gil_released(backend: BackendName) -> Iterator[None]:
    """Within the block, let gmpy2 release the GIL during big-number operations (no-op if pure)."""
    if backend != "gmpy2" or _gmpy2 is None:
        yield
        return
    with _gmpy2.context(_gmpy2.get_context(), allow_release_gil=True):
        yield

"""Helpers shared by the SRP tests: vectors and backend switching."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from authflow.srp import available_backends, get_backend, set_backend

VECTORS_DIR = Path(__file__).parent / "vectors"
SRP: dict[str, Any] = json.loads((VECTORS_DIR / "srp.json").read_text(encoding="utf-8"))
PUBLISHED: dict[str, Any] = json.loads(
    (VECTORS_DIR / "srp_published.json").read_text(encoding="utf-8")
)

BACKENDS = [
    "pure",
    pytest.param(
        "gmpy2",
        marks=pytest.mark.skipif("gmpy2" not in available_backends(), reason="gmpy2 missing"),
    ),
]


@contextlib.contextmanager
def backend(name: str) -> Iterator[None]:
    """Run the block with the given SRP backend, restoring the previous one."""
    previous = get_backend()
    set_backend(name)  # type: ignore[arg-type]
    try:
        yield
    finally:
        set_backend(previous)


def replay(*chunks: bytes):  # type: ignore[no-untyped-def]
    """A ``randbytes`` that returns the given chunks in order (checking the requested sizes
    only loosely: a chunk may be shorter, as for the published vector's 64-bit a)."""
    queue = list(chunks)

    def randbytes(n: int) -> bytes:
        chunk = queue.pop(0)
        assert len(chunk) <= n
        return chunk

    return randbytes

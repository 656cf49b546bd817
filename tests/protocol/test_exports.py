"""The public surface of ``authflow.protocol``: pinned ``__all__``, docstrings, purity."""

from __future__ import annotations

import doctest
import inspect
import subprocess
import sys
from types import ModuleType

import pytest

import authflow.protocol as protocol
from authflow.protocol import endpoints, errors, operations, secret_hash, shapes

MODULES: list[ModuleType] = [errors, endpoints, shapes, operations]


def test_all_is_the_union_of_the_submodules() -> None:
    expected = {"WireValue", "secret_hash"}
    for module in MODULES:
        expected |= set(module.__all__)
    assert set(protocol.__all__) == expected
    assert len(protocol.__all__) == len(set(protocol.__all__))


@pytest.mark.parametrize("module", [protocol, *MODULES], ids=lambda m: m.__name__)
def test_every_exported_name_exists_and_is_documented(module: ModuleType) -> None:
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, f"{module.__name__}.{name} has no docstring"


def test_every_operation_is_exported() -> None:
    for name, (req, resp) in operations.OPERATIONS.items():
        assert getattr(protocol, f"{name}Request") is req
        assert getattr(protocol, f"{name}Response") is resp


@pytest.mark.parametrize(
    "module",
    [errors, endpoints, shapes, operations, sys.modules["authflow.protocol.secret_hash"]],
    ids=lambda m: m.__name__,
)
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module, verbose=False)
    assert result.failed == 0 and result.attempted > 0


def test_secret_hash_name_is_the_function() -> None:
    assert secret_hash("u", "c", "s") == protocol.secret_hash("u", "c", "s")


def test_protocol_is_pure() -> None:
    code = (
        "import sys, authflow.protocol; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'aiohttp', 'asyncio', 'socket', 'ssl', 'transitions', 'botocore'}); "
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""

"""The examples run end to end against the emulator and answer what they promise."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.filterwarnings("ignore::aiohttp.web.NotAppKeyWarning")
@pytest.mark.parametrize("name", ["aiohttp_app", "fastapi_app"])
async def test_example_demo(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    statuses = await load(name).demo()
    assert statuses == {"/hello": 200, "/me": 200, "/profile": 200, "/me without a token": 401}
    assert "alice" in capsys.readouterr().out

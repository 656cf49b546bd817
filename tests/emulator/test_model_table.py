"""The generated input-shape table matches the installed botocore model, and Java patterns
translate correctly."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import botocore
import pytest

from authflow.emulator._service_model import OPERATION_INPUTS
from authflow.emulator.validation import java_pattern

ROOT = Path(__file__).resolve().parents[2]


def test_table_is_current() -> None:
    spec = importlib.util.spec_from_file_location("gen", ROOT / "tools" / "gen_emulator_model.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    current = (ROOT / "authflow" / "emulator" / "_service_model.py").read_text()
    if f"botocore {botocore.__version__};" not in current:
        pytest.skip("table generated from another botocore version")
    assert gen.render() == current, "run: python tools/gen_emulator_model.py"
    assert "InitiateAuth" in OPERATION_INPUTS and "CreateUserPool" in OPERATION_INPUTS


@pytest.mark.parametrize(
    ("pattern", "value", "ok"),
    [
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "Jürgen.Ω@例え.jp", True),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "a b", False),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "tab\there", False),
        (r"[\w+]+", "abc_123+", True),
        (r"[\w+]+", "é", False),  # Java's \w is ASCII
        (r"[\w+]+", "a-b", False),
        (r"[\S]+", "no-space", True),
        (r"[\S]+", "has space", False),
        (r"[\w-]+_[0-9a-zA-Z]+", "us-east-1_AbC123", True),
        (r"[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+", "_ab", False),
        (r"[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+", "abc", True),
        (r".*\{####\}.*", "code {####}", True),
    ],
)
def test_java_patterns(pattern: str, value: str, ok: bool) -> None:
    assert bool(java_pattern(pattern).fullmatch(value)) is ok

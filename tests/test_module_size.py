"""No class under authflow/emulator or authflow/flows grows past ~400 lines.

A class that long holds several concerns and should be cut along them (the emulator core was cut
into collaborators for this reason). Lines are counted from the ``class`` line to the class's
last line, docstring and comments included, read with :mod:`ast`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("authflow/emulator", "authflow/flows")
MAX_CLASS_LINES = 400

# Classes allowed over the limit, each with the reason; remove an entry once it is under the
# limit (the test says so). Empty: SignInFlow went from 827 lines to under 400.
KNOWN_OVERSIZED: set[str] = set()


def class_sizes(path: Path) -> dict[str, int]:
    """``{"path::Class": lines}`` of every class (nested ones too) in ``path``."""
    rel = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {
        f"{rel}::{node.name}": (node.end_lineno or node.lineno) - node.lineno + 1
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }


def all_class_sizes() -> dict[str, int]:
    """Every class under the checked folders."""
    sizes: dict[str, int] = {}
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            sizes.update(class_sizes(path))
    return sizes


def test_class_sizes_are_counted() -> None:
    module = ROOT / "authflow" / "emulator" / "core.py"
    sizes = class_sizes(module)
    assert sizes["authflow/emulator/core.py::EmulatorCore"] > 50
    assert "authflow/emulator/core.py::PoolRef" in sizes


@pytest.mark.parametrize("folder", CHECKED)
def test_the_checked_folders_have_classes(folder: str) -> None:
    assert any(key.startswith(folder + "/") for key in all_class_sizes())


def test_no_class_over_the_limit() -> None:
    sizes = all_class_sizes()
    over = {k: v for k, v in sizes.items() if v > MAX_CLASS_LINES and k not in KNOWN_OVERSIZED}
    assert not over, f"classes over {MAX_CLASS_LINES} lines (cut them along their concerns): {over}"
    fixed = {k for k in KNOWN_OVERSIZED if sizes.get(k, 0) <= MAX_CLASS_LINES}
    assert not fixed, f"no longer over the limit, remove from KNOWN_OVERSIZED: {sorted(fixed)}"

"""Arrows point down only: each layer imports authflow modules from the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "authflow"

# layer -> the authflow packages it may import (besides itself and authflow._version)
ALLOWED: dict[str, set[str]] = {
    "_version": set(),
    "protocol": set(),
    "srp": {"protocol"},
    "transport": {"protocol"},
    "storage": {"protocol"},
    "sessions": {"protocol", "transport", "storage", "config"},
    # verify: the authorization-code flow checks its ID token with TokenVerifier
    "flows": {"protocol", "srp", "transport", "storage", "sessions", "config", "verify"},
    "config": {"protocol"},
    "account": {"protocol", "transport", "sessions", "config"},
    "client": {"protocol", "transport", "storage", "sessions", "flows", "config", "account"},
    "emulator": {"protocol", "srp"},
    "verify": {"protocol", "transport"},
    "integrations": {"verify", "client", "protocol", "config", "sessions", "transport"},
    "diagrams": {"flows", "protocol"},
    "demo": {"protocol", "client", "config", "flows", "emulator"},
    "cli": {"protocol", "transport", "storage", "sessions", "flows", "config", "client", "demo",
            "diagrams", "emulator"},
}


def _layer(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "authflow" and len(parts) > 1:
                found.add(parts[1])
    return found - {"_version"}


FILES = sorted(p for p in PKG.rglob("*.py") if p.name != "__init__.py" or p.parent != PKG)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_point_down(path: Path) -> None:
    layer = _layer(path)
    assert layer in ALLOWED, f"unknown layer {layer}: add it to ALLOWED"
    wrong = _imports(path) - ALLOWED[layer] - {layer}
    assert not wrong, f"{path.relative_to(PKG)} imports {sorted(wrong)} (arrow up)"

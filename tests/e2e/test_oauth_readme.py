"""The README's "Sign in through the managed login page" and "Machine-to-machine tokens"
examples run as written (top-level await, against the emulator they start themselves)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
SECTIONS = ["Sign in through the managed login page", "Machine-to-machine tokens"]


def _blocks(title: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else None]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.mark.parametrize("title", SECTIONS)
async def test_readme_example_runs(title: str, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _blocks(title)
    assert blocks, f"no python block under {title!r}"
    for source in blocks:
        code = compile(source, f"README.md ({title})", "exec",
                       flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        namespace: dict[str, object] = {"__name__": "readme"}
        result = eval(code, namespace)  # our own README
        if result is not None:
            await result
    if title.startswith("Sign in"):
        assert capsys.readouterr().out.strip() == "alice"
        assert str(namespace["logout_url"]).endswith("response_type=code&redirect_uri="
                                                      "http%3A%2F%2Flocalhost%3A8000%2Fcallback")

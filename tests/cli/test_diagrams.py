"""diagrams/ never drifts from the machines: the Mermaid and DOT sources are regenerated and
compared, and each committed SVG must draw exactly the nodes, edges and labels of the DOT source
committed beside it (SVG bytes differ between graphviz versions; the graph they draw does not)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from authflow.cli import main
from authflow.diagrams import (
    CHALLENGES_STEM,
    DotNotFoundError,
    challenge_rows,
    render_all,
    render_svg,
    svg_graph,
)
from authflow.flows import CHALLENGE_KINDS, ENGINE_CHALLENGES, SignInFlow

DIAGRAMS = Path(__file__).resolve().parents[2] / "diagrams"
DOT = shutil.which("dot")
_DOT_NODE = re.compile(r'^\s*"([^"]+)" \[', re.M)
_DOT_EDGE = re.compile(r'^\s*"([^"]+)" -> "([^"]+)"', re.M)


def dot_graph(source: str) -> tuple[set[str], set[tuple[str, str]]]:
    return set(_DOT_NODE.findall(source)), set(_DOT_EDGE.findall(source))


def svg_texts(svg: str) -> list[str]:
    return sorted(re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def test_committed_sources_match_the_tables() -> None:
    for name, source in render_all().items():
        path = DIAGRAMS / name
        assert path.exists(), f"run `authflow diagrams` to create {path}"
        assert path.read_text(encoding="utf-8") == source, f"{name} drifted: `authflow diagrams`"


@pytest.mark.parametrize("stem", sorted(n[:-4] for n in render_all() if n.endswith(".dot")))
def test_each_svg_draws_its_dot(stem: str) -> None:
    dot_source = (DIAGRAMS / f"{stem}.dot").read_text(encoding="utf-8")
    svg = (DIAGRAMS / f"{stem}.svg").read_text(encoding="utf-8")
    assert svg_graph(svg) == dot_graph(dot_source), f"{stem}.svg is stale: `authflow diagrams`"
    if DOT is not None:  # and the very labels graphviz draws from it today
        assert svg_texts(svg) == svg_texts(render_svg(dot_source))


def test_the_challenge_diagram_comes_from_the_challenge_table() -> None:
    rows = challenge_rows()
    assert [name for name, _how, _engine in rows] == list(CHALLENGE_KINDS)
    assert {name for name, _how, engine in rows if engine} == ENGINE_CHALLENGES
    source = render_all()[f"{CHALLENGES_STEM}.dot"]
    for name, how, engine in rows:
        kind = CHALLENGE_KINDS[name]
        expected = f"engine: {kind.engine_trigger}" if engine else f"caller: {kind.answer_key}"
        assert how.startswith(expected)
        row = re.search(rf"<td align='left'( bgcolor='#dfe4ea')?><b>{name}</b>", source)
        assert row is not None and bool(row.group(1)) == engine  # engine-answered rows shaded
    assert "on arrival set_up_totp" in dict((n, h) for n, h, _ in rows)["MFA_SETUP"]
    mermaid = render_all()[f"{CHALLENGES_STEM}.mmd"]
    for name in CHALLENGE_KINDS:
        assert f"      {name} : {name} - " in mermaid
    # every move of the sign-in table between two different states is drawn
    _nodes, edges = dot_graph(source)
    for spec in SignInFlow.TRANSITIONS:
        sources = [spec["source"]] if isinstance(spec["source"], str) else spec["source"]
        for src in sources:
            if spec["dest"] is not None and spec["dest"] != src:
                assert (src, spec["dest"]) in edges


def test_diagrams_command_formats(tmp_path: Path) -> None:
    assert main(["diagrams", "--format", "dot", "--format", "mermaid", "--out", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(n for n in render_all())
    assert main(["diagrams", "--format", "svg", "--out", str(tmp_path / "svg")]) == (
        0 if DOT else 1)


def test_svg_without_graphviz_says_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        render_svg("digraph {}")
    assert main(["diagrams", "--format", "svg", "--out", str(tmp_path / "x")]) == 1
    assert "apt-get install graphviz" in capsys.readouterr().err

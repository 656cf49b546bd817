"""Every flow's machine drawn from the very tables the flows run: Mermaid, Graphviz DOT and SVG.

* one diagram per flow (``signin``, ``signup``, ``forgotpassword``), from its ``STATES`` and
  ``TRANSITIONS``;
* ``signin-challenges``: the sign-in with ChallengePending opened up into the challenge kinds
  of :data:`~authflow.flows.CHALLENGE_KINDS` (each with what answers it: the caller's
  ChallengeResponses key, or the engine's trigger for the ones the engine answers itself).

:func:`render_all` returns the sources (``.mmd`` and ``.dot``); :func:`render_svg` runs graphviz's
``dot`` on a DOT source; :func:`export_diagrams` writes them (``authflow diagrams``). The SVG files
are rendered from the ``.dot`` files beside them, so a test compares the DOT sources and checks
that each SVG draws exactly its DOT's nodes and edges (SVG bytes differ between graphviz versions).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from authflow.flows import ALL_FLOWS, CHALLENGE_KINDS, ChallengeKind, SignInFlow
from authflow.flows.base import DOT_START, DOT_STYLE, dot_quote, machine_edges
from authflow.protocol.errors import ValidationError

__all__ = [
    "FORMATS",
    "DotNotFoundError",
    "challenge_rows",
    "export_diagrams",
    "render_all",
    "render_svg",
    "signin_challenges_dot",
    "signin_challenges_mermaid",
    "svg_graph",
]

#: What ``authflow diagrams --format`` accepts.
FORMATS = ("mermaid", "dot", "svg")

#: The detailed sign-in diagram's file stem.
CHALLENGES_STEM = "signin-challenges"

_PENDING = "ChallengePending"
_GENERIC = ChallengeKind("generic")


class DotNotFoundError(ValidationError):
    """SVG was asked for and graphviz's ``dot`` is not installed."""


def challenge_rows() -> list[tuple[str, str, bool]]:
    """``(ChallengeName, what answers it, answered by the engine)`` for every kind in
    :data:`CHALLENGE_KINDS`, in table order.

    What answers it is the engine's trigger (``engine: verify_password``) or the
    ChallengeResponses key a caller's plain answer fills (``caller: SMS_MFA_CODE``), with
    ``choice`` when the step offers choices and the trigger the engine fires on arrival (the
    sign-in table's ChallengePending loop that no kind claims as its engine trigger).
    """
    claimed = {kind.engine_trigger for kind in CHALLENGE_KINDS.values()} | {"answer"}
    loops = machine_edges(SignInFlow.TRANSITIONS).get((_PENDING, _PENDING), [])
    on_arrival = [
        t.removesuffix(" [internal]")
        for t in loops
        if t.endswith(" [internal]") and t.removesuffix(" [internal]") not in claimed
    ]
    rows = []
    for kind in CHALLENGE_KINDS.values():
        if kind.engine_trigger:
            rows.append((kind.name, f"engine: {kind.engine_trigger}", True))
            continue
        how = f"caller: {kind.answer_key}" if kind.answer_key else "caller: a dict"
        if kind.choices is not _GENERIC.choices:
            how += " (choice)"
        if kind.on_arrival is not _GENERIC.on_arrival and on_arrival:
            how += f"; on arrival {' or '.join(on_arrival)}"
        rows.append((kind.name, how, False))
    return rows


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def signin_challenges_dot() -> str:
    """DOT source of the sign-in machine with ChallengePending drawn as the table of challenge
    kinds it can wait on: each ChallengeName, who answers it and with what (engine-answered
    rows shaded), then the state's own moves from the sign-in table."""
    flow = SignInFlow
    cells = [
        "<tr><td colspan='2' bgcolor='#e2e8f0'><b>ChallengePending</b>"
        "<br/><font point-size='10'>flow.challenge is one of</font></td></tr>",
        "<tr><td align='left'><i>ChallengeName</i></td>"
        "<td align='left'><i>answered by</i></td></tr>",
    ]
    for name, how, by_engine in challenge_rows():
        shade = " bgcolor='#dfe4ea'" if by_engine else ""
        cells.append(
            f"<tr><td align='left'{shade}><b>{_html(name)}</b></td>"
            f"<td align='left'{shade}>{_html(how)}</td></tr>"
        )
    cells.append(
        "<tr><td colspan='2' align='left'><font point-size='10'>shaded: answered inside "
        "step() by the engine, never asked; caller: step(answer) fills that key</font></td></tr>"
    )
    table = (
        "<<table border='0' cellborder='1' cellspacing='0' cellpadding='4' color='#a0aec0'>"
        + "".join(cells)
        + "</table>>"
    )
    out = [
        'digraph "SignIn: challenges" {',
        '  label="SignIn, with the challenges ChallengePending waits on";',
        "  rankdir=LR;",
        DOT_STYLE.rstrip("\n"),
        DOT_START,
    ]
    for state in flow.STATES:
        if state == _PENDING:
            out.append(f'  {dot_quote(state)} [shape=plain, style="", fontsize=11, label={table}];')
            continue
        extra = ", peripheries=2" if state in flow.FINALS else ""
        out.append(f"  {dot_quote(state)} [label={dot_quote(state)}{extra}];")
    out.append(f'  "__start" -> {dot_quote(flow.INITIAL)};')
    for (src, dst), triggers in machine_edges(flow.TRANSITIONS).items():
        if src == dst == _PENDING:  # the rows say which trigger answers each challenge
            triggers = [t for t in triggers if not t.endswith(" [internal]")]
        out.append(f"  {dot_quote(src)} -> {dot_quote(dst)} [label={dot_quote(_lines(triggers))}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _lines(labels: Iterable[str]) -> str:
    return "\\n".join(labels)


def signin_challenges_mermaid() -> str:
    """Mermaid source of the same picture as :func:`signin_challenges_dot`."""
    flow = SignInFlow
    rows = challenge_rows()
    out = ["---", "SignIn: challenges", "---", "stateDiagram-v2", "  direction LR"]
    out.append(f"  [*] --> {flow.INITIAL}")
    out.append(f"  state {_PENDING} {{")
    for group, by_engine in (("engine", True), ("caller", False)):
        title = "answered by the engine" if by_engine else "answered by the caller"
        out.append(f'    state "{title}" as {group} {{')
        for name, how, engine_row in rows:
            if engine_row is by_engine:
                out.append(f"      {name} : {name} - {how}")
        out.append("    }")
    out.append("  }")
    for (src, dst), triggers in machine_edges(flow.TRANSITIONS).items():
        if src == dst == _PENDING:
            continue
        out.append(f"  {src} --> {dst} : {' | '.join(triggers)}")
    for final in sorted(flow.FINALS):
        out.append(f"  {final} --> [*]")
    return "\n".join(out) + "\n"


def render_all() -> dict[str, str]:
    """``{file name: source}`` of every diagram: ``<flow>.mmd`` and ``<flow>.dot`` for each flow
    (e.g. ``signin.mmd``), and ``signin-challenges.mmd`` / ``.dot``."""
    sources: dict[str, str] = {}
    for flow in ALL_FLOWS:
        stem = flow.NAME.lower()
        sources[f"{stem}.mmd"] = flow.diagram()
        sources[f"{stem}.dot"] = flow.dot()
    sources[f"{CHALLENGES_STEM}.mmd"] = signin_challenges_mermaid()
    sources[f"{CHALLENGES_STEM}.dot"] = signin_challenges_dot()
    return sources


def render_svg(dot_source: str, *, dot: str | None = None) -> str:
    """Run graphviz's ``dot -Tsvg`` on ``dot_source``; raises :class:`DotNotFoundError` when
    ``dot`` is not installed (Debian/Ubuntu: ``apt-get install graphviz``)."""
    exe = dot or shutil.which("dot")
    if exe is None:
        raise DotNotFoundError(
            "graphviz's `dot` is not installed: apt-get install graphviz (or brew install "
            "graphviz), or ask for --format mermaid/dot"
        )
    result = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [exe, "-Tsvg"], input=dot_source, capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        raise ValidationError(f"dot failed: {result.stderr.strip()[:300]}", field="dot")
    return result.stdout


_TITLE = re.compile(r"<title>(.*?)</title>")


def svg_graph(svg: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The nodes and edges an SVG drawn by graphviz shows (from its ``<title>`` elements), to
    check an SVG against the DOT source it was rendered from."""
    nodes: set[str] = set()
    edges: set[tuple[str, str]] = set()
    titles = [_unescape(t) for t in _TITLE.findall(svg)]
    for title in titles[1:]:  # the first is the graph's own
        if "->" in title:
            src, _, dst = title.partition("->")
            edges.add((src, dst))
        elif not title.startswith("cluster"):
            nodes.add(title)
    return nodes, edges


def _unescape(text: str) -> str:
    for entity, char in (("&#45;", "-"), ("&gt;", ">"), ("&lt;", "<"), ("&quot;", '"'),
                         ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def export_diagrams(
    directory: str | os.PathLike[str], formats: Iterable[str] = FORMATS
) -> list[Path]:
    """Write every diagram into ``directory`` (created if needed) in ``formats`` (any of
    ``mermaid``, ``dot``, ``svg``); return the paths written. Each file is replaced atomically.
    """
    wanted = list(formats)
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise ValidationError(f"formats must be among {list(FORMATS)}", field="formats")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, source in render_all().items():
        is_dot = name.endswith(".dot")
        if (is_dot and "dot" in wanted) or (not is_dot and "mermaid" in wanted):
            written.append(_write(out / name, source))
        if is_dot and "svg" in wanted:
            written.append(_write(out / name.replace(".dot", ".svg"), render_svg(source)))
    return written


def _write(path: Path, text: str) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path

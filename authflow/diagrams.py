"""Export every flow's machine as Mermaid, from the very tables the flows run."""

from __future__ import annotations

from pathlib import Path

from authflow.flows import ALL_FLOWS

__all__ = ["export_diagrams", "render_all"]


def render_all() -> dict[str, str]:
    """``{file name: Mermaid source}`` for every flow (e.g. ``"signin.mmd"``)."""
    return {f"{flow.NAME.lower()}.mmd": flow.diagram() for flow in ALL_FLOWS}


def export_diagrams(directory: str | Path) -> list[Path]:
    """Write every flow's diagram into ``directory`` (created if needed); return the paths.

    Writes Mermaid sources; where graphviz's ``dot`` is installed nothing else is needed to
    render them, and none is required.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in render_all().items():
        path = out / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(source, encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written

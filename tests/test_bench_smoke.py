"""Smoke test of the end-to-end benchmark scripts: each runs with ``--quick`` and prints its ratio.

No timing is asserted (benchmarks are not tests); this only keeps the scripts runnable. Scripts
whose baseline is not installed (pycognito, moto) say so and still print a ``ratio:`` line.
About 15 s in total on a 2-core machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("aiohttp")
pytest.importorskip("cryptography")  # the emulator's RS256 tokens

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ["signin_cpu.py", "loop_lag.py", "refresh_storm.py", "emulator_rate.py",
           "store_latency.py", "verify.py", "m2m_storm.py"]


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS)
def test_bench_script_quick_run(script: str) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert any(line.startswith("ratio") for line in done.stdout.splitlines()), done.stdout

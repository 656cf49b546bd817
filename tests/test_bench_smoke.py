"""Smoke test of the end-to-end benchmark scripts: each runs with ``--quick`` and prints its ratio;
the reliability runs (fault soak, hostile fuzz) print their counts, which must all be 0.

No timing is asserted (benchmarks are not tests); this only keeps the scripts runnable. Scripts
whose baseline is not installed (pycognito, moto) say so and still print a ``ratio:`` line.
About 25 s in total on a 2-core machine.
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


#: Reliability runs and the counts each must print as 0.
ZERO_COUNTS = {
    "fault_soak.py": ["sessions lost", "wrongful sign-outs", "untyped errors", "hung calls",
                      "devices left unconfirmed"],
    "hostile_fuzz.py": ["engine: untyped errors", "engine: hangs", "emulator: HTTP 500",
                        "emulator: dropped connections"],
}


def quick_run(script: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS)
def test_bench_script_quick_run(script: str) -> None:
    done = quick_run(script)
    assert done.returncode == 0, done.stderr[-2000:]
    assert any(line.startswith("ratio") for line in done.stdout.splitlines()), done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(ZERO_COUNTS))
def test_reliability_run_quick(script: str) -> None:
    done = quick_run(script)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    counts = dict(line.rsplit(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    for name in ZERO_COUNTS[script]:
        assert counts.get(name) == "0", (name, done.stdout)
    assert "result: ok" in done.stdout

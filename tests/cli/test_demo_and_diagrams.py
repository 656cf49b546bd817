"""The ``authflow`` command: diagrams, demo and emulator subcommands through the real entry point."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from authflow.cli import main
from authflow.diagrams import render_all

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def test_diagrams_command_writes_every_machine(tmp_path: Path, capsys: object) -> None:
    assert main(["diagrams", "--out", str(tmp_path / "d")]) == 0
    for name, source in render_all().items():
        assert (tmp_path / "d" / name).read_text(encoding="utf-8") == source


def test_demo_command_exits_zero_and_prints_transitions() -> None:
    result = subprocess.run([sys.executable, "-m", "authflow.cli", "demo"], env=ENV,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "--verify_password--> ChallengePending (PASSWORD_VERIFIER)" in result.stdout
    assert result.stdout.rstrip().endswith("-> SignedOut")


def test_emulator_command_serves_until_sigterm() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "authflow.cli", "emulator", "--port", "0"],
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert set(info) == {"endpoint", "user_pool_id", "client_id"}
        with urllib.request.urlopen(info["endpoint"] + "/_emulator/health", timeout=5) as resp:
            assert resp.status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0

"""Child Python processes for the cross-process tests (they import this worktree's authflow)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

__all__ = ["ROOT", "child", "kill", "wait_line"]

ROOT = Path(__file__).resolve().parents[2]


def child(code: str, *args: str) -> subprocess.Popen[str]:
    """Run ``code`` (dedented) in a child Python process with ``args`` as ``sys.argv[1:]``,
    stdin, stdout and stderr piped."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_line(proc: subprocess.Popen[str], expected: str) -> None:
    """Wait for the child's next stdout line and check it is ``expected``."""
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line == expected, (line, proc.stderr.read() if proc.stderr else "")


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the child (our own, by its pid: no clean-up code runs in it), reap it and close
    its pipes."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()

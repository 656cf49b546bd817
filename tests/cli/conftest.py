"""Fixtures for driving the real ``authflow`` program: a threaded emulator on 127.0.0.1 (one per
module, a fresh pool per test) and a private HOME / XDG_CONFIG_HOME under tmp_path."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from authflow.emulator import Emulator, ManualClock, threaded_emulator
from cli.cli_support import CliHome


@pytest.fixture(scope="module")
def temu() -> Iterator[Emulator]:
    # a manual clock starting now: TOTP codes can be stepped to the next window (the emulator,
    # like Cognito, refuses a code used twice in one window) without sleeping
    with threaded_emulator(clock=ManualClock(time.time())) as emulator:
        yield emulator


@pytest.fixture
def home(tmp_path: Path, temu: Emulator) -> CliHome:
    return CliHome(tmp_path, temu)

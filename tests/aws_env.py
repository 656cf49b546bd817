"""An AWS environment for tests that resolve credentials through botocore's chain: every ``AWS_*``
variable of the machine removed, the shared config and credentials files pointed into the test's
``tmp_path`` (absent unless the test writes them), and the instance metadata service disabled, so
no test reads the developer's ``~/.aws`` or calls 169.254.169.254."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest


@attrs.frozen
class AwsFiles:
    """Where botocore looks for the shared files in this test."""

    credentials: Path
    config: Path


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[AwsFiles]:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    files = AwsFiles(credentials=tmp_path / "aws-credentials", config=tmp_path / "aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(files.credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(files.config))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield files

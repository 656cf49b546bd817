"""Helpers for the CLI tests: one private home directory per test and ways to run the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect

from authflow.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Correct-Horse-9!"
FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
         "ALLOW_USER_AUTH"]


class CliHome:
    """A HOME and XDG_CONFIG_HOME under ``tmp`` and a fresh pool and app client on ``emu``."""

    def __init__(self, tmp: Path, emu: Emulator, *, mfa: dict[str, Any] | None = None) -> None:
        self.emu = emu
        self.path = tmp / "home"
        self.path.mkdir()
        self.config = self.path / ".config" / "authflow"
        self.pool = emu.create_user_pool("cli", auto_verified_attributes=["email"])
        self.app = emu.create_user_pool_client(self.pool.id, explicit_auth_flows=FLOWS)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("AUTHFLOW_")},
            "HOME": str(self.path),
            "XDG_CONFIG_HOME": str(self.path / ".config"),
            "PYTHONPATH": str(ROOT),
            "AUTHFLOW_POOL_ID": self.pool.id,
            "AUTHFLOW_CLIENT_ID": self.app.id,
            "AUTHFLOW_ENDPOINT": emu.endpoint,
            "COLUMNS": "120",
        }

    # -- provisioning ------------------------------------------------------------------------

    def admin(self, operation: str, **body: Any) -> dict[str, Any]:
        return self.emu.handle(operation, {"UserPoolId": self.pool.id, **body})

    def user(self, name: str, password: str = PASSWORD, **attributes: str) -> None:
        self.admin("AdminCreateUser", Username=name, TemporaryPassword="Temp-Pass-1!",
                   MessageAction="SUPPRESS",
                   UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
        self.admin("AdminSetUserPassword", Username=name, Password=password, Permanent=True)

    def mfa(self, mode: str = "ON", **configs: Any) -> None:
        self.admin("SetUserPoolMfaConfig", MfaConfiguration=mode, **configs)

    def code(self, username: str, purpose: str = "MFA") -> str:
        return self.emu.outbox.latest(username=username, purpose=purpose).code

    # -- running the command -----------------------------------------------------------------

    def spawn(self, *args: str, **env: str) -> pexpect.spawn:
        """The command in a pseudo-terminal; everything it prints is kept in ``.transcript``."""
        child = pexpect.spawn(sys.executable, ["-m", "authflow.cli", *args],
                              env={**self.env, **env}, encoding="utf-8", timeout=30,
                              dimensions=(60, 120), cwd=str(self.path))
        child.transcript = Transcript()
        child.logfile_read = child.transcript
        return child

    def run(self, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        """The command without a terminal (a new session: not even /dev/tty)."""
        return subprocess.run([sys.executable, "-m", "authflow.cli", *args], input=stdin,
                              env={**self.env, **env}, capture_output=True, text=True,
                              timeout=60, start_new_session=True, cwd=str(self.path))

    def token(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run("token", *args)

    def files(self) -> list[Path]:
        return sorted(p for p in self.config.rglob("*") if p.is_file()) if self.config.exists() \
            else []


class Transcript:
    """A file-like sink collecting what the child printed."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    @property
    def text(self) -> str:
        return "".join(self.parts)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed command (asserting it is exactly one, no traceback)."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("authflow: ")
    return lines[0]


def claims(token: str) -> dict[str, Any]:
    import base64

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

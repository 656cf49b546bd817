"""Where the ``authflow`` command's configuration comes from, and where it keeps its files.

For each value the first that is set wins: the command-line flag, the ``AUTHFLOW_*`` environment
variable, the profile's table in ``config.toml``, then (for pool, client and endpoint) what the
profile's last sign-in used. ``config.toml`` lives in the configuration directory
(``$XDG_CONFIG_HOME/authflow``, by default ``~/.config/authflow``)::

    [profiles.default]
    pool_id = "us-east-1_AbCdEf123"
    client_id = "1h57kf5cpq17m0eml12EXAMPLE"
    # endpoint = "http://127.0.0.1:9229"     # an emulator, a proxy
    # username = "alice"                     # the default for sign-in
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from authflow.cli.errors import CONFIG, CliError
from authflow.config import CognitoConfig
from authflow.protocol.errors import ValidationError

__all__ = [
    "ENVIRONMENT",
    "PROFILE_KEYS",
    "Profile",
    "config_dir",
    "load_profiles",
    "profile_name",
    "resolve",
]

#: The members a profile table may hold.
PROFILE_KEYS = ("pool_id", "client_id", "endpoint", "client_secret", "username", "totp_issuer")

#: The environment variable of each setting.
ENVIRONMENT = {
    "profile": "AUTHFLOW_PROFILE",
    "pool_id": "AUTHFLOW_POOL_ID",
    "client_id": "AUTHFLOW_CLIENT_ID",
    "endpoint": "AUTHFLOW_ENDPOINT",
    "client_secret": "AUTHFLOW_CLIENT_SECRET",
    "username": "AUTHFLOW_USERNAME",
    "totp_issuer": "AUTHFLOW_TOTP_ISSUER",
}

_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MAX_CONFIG_BYTES = 1 << 20


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/authflow`` (a relative XDG_CONFIG_HOME is ignored, as the spec says),
    else ``~/.config/authflow``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME", "")
    if not base or not os.path.isabs(base):
        home = env.get("HOME") or str(Path.home())
        base = os.path.join(home, ".config")
    return Path(base) / "authflow"


def profile_name(value: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The profile to use: ``value``, else ``$AUTHFLOW_PROFILE``, else ``default``; checked."""
    env = os.environ if environ is None else environ
    name = value or env.get(ENVIRONMENT["profile"]) or "default"
    if not _PROFILE_NAME.match(name):
        raise CliError(
            "a profile name is 1..64 letters, digits, '_', '.' or '-' (starting with a letter "
            "or digit)",
            CONFIG,
        )
    return name


def load_profiles(directory: Path) -> dict[str, dict[str, str]]:
    """The profiles of ``directory/config.toml`` (``{}`` when there is none); any problem in the
    file is a :class:`CliError` naming the file, the line or the member."""
    path = directory / "config.toml"
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", CONFIG) from None
    if len(raw) > _MAX_CONFIG_BYTES:
        raise CliError(f"{path} is larger than 1 MiB", CONFIG)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise CliError(f"{path} is not valid TOML: {exc}", CONFIG) from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise CliError(f"{path}: [profiles] must be a table of tables", CONFIG)
    out: dict[str, dict[str, str]] = {}
    for name, table in profiles.items():
        if not _PROFILE_NAME.match(name) or not isinstance(table, dict):
            raise CliError(f"{path}: [profiles.{name}] is not a valid profile table", CONFIG)
        checked: dict[str, str] = {}
        for key, value in table.items():
            if key not in PROFILE_KEYS:
                raise CliError(
                    f"{path}: profiles.{name}.{key} is not a setting (known: "
                    f"{', '.join(PROFILE_KEYS)})",
                    CONFIG,
                )
            if not isinstance(value, str) or not value or len(value) > 2048:
                raise CliError(f"{path}: profiles.{name}.{key} must be a non-empty string", CONFIG)
            checked[key] = value
        out[name] = checked
    return out


@attrs.frozen
class Profile:
    """One profile's resolved settings (``client_secret`` never shown in a repr)."""

    name: str
    directory: Path
    pool_id: str | None = None
    client_id: str | None = None
    endpoint: str | None = None
    client_secret: str | None = attrs.field(default=None, repr=False)
    username: str | None = None
    totp_issuer: str | None = None

    def with_fallback(self, last: Mapping[str, Any]) -> Profile:
        """Fill pool, client and endpoint that nothing set from the last sign-in's record."""
        changes = {
            key: last[key]
            for key in ("pool_id", "client_id", "endpoint")
            if getattr(self, key) is None and isinstance(last.get(key), str)
        }
        return attrs.evolve(self, **changes) if changes else self

    def cognito_config(self) -> CognitoConfig:
        """The :class:`CognitoConfig` of this profile; a :class:`CliError` (exit 3) says what is
        missing or wrong and how to set it."""
        missing = [k for k in ("pool_id", "client_id") if getattr(self, k) is None]
        if missing:
            flags = " and ".join(f"--{k.replace('_', '-')}" for k in missing)
            envs = " and ".join(ENVIRONMENT[k] for k in missing)
            raise CliError(
                f"no {' or '.join(missing)} for profile {self.name!r}: pass {flags}, set {envs}, "
                f"or add them under [profiles.{self.name}] in {self.directory / 'config.toml'}",
                CONFIG,
            )
        assert self.pool_id is not None and self.client_id is not None
        try:
            return CognitoConfig(
                user_pool_id=self.pool_id,
                client_id=self.client_id,
                client_secret=self.client_secret,
                endpoint=self.endpoint,
            )
        except ValidationError as exc:
            raise CliError(f"profile {self.name!r}: {exc}", CONFIG) from None


def resolve(
    flags: Mapping[str, str | None],
    *,
    environ: Mapping[str, str] | None = None,
    directory: Path | None = None,
) -> Profile:
    """The profile named by ``flags["profile"]`` (or the environment), each setting from the
    flag, else the environment, else config.toml."""
    env = os.environ if environ is None else environ
    home = directory or config_dir(env)
    name = profile_name(flags.get("profile"), env)
    table = load_profiles(home).get(name, {})
    values: dict[str, str | None] = {}
    for key in PROFILE_KEYS:
        value = flags.get(key) or env.get(ENVIRONMENT[key]) or table.get(key)
        values[key] = value or None
    return Profile(name=name, directory=home, **values)

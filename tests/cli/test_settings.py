"""Configuration sources, the store key and the one-line error messages, in process: hostile
config files, profile names and keys are a CliError with exit code 3, never a traceback."""

from __future__ import annotations

import os
import threading
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authflow.cli.cache import store_key
from authflow.cli.errors import CONFIG, NEEDS_INPUT, CliError, explain
from authflow.cli.settings import PROFILE_KEYS, config_dir, load_profiles, profile_name, resolve
from authflow.cli.terminal import Answers, Terminal
from authflow.protocol import errors as protocol_errors
from authflow.protocol.errors import ServiceError

POOL = "us-east-1_AbCdEf123"


def write(directory: Path, text: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.toml").write_text(text, encoding="utf-8")


def test_flag_beats_environment_beats_file(tmp_path: Path) -> None:
    write(tmp_path, f'[profiles.p]\npool_id = "{POOL}"\nclient_id = "file"\nendpoint = "http://f"\n')
    env = {"AUTHFLOW_CLIENT_ID": "env", "AUTHFLOW_ENDPOINT": "http://e"}
    got = resolve({"profile": "p", "endpoint": "http://flag"}, environ=env, directory=tmp_path)
    assert (got.pool_id, got.client_id, got.endpoint) == (POOL, "env", "http://flag")
    config = got.cognito_config()
    assert config.endpoint_url == "http://flag" and config.user_pool_id == POOL
    last = {"pool_id": "us-east-1_Other1", "client_id": "x", "endpoint": "http://last"}
    assert got.with_fallback(last) == got  # set values are never replaced by the last sign-in
    empty = resolve({"profile": "q"}, environ={}, directory=tmp_path)
    assert empty.with_fallback(last).endpoint == "http://last"


def test_config_dir_follows_xdg_and_ignores_a_relative_one() -> None:
    assert config_dir({"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/h"}) == Path("/x/cfg/authflow")
    assert config_dir({"XDG_CONFIG_HOME": "rel", "HOME": "/h"}) == Path("/h/.config/authflow")
    assert config_dir({"HOME": "/h"}) == Path("/h/.config/authflow")


@pytest.mark.parametrize("name", ["../etc", "a/b", "-x", "x" * 65, "\ud800", "a b"])
def test_hostile_profile_names_are_config_errors(name: str) -> None:
    with pytest.raises(CliError) as info:
        profile_name(name, {})
    assert info.value.exit_code == CONFIG


@pytest.mark.parametrize("text, fragment", [
    ("profiles = 3", "must be a table"),
    ('[profiles.a]\npool_id = 7', "must be a non-empty string"),
    ('[profiles.a]\npassword = "x"', "is not a setting"),
    ('[profiles."../x"]\npool_id = "y"', "not a valid profile table"),
    ("[profiles.a", "is not valid TOML"),
    ("a = [" * 5000, "is not valid TOML"),
])
def test_bad_config_files_name_the_problem(tmp_path: Path, text: str, fragment: str) -> None:
    write(tmp_path, text)
    with pytest.raises(CliError, match=fragment) as info:
        load_profiles(tmp_path)
    assert info.value.exit_code == CONFIG


def test_a_config_file_that_is_not_utf8_or_too_big(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "config.toml").write_bytes(b"\xff\xfe[profiles]")
    with pytest.raises(CliError, match="not valid TOML"):
        load_profiles(tmp_path)
    (tmp_path / "config.toml").write_bytes(b"#" * (2 << 20))
    with pytest.raises(CliError, match="larger than 1 MiB"):
        load_profiles(tmp_path)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_profiles_or_a_config_error(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        try:
            Path(tmp, "config.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
        except UnicodeEncodeError:
            return
        try:
            profiles = load_profiles(Path(tmp))
        except CliError as exc:
            assert exc.exit_code == CONFIG and "\n" not in exc.message.strip()
            return
        for table in profiles.values():
            assert set(table) <= set(PROFILE_KEYS)
            assert all(isinstance(v, str) and v for v in table.values())


_values = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(),
                    st.lists(st.text(max_size=3), max_size=2))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=10),
                       st.dictionaries(st.sampled_from([*PROFILE_KEYS, "other"]), _values,
                                       max_size=4), max_size=3))
def test_structured_profiles_round_trip_or_are_refused(tables: dict[str, dict[str, object]]) -> None:
    import tempfile

    def toml_value(value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
        if isinstance(value, list):
            return "[" + ", ".join(toml_value(v) for v in value) + "]"
        return str(value)

    lines = []
    for name, table in tables.items():
        lines.append(f"[profiles.{toml_value(name)}]")
        lines += [f"{key} = {toml_value(v)}" for key, v in table.items() if v is not None]
    text = "\n".join(lines)
    try:
        expected = tomllib.loads(text).get("profiles", {})
    except tomllib.TOMLDecodeError:
        return
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "config.toml").write_text(text, encoding="utf-8")
        try:
            assert load_profiles(Path(tmp)) == expected
        except CliError as exc:
            assert exc.exit_code == CONFIG


def test_key_file_is_made_once_0600_and_shared(tmp_path: Path) -> None:
    keys: list[bytes] = []
    threads = [threading.Thread(target=lambda: keys.append(store_key(tmp_path, {})))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) == 32
    key_file = tmp_path / "store.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["store.key"]  # no temporary file left
    os.chmod(key_file, 0o644)
    with pytest.raises(CliError, match="readable by other users") as info:
        store_key(tmp_path, {})
    assert info.value.exit_code == CONFIG


@pytest.mark.parametrize("key", ["short", "A" * 44, "\u00e9" * 44, "!" * 44])
def test_a_bad_store_key_is_a_config_error(tmp_path: Path, key: str) -> None:
    with pytest.raises(CliError, match="AUTHFLOW_STORE_KEY is not a key") as info:
        store_key(tmp_path, {"AUTHFLOW_STORE_KEY": key})
    assert info.value.exit_code == CONFIG


def test_without_a_terminal_a_missing_answer_names_its_flag() -> None:
    term = Terminal(Answers(code="123456", choice="SMS_MFA"))
    assert not term.interactive
    assert term.text("Code: ", kind="code", how="pass --code") == "123456"
    with pytest.raises(CliError, match="pass --code") as info:
        term.text("Code: ", kind="code", how="pass --code")  # each answer is used once
    assert info.value.exit_code == NEEDS_INPUT
    with pytest.raises(CliError, match="must be one of SOFTWARE_TOKEN_MFA"):
        term.choose("?", ["SOFTWARE_TOKEN_MFA"], how="--choice")
    with pytest.raises(CliError, match="--password-stdin"):
        term.secret("Password: ")


SERVICE_ERRORS = [cls for cls in vars(protocol_errors).values()
                  if isinstance(cls, type) and issubclass(cls, ServiceError)]


@pytest.mark.parametrize("cls", SERVICE_ERRORS, ids=lambda c: c.__name__)
def test_every_service_error_is_one_line_with_an_exit_code(cls: type[ServiceError]) -> None:
    failure = explain(cls("Something went wrong.\nsecond\x1b[2J line" + "x" * 2000), username="ann")
    assert failure.exit_code in (1, 2, 75)
    assert "\n" not in failure.message and "\x1b" not in failure.message  # a hostile server's
    assert len(failure.message) <= 500  # text cannot break the one line or the terminal
    assert not failure.message.startswith("unexpected")


def test_unexpected_errors_show_only_their_type() -> None:
    failure = explain(KeyError("secret-token-value"))
    assert failure.message.startswith("unexpected KeyError") and "secret" not in failure.message

"""``token``, ``whoami``, ``sign-out``, ``profiles`` and sign-in without a terminal: exit codes
scripts rely on (2 = sign in again), one-line errors, ``--json``, configuration sources."""

from __future__ import annotations

import json
import os

import pytest

from authflow.protocol.errors import NotAuthorizedError
from cli.cli_support import PASSWORD, CliHome, claims, one_line_error


def signed_in(home: CliHome, username: str = "alice", *args: str) -> None:
    home.user(username, email=f"{username}@example.com")
    result = home.run("sign-in", username, "--password-stdin", *args, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert f"Signed in as {username}" in result.stderr and result.stdout == ""


def test_token_id_token_json_and_whoami_json(home: CliHome) -> None:
    signed_in(home)
    access = home.token().stdout.strip()
    assert claims(access)["token_use"] == "access"
    id_token = home.token("--id").stdout.strip()
    assert claims(id_token)["token_use"] == "id" and claims(id_token)["email"] == "alice@example.com"
    data = json.loads(home.token("--json").stdout)
    assert data["token"] == access and data["type"] == "access" and data["profile"] == "default"
    refreshed = home.token("--refresh")
    assert refreshed.returncode == 0 and refreshed.stdout.strip() != access
    me = json.loads(home.run("whoami", "--json").stdout)
    assert me["username"] == "alice" and me["attributes"]["email"] == "alice@example.com"


def test_revoked_refresh_token_means_exit_2_and_the_profile_is_forgotten(home: CliHome) -> None:
    signed_in(home)
    access = home.token().stdout.strip()
    home.emu.handle("GlobalSignOut", {"AccessToken": access})  # revokes the refresh token too
    result = home.token("--refresh")
    assert result.returncode == 2
    assert "authflow sign-in" in one_line_error(result)
    assert home.token().returncode == 2  # the dead session is not offered again
    assert json.loads(home.run("profiles", "--json").stdout)["profiles"][0]["signed_in_as"] is None


def test_whoami_with_a_revoked_access_token_is_exit_2(home: CliHome) -> None:
    signed_in(home)
    home.emu.handle("GlobalSignOut", {"AccessToken": home.token().stdout.strip()})
    result = home.run("whoami")
    assert result.returncode == 2 and "authflow sign-in" in one_line_error(result)


def test_sign_out_then_token_is_exit_2_and_sign_out_again_is_fine(home: CliHome) -> None:
    signed_in(home)
    access = home.token().stdout.strip()
    out = home.run("sign-out")
    assert out.returncode == 0 and "Signed out" in out.stderr
    assert home.token().returncode == 2
    again = home.run("sign-out", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["signed_out"] is False
    # RevokeToken revoked the access token's family as well: the server refuses it now
    with pytest.raises(NotAuthorizedError):
        home.emu.handle("GetUser", {"AccessToken": access})


def test_profiles_are_separate_and_listed(home: CliHome) -> None:
    signed_in(home, "alice")
    home.user("bob")
    result = home.run("sign-in", "bob", "--profile", "work", "--password-stdin",
                      stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    alice, bob = home.token().stdout.strip(), home.run("token", "--profile", "work").stdout
    assert claims(alice)["username"] == "alice" and claims(bob.strip())["username"] == "bob"
    listing = home.run("profiles").stdout.splitlines()
    assert listing[0].startswith("* default") and listing[0].endswith("alice")
    assert listing[1].startswith("  work") and listing[1].endswith("bob")
    rows = json.loads(home.run("profiles", "--json", AUTHFLOW_PROFILE="work").stdout)["profiles"]
    assert {r["profile"]: r["signed_in_as"] for r in rows} == {"default": "alice", "work": "bob"}


def test_config_toml_profile_and_token_without_any_configuration(home: CliHome) -> None:
    home.user("cleo")
    home.config.mkdir(parents=True)
    (home.config / "config.toml").write_text(
        f'[profiles.staging]\npool_id = "{home.pool.id}"\nclient_id = "{home.app.id}"\n'
        f'endpoint = "{home.emu.endpoint}"\nusername = "cleo"\n', encoding="utf-8")
    bare = {"AUTHFLOW_POOL_ID": "", "AUTHFLOW_CLIENT_ID": "", "AUTHFLOW_ENDPOINT": ""}
    result = home.run("sign-in", "--profile", "staging", "--password-stdin",
                      stdin=PASSWORD + "\n", **bare)
    assert result.returncode == 0, result.stderr
    assert "Signed in as cleo (profile staging)" in result.stderr
    (home.config / "config.toml").unlink()  # the last sign-in remembers pool, client, endpoint
    token = home.run("token", "--profile", "staging", **bare)
    assert token.returncode == 0 and claims(token.stdout.strip())["username"] == "cleo"


def test_configuration_errors_are_exit_3_and_say_how(home: CliHome) -> None:
    bare = {"AUTHFLOW_POOL_ID": "", "AUTHFLOW_CLIENT_ID": ""}
    result = home.run("sign-in", "zed", "--password-stdin", stdin="x\n", **bare)
    assert result.returncode == 3
    line = one_line_error(result)
    assert "--pool-id" in line and "AUTHFLOW_POOL_ID" in line and "config.toml" in line
    home.config.mkdir(parents=True, exist_ok=True)
    (home.config / "config.toml").write_text("[profiles.default\npool_id=", encoding="utf-8")
    result = home.run("profiles")
    assert result.returncode == 3 and "is not valid TOML" in one_line_error(result)
    (home.config / "config.toml").unlink()
    result = home.run("token", AUTHFLOW_STORE_KEY="not-a-key")
    assert result.returncode == 3 and "AUTHFLOW_STORE_KEY is not a key" in one_line_error(result)


def test_usage_errors_are_exit_64_not_2(home: CliHome) -> None:
    result = home.run("token", "--no-such-flag")
    assert result.returncode == 64 and "unrecognized arguments" in result.stderr
    assert "exit codes:" in home.run("--help").stdout


def test_wrong_password_unconfirmed_and_reset_required_are_one_line(home: CliHome) -> None:
    home.user("gus", email="gus@example.com", email_verified="true")
    wrong = home.run("sign-in", "gus", "--password-stdin", stdin="Wrong-Pass-1!\n")
    assert wrong.returncode == 1
    assert one_line_error(wrong) == "authflow: Incorrect username or password."
    home.emu.handle("SignUp", {"ClientId": home.app.id, "Username": "hal", "Password": PASSWORD,
                               "UserAttributes": [{"Name": "email", "Value": "h@example.com"}]})
    pending = home.run("sign-in", "hal", "--password-stdin", stdin=PASSWORD + "\n")
    assert pending.returncode == 1
    assert "`authflow sign-up --confirm hal`" in one_line_error(pending)
    home.admin("AdminResetUserPassword", Username="gus")
    reset = home.run("sign-in", "gus", "--password-stdin", stdin=PASSWORD + "\n")
    assert reset.returncode == 1
    assert "`authflow forgot-password gus`" in one_line_error(reset)
    assert PASSWORD not in wrong.stderr + pending.stderr + reset.stderr


def test_a_code_without_a_terminal_is_exit_4_naming_the_flag(home: CliHome) -> None:
    home.mfa("ON", SmsMfaConfiguration={})
    home.user("ivy", phone_number="+15555550111")
    result = home.run("sign-in", "ivy", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 4
    assert "--code" in one_line_error(result) and "AUTHFLOW_CODE" in result.stderr
    assert home.token().returncode == 2


def test_unreachable_endpoint_is_exit_75(home: CliHome) -> None:
    home.user("jon")
    result = home.run("sign-in", "jon", "--password-stdin", stdin=PASSWORD + "\n",
                      AUTHFLOW_ENDPOINT="http://127.0.0.1:9")
    assert result.returncode == 75 and "cannot reach Cognito" in one_line_error(result)


def test_json_errors_go_to_stdout_as_json(home: CliHome) -> None:
    result = home.run("token", "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout) == {
        "error": "profile 'default' is not signed in: run `authflow sign-in`", "exit_code": 2}


def test_the_cache_is_private_and_encrypted(home: CliHome) -> None:
    signed_in(home)
    token = home.token().stdout.strip()
    assert os.stat(home.config).st_mode & 0o077 == 0
    assert os.stat(home.config / "sessions").st_mode & 0o777 == 0o700
    for path in home.files():
        assert path.stat().st_mode & 0o777 == 0o600, path
        text = path.read_text(encoding="utf-8")
        assert token not in text and token[:40] not in text and "alice@example.com" not in text
    # the same records with another key do not decrypt: a sign-in-needed error, not a crash
    other = "A" * 43 + "="
    result = home.run("token", AUTHFLOW_STORE_KEY=other)
    assert result.returncode == 2 and "does not decrypt" in one_line_error(result)

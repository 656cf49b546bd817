"""``authflow sign-in`` in a real pseudo-terminal (pexpect) against the emulator: the password is
not echoed, codes are asked for saying where they went, a wrong code is asked again, TOTP set-up
draws its QR code, a new password is asked twice with the policy shown, Ctrl-C leaves nothing
half-written, and a later process gets tokens without the password."""

from __future__ import annotations

import re

import pexpect
import pyotp

from authflow.emulator import ManualClock
from cli.cli_support import PASSWORD, CliHome, claims

PHONE = "+15555550123"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return child.exitstatus


def test_hidden_password_sms_code_prompt_wrong_code_then_token_after_restart(
    home: CliHome,
) -> None:
    home.mfa("ON", SmsMfaConfiguration={})
    home.user("alice", phone_number=PHONE)
    child = home.spawn("sign-in", "alice")
    child.expect_exact("Password for alice: ")
    child.sendline(PASSWORD)
    child.expect_exact("Code (sent by text message to +*******0123): ")
    first = home.code("alice")
    child.sendline(wrong(first))
    child.expect("Wrong code .*Try again.")
    child.expect_exact("Code (sent by text message to +*******0123): ")
    child.sendline(first)  # the same challenge, still pending: its code is still good
    child.expect_exact("Signed in as alice (profile default).")
    assert finish(child) == 0
    assert PASSWORD not in child.transcript.text  # getpass turned echo off
    assert "Traceback" not in child.transcript.text

    # a new process, no password: the cached session gives a valid token
    result = home.token()
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert claims(token)["username"] == "alice" and claims(token)["token_use"] == "access"
    me = home.run("whoami")
    assert me.returncode == 0 and me.stdout.startswith("alice (profile default)")
    assert "  phone_number: " + PHONE in me.stdout and "  MFA: " in me.stdout


def test_totp_setup_prints_the_uri_and_a_qr_code_and_asks_again(home: CliHome) -> None:
    home.mfa("ON", SoftwareTokenMfaConfiguration={"Enabled": True})
    home.user("bob")
    child = home.spawn("sign-in", "bob")
    child.expect_exact("Password for bob: ")
    child.sendline(PASSWORD)
    child.expect(r"otpauth://totp/AWSCognito%3Abob\?secret=([A-Z2-7]+)&issuer=AWSCognito")
    secret = child.match.group(1)
    child.expect_exact("Code from the authenticator app: ")
    drawn = child.before
    assert drawn.count("\u2588") > 100 and "\u2584" in drawn  # the QR code's block characters
    totp = pyotp.TOTP(secret)
    clock = home.emu.core.clock
    assert isinstance(clock, ManualClock)

    def now() -> str:
        return totp.at(int(clock()))

    child.sendline(wrong(now()))
    child.expect("Wrong code .*Try again.")
    child.expect_exact("Code from the authenticator app: ")
    assert "otpauth://" not in child.before  # asked again, not drawn again
    child.sendline(now())
    child.expect_exact("Signed in as bob")
    assert finish(child) == 0
    clock.advance(30)  # a code is good once per window
    # the next sign-in asks for the authenticator's code, and the session cache has the new one
    child = home.spawn("sign-in", "bob")
    child.expect_exact("Password for bob: ")
    child.sendline(PASSWORD)
    child.expect_exact("Code from your authenticator app: ")
    child.sendline(now())
    child.expect_exact("Signed in as bob")
    assert finish(child) == 0
    assert home.token().returncode == 0


def test_menu_for_select_mfa_type(home: CliHome) -> None:
    home.mfa("ON", SmsMfaConfiguration={}, SoftwareTokenMfaConfiguration={"Enabled": True})
    home.user("cara", phone_number=PHONE)
    home.admin("AdminSetUserMFAPreference", Username="cara", SMSMfaSettings={"Enabled": True})
    access = _access(home, "cara")
    secret = home.emu.handle("AssociateSoftwareToken", {"AccessToken": access})["SecretCode"]
    code = pyotp.TOTP(secret).at(int(home.emu.core.clock()))
    home.emu.handle("VerifySoftwareToken", {"AccessToken": access, "UserCode": code})
    home.admin("AdminSetUserMFAPreference", Username="cara",
               SMSMfaSettings={"Enabled": True}, SoftwareTokenMfaSettings={"Enabled": True})
    child = home.spawn("sign-in", "cara", "--auth-flow", "USER_PASSWORD_AUTH")
    child.expect_exact("Password for cara: ")
    child.sendline(PASSWORD)
    child.expect_exact("How do you want to prove it is you?")
    child.expect_exact("Choose 1-2: ")
    assert "1) SMS_MFA - a code by text message (SMS)" in child.before
    child.sendline("9")
    child.expect_exact("Type a number from 1 to 2.")
    child.sendline("1")
    child.expect_exact("Code (sent by text message to +*******0123): ")
    child.sendline(home.code("cara"))
    assert finish(child) == 0


def _access(home: CliHome, username: str) -> str:
    """Sign in with the SDK-level API (for provisioning TOTP), returning an access token."""
    result = home.emu.handle("InitiateAuth", {
        "ClientId": home.app.id, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD}})
    if "AuthenticationResult" not in result:  # an MFA challenge: answer it with the code sent
        result = home.emu.handle("RespondToAuthChallenge", {
            "ClientId": home.app.id, "ChallengeName": result["ChallengeName"],
            "Session": result["Session"],
            "ChallengeResponses": {"USERNAME": username, "SMS_MFA_CODE": home.code(username)}})
    token: str = result["AuthenticationResult"]["AccessToken"]
    return token


def test_new_password_is_asked_twice_and_the_policy_is_shown(home: CliHome) -> None:
    home.admin("AdminCreateUser", Username="dave", TemporaryPassword="Temp-Pass-1!",
               MessageAction="SUPPRESS")
    child = home.spawn("sign-in", "dave")
    child.expect_exact("Password for dave: ")
    child.sendline("Temp-Pass-1!")
    child.expect_exact("dave must choose a new password.")
    child.expect_exact("New password: ")
    child.sendline("Brand-New-Pass-1!")
    child.expect_exact("Repeat it: ")
    child.sendline("Brand-New-Pass-2!")
    child.expect_exact("The two passwords differ; once more.")
    child.expect_exact("New password: ")
    child.sendline("short")
    child.expect_exact("Repeat it: ")
    child.sendline("short")
    child.expect(re.compile(r"Password does not conform to policy.*Try again\.", re.S))
    child.expect_exact("New password: ")
    child.sendline("Brand-New-Pass-1!")
    child.expect_exact("Repeat it: ")
    child.sendline("Brand-New-Pass-1!")
    child.expect_exact("Signed in as dave")
    assert finish(child) == 0
    for secret in ("Temp-Pass-1!", "Brand-New-Pass-1!", "short"):
        assert secret not in child.transcript.text


def test_ctrl_c_at_a_prompt_leaves_nothing_half_written(home: CliHome) -> None:
    home.mfa("ON", SmsMfaConfiguration={})
    home.user("erin", phone_number=PHONE)
    child = home.spawn("sign-in", "erin")
    child.expect_exact("Password for erin: ")
    child.sendline(PASSWORD)
    child.expect_exact("Code (sent by text message")
    child.sendintr()
    child.expect_exact("interrupted; nothing was left half-written")
    assert finish(child) == 130
    assert "Traceback" not in child.transcript.text
    files = home.files()
    assert not [p for p in files if p.name.endswith(".tmp") or p.name.startswith(".tmp")], files
    key = home.config / "store.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_text().strip()) == 44
    # nothing was signed in: every record left (if any) reads back, and token says "sign in"
    assert home.run("profiles").returncode == 0
    result = home.token()
    assert result.returncode == 2 and "authflow sign-in" in result.stderr


def test_ctrl_c_at_the_password_prompt(home: CliHome) -> None:
    child = home.spawn("sign-in", "fred")
    child.expect_exact("Password for fred: ")
    child.sendintr()
    assert finish(child) == 130
    assert not [p for p in home.files() if ".tmp" in p.name]

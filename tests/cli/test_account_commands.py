"""``authflow sign-up`` and ``authflow forgot-password`` in a pseudo-terminal: passwords asked
twice and hidden, the code prompt says where the code went, a wrong code is asked again."""

from __future__ import annotations

import pexpect

from cli.cli_support import PASSWORD, CliHome


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return child.exitstatus


def test_sign_up_then_confirm_with_a_wrong_code_first(home: CliHome) -> None:
    child = home.spawn("sign-up", "kim", "--attribute", "email=kim@example.com")
    child.expect_exact("Password for kim: ")
    child.sendline(PASSWORD)
    child.expect_exact("Repeat it: ")
    child.sendline(PASSWORD)
    child.expect_exact("Registered kim; a confirmation code was sent (sent by e-mail to k***@e")
    child.expect_exact("Confirmation code: ")
    code = home.code("kim", purpose="SIGN_UP")
    child.sendline("000000" if code != "000000" else "111111")
    child.expect("Try again.")
    child.expect_exact("Confirmation code: ")
    child.sendline(code)
    child.expect_exact("kim is confirmed: sign in with `authflow sign-in kim`.")
    assert finish(child) == 0
    assert PASSWORD not in child.transcript.text
    signed = home.run("sign-in", "kim", "--password-stdin", stdin=PASSWORD + "\n")
    assert signed.returncode == 0, signed.stderr


def test_confirm_later_with_a_new_code(home: CliHome) -> None:
    home.emu.handle("SignUp", {"ClientId": home.app.id, "Username": "lou", "Password": PASSWORD,
                               "UserAttributes": [{"Name": "email", "Value": "l@example.com"}]})
    child = home.spawn("sign-up", "--confirm", "--resend", "lou")
    child.expect_exact("A new code was sent (sent by e-mail to l***@e")
    child.expect_exact("Confirmation code: ")
    child.sendline(home.code("lou", purpose="SIGN_UP"))
    child.expect_exact("lou is confirmed")
    assert finish(child) == 0


def test_forgot_password_resets_and_the_new_password_works(home: CliHome) -> None:
    home.user("mo", email="mo@example.com", email_verified="true")
    child = home.spawn("forgot-password", "mo")
    child.expect_exact("A reset code was sent (sent by e-mail to m***@e")
    child.expect_exact("Reset code: ")
    code = home.code("mo", purpose="FORGOT_PASSWORD")
    child.sendline("000000" if code != "000000" else "111111")
    child.expect_exact("New password: ")
    child.sendline("Another-Pass-7!")
    child.expect_exact("Repeat it: ")
    child.sendline("Another-Pass-7!")
    child.expect("Try again.")
    child.expect_exact("Reset code: ")
    child.sendline(code)
    child.expect_exact("The password of mo was reset")
    assert finish(child) == 0
    assert "Another-Pass-7!" not in child.transcript.text
    old = home.run("sign-in", "mo", "--password-stdin", stdin=PASSWORD + "\n")
    assert old.returncode == 1
    new = home.run("sign-in", "mo", "--password-stdin", stdin="Another-Pass-7!\n")
    assert new.returncode == 0, new.stderr

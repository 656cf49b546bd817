"""The terminal side of the command: prompts (hidden for passwords), menus, QR codes, and the
answers a script gives instead (flags, environment variables, standard input).

Everything for a person goes to standard error (or the terminal itself), so standard output
carries only the result: a token, ``--json`` output.
"""

from __future__ import annotations

import contextlib
import getpass
import io
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, TextIO

from authflow.cli.errors import NEEDS_INPUT, CliError

__all__ = ["CHOICE_NAMES", "Answers", "Terminal", "environment_answers", "qr_code"]

#: How a menu shows Cognito's factor and challenge names.
CHOICE_NAMES: Mapping[str, str] = {
    "SMS_MFA": "a code by text message (SMS)",
    "SOFTWARE_TOKEN_MFA": "a code from an authenticator app (TOTP)",
    "EMAIL_OTP": "a code by e-mail",
    "SMS_OTP": "a code by text message (SMS)",
    "PASSWORD": "password",
    "PASSWORD_SRP": "password (SRP: the password never leaves this machine)",
    "WEB_AUTHN": "passkey (not available in a terminal)",
}

_MAX_ANSWER = 4096


def qr_code(text: str) -> str:
    """``text`` as a QR code drawn with block characters (needs ``segno``: the ``cli`` extra);
    ``""`` when segno is not installed."""
    try:
        import segno
    except ImportError:
        return ""
    buffer = io.StringIO()
    segno.make(text, error="m").terminal(out=buffer, compact=True)
    return buffer.getvalue()


class Answers:
    """Answers given up front, for scripts: ``--code``/``AUTHFLOW_CODE``,
    ``--choice``/``AUTHFLOW_CHOICE``, ``--answer``/``AUTHFLOW_ANSWER``, and passwords read from
    standard input (``--password-stdin``: the first line is the password, the next one a new
    password if one is asked for). Each is used once."""

    def __init__(
        self,
        *,
        code: str | None = None,
        choice: str | None = None,
        answer: str | None = None,
        passwords: Sequence[str] = (),
    ) -> None:
        self._values = {"code": code, "choice": choice, "answer": answer}
        self._passwords = list(passwords)

    def take(self, kind: str) -> str | None:
        """The ``kind`` answer (``code``, ``choice``, ``answer``) once, then ``None``."""
        value = self._values.get(kind)
        self._values[kind] = None
        return value or None

    def password(self) -> str | None:
        """The next password from standard input, or ``None``."""
        return self._passwords.pop(0) if self._passwords else None


class Terminal:
    """Asks a person (when there is a terminal) or takes the scripted :class:`Answers`.

    ``tty`` is the terminal to ask on: standard input when it is one, else ``/dev/tty`` when the
    process has a controlling terminal (``echo pw | authflow sign-in --password-stdin`` can
    still ask for the MFA code), else none: a needed answer that was not given is a
    :class:`CliError` with exit code 4 saying which flag or variable gives it.
    """

    def __init__(
        self,
        answers: Answers | None = None,
        *,
        err: TextIO | None = None,
        tty: IO[str] | None = None,
        hidden: Callable[[str], str] | None = None,
    ) -> None:
        self.answers = answers or Answers()
        self.err = err or sys.stderr
        self._tty = tty
        self._hidden = hidden
        #: What was already shown in full (a TOTP set-up's QR code is not drawn twice).
        self.shown: set[str] = set()

    @classmethod
    @contextlib.contextmanager
    def open(cls, answers: Answers) -> Iterator[Terminal]:
        """A terminal on stdin if it is one, else on ``/dev/tty`` if there is one, else none."""
        if sys.stdin.isatty():
            yield cls(answers, tty=sys.stdin)
            return
        try:
            tty: IO[str] | None = open("/dev/tty", encoding="utf-8")
        except OSError:
            tty = None
        try:
            yield cls(answers, tty=tty)
        finally:
            if tty is not None:
                tty.close()

    @property
    def interactive(self) -> bool:
        """Whether a person can be asked."""
        return self._tty is not None

    def say(self, text: str = "") -> None:
        """A line for the person (standard error)."""
        self.err.write(text + "\n")
        self.err.flush()

    def _need(self, what: str, how: str) -> CliError:
        return CliError(f"{what} is needed and there is no terminal to ask: {how}", NEEDS_INPUT)

    def _read(self, prompt: str) -> str:
        assert self._tty is not None
        self.err.write(prompt)
        self.err.flush()
        line = self._tty.readline(_MAX_ANSWER + 1)
        if not line:
            raise CliError("no answer (end of input)", NEEDS_INPUT)
        return line.rstrip("\r\n")

    def text(self, prompt: str, *, kind: str, how: str) -> str:
        """A visible answer: the scripted ``kind`` answer, else asked (``how`` says which flag
        gives it when nobody can be asked). Empty answers are asked again."""
        given = self.answers.take(kind)
        if given is not None:
            return given
        if not self.interactive:
            raise self._need(prompt.rstrip(": ").lower(), how)
        while True:
            value = self._read(prompt).strip()
            if value:
                return value

    def secret(self, prompt: str, *, how: str = "use --password-stdin") -> str:
        """A hidden answer (nothing echoed): the next ``--password-stdin`` line, else asked."""
        given = self.answers.password()
        if given is not None:
            return given
        if not self.interactive:
            raise self._need(prompt.rstrip(": ").lower(), how)
        while True:
            if self._hidden is not None:
                value = self._hidden(prompt)
            elif self._tty is sys.stdin:
                value = getpass.getpass(prompt, stream=self.err)
            else:
                value = getpass.getpass(prompt)  # reads /dev/tty itself
            if value:
                return value

    def new_password(self, prompt: str = "New password: ") -> str:
        """A new password, asked twice (hidden) until both agree."""
        given = self.answers.password()
        if given is not None:
            return given
        while True:
            first = self.secret(prompt)
            if self.secret("Repeat it: ") == first:
                return first
            self.say("The two passwords differ; once more.")

    def choose(self, question: str, options: Sequence[str], *, how: str) -> str:
        """One of ``options``, from a numbered menu (a number or the name is accepted)."""
        given = self.answers.take("choice")
        if given is not None:
            if given not in options:
                raise CliError(f"--choice must be one of {', '.join(options)}")
            return given
        if not self.interactive:
            raise self._need(f"a choice among {', '.join(options)}", how)
        self.say(question)
        for number, option in enumerate(options, 1):
            described = CHOICE_NAMES.get(option)
            self.say(f"  {number}) {option}" + (f" - {described}" if described else ""))
        while True:
            value = self._read(f"Choose 1-{len(options)}: ").strip()
            if value.isdigit() and 1 <= int(value) <= len(options):
                return options[int(value) - 1]
            if value in options:
                return value
            self.say(f"Type a number from 1 to {len(options)}.")


def environment_answers(
    *, code: str | None, choice: str | None, answer: str | None, password_stdin: bool,
    environ: Mapping[str, str] | None = None, stdin: TextIO | None = None,
) -> Answers:
    """The :class:`Answers` from flags, then ``AUTHFLOW_CODE``/``AUTHFLOW_CHOICE``/
    ``AUTHFLOW_ANSWER``, and the ``--password-stdin`` lines."""
    env = os.environ if environ is None else environ
    passwords: list[str] = []
    if password_stdin:
        source = stdin or sys.stdin
        for _ in range(2):
            line = source.readline(_MAX_ANSWER + 1).rstrip("\r\n")
            if not line:
                break
            passwords.append(line)
        if not passwords:
            raise CliError("--password-stdin: standard input held no password", NEEDS_INPUT)
    return Answers(
        code=code or env.get("AUTHFLOW_CODE"),
        choice=choice or env.get("AUTHFLOW_CHOICE"),
        answer=answer or env.get("AUTHFLOW_ANSWER"),
        passwords=passwords,
    )

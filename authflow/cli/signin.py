"""``authflow sign-in``: the sign-in flow driven from a terminal.

The password is asked hidden, then every challenge the flow stops at is asked for in turn: codes
(saying where they were sent), a numbered menu for SELECT_MFA_TYPE / SELECT_CHALLENGE / MFA_SETUP's
choice, a new password asked twice (the pool's policy message shown and asked again), TOTP set-up
(the ``otpauth://`` URI and a QR code), custom challenges. A refused answer is asked again: the
flow stays ChallengePending. An expired challenge session starts the sign-in again.
"""

from __future__ import annotations

from typing import Any

from authflow.cli.errors import one_line
from authflow.cli.terminal import Terminal, qr_code
from authflow.flows import SignInFlow, Step
from authflow.protocol.errors import (
    ChallengeExpiredError,
    CodeMismatchError,
    EnableSoftwareTokenMFAError,
    ExpiredCodeError,
    InvalidPasswordError,
    NotAuthorizedError,
    PasswordHistoryPolicyViolationError,
    ValidationError,
)

__all__ = ["answer_for", "drive_sign_in"]

#: Errors after which the same challenge is asked again (interactively).
_ASK_AGAIN = (
    CodeMismatchError,
    ExpiredCodeError,
    EnableSoftwareTokenMFAError,
    InvalidPasswordError,
    PasswordHistoryPolicyViolationError,
    ValidationError,
)
_MAX_PASSWORD_TRIES = 3
_MAX_RESTARTS = 2
_ENGINE_PARAMETERS = {"USERNAME", "USER_ID_FOR_SRP"}
_CODE_HOW = "pass --code CODE or set AUTHFLOW_CODE"
_CHOICE_HOW = "pass --choice NAME or set AUTHFLOW_CHOICE"


def _delivered(step: Step) -> str:
    delivery = step.delivery
    if delivery is None:
        return ""
    medium = (delivery.medium or "").lower() or "message"
    medium = {"sms": "text message", "email": "e-mail"}.get(medium, medium)
    where = f" to {delivery.destination}" if delivery.destination else ""
    return f" (sent by {medium}{where})"


def answer_for(
    step: Step, term: Terminal, *, username: str, has_password: bool = True
) -> str | dict[str, str]:
    """Ask the person (or take the scripted answer) for what ``step`` waits on.
    ``has_password`` says whether the sign-in was started with the password (SELECT_CHALLENGE's
    PASSWORD_SRP needs it; PASSWORD is then asked for)."""
    name = step.challenge or ""
    if name in ("SMS_MFA", "SMS_OTP", "EMAIL_OTP"):
        return term.text(f"Code{_delivered(step)}: ", kind="code", how=_CODE_HOW)
    if name == "SOFTWARE_TOKEN_MFA":
        return term.text("Code from your authenticator app: ", kind="code", how=_CODE_HOW)
    if name == "SELECT_MFA_TYPE":
        return term.choose("How do you want to prove it is you?", step.choices, how=_CHOICE_HOW)
    if name == "SELECT_CHALLENGE":
        options = [c for c in step.choices if c != "WEB_AUTHN"] or list(step.choices)
        if not has_password and "PASSWORD" in options:
            options = [c for c in options if c != "PASSWORD_SRP"]
        choice = term.choose("How do you want to sign in?", options, how=_CHOICE_HOW)
        if choice == "PASSWORD" and not has_password:
            return {"ANSWER": choice, "PASSWORD": term.secret(f"Password for {username}: ")}
        return choice
    if name == "NEW_PASSWORD_REQUIRED":
        term.say(f"{username} must choose a new password.")
        answer = {"NEW_PASSWORD": term.new_password()}
        for attribute in step.required_attributes:
            answer[attribute] = term.text(
                f"{attribute}: ", kind="answer", how="pass --answer VALUE"
            )
        return answer
    if name == "MFA_SETUP":
        return _mfa_setup(step, term, username=username)
    if name == "WEB_AUTHN":
        raise ValidationError("a passkey cannot be used from a terminal: choose another way")
    shown = {k: v for k, v in step.parameters.items() if k not in _ENGINE_PARAMETERS}
    term.say(f"{name or 'The server'} asks:")
    for key, value in shown.items():
        term.say(f"  {one_line(key, 80)}: {one_line(value)}")
    return term.text("Answer: ", kind="answer", how="pass --answer VALUE or set AUTHFLOW_ANSWER")


def _mfa_setup(step: Step, term: Terminal, *, username: str) -> str | dict[str, str]:
    if step.otpauth_uri and step.otpauth_uri in term.shown:
        return term.text("Code from the authenticator app: ", kind="code", how=_CODE_HOW)
    if step.otpauth_uri:
        term.shown.add(step.otpauth_uri)
        term.say(f"Set up an authenticator app (TOTP) for {username}:")
        term.say("scan this QR code, or enter the key by hand.")
        term.say(f"  key: {step.secret_code}")
        term.say(f"  {step.otpauth_uri}")
        drawn = qr_code(step.otpauth_uri)
        if drawn:
            term.say(drawn.rstrip("\n"))
        else:
            term.say("  (pip install 'authflow-cognito[cli]' to see a QR code here)")
        return term.text("Code from the authenticator app: ", kind="code", how=_CODE_HOW)
    if step.expects and step.expects[0] == "EMAIL":
        return {"EMAIL": term.text("E-mail address for the codes: ", kind="answer",
                                   how="pass --answer EMAIL")}
    return term.choose("Multi-factor authentication must be set up. Which?", step.choices,
                       how=_CHOICE_HOW)


def _refusal(exc: Exception) -> str:
    message = one_line(getattr(exc, "message", None) or str(exc)).rstrip(".")
    if isinstance(exc, CodeMismatchError | EnableSoftwareTokenMFAError):
        return f"Wrong code ({message}). Try again."
    if isinstance(exc, ExpiredCodeError):
        return f"That code has expired ({message}). Try again."
    return f"{message}. Try again."


async def drive_sign_in(
    flow: SignInFlow, term: Terminal, *, username: str, password_needed: bool
) -> None:
    """Drive ``flow`` to Authenticated, asking ``term`` for each answer (the password first when
    ``password_needed``). The prompts block the event loop, which in a command has nothing else
    to do; Ctrl-C at a prompt raises KeyboardInterrupt there, before anything is sent."""
    tries = 0
    restarts = 0
    step: Step | None = None
    while step is None:
        password = term.secret(f"Password for {username}: ") if password_needed else None
        try:
            step = await flow.step(password)
        except NotAuthorizedError as exc:
            tries += 1
            if not term.interactive or tries >= _MAX_PASSWORD_TRIES:
                raise
            term.say(f"{exc.message or 'Not authorized.'} Try again.")
    while flow.state == "ChallengePending":
        answer: Any = answer_for(step, term, username=username, has_password=password_needed)
        try:
            step = await flow.step(answer)
        except _ASK_AGAIN as exc:
            if not term.interactive:
                raise
            term.say(_refusal(exc))
        except ChallengeExpiredError:
            restarts += 1
            if restarts > _MAX_RESTARTS:
                raise
            term.say("The sign-in session expired; starting again.")
            step = await flow.step()

"""``authflow sign-up`` and ``authflow forgot-password``: the code prompts around the flows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from authflow.cli.context import Context
from authflow.cli.errors import one_line
from authflow.cli.terminal import Terminal
from authflow.client import AuthClient
from authflow.flows import CodeDelivery
from authflow.protocol.errors import (
    CodeMismatchError,
    ExpiredCodeError,
    InvalidPasswordError,
    PasswordHistoryPolicyViolationError,
)
from authflow.protocol.operations import ConfirmSignUpRequest, ResendConfirmationCodeRequest
from authflow.protocol.secret_hash import secret_hash
from authflow.transport import call

__all__ = ["forgot_password", "sign_up"]

T = TypeVar("T")
_CODE_HOW = "pass --code CODE or set AUTHFLOW_CODE"


def _where(delivery: CodeDelivery | None) -> str:
    if delivery is None or not (delivery.destination or delivery.medium):
        return ""
    medium = {"SMS": "text message", "EMAIL": "e-mail"}.get(delivery.medium or "", "message")
    return f" (sent by {medium} to {delivery.destination or 'you'})"


async def _until_accepted(
    term: Terminal, attempt: Callable[[], Awaitable[T]], refused: tuple[type[Exception], ...]
) -> T:
    """Run ``attempt`` until it is not refused: each refusal is shown and (interactively) the
    attempt, which asks again, is repeated."""
    while True:
        try:
            return await attempt()
        except refused as exc:
            if not term.interactive:
                raise
            message = one_line(getattr(exc, "message", "") or str(exc))
            term.say(f"{message.rstrip('.')}. Try again.")


async def sign_up(
    ctx: Context,
    username: str | None,
    *,
    attributes: Mapping[str, str],
    confirm_only: bool,
    resend: bool,
) -> None:
    """Register (password asked twice), then confirm with the code that was sent; with
    ``confirm_only`` just confirm (``resend`` first asks for a new code)."""
    term = ctx.term
    login = username or term.text("Username: ", kind="username", how="give USERNAME")
    config = ctx.profile.cognito_config()
    async with AuthClient(config) as auth:
        if confirm_only:
            hashed = (
                secret_hash(login, config.client_id, config.client_secret)
                if config.client_secret else None
            )
            if resend:
                sent = await call(auth.transport, ResendConfirmationCodeRequest(
                    client_id=config.client_id, username=login, secret_hash=hashed))
                details = sent.code_delivery_details
                delivery = None if details is None else CodeDelivery(
                    medium=details.delivery_medium, destination=details.destination)
                term.say(f"A new code was sent{_where(delivery)}.")

            async def confirm_code() -> None:
                code = term.text("Confirmation code: ", kind="code", how=_CODE_HOW)
                await call(auth.transport, ConfirmSignUpRequest(
                    client_id=config.client_id, username=login, confirmation_code=code,
                    secret_hash=hashed))

            await _until_accepted(term, confirm_code, (CodeMismatchError, ExpiredCodeError))
        else:
            flow = None

            async def register() -> None:
                nonlocal flow
                password = term.new_password(f"Password for {login}: ")
                flow = auth.sign_up(login, password, attributes=attributes)
                await flow.step()

            await _until_accepted(
                term, register, (InvalidPasswordError, PasswordHistoryPolicyViolationError)
            )
            assert flow is not None
            signup = flow
            if signup.state == "PendingConfirmation":
                where = _where(signup.delivery)
                term.say(f"Registered {login}; a confirmation code was sent{where}.")

                async def confirm_flow() -> None:
                    await signup.step(term.text("Confirmation code: ", kind="code", how=_CODE_HOW))

                await _until_accepted(term, confirm_flow, (CodeMismatchError, ExpiredCodeError))
    term.say(f"{login} is confirmed: sign in with `authflow sign-in {login}`.")
    ctx.result({"username": login, "state": "Confirmed"}, None)


async def forgot_password(ctx: Context, username: str | None) -> None:
    """Send a reset code, then ask for it and a new password (twice)."""
    term = ctx.term
    login = username or term.text("Username: ", kind="username", how="give USERNAME")
    async with AuthClient(ctx.profile.cognito_config()) as auth:
        flow = auth.forgot_password(login)
        step = await flow.step()
        term.say(f"A reset code was sent{_where(step.delivery)}.")
        code = term.text("Reset code: ", kind="code", how=_CODE_HOW)
        password = term.new_password()

        async def reset() -> None:
            await flow.step({"ConfirmationCode": code, "Password": password})

        while True:
            try:
                await reset()
                break
            except (CodeMismatchError, ExpiredCodeError) as exc:
                if not term.interactive:
                    raise
                term.say(f"{one_line(exc.message).rstrip('.') or 'Wrong code'}. Try again.")
                code = term.text("Reset code: ", kind="code", how=_CODE_HOW)
            except (InvalidPasswordError, PasswordHistoryPolicyViolationError) as exc:
                if not term.interactive:
                    raise
                term.say(f"{one_line(exc.message).rstrip('.') or 'Password refused'}. Try again.")
                password = term.new_password()
    term.say(f"The password of {login} was reset: sign in with `authflow sign-in {login}`.")
    ctx.result({"username": login, "state": "PasswordReset"}, None)

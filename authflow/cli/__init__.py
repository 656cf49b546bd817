"""The ``authflow`` command.

Sessions: ``sign-in``, ``token``, ``whoami``, ``sign-out``, ``profiles``; accounts: ``sign-up``,
``forgot-password``; tools: ``demo``, ``emulator``, ``diagrams``. Failures are one line on
standard error and an exit code from :data:`authflow.cli.errors.EXIT_CODES` (never a
traceback). docs/cli.md is the manual.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Coroutine, Sequence
from typing import Any, NoReturn

from authflow.cli.errors import (
    EXIT_CODES,
    INTERRUPTED,
    OK,
    USAGE,
    CliError,
    explain,
)

__all__ = ["build_parser", "main", "run_async"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line exits 64 (2 means "sign in" to scripts)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}: {message}\n")


def _exit_codes_text() -> str:
    return "exit codes:\n" + "\n".join(f"  {code:>3}  {text}" for code, text in EXIT_CODES.items())


def _common() -> _Parser:
    common = _Parser(add_help=False)
    group = common.add_argument_group("configuration (flag > AUTHFLOW_* variable > config.toml)")
    group.add_argument("--profile", help="profile name (AUTHFLOW_PROFILE; default: default)")
    group.add_argument("--pool-id", dest="pool_id", help="user pool id (AUTHFLOW_POOL_ID)")
    group.add_argument("--client-id", dest="client_id", help="app client id (AUTHFLOW_CLIENT_ID)")
    group.add_argument("--endpoint", help="Cognito endpoint URL, e.g. an emulator "
                       "(AUTHFLOW_ENDPOINT)")
    group.add_argument("--client-secret", dest="client_secret",
                       help="app client secret (prefer AUTHFLOW_CLIENT_SECRET: flags show in ps)")
    common.add_argument("--json", action="store_true", help="print the result as JSON")
    return common


def _answers() -> _Parser:
    answers = _Parser(add_help=False)
    group = answers.add_argument_group("answers for scripts (otherwise asked on the terminal)")
    group.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input (a second line: the new "
                       "password, if one is required)")
    group.add_argument("--code", help="the one-time code (AUTHFLOW_CODE)")
    group.add_argument("--choice", help="the menu choice, e.g. SOFTWARE_TOKEN_MFA "
                       "(AUTHFLOW_CHOICE)")
    group.add_argument("--answer", help="a custom challenge's answer or another asked value "
                       "(AUTHFLOW_ANSWER)")
    return answers


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``authflow``."""
    parser = _Parser(
        prog="authflow",
        description="Amazon Cognito User Pools sign-in from the terminal, with cached sessions.",
        epilog=_exit_codes_text() + "\n\nManual: docs/cli.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_Parser)
    common, answers = _common(), _answers()

    def add(name: str, text: str, *parents: _Parser) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=list(parents),
                              epilog=_exit_codes_text(),
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    p = add("sign-in", "sign in (password, then any MFA or other challenge) and cache the "
            "session", common, answers)
    p.add_argument("username", nargs="?", help="who signs in (AUTHFLOW_USERNAME, config.toml)")
    p.add_argument("--auth-flow", default="USER_SRP_AUTH",
                   choices=["USER_SRP_AUTH", "USER_PASSWORD_AUTH", "USER_AUTH", "CUSTOM_AUTH"])
    p.add_argument("--preferred-challenge", help="USER_AUTH's first factor (e.g. EMAIL_OTP)")
    p.add_argument("--remember-device", action="store_true",
                   help="remember this device (pools where users opt in)")
    p.add_argument("--totp-issuer", help="issuer shown by authenticator apps (TOTP set-up)")

    p = add("token", "print a valid token of the profile's session (refreshed when needed)",
            common)
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--access", dest="kind", action="store_const", const="access",
                      help="the access token (default)")
    kind.add_argument("--id", dest="kind", action="store_const", const="id", help="the ID token")
    p.add_argument("--refresh", action="store_true", help="refresh now, even if still valid")

    add("whoami", "show the signed-in user (GetUser)", common)
    p = add("sign-out", "revoke the profile's session and forget it", common)
    p.add_argument("--global", dest="everywhere", action="store_true",
                   help="sign the user out of every device (GlobalSignOut)")
    add("profiles", "list profiles and who is signed in", common)

    p = add("sign-up", "register a user and confirm the code", common, answers)
    p.add_argument("username", nargs="?")
    p.add_argument("--attribute", action="append", default=[], metavar="NAME=VALUE",
                   help="a user attribute, e.g. email=alice@example.com (repeatable)")
    p.add_argument("--confirm", action="store_true",
                   help="only confirm an earlier sign-up with its code")
    p.add_argument("--resend", action="store_true", help="with --confirm: send a new code first")

    p = add("forgot-password", "reset a forgotten password with the code sent", common, answers)
    p.add_argument("username", nargs="?")

    add("demo", "run a short sign-in story against the embedded emulator")
    p = add("emulator", "serve the local Cognito emulator until stopped")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9229, help="0 picks a free port")
    p.add_argument(
        "--iam-credentials",
        action="append",
        default=[],
        metavar="ACCESS_KEY_ID:SECRET[:SESSION_TOKEN]",
        help="verify SigV4 signatures of Admin* and provisioning requests (repeatable)",
    )
    p = add("diagrams", "write the flows' diagrams (Mermaid, DOT, SVG)")
    p.add_argument("--out", default="diagrams", help="directory (default: ./diagrams)")
    p.add_argument("--format", dest="formats", action="append",
                   choices=["mermaid", "dot", "svg"],
                   help="repeatable; default: all three (svg needs graphviz's dot)")
    return parser


def run_async(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` on a new event loop *without* asyncio.run's SIGINT handler, so Ctrl-C at a
    prompt raises KeyboardInterrupt at once instead of waiting for Enter; pending tasks are
    cancelled and worker threads (file writes) finished before returning."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        try:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()


def _attributes(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CliError(f"--attribute wants NAME=VALUE, got {pair!r}", USAGE)
        out[name] = value
    return out


def _tool(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from authflow.demo import run_demo

        return int(run_async(run_demo()))
    if args.command == "emulator":
        from authflow.emulator.__main__ import main_emulator

        flags = ["--host", args.host, "--port", str(args.port)]
        for credential in args.iam_credentials:
            flags += ["--iam-credentials", credential]
        return main_emulator(flags)
    from authflow.diagrams import FORMATS, export_diagrams

    for path in export_diagrams(args.out, args.formats or FORMATS):
        print(path)
    return OK


async def _session_command(args: argparse.Namespace) -> None:
    from authflow.cli import accounts, sessions
    from authflow.cli.context import Context
    from authflow.cli.settings import resolve
    from authflow.cli.terminal import Terminal, environment_answers
    from authflow.flows import SignInOptions

    flags = {k: getattr(args, k, None) for k in ("profile", "pool_id", "client_id", "endpoint",
                                                   "client_secret", "totp_issuer")}
    profile = resolve(flags)
    answers = environment_answers(
        code=getattr(args, "code", None), choice=getattr(args, "choice", None),
        answer=getattr(args, "answer", None),
        password_stdin=getattr(args, "password_stdin", False),
    )
    with Terminal.open(answers) as term:
        ctx = Context(profile, term, as_json=args.json)
        try:
            command = args.command
            if command == "sign-in":
                options = SignInOptions(
                    auth_flow=args.auth_flow, preferred_challenge=args.preferred_challenge,
                    remember_device=args.remember_device,
                    totp_issuer=profile.totp_issuer or SignInOptions().totp_issuer,
                )
                await sessions.sign_in(ctx, args.username, options)
            elif command == "token":
                await sessions.token(ctx, kind=args.kind or "access", refresh=args.refresh)
            elif command == "whoami":
                await sessions.whoami(ctx)
            elif command == "sign-out":
                await sessions.sign_out(ctx, everywhere=args.everywhere)
            elif command == "profiles":
                await sessions.profiles(ctx)
            elif command == "sign-up":
                await accounts.sign_up(ctx, args.username, attributes=_attributes(args.attribute),
                                       confirm_only=args.confirm, resend=args.resend)
            else:
                await accounts.forgot_password(ctx, args.username)
        finally:
            await ctx.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``authflow`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    as_json = bool(getattr(args, "json", False))
    try:
        if args.command in ("demo", "emulator", "diagrams"):
            return _tool(args)
        run_async(_session_command(args))
        return OK
    except KeyboardInterrupt:
        sys.stderr.write("\nauthflow: interrupted; nothing was left half-written\n")
        return INTERRUPTED
    except Exception as exc:
        username = getattr(args, "username", None)
        failure = explain(exc, username=username)
        if os.environ.get("AUTHFLOW_DEBUG"):
            import traceback

            traceback.print_exc()
        if as_json:
            import json

            print(json.dumps({"error": failure.message, "exit_code": failure.exit_code}))
        else:
            sys.stderr.write(f"authflow: {failure.message}\n")
        return failure.exit_code

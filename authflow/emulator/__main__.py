"""``python -m authflow.emulator [--host H] [--port P] [--region R] [--iam-credentials K:S[:T]]``.

Starts an emulator with a ready default pool and app client, prints ONE JSON line
``{"endpoint": ..., "user_pool_id": ..., "client_id": ...}`` (``--port 0`` reports the port it
got) and serves until SIGINT or SIGTERM. ``--iam-credentials ACCESS_KEY_ID:SECRET[:SESSION_TOKEN]``
(repeatable) makes it verify the SigV4 signatures of Admin* and provisioning requests
(:mod:`authflow.emulator.sigv4`). ``authflow emulator`` calls :func:`main_emulator`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Callable, Sequence

from authflow.emulator.server import Emulator
from authflow.emulator.sigv4 import IamCredentials, parse_iam_credential
from authflow.protocol.errors import ValidationError

__all__ = ["DEFAULT_AUTH_FLOWS", "main_emulator", "serve"]

#: Flows the default app client allows: password, SRP, refresh, custom auth and the admin
#: password flow (AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH).
DEFAULT_AUTH_FLOWS = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
]


def _print_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def serve(
    host: str = "127.0.0.1",
    port: int = 9229,
    *,
    region: str = "us-east-1",
    announce: Callable[[str], None] = _print_line,
    stop: asyncio.Event | None = None,
    iam_credentials: IamCredentials | None = None,
) -> None:
    """Serve an emulator with a default pool (e-mail auto-verified) and public app client
    until SIGINT/SIGTERM (or until ``stop`` is set); ``announce`` gets the JSON start line;
    ``iam_credentials`` switches on SigV4 verification of IAM-authorized requests."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread / Windows
            pass
    try:
        async with Emulator(host, port, region=region, iam_credentials=iam_credentials) as emu:
            pool = emu.create_user_pool("authflow-emulator", auto_verified_attributes=["email"])
            client = emu.create_user_pool_client(
                pool.id, "authflow-emulator", explicit_auth_flows=DEFAULT_AUTH_FLOWS
            )
            announce(
                json.dumps(
                    {"endpoint": emu.endpoint, "user_pool_id": pool.id, "client_id": client.id}
                )
            )
            await stop.wait()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def main_emulator(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="authflow emulator", description="Run a local Cognito user-pool emulator."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=9229, help="port; 0 picks a free one (9229)")
    parser.add_argument("--region", default="us-east-1", help="region of pool ids (us-east-1)")
    parser.add_argument(
        "--iam-credentials",
        action="append",
        default=[],
        metavar="ACCESS_KEY_ID:SECRET[:SESSION_TOKEN]",
        help="verify the SigV4 signatures of Admin* and provisioning requests against these "
        "credentials (repeatable; needs botocore)",
    )
    args = parser.parse_args(argv)
    credentials: dict[str, str | tuple[str, str]] = {}
    for text in args.iam_credentials:
        try:
            key, secret = parse_iam_credential(text)
        except ValidationError as exc:
            parser.error(str(exc))
        credentials[key] = secret
    try:
        asyncio.run(
            serve(args.host, args.port, region=args.region, iam_credentials=credentials or None)
        )
    except OSError as exc:
        sys.stderr.write(f"authflow emulator: cannot listen on {args.host}:{args.port}: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main_emulator())

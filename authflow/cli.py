"""The ``authflow`` command: ``demo``, ``emulator``, ``diagrams``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="authflow", description="Amazon Cognito User Pools authentication as state machines."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="run a short sign-in story against the embedded emulator")
    emu = sub.add_parser("emulator", help="serve the local Cognito emulator until stopped")
    emu.add_argument("--host", default="127.0.0.1")
    emu.add_argument("--port", type=int, default=9229, help="0 picks a free port")
    emu.add_argument(
        "--iam-credentials",
        action="append",
        default=[],
        metavar="ACCESS_KEY_ID:SECRET[:SESSION_TOKEN]",
        help="verify SigV4 signatures of Admin* and provisioning requests (repeatable)",
    )
    diag = sub.add_parser("diagrams", help="write the flows' Mermaid diagrams")
    diag.add_argument("--out", default="diagrams", help="directory (default: ./diagrams)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``authflow`` console script."""
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from authflow.demo import run_demo

        return asyncio.run(run_demo())
    if args.command == "emulator":
        from authflow.emulator.__main__ import main_emulator as emulator_main

        flags = ["--host", args.host, "--port", str(args.port)]
        for credential in args.iam_credentials:
            flags += ["--iam-credentials", credential]
        code: int = emulator_main(flags)
        return code
    if args.command == "diagrams":
        from authflow.diagrams import export_diagrams

        for path in export_diagrams(args.out):
            print(path)
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

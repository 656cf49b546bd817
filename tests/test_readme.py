"""Every ```python block of README.md runs, against the emulator.

The convention, for everyone who adds a README section:

* Blocks run in the order they appear, all in ONE namespace: a name a block defines is there for
  the blocks after it (the aiohttp service block defines ``make_app``; the next one uses it).
* These names are pre-provisioned, and restored before every block (so a block that rebinds
  them, e.g. ``async with Emulator() as emu``, cannot break the next one):
  ``emu`` - a running :class:`~authflow.emulator.Emulator` (in its own thread; use
  ``emu.handle(...)``, ``emu.outbox``, ``emu.create_user_pool(...)`` synchronously);
  ``pool`` / ``app`` - a pool and an app client on it allowing SRP, password, refresh, custom
  and USER_AUTH sign-in; ``cfg`` - the :class:`~authflow.CognitoConfig` for them; the user
  ``alice`` with password ``Correct-Horse-9!`` and a verified ``alice@example.com`` exists.
  A block that needs another pool set-up (MFA, triggers) creates its own pool on ``emu``
  instead of changing ``pool``.
* A block may use top-level ``await`` / ``async with`` (it then runs on one event loop kept for
  the whole README), or call ``asyncio.run(...)`` itself.
* ``input()`` raises: a README block must not wait for a person.
* A block that needs real AWS (and nothing the emulator can stand in for) is preceded by the
  line ``<!-- readme-test: skip <reason> -->``; it is still compiled (its syntax checked), not
  run. Use it sparingly and never for authflow's own features: the emulator serves them.
"""

from __future__ import annotations

import ast
import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from authflow import CognitoConfig
from authflow.emulator import Emulator, threaded_emulator

README = Path(__file__).resolve().parents[1] / "README.md"
_FENCE = re.compile(r"^```python\n(.*?)^```", re.M | re.S)
_SKIP = re.compile(r"<!--\s*readme-test:\s*skip\s+(?P<reason>[^>]*?)\s*-->\s*$")
PASSWORD = "Correct-Horse-9!"
FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
         "ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH"]


@attrs.frozen
class Block:
    line: int
    source: str
    skip: str | None


def readme_blocks(text: str) -> list[Block]:
    """Every ```python block with its first line number and skip reason (if marked)."""
    blocks = []
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 2
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = _SKIP.search(before)
        blocks.append(Block(line, match.group(1), marker.group("reason") if marker else None))
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def _no_input(prompt: object = "") -> str:
    raise AssertionError("a README block must not wait for input()")


@pytest.fixture(scope="module")
def namespace() -> Iterator[dict[str, Any]]:
    with threaded_emulator() as emu:
        pool = emu.create_user_pool("readme", auto_verified_attributes=["email"])
        app = emu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
        emu.handle("AdminCreateUser", {
            "UserPoolId": pool.id, "Username": "alice", "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"},
                               {"Name": "email_verified", "Value": "true"}]})
        emu.handle("AdminSetUserPassword", {"UserPoolId": pool.id, "Username": "alice",
                                            "Password": PASSWORD, "Permanent": True})
        cfg = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint)
        fixtures = {"emu": emu, "pool": pool, "app": app, "cfg": cfg}
        loop = asyncio.new_event_loop()
        ns: dict[str, Any] = {"__name__": "readme", "input": _no_input,
                              "__fixtures__": fixtures, "__loop__": loop}
        try:
            yield ns
        finally:
            loop.close()


def test_the_readme_has_python_blocks_and_few_skips() -> None:
    assert len(BLOCKS) >= 5
    skipped = [b for b in BLOCKS if b.skip is not None]
    assert all(b.skip for b in skipped), "a skip marker needs a reason"
    assert len(skipped) <= len(BLOCKS) // 4, "skip sparingly: the emulator serves authflow"


def test_skip_markers_are_read() -> None:
    text = "x\n<!-- readme-test: skip needs a real IAM role -->\n```python\nprint(1)\n```\n"
    (block,) = readme_blocks(text)
    assert block.skip == "needs a real IAM role" and block.line == 4
    (plain,) = readme_blocks("```python\nprint(2)\n```\n")
    assert plain.skip is None and plain.source == "print(2)\n"


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: f"README.md:{b.line}")
def test_readme_block_runs(block: Block, namespace: dict[str, Any]) -> None:
    code = compile(block.source, f"README.md:{block.line}", "exec",
                   flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    if block.skip is not None:
        return  # compiled above: a skipped block still has to be valid Python
    namespace.update(namespace["__fixtures__"])
    result = eval(code, namespace)  # the README's own code is what is tested
    if asyncio.iscoroutine(result):
        namespace["__loop__"].run_until_complete(result)
    assert isinstance(namespace["emu"], Emulator)

"""A real headless Chromium, driven by Playwright, for the managed-login tests.

The browser is Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it with apt when it is
missing); Playwright's own browser downloads are never used. Without it the tests skip with the
reason printed, unless ``AUTHFLOW_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("AUTHFLOW_REQUIRE_BROWSER"):
        pytest.fail(f"AUTHFLOW_REQUIRE_BROWSER is set but {reason}")
    print(f"skipping browser test: {reason}")
    pytest.skip(reason)


@pytest.fixture
def chromium() -> Path:
    """The browser binary, or a skip (a failure with AUTHFLOW_REQUIRE_BROWSER) when absent."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Any]:
    """A headless Chromium (a Playwright ``Browser``)."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()

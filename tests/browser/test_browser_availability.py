"""Without Chromium the browser tests skip with a reason, unless AUTHFLOW_REQUIRE_BROWSER makes
that a failure (as in CI)."""

from __future__ import annotations

import pytest

from .conftest import _unavailable


def test_skips_with_a_printed_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AUTHFLOW_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is missing"):
        _unavailable("chromium is missing")
    assert "skipping browser test: chromium is missing" in capsys.readouterr().out


def test_fails_when_the_browser_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHFLOW_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="AUTHFLOW_REQUIRE_BROWSER is set"):
        _unavailable("chromium is missing")

"""Sessions the managed login opened: how they are stored, refreshed through the domain, signed
out by a revoked refresh token, and what is logged along the way (never a secret)."""

from __future__ import annotations

import logging

import pytest

from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import (
    InvalidGrantError,
    InvalidStateError,
    ProtocolViolationError,
    ValidationError,
)
from authflow.sessions import SessionEvent, SessionRecord

from .managed_login import awaiting_callback, oauth_client, signed_in, web_app


async def test_the_record_says_how_it_refreshes(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = await signed_in(emu, auth)
        assert flow.session_key is not None
        data = await auth.store.get(flow.session_key)
        assert data is not None and data["refresh_with"] == "oauth"
        record = SessionRecord.from_json(data)
        assert record.to_json() == data
        api = SessionRecord.from_json({k: v for k, v in data.items() if k != "refresh_with"})
        assert api.refresh_with == "api" and "refresh_with" not in api.to_json()
        for bad in ("OAUTH", None, 1, ["oauth"]):
            with pytest.raises(ProtocolViolationError) as caught:
                SessionRecord.from_json({**data, "refresh_with": bad})
            assert caught.value.field == "refresh_with"


async def test_a_client_without_the_domain_cannot_refresh_it_but_keeps_it(
    emu: Emulator, clock: ManualClock
) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = await signed_in(emu, auth)
        key = flow.session_key
        assert key is not None
        async with oauth_client(emu, app, clock, store=auth.store, domain=None) as bare:
            clock.advance(3600)
            with pytest.raises(InvalidStateError, match="domain"):
                await bare.access_token(key)
            assert await bare.store.get(key) is not None  # a local problem signs nobody out
        assert await auth.access_token(key) != (flow.tokens.access_token if flow.tokens else "")


async def test_a_revoked_refresh_token_signs_the_session_out(
    emu: Emulator, clock: ManualClock
) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        events: list[SessionEvent] = []
        auth.sessions.on_event(events.append)
        flow = await signed_in(emu, auth)
        key = flow.session_key
        assert key is not None and flow.tokens is not None and flow.tokens.refresh_token
        assert auth.oauth is not None
        await auth.oauth.revoke(flow.tokens.refresh_token, client_id=app.client_id)
        with pytest.raises(InvalidGrantError):
            await flow.refresh()
        assert flow.state == "SignedOut" and flow.tokens is None
        assert await auth.store.get(key) is None
        assert [(e.kind, e.error) for e in events][-1] == ("signed_out", "InvalidGrantError")


async def test_a_transient_refresh_failure_keeps_the_session(
    emu: Emulator, clock: ManualClock
) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = await signed_in(emu, auth)
        emu.faults.add("internal_error", operation="oauth2/token", times=1)
        with pytest.raises(Exception) as caught:
            await flow.refresh()
        assert getattr(caught.value, "retryable", False)
        assert flow.state == "Authenticated" and flow.session_key is not None
        assert await auth.store.get(flow.session_key) is not None
        assert (await flow.refresh()).access_token


async def test_no_secret_in_any_log_line(
    emu: Emulator, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow, callback = await awaiting_callback(emu, auth)
        request = flow.snapshot()["request"]
        secrets = [request["state"], request["nonce"], request["code_verifier"],
                   callback.split("code=")[1].split("&")[0]]
        with pytest.raises(ValidationError):  # a repeated state: refused
            await flow.step(callback + "&state=forged-state-value")
        await flow.step(callback)
        assert flow.tokens is not None and flow.tokens.refresh_token is not None
        secrets += [flow.tokens.access_token, flow.tokens.refresh_token, flow.tokens.id_token or ""]
        await flow.refresh()
        emu.faults.add("internal_error", operation="oauth2/revoke", times=1)
        with pytest.raises(Exception):  # noqa: B017 - any error; the log is what is checked
            await flow.sign_out()
        await flow.sign_out()
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "AuthorizationCode" in text and "oauth2/token" in text  # the flow was logged
    for secret in secrets:
        assert secret not in text

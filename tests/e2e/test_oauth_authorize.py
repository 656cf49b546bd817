"""The managed login driven by the engine, against the emulator over HTTP: the authorize URL,
the login page, the callback, the code redeemed and verified, then refresh through
``/oauth2/token``, sign-out through ``/oauth2/revoke``, and snapshot/resume."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse

import pytest

from authflow.emulator import Emulator, ManualClock
from authflow.flows import AuthorizationCodeFlow
from authflow.protocol.errors import InvalidStateError, NotAuthorizedError, ValidationError
from authflow.protocol.jwt import jwt_claims
from authflow.sessions import SessionRecord

from .managed_login import (
    CALLBACK,
    LOGOUT,
    USER_SCOPES,
    browser_callback,
    count_token_requests,
    oauth_client,
    signed_in,
    web_app,
)


def _query(url: str) -> dict[str, str]:
    pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True)
    assert len(pairs) == len(dict(pairs)), "a parameter is repeated"
    return dict(pairs)


async def test_sign_in_through_the_managed_login(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    tokens = count_token_requests(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = auth.authorize(CALLBACK, scopes=USER_SCOPES)
        assert flow.state == "Unauthenticated" and flow.authorization_url is None
        step = await flow.step()
        assert step.state == flow.state == "ChallengePending" and step.expects == ("callback_url",)
        assert step.url is not None and step.url == flow.authorization_url
        assert step.url.startswith(f"{app.base}/oauth2/authorize?")
        query = _query(step.url)
        assert {k: query[k] for k in ("response_type", "client_id", "redirect_uri", "scope")} == {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": CALLBACK,
            "scope": " ".join(USER_SCOPES),
        }
        assert query["code_challenge_method"] == "S256"
        assert len(query["state"]) >= 43 and len(query["nonce"]) >= 43
        assert query["state"] != query["nonce"]
        snapshot = flow.snapshot()
        verifier = snapshot["request"]["code_verifier"]
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        assert "code_verifier" not in repr(flow) and verifier not in repr(step)

        callback = await browser_callback(emu, step.url)
        assert callback.startswith(CALLBACK + "?")
        step = await flow.step(callback)
        assert step.state == flow.state == "Authenticated" and step.tokens is flow.tokens
        assert flow.tokens is not None and flow.session_key is not None
        assert tokens == {"authorization_code": 1}

        id_claims = jwt_claims(flow.tokens.id_token or "")
        assert id_claims["nonce"] == query["nonce"] and id_claims["aud"] == app.client_id
        record = SessionRecord.from_json(await auth.store.get(flow.session_key))
        assert record.refresh_with == "oauth" and record.username == "alice"
        assert await auth.access_token(flow.session_key) == flow.tokens.access_token
        user = await auth.account(flow.session_key).get_user()
        assert user.username == "alice"

        with pytest.raises(InvalidStateError):
            await flow.step(callback)  # the request is spent; Authenticated takes no callback


async def test_refresh_goes_through_the_token_endpoint(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    tokens = count_token_requests(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = await signed_in(emu, auth)
        key = flow.session_key
        assert key is not None and flow.tokens is not None
        first = flow.tokens.access_token
        clock.advance(3600)
        fresh = await auth.access_token(key)  # expired: refreshed through /oauth2/token
        assert fresh != first and tokens["refresh_token"] == 1
        assert jwt_claims(fresh)["scope"] == " ".join(USER_SCOPES)
        again = await flow.refresh()
        assert flow.state == "Authenticated" and again.access_token not in (first, fresh)
        assert tokens["refresh_token"] == 2 and auth.sessions.refresh_count == 2
        assert (await auth.account(key).get_user()).username == "alice"


async def test_sign_out_revokes_and_gives_the_logout_url(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = await signed_in(emu, auth)
        key = flow.session_key
        assert key is not None and flow.tokens is not None
        access = flow.tokens.access_token
        with pytest.raises(ValidationError):
            await flow.sign_out(logout_uri="javascript:alert(1)")
        assert flow.state == "Authenticated"
        url = await flow.sign_out(logout_uri=LOGOUT)
        assert flow.state == "SignedOut" and flow.tokens is None
        assert url == (
            f"{app.base}/logout?client_id={app.client_id}"
            f"&logout_uri={urllib.parse.quote(LOGOUT, safe='')}"
        )
        assert await auth.store.get(key) is None
        with pytest.raises(NotAuthorizedError):  # /oauth2/revoke took the access token along
            await auth.transport.send("GetUser", {"AccessToken": access})


async def test_sign_out_without_logout_uri_sends_the_browser_back_to_login(
    emu: Emulator, clock: ManualClock
) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = await signed_in(emu, auth)
        url = await flow.sign_out()
        assert _query(url) == {
            "client_id": app.client_id, "response_type": "code", "redirect_uri": CALLBACK,
        }


async def test_snapshot_between_redirect_and_callback(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as first:
        flow = first.authorize(CALLBACK, scopes=["openid", "email"])
        step = await flow.step()
        record = json.loads(json.dumps(flow.snapshot()))  # JSON-safe
    assert record["kind"] == "authorization_code" and record["state"] == "ChallengePending"
    callback = await browser_callback(emu, step.url or "")
    async with oauth_client(emu, app, clock) as second:
        resumed = await second.resume(record)
        assert isinstance(resumed, AuthorizationCodeFlow)
        assert resumed.state == "ChallengePending" and resumed.authorization_url == step.url
        done = await resumed.step(callback)
        assert done.state == "Authenticated" and resumed.session_key is not None
        again = await second.resume(resumed.snapshot())
        assert again.state == "Authenticated" and again.tokens == resumed.tokens
        # the snapshot of the pending request is spent with its code
        replay = await second.resume(record)
        with pytest.raises(Exception) as caught:
            await replay.step(callback)
        assert type(caught.value).__name__ == "InvalidGrantError"
        assert replay.state == "Unauthenticated"


async def test_cancel_forgets_the_request(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = auth.authorize(CALLBACK)
        step = await flow.step()
        await flow.cancel()
        assert flow.state == "SignedOut" and flow.authorization_url is None
        assert flow.snapshot()["request"] is None
        with pytest.raises(InvalidStateError):
            await flow.step(await browser_callback(emu, step.url or ""))

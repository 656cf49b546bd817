"""Bad input to the authorization-code flow, each over real HTTP against the emulator: forged,
missing or malformed ``state``; ``error=`` callbacks; codes reused, expired, another client's or
another redirect URI's; a wrong PKCE verifier or nonce; unregistered redirect URIs (refused
locally when obviously bad, else by the emulator's error page); faults at the token endpoint."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest

from authflow import AuthClient
from authflow.emulator import Emulator, ManualClock
from authflow.flows import AuthorizationCodeFlow
from authflow.protocol.errors import (
    AuthorizationDeniedError,
    InvalidGrantError,
    StateMismatchError,
    TransportError,
    UnauthorizedClientError,
    ValidationError,
)
from authflow.protocol.oauth import new_pkce
from authflow.verify import NonceMismatchError

from .managed_login import (
    CALLBACK,
    USER_SCOPES,
    LoginDriver,
    awaiting_callback,
    browser_callback,
    count_token_requests,
    new_session,
    oauth_app,
    oauth_client,
    web_app,
)

OTHER_CALLBACK = "http://localhost:8700/other"


async def _pending(auth: AuthClient, redirect_uri: str = CALLBACK) -> AuthorizationCodeFlow:
    flow = auth.authorize(redirect_uri, scopes=USER_SCOPES)
    await flow.step()
    assert flow.state == "ChallengePending"
    return flow


def _request(flow: AuthorizationCodeFlow) -> dict[str, Any]:
    request = flow.snapshot()["request"]
    assert isinstance(request, dict)
    return request


def _with(url: str, **changes: str) -> str:
    """``url`` with some query parameters replaced (the rest as the engine built them)."""
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(changes)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _code_of(callback: str) -> str:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))["code"]


async def test_wrong_or_missing_state_keeps_the_real_sign_in(
    emu: Emulator, clock: ManualClock
) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow, callback = await awaiting_callback(emu, auth)
        code = _code_of(callback)
        forged = [
            f"{CALLBACK}?code={code}&state=not-the-state",
            f"{CALLBACK}?code={code}",
            f"{CALLBACK}?error=access_denied",
            {"code": code, "state": ""},
        ]
        for attempt in forged:
            with pytest.raises(StateMismatchError) as caught:
                await flow.step(attempt)
            assert caught.value.field == "state" and code not in str(caught.value)
            assert flow.state == "ChallengePending"
        # a repeated state is malformed, even if one copy is right
        state = _request(flow)["state"]
        with pytest.raises(ValidationError, match="repeats state"):
            await flow.step(f"{CALLBACK}?code={code}&state={state}&state=x")
        assert flow.state == "ChallengePending"
        step = await flow.step(callback)  # the real callback still works
        assert step.state == "Authenticated"


async def test_error_callback_from_the_emulator_is_a_typed_denial(
    emu: Emulator, clock: ManualClock
) -> None:
    app = web_app(emu, scopes=("openid", "email"))
    async with oauth_client(emu, app, clock) as auth:
        flow = auth.authorize(CALLBACK, scopes=["openid", "phone"])  # phone: not allowed
        step = await flow.step()
        async with new_session() as session:
            location = await LoginDriver(session, emu.endpoint).open(step.url or "")
        assert isinstance(location, str) and location.startswith(CALLBACK + "?")
        with pytest.raises(AuthorizationDeniedError) as caught:
            await flow.step(location)
        assert caught.value.code == "invalid_scope"
        assert flow.state == "Unauthenticated"  # the request is spent
        again = await flow.step()  # a new request, new secrets
        assert again.state == "ChallengePending" and again.url != step.url


async def test_error_callback_is_sanitised(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = await _pending(auth)
        state = _request(flow)["state"]
        hostile = urllib.parse.urlencode(
            {
                "state": state,
                "error": 'access_denied"\r\n<b>\x00',
                "error_description": "the user said no\r\nSet-Cookie: x=\"1\"\\ \u202e",
                "session": "SECRET-SESSION-VALUE",
            }
        )
        with pytest.raises(AuthorizationDeniedError) as caught:
            await flow.step(f"{CALLBACK}?{hostile}")
        error = caught.value
        assert error.code == "access_denied<b>"
        assert error.message == "the user said noSet-Cookie: x=1"
        assert "SECRET-SESSION-VALUE" not in str(error) + repr(error)
        assert all(0x20 <= ord(c) < 0x7F for c in str(error))
        assert flow.state == "Unauthenticated"


async def test_code_reused_is_refused(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow, callback = await awaiting_callback(emu, auth)
        record = flow.snapshot()
        await flow.step(callback)
        twin = await auth.resume(record)
        with pytest.raises(InvalidGrantError) as caught:
            await twin.step(callback)
        assert caught.value.code == "invalid_grant" and caught.value.status == 400
        assert _code_of(callback) not in str(caught.value) + repr(caught.value)
        assert twin.state == "Unauthenticated"


async def test_expired_code_is_refused(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow, callback = await awaiting_callback(emu, auth)
        clock.advance(301)  # codes live 5 minutes
        with pytest.raises(InvalidGrantError):
            await flow.step(callback)
        assert flow.state == "Unauthenticated" and flow.session_key is None


async def test_code_of_another_client_is_refused(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    other = oauth_app(emu, pool_id=app.pool_id)
    async with oauth_client(emu, app, clock) as auth, oauth_client(emu, other, clock) as auth2:
        flow = await _pending(auth)
        theirs = await _pending(auth2)
        their_code = _code_of(await browser_callback(emu, theirs.authorization_url or ""))
        state = _request(flow)["state"]
        with pytest.raises(InvalidGrantError):
            await flow.step(f"{CALLBACK}?code={their_code}&state={state}")
        assert flow.state == "Unauthenticated"
        # refused for the wrong client, the code is not spent for its own (emulator rule)
        done = await theirs.step(f"{CALLBACK}?code={their_code}&state={_request(theirs)['state']}")
        assert done.state == "Authenticated"


async def test_code_for_another_redirect_uri_is_refused(
    emu: Emulator, clock: ManualClock
) -> None:
    app = web_app(emu, callback_urls=[CALLBACK, OTHER_CALLBACK])
    async with oauth_client(emu, app, clock) as auth:
        flow = await _pending(auth)
        url = _with(flow.authorization_url or "", redirect_uri=OTHER_CALLBACK)
        callback = await browser_callback(emu, url)
        assert callback.startswith(OTHER_CALLBACK + "?")
        with pytest.raises(UnauthorizedClientError):
            await flow.step(callback)
        assert flow.state == "Unauthenticated"


async def test_wrong_pkce_verifier_is_refused(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = await _pending(auth)
        _, attackers_challenge = new_pkce()
        url = _with(flow.authorization_url or "", code_challenge=attackers_challenge)
        with pytest.raises(InvalidGrantError):
            await flow.step(await browser_callback(emu, url))
        assert flow.state == "Unauthenticated"


async def test_id_token_for_another_nonce_is_refused(emu: Emulator, clock: ManualClock) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = await _pending(auth)
        revoked: list[str] = []
        assert auth.oauth is not None
        revoke = auth.oauth.revoke

        async def watch(token: str, **kwargs: Any) -> None:
            revoked.append(token)
            await revoke(token, **kwargs)

        auth.oauth.revoke = watch  # type: ignore[method-assign]
        url = _with(flow.authorization_url or "", nonce="a-nonce-of-another-sign-in")
        with pytest.raises(NonceMismatchError):
            await flow.step(await browser_callback(emu, url))
        assert flow.state == "Unauthenticated" and not await auth.sessions_of("alice")
        # the refused tokens' refresh token was revoked: it no longer refreshes
        assert len(revoked) == 1
        with pytest.raises(InvalidGrantError):
            await auth.oauth.token(
                {"grant_type": "refresh_token", "refresh_token": revoked[0]},
                client_id=app.client_id,
            )


@pytest.mark.parametrize(
    "uri",
    [
        "javascript:alert(1)",
        "data:text/html,<script>",
        "http://evil.example.com/callback",
        "https://app.example.com/cb#fragment",
        "/relative/callback",
        "callback",
        "https://user:pw@app.example.com/cb",
        "https://app.example.com/ cb",
        "https://app.example.com/cb\x00",
        "https://app.example.com/\ud800",
        "https://app.example.com/" + "a" * 1100,
        "",
        None,
        42,
        b"https://app.example.com/cb",
    ],
)
async def test_obviously_bad_redirect_uris_are_refused_locally(
    emu: Emulator, clock: ManualClock, uri: Any
) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        with pytest.raises(ValidationError) as caught:
            auth.authorize(uri)
        assert caught.value.field == "redirect_uri"


async def test_unregistered_redirect_uri_gets_the_emulators_error_page(
    emu: Emulator, clock: ManualClock
) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow = await _pending(auth, "http://localhost:8700/not-registered")
        async with new_session() as session:
            location = await LoginDriver(session, emu.endpoint).open(flow.authorization_url or "")
        assert isinstance(location, str)
        assert location.startswith(f"{urllib.parse.urlsplit(app.base).path}/error?")
        assert "error=redirect_mismatch" in location
        assert flow.state == "ChallengePending"  # nothing came back; nothing changed


async def test_a_lost_answer_keeps_the_callback_until_the_code_is_known_spent(
    emu: Emulator, clock: ManualClock
) -> None:
    app = web_app(emu)
    tokens = count_token_requests(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow, callback = await awaiting_callback(emu, auth)
        emu.faults.add("internal_error", operation="oauth2/token", times=1)
        with pytest.raises(Exception) as caught:
            await flow.step(callback)
        assert caught.value.retryable and flow.state == "ChallengePending"  # type: ignore[attr-defined]
        assert getattr(caught.value, "code", None) == "server_error"
        emu.faults.add("drop_after", operation="oauth2/token", times=1)
        with pytest.raises(TransportError) as dropped:
            await flow.step(callback)
        assert dropped.value.sent is True and flow.state == "ChallengePending"
        with pytest.raises(InvalidGrantError):  # the dropped answer had spent the code
            await flow.step(callback)
        assert flow.state == "Unauthenticated"
        assert tokens["authorization_code"] == 2  # the 500 came from a fault before the endpoint


async def test_a_fault_before_the_endpoint_is_retried_with_the_same_callback(
    emu: Emulator, clock: ManualClock
) -> None:
    app = web_app(emu)
    async with oauth_client(emu, app, clock) as auth:
        flow, callback = await awaiting_callback(emu, auth)
        emu.faults.add("throttle", operation="oauth2/token", times=1)
        step = await flow.step(callback)  # a 429 is resent: it was not processed
        assert step.state == "Authenticated"

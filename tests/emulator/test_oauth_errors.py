"""Bad input to the OAuth 2.0 endpoints, each over real HTTP: state passthrough, codes reused,
for another client or redirect_uri, a wrong or missing PKCE verifier, expired codes, an
unregistered redirect_uri (never redirected to), bad client credentials and scopes, a JSON
body, unknown grant types, and the authorize endpoint's redirect errors."""

from __future__ import annotations

import json
import urllib.parse

import aiohttp
import pytest

from authflow.emulator import Emulator, ManualClock

from .conftest import PASSWORD
from .oauth_support import (
    CALLBACK,
    LoginDriver,
    Page,
    add_user,
    authorize_url,
    basic,
    callback_parameters,
    code_grant,
    m2m_app,
    new_session,
    oauth_app,
    pkce,
)


@pytest.mark.parametrize(
    "state", ["plain", "eyJub25jZSI6IjEyMyJ9", "with spaces & = ? # / é 😀", "a" * 2000]
)
async def test_state_is_passed_through_exactly(emu: Emulator, state: str) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    async with new_session() as session:
        location = await LoginDriver(session, emu.endpoint).sign_in(authorize_url(app, state=state))
    assert isinstance(location, str)
    assert callback_parameters(location)["state"] == state


async def test_missing_state_is_not_invented(emu: Emulator) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        location = await driver.sign_in(authorize_url(app, state=None))
        assert isinstance(location, str) and set(callback_parameters(location)) == {"code"}
        # An error redirect carries the state too, and only when there was one.
        location = await driver.open(authorize_url(app, response_type="nope", state="s-9"))
        assert isinstance(location, str)
        assert callback_parameters(location)["state"] == "s-9"
        location = await driver.open(authorize_url(app, response_type="nope", state=None))
        assert isinstance(location, str) and "state" not in callback_parameters(location)


async def test_a_code_works_once(emu: Emulator) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        code = await driver.code(app)
        assert (await driver.token(app.base, code_grant(app, code)))[0] == 200
        status, headers, body = await driver.token(app.base, code_grant(app, code))
    assert (status, body) == (400, {"error": "invalid_grant"})
    assert headers["Content-Type"] == "application/json;charset=UTF-8"


async def test_a_code_is_bound_to_its_client_and_redirect_uri(emu: Emulator) -> None:
    app = oauth_app(emu, callback_urls=[CALLBACK, "https://app.example.com/cb"])
    other = oauth_app(emu, pool_id=app.pool_id)
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        code = await driver.code(app)
        status, _, body = await driver.token(
            app.base, code_grant(app, code, client_id=other.client_id)
        )
        assert (status, body) == (400, {"error": "invalid_grant"})
        # Another client's attempt does not spend it; a wrong redirect_uri does.
        status, _, body = await driver.token(
            app.base, code_grant(app, code, redirect_uri="https://app.example.com/cb")
        )
        assert (status, body) == (400, {"error": "unauthorized_client"})
        status, _, body = await driver.token(app.base, code_grant(app, code))
        assert (status, body) == (400, {"error": "invalid_grant"})
        code = await driver.code(app)
        status, _, body = await driver.token(app.base, code_grant(app, code, redirect_uri=""))
        assert (status, body["error"]) == (400, "invalid_request")


async def test_pkce_verifier_must_match(emu: Emulator) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    verifier, challenge = pkce()
    pkce_params = {"code_challenge": challenge, "code_challenge_method": "S256"}
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        code = await driver.code(app, **pkce_params)
        status, _, body = await driver.token(
            app.base, code_grant(app, code, code_verifier=verifier[:-1] + "x")
        )
        assert (status, body) == (400, {"error": "invalid_grant"})
        status, _, body = await driver.token(
            app.base, code_grant(app, code, code_verifier=verifier)
        )
        assert (status, body) == (400, {"error": "invalid_grant"})  # spent by the wrong try
        code = await driver.code(app, **pkce_params)
        status, _, body = await driver.token(app.base, code_grant(app, code))
        assert (status, body["error"]) == (400, "invalid_request")
        code = await driver.code(app, **pkce_params)
        status, _, body = await driver.token(
            app.base, code_grant(app, code, code_verifier=verifier)
        )
        assert status == 200 and "access_token" in body


async def test_a_code_expires_after_five_minutes(emu: Emulator, clock: ManualClock) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        code = await driver.code(app)
        clock.advance(299)
        assert (await driver.token(app.base, code_grant(app, code)))[0] == 200
        code = await driver.code(app)
        clock.advance(300)
        status, _, body = await driver.token(app.base, code_grant(app, code))
    assert (status, body) == (400, {"error": "invalid_grant"})


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/cb",
        CALLBACK + "/",
        CALLBACK.upper(),
        CALLBACK + "?x=1",
        None,
    ],
)
async def test_an_unregistered_redirect_uri_is_never_redirected_to(
    emu: Emulator, redirect_uri: str | None
) -> None:
    app = oauth_app(emu)
    async with aiohttp.ClientSession() as session:
        url = authorize_url(app, redirect_uri=redirect_uri, response_type="nope")
        async with session.get(url, allow_redirects=False) as resp:
            assert resp.status == 302
            location = resp.headers["Location"]
        assert location == (
            f"/domains/my-app/error?error=redirect_mismatch&client_id={app.client_id}"
        )
        async with session.get(emu.endpoint + location, allow_redirects=False) as resp:
            assert resp.status == 400
            html = await resp.text()
    assert "An error was encountered with the requested page." in html
    assert "redirect_mismatch" in html and "evil" not in html


@pytest.mark.parametrize(
    ("client_id", "error"),
    [(None, "invalid_request"), ("unknown-client", "invalid_client")],
)
async def test_an_unknown_client_gets_the_error_page(
    emu: Emulator, client_id: str | None, error: str
) -> None:
    app = oauth_app(emu)
    async with aiohttp.ClientSession() as session:
        url = authorize_url(app, client_id=client_id)
        async with session.get(url, allow_redirects=False) as resp:
            location = resp.headers["Location"]
    assert location.startswith(f"/domains/my-app/error?error={error}")


async def test_a_client_without_oauth_gets_the_error_page(emu: Emulator) -> None:
    app = oauth_app(emu)
    plain = emu.create_user_pool_client(app.pool_id, "plain", callback_urls=[CALLBACK])
    async with aiohttp.ClientSession() as session:
        url = authorize_url(app, client_id=plain.id)
        async with session.get(url, allow_redirects=False) as resp:
            location = resp.headers["Location"]
    assert "/error?error=redirect_mismatch" in location and not location.startswith("http")


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"response_type": None}, "invalid_request"),
        ({"response_type": "id_token"}, "unsupported_response_type"),
        ({"response_type": "token"}, "unauthorized_client"),
        ({"scope": "openid phone"}, "invalid_scope"),
        ({"scope": "email"}, "invalid_scope"),
        ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "x" * 43}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
        ({"identity_provider": "Google"}, "invalid_request"),
        ({"resource": "https://api.example.com"}, "invalid_request"),
        ({"prompt": "none"}, "login_required"),
        ({"nonce": "n" * 5000}, "invalid_request"),
    ],
)
async def test_authorize_errors_go_back_to_the_client(
    emu: Emulator, params: dict[str, str | None], error: str
) -> None:
    app = oauth_app(emu)
    async with aiohttp.ClientSession() as session:
        async with session.get(authorize_url(app, **params), allow_redirects=False) as resp:
            assert resp.status == 302
            location = resp.headers["Location"]
    # The implicit grant's answers (errors too) go in the fragment.
    fragment = params.get("response_type") == "token"
    assert location.startswith(CALLBACK + ("#" if fragment else "?"))
    answer = callback_parameters(location)
    assert answer["error"] == error and answer["state"] == "state-123"
    assert answer["error_description"]


async def test_a_repeated_parameter_is_refused(emu: Emulator) -> None:
    app = oauth_app(emu)
    async with aiohttp.ClientSession() as session:
        url = authorize_url(app) + "&scope=openid"
        async with session.get(url, allow_redirects=False) as resp:
            location = resp.headers["Location"]
        assert callback_parameters(location)["error"] == "invalid_request"
        url = authorize_url(app) + "&redirect_uri=" + urllib.parse.quote(CALLBACK)
        async with session.get(url, allow_redirects=False) as resp:
            assert "/error?error=redirect_mismatch" in resp.headers["Location"]


async def test_client_credentials_errors(emu: Emulator) -> None:
    app = m2m_app(emu)
    assert app.secret is not None
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        grant = {"grant_type": "client_credentials"}
        status, _, body = await driver.token(
            app.base, grant, authorization=basic(app.client_id, "wrong-secret")
        )
        assert (status, body["error"]) == (400, "invalid_client")
        status, _, body = await driver.token(
            app.base, {**grant, "client_id": "nobody", "client_secret": "x"}
        )
        assert (status, body["error"]) == (400, "invalid_client")
        auth = basic(app.client_id, app.secret)
        for scope in ("orders/delete", "openid", "orders/read profile"):
            status, _, body = await driver.token(
                app.base, {**grant, "scope": scope}, authorization=auth
            )
            assert (status, body["error"]) == (400, "invalid_scope"), scope
        status, _, body = await driver.token(
            app.base, {**grant, "client_secret": app.secret}, authorization=auth
        )
        assert (status, body["error"]) == (400, "invalid_request")
        status, _, body = await driver.token(app.base, grant, authorization="Bearer abc")
        assert (status, body["error"]) == (400, "invalid_client")
        status, _, body = await driver.token(app.base, grant, authorization="Basic !!!")
        assert (status, body["error"]) == (400, "invalid_client")


async def test_a_user_client_may_not_use_client_credentials(emu: Emulator) -> None:
    app = oauth_app(emu)
    async with new_session() as session:
        status, _, body = await LoginDriver(session, emu.endpoint).token(
            app.base, {"grant_type": "client_credentials", "client_id": app.client_id}
        )
    assert (status, body["error"]) == (400, "unauthorized_client")


async def test_token_endpoint_request_shape(emu: Emulator) -> None:
    app = oauth_app(emu)
    url = f"{app.base}/oauth2/token"
    async with aiohttp.ClientSession() as session:
        body = {"grant_type": "authorization_code", "client_id": app.client_id, "code": "x"}
        async with session.post(url, json=body) as resp:
            assert (resp.status, await resp.json()) == (
                400,
                {
                    "error": "invalid_request",
                    "error_description": "the body must be application/x-www-form-urlencoded",
                },
            )
        for grant_type, error in (("password", "unsupported_grant_type"), ("", "invalid_request")):
            async with session.post(
                url, data={"grant_type": grant_type, "client_id": app.client_id}
            ) as resp:
                assert (resp.status, (await resp.json())["error"]) == (400, error)
        async with session.post(
            url,
            data="grant_type=refresh_token&grant_type=refresh_token",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as resp:
            assert (await resp.json())["error"] == "invalid_request"
        async with session.post(
            url,
            data=b"grant_type=\xff\xfe",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as resp:
            assert (resp.status, (await resp.json())["error"]) == (400, "invalid_request")
        async with session.get(url) as resp:
            assert resp.status == 405
        async with session.post(
            f"{emu.endpoint}/domains/no-such-domain/oauth2/token", data={"grant_type": "x"}
        ) as resp:
            assert resp.status == 404


async def test_refresh_grant_errors(emu: Emulator) -> None:
    app = oauth_app(emu)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        refresh = {"grant_type": "refresh_token", "client_id": app.client_id}
        for token in ("not-a-token", "x" * 3000, "a.b.c.d.e"):
            status, _, body = await driver.token(app.base, {**refresh, "refresh_token": token})
            assert (status, body) == (400, {"error": "invalid_grant"}), token
        status, _, body = await driver.token(app.base, refresh)
        assert (status, body["error"]) == (400, "invalid_request")


async def test_a_code_for_a_deleted_user_is_refused(emu: Emulator) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        code = await driver.code(app)
        emu.handle("AdminDeleteUser", {"UserPoolId": app.pool_id, "Username": "alice"})
        status, _, body = await driver.token(app.base, code_grant(app, code))
    assert (status, body) == (400, {"error": "invalid_grant"})


async def test_the_login_page_revalidates_its_parameters(emu: Emulator) -> None:
    app = oauth_app(emu)
    add_user(emu, app)
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        page = await driver.open(authorize_url(app))
        assert isinstance(page, Page)
        parts = urllib.parse.urlsplit(page.url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        assert query["redirect_uri"] == CALLBACK
        query["redirect_uri"] = "https://evil.example"
        tampered_url = parts._replace(query=urllib.parse.urlencode(query)).geturl()
        tampered = Page(tampered_url, page.status, page.html)
        location = await driver.submit(tampered, username="alice", password=PASSWORD)
    assert isinstance(location, str) and location.startswith("/domains/my-app/error?")


async def test_error_answers_hold_no_secret(emu: Emulator) -> None:
    app = oauth_app(emu, secret=True)
    assert app.secret is not None
    async with new_session() as session:
        driver = LoginDriver(session, emu.endpoint)
        status, _, body = await driver.token(
            app.base,
            {"grant_type": "client_credentials"},
            authorization=basic(app.client_id, app.secret[:-1] + "0"),
        )
    assert status == 400 and app.secret[:-1] not in json.dumps(body)

"""Hostile input to the OAuth 2.0 endpoints (hypothesis): whatever the query, form, headers or
body, an endpoint answers with one of its documented statuses and never a 500; the authorize
endpoint redirects only to the login page, the domain's error page or a registered callback."""

from __future__ import annotations

import json
import urllib.parse

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authflow.emulator import Emulator
from authflow.emulator.oauth.http_messages import DomainRequest

from .oauth_support import CALLBACK, OAuthApp, add_user, basic, new_session, oauth_app

HOSTILE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
OAUTH_ERRORS = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "unsupported_token_type",
}
# Text an HTTP client can send (no lone surrogates), with controls, NUL and non-ASCII.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
HEADER = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)
NAMES = st.sampled_from(
    [
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
        "prompt",
        "login_hint",
        "identity_provider",
        "grant_type",
        "code",
        "code_verifier",
        "refresh_token",
        "client_secret",
        "token",
        "username",
        "password",
        "_csrf",
        "transaction",
        "answer",
    ]
)


# aiohttp's server refuses request lines longer than this with a 400 of its own.
TOO_LONG = 8190
# Stand-ins replaced by the test app's real values, so deep paths are reached too.
CLIENT_ID, SECRET = "{client_id}", "{secret}"
VALUES = st.one_of(
    TEXT,
    st.sampled_from(
        [
            CLIENT_ID,
            CALLBACK,
            "code",
            "token",
            "openid",
            "openid email aws.cognito.signin.user.admin",
            "S256",
            "authorization_code",
            "refresh_token",
            "client_credentials",
            "none",
            "x" * 5000,
        ]
    ),
)
PAIRS = st.lists(st.tuples(st.one_of(NAMES, TEXT), VALUES), max_size=8)
AUTHORIZATIONS = st.one_of(
    st.none(),
    HEADER,
    st.just(SECRET),
    st.builds(lambda t: "Basic " + t, HEADER),
    st.builds(lambda t: "Bearer " + t, HEADER),
)


def _real(app: OAuthApp, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, app.client_id if v == CLIENT_ID else v) for k, v in pairs]


def _authorization(app: OAuthApp, value: str | None) -> dict[str, str]:
    if value is None:
        return {}
    if value == SECRET:
        return {"Authorization": basic(app.client_id, app.secret or "secret")}
    return {"Authorization": value}


@pytest.fixture
def app(emu: Emulator) -> OAuthApp:
    """One OAuth app per test function; hypothesis examples share it."""
    made = oauth_app(emu, secret=True, flows=("code", "implicit"))
    add_user(emu, made)
    return made


@HOSTILE
@given(pairs=PAIRS, with_client=st.booleans())
async def test_authorize_never_fails_and_never_redirects_elsewhere(
    app: OAuthApp, pairs: list[tuple[str, str]], with_client: bool
) -> None:
    query = _real(app, pairs)
    if with_client:
        query = [("client_id", app.client_id), ("redirect_uri", CALLBACK), *query]
    async with aiohttp.ClientSession() as session:
        async with session.get(
            f"{app.base}/oauth2/authorize", params=query, allow_redirects=False
        ) as resp:
            if resp.status == 400 and len(resp.url.raw_path_qs) > TOO_LONG:
                return  # aiohttp's own limit on the request line, before the emulator
            assert resp.status == 302, await resp.text()
            location = resp.headers["Location"]
    allowed = ("/domains/my-app/login?", "/domains/my-app/error?", CALLBACK + "?", CALLBACK + "#")
    assert location.startswith(allowed), location


@HOSTILE
@given(
    pairs=PAIRS,
    authorization=AUTHORIZATIONS,
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "application/json", "text/plain", ""]
    ),
    raw=st.one_of(st.none(), st.binary(max_size=200)),
)
async def test_token_endpoint_answers_only_oauth_errors(
    app: OAuthApp,
    pairs: list[tuple[str, str]],
    authorization: str | None,
    content_type: str,
    raw: bytes | None,
) -> None:
    headers = {"Content-Type": content_type, **_authorization(app, authorization)}
    data = raw if raw is not None else urllib.parse.urlencode(_real(app, pairs)).encode()
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{app.base}/oauth2/token", data=data, headers=headers) as resp:
            status, body = resp.status, await resp.text()
    assert status in (400, 401), body
    assert json.loads(body)["error"] in OAUTH_ERRORS


@HOSTILE
@given(
    query=PAIRS,
    form=PAIRS,
    authorization=AUTHORIZATIONS,
    endpoint=st.sampled_from(["login", "oauth2/userInfo", "oauth2/revoke", "logout", "error"]),
)
async def test_login_and_other_endpoints_never_fail(
    app: OAuthApp,
    query: list[tuple[str, str]],
    form: list[tuple[str, str]],
    authorization: str | None,
    endpoint: str,
) -> None:
    params = [("client_id", app.client_id), ("redirect_uri", CALLBACK), *_real(app, query)]
    async with new_session() as session:
        # A real CSRF cookie, so some posts get past the check.
        async with session.get(f"{app.base}/login", params=params, allow_redirects=False):
            pass
        method = "GET" if endpoint in ("logout", "error") else "POST"
        body = urllib.parse.urlencode(_real(app, form)).encode() if method == "POST" else None
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **_authorization(app, authorization),
        }
        async with session.request(
            method,
            f"{app.base}/{endpoint}",
            params=params,
            data=body,
            headers=headers,
            allow_redirects=False,
        ) as resp:
            status, text = resp.status, await resp.text()
    assert status in (200, 302, 400, 401, 403), (endpoint, status, text)


def _surrogate_text() -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(["\ud800", "\udfff", "a", "é", "\x00", "=", "&"]), max_size=12)


@HOSTILE
@given(pairs=st.lists(st.tuples(_surrogate_text(), _surrogate_text()), max_size=6))
def test_python_callers_may_pass_lone_surrogates(
    app: OAuthApp, emu: Emulator, pairs: list[tuple[str, str]]
) -> None:
    query = (("client_id", app.client_id), ("redirect_uri", CALLBACK), *pairs)
    oauth = emu.core.oauth
    for method in (oauth.authorize, oauth.login_form, oauth.logout, oauth.error_page):
        answer = method(DomainRequest("my-app", "/domains/my-app", query))
        assert answer.status in (200, 302, 400)
        location = answer.header("Location")
        if location is not None:
            location.encode("ascii")  # always a one-line ASCII header

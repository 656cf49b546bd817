"""The pure OAuth pieces (authflow.protocol.oauth, the OAuth errors, the config's domain): known
answers, and hypothesis over everything a peer or a caller can hand them."""

from __future__ import annotations

import base64
import doctest
import hashlib
import json
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authflow import CognitoConfig
from authflow.protocol import errors as E
from authflow.protocol import oauth
from authflow.protocol.errors import ProtocolViolationError, ValidationError

RFC_TEXT = set(chr(c) for c in range(0x20, 0x7F)) - {'"', "\\"}


def test_doctests() -> None:
    result = doctest.testmod(oauth, verbose=False)
    assert result.failed == 0 and result.attempted >= 6


def test_pkce_known_answer_and_shape() -> None:
    # RFC 7636 appendix B
    assert oauth.s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )
    verifier, challenge = oauth.new_pkce()
    assert 43 <= len(verifier) <= 128 and set(verifier) <= set(string.ascii_letters + "0123456789-._~")
    assert challenge == oauth.s256_challenge(verifier)
    assert oauth.new_pkce() != oauth.new_pkce() and oauth.new_secret() != oauth.new_secret()


def test_at_hash_is_the_left_half_of_sha256() -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl"
    digest = hashlib.sha256(token.encode()).digest()[:16]
    assert oauth.at_hash(token) == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    with pytest.raises(ValidationError):
        oauth.at_hash("not ascii \u00e9")


@pytest.mark.parametrize(
    ("settings", "url"),
    [
        ({"domain_prefix": "my-app"}, "https://my-app.auth.eu-west-1.amazoncognito.com"),
        ({"domain": "https://auth.example.com/"}, "https://auth.example.com"),
        ({"domain": "http://localhost:9229/domains/x"}, "http://localhost:9229/domains/x"),
        ({"domain": "http://[::1]:9229"}, "http://[::1]:9229"),
        ({}, None),
    ],
)
def test_config_domain(settings: dict[str, str], url: str | None) -> None:
    cfg = CognitoConfig(user_pool_id="eu-west-1_AbCdEf123", client_id="c1", **settings)
    assert cfg.domain_url == url


@pytest.mark.parametrize(
    "settings",
    [
        {"domain_prefix": "My-App"},
        {"domain_prefix": "-app"},
        {"domain_prefix": "a" * 64},
        {"domain_prefix": 5},
        {"domain": "http://auth.example.com"},
        {"domain": "https://auth.example.com?x=1"},
        {"domain": "https://u:p@auth.example.com"},
        {"domain": "https://auth.example.com:0"},
        {"domain": "https://auth.example.com:99999"},
        {"domain": "https://"},
        {"domain": "https://auth.example.com/\ud800"},
        {"domain": "https://auth.example.com/\n"},
        {"domain": "https://x.example.com", "domain_prefix": "x"},
    ],
)
def test_config_domain_refusals(settings: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as caught:
        CognitoConfig(user_pool_id="eu-west-1_AbCdEf123", client_id="c1", **settings)  # type: ignore[arg-type]
    assert caught.value.field in ("domain", "domain_prefix")


@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example.com/callback",
        "http://localhost/cb",
        "http://127.0.0.1:8000/cb?x=1",
        "http://[::1]:8000/cb",
        "myapp://callback",
        "com.example.app:/oauth2redirect",
    ],
)
def test_redirect_uris_that_can_be_registered(uri: str) -> None:
    assert oauth.check_redirect_uri(uri) == uri


def test_callback_parsing_keeps_only_its_members() -> None:
    parsed = oauth.parse_callback("https://a.example/cb?code=c1&state=s1&session=x#frag")
    assert (parsed.code, parsed.state, parsed.error) == ("c1", "s1", None)
    assert oauth.parse_callback("code=c2&state=s2").code == "c2"
    assert oauth.parse_callback({"error": "access_denied", "state": "s"}).error == "access_denied"
    assert "c1" not in repr(parsed) and "s1" not in repr(parsed)
    with pytest.raises(ValidationError, match="fragment"):
        oauth.parse_callback("https://a.example/cb#access_token=x&state=s")
    with pytest.raises(ValidationError):
        oauth.parse_callback("https://a.example/cb?code=%ff&state=s")
    with pytest.raises(ValidationError):
        oauth.parse_callback("x" * (oauth.MAX_CALLBACK_LENGTH + 1))


def test_token_response() -> None:
    body = {"access_token": "a.b.c", "id_token": "d.e.f", "refresh_token": "g.h.i.j.k",
            "expires_in": 3600, "token_type": "bearer"}
    response = oauth.TokenResponse.from_wire(body)
    assert response.token_type == "Bearer" and response.expires_in == 3600
    assert "a.b.c" not in repr(response) and "g.h.i.j.k" not in repr(response)
    result = response.authentication_result()
    assert (result.access_token, result.id_token, result.refresh_token) == (
        "a.b.c", "d.e.f", "g.h.i.j.k"
    )
    for bad in [{**body, "expires_in": 0}, {**body, "expires_in": 86401},
                {**body, "expires_in": "3600"}, {**body, "id_token": 5},
                {**body, "refresh_token": ""}, {**body, "token_type": None}]:
        with pytest.raises(ProtocolViolationError):
            oauth.TokenResponse.from_wire(bad)


def test_oauth_error_table() -> None:
    for code, cls in E.OAUTH_ERRORS.items():
        err = E.oauth_error(code, "why", status=400)
        assert type(err) is cls and err.code == code and err.message == "why"
        assert isinstance(err, E.OAuthError) and isinstance(err, E.ServiceError)
        assert not err.retryable and code not in E.SERVICE_ERRORS
    assert E.oauth_error("server_error", status=500).retryable
    assert E.oauth_error("too_many_requests", status=429).retryable
    assert type(E.oauth_error("invalid_grant", denied=True)) is E.AuthorizationDeniedError
    unknown = E.oauth_error("brand_new_error", status=400)
    assert type(unknown) is E.OAuthError and unknown.code == "brand_new_error"
    assert E.oauth_error("", status=400).code == "unknown_error"
    assert E.StateMismatchError().field == "state"


TEXT = st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(code=st.one_of(TEXT, st.integers(), st.none()), description=st.one_of(TEXT, st.none()),
       status=st.one_of(st.none(), st.integers(100, 599)), denied=st.booleans())
def test_oauth_errors_hold_only_rfc_text(
    code: object, description: object, status: int | None, denied: bool
) -> None:
    err = E.oauth_error(code, description, status=status, denied=denied)
    assert set(err.code) <= RFC_TEXT and 1 <= len(err.code) <= 64
    assert set(err.message) <= RFC_TEXT and len(err.message) <= 256
    assert isinstance(err, E.AuthorizationDeniedError) is denied


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(TEXT, st.binary(), st.integers(), st.none(), st.lists(TEXT, max_size=3)))
def test_redirect_uri_check_takes_anything(value: object) -> None:
    try:
        checked = oauth.check_redirect_uri(value)
    except ValidationError as error:
        assert error.field == "redirect_uri"
    else:
        assert checked == value and "#" not in checked and len(checked) <= 1024


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(
    TEXT,
    st.dictionaries(st.one_of(TEXT, st.integers()), st.one_of(TEXT, st.integers()), max_size=5),
    st.binary(), st.none(), st.integers(),
))
def test_callback_parsing_takes_anything(value: object) -> None:
    try:
        parsed = oauth.parse_callback(value)
    except ValidationError:
        return
    for member in (parsed.state, parsed.code, parsed.error, parsed.error_description):
        assert member is None or (isinstance(member, str) and len(member) <= 4096)


JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=15), inner,
                                                                 max_size=5),
    max_leaves=15,
)
TOKEN_MEMBERS = st.fixed_dictionaries(
    {},
    optional={
        "access_token": JSON | st.just("a.b.c"),
        "id_token": JSON | st.just("d.e.f"),
        "refresh_token": JSON,
        "expires_in": JSON | st.just(3600),
        "token_type": JSON | st.just("Bearer"),
    },
)


@settings(max_examples=300, deadline=None)
@given(body=st.one_of(JSON, TOKEN_MEMBERS))
def test_token_responses_are_read_or_refused(body: object) -> None:
    try:
        response = oauth.TokenResponse.from_wire(json.loads(json.dumps(body)))
    except ProtocolViolationError:
        return
    assert 0 < response.expires_in <= oauth.MAX_EXPIRES_IN and response.access_token

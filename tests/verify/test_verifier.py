"""Each check of TokenVerifier, one typed error each, against a JWKS server of our own."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from jwks_support import (
    CLIENT_ID,
    JwksServer,
    access_claims,
    b64url,
    id_claims,
    rsa_key,
    unsigned,
)

from authflow.protocol.errors import AuthflowError, ValidationError
from authflow.verify import (
    InvalidTokenError,
    MalformedTokenError,
    MissingGroupError,
    MissingScopeError,
    TokenClaims,
    TokenExpiredError,
    TokenNotYetValidError,
    TokenSignatureError,
    TokenVerifier,
    UnknownKeyError,
    UnsupportedAlgorithmError,
    WrongClientError,
    WrongIssuerError,
    WrongTokenUseError,
    cognito_issuer,
)

NOW = 1_767_225_600


def fixed(now: float = NOW) -> Callable[[], float]:
    return lambda: now


MakeVerifier = Callable[..., TokenVerifier]


def assert_no_token_in(error: BaseException, token: str) -> None:
    text = str(error) + repr(error)
    for part in token.split("."):
        if len(part) >= 8:
            assert part not in text


async def refused(verifier: TokenVerifier, token: Any, kind: type[InvalidTokenError]) -> None:
    with pytest.raises(kind) as caught:
        await verifier.verify(token)
    assert isinstance(caught.value, AuthflowError)
    if isinstance(token, str):
        assert_no_token_in(caught.value, token)


# -- accepted tokens ---------------------------------------------------------------------------


async def test_an_access_token_gives_typed_claims(server: JwksServer, make_verifier: MakeVerifier) -> None:
    claims_in = access_claims(server.issuer, now=NOW, device_key="us-east-1_dev")
    token = rsa_key(0).sign(claims_in)
    claims = await make_verifier(clock=fixed()).verify(token)
    assert isinstance(claims, TokenClaims)
    assert claims.token_use == "access"
    assert claims.username == "alice"
    assert claims.client_id == CLIENT_ID
    assert claims.scopes == {"openid", "email", "orders/read"}
    assert claims.groups == {"editors"}
    assert (claims.exp, claims.iat, claims.auth_time) == (NOW + 3600, NOW, NOW)
    assert claims.jti == claims_in["jti"] and claims.origin_jti == claims_in["origin_jti"]
    assert claims.device_key == "us-east-1_dev"
    assert claims.issuer == server.issuer
    assert claims.raw["version"] == 2
    with pytest.raises(TypeError):
        claims.raw["sub"] = "x"  # type: ignore[index]
    with pytest.raises(AttributeError):
        claims.sub = "x"  # type: ignore[misc]
    assert token not in repr(claims)


async def test_an_id_token_names_its_client_in_aud(server: JwksServer, make_verifier: MakeVerifier) -> None:
    token = rsa_key(0).sign(id_claims(server.issuer, now=NOW))
    claims = await make_verifier(token_use="id", clock=fixed()).verify(token)
    assert (claims.token_use, claims.client_id, claims.username) == ("id", CLIENT_ID, "alice")
    assert claims.scopes == frozenset()
    assert claims.raw["email"] == "alice@example.com"


async def test_token_use_none_accepts_both_and_bytes_are_read_as_ascii(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    verifier = make_verifier(token_use=None, clock=fixed())
    access = rsa_key(0).sign(access_claims(server.issuer, now=NOW))
    ident = rsa_key(0).sign(id_claims(server.issuer, now=NOW))
    assert (await verifier.verify(access.encode())).token_use == "access"
    assert (await verifier.verify(ident)).token_use == "id"


async def test_an_id_token_with_several_audiences_is_accepted_when_one_is_ours(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    token = rsa_key(0).sign(id_claims(server.issuer, now=NOW, aud=["other", CLIENT_ID]))
    claims = await make_verifier(token_use="id", clock=fixed()).verify(token)
    assert claims.audience == ("other", CLIENT_ID)


async def test_client_ids_none_accepts_any_client(server: JwksServer, make_verifier: MakeVerifier) -> None:
    token = rsa_key(0).sign(access_claims(server.issuer, now=NOW, client_id="someoneelse"))
    assert (await make_verifier(client_ids=None, clock=fixed()).verify(token)).client_id == "someoneelse"


# -- shape ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "e30.e30.e30.e30.e30",
        "!!!.e30.c2ln",
        "e30=.e30.c2ln",
        "e30 .e30.c2ln",
        "eyJ.e30.c2ln",  # 'eyJ' is not a whole JSON object
        b64url(b"[1,2]") + ".e30.c2ln",  # header not an object
        b64url(b"\xff\xfe") + ".e30.c2ln",  # header not UTF-8
        b64url(b'{"alg":"RS256","kid":"k","x":NaN}') + ".e30.c2ln",
        "A" * (1024 * 1024),
        "A" * (1024 * 1024 - 2) + ".A.A",
        "\ud800.e30.c2ln",
        None,
        42,
        ["a", "b", "c"],
        {"token": "x"},
        b"\xff.e30.c2ln",
    ],
    ids=lambda t: repr(t)[:30],
)
async def test_malformed_tokens_are_refused_before_any_request(
    server: JwksServer, make_verifier: MakeVerifier, token: Any
) -> None:
    await refused(make_verifier(), token, MalformedTokenError)
    assert server.requests == 0


async def test_a_header_without_a_usable_kid_is_malformed(make_verifier: MakeVerifier) -> None:
    for header in ({"alg": "RS256"}, {"alg": "RS256", "kid": 5}, {"alg": "RS256", "kid": ""},
                   {"alg": "RS256", "kid": "k" * 2000}):
        await refused(make_verifier(), unsigned(header, {}), MalformedTokenError)


# -- algorithm -----------------------------------------------------------------------------------


async def test_alg_none_is_refused(server: JwksServer, make_verifier: MakeVerifier) -> None:
    claims = access_claims(server.issuer, now=NOW)
    token = jwt.encode(claims, None, algorithm="none", headers={"kid": rsa_key(0).kid})
    await refused(make_verifier(clock=fixed()), token, UnsupportedAlgorithmError)
    await refused(make_verifier(clock=fixed()), token.rstrip(".") + ".", UnsupportedAlgorithmError)
    assert server.requests == 0


async def test_hs256_signed_with_the_public_key_is_refused(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    verifier = make_verifier(clock=fixed())
    await verifier.load_keys()  # the public key is known: the classic confusion attack's setting
    token = rsa_key(0).forge_hs256(access_claims(server.issuer, now=NOW))
    await refused(verifier, token, UnsupportedAlgorithmError)


@pytest.mark.parametrize("alg", ["RS512", "PS256", "ES256", "HS512", "rs256", "RS256 ", None, ["RS256"]])
async def test_any_other_alg_is_refused(make_verifier: MakeVerifier, alg: object) -> None:
    token = unsigned({"alg": alg, "kid": rsa_key(0).kid}, {})
    await refused(make_verifier(), token, UnsupportedAlgorithmError)


async def test_crit_headers_are_refused(server: JwksServer, make_verifier: MakeVerifier) -> None:
    token = rsa_key(0).sign(access_claims(server.issuer, now=NOW), crit=["exp"])
    await refused(make_verifier(clock=fixed()), token, UnsupportedAlgorithmError)


# -- key and signature ---------------------------------------------------------------------------


async def test_a_kid_not_in_the_jwks_is_unknown_after_one_fetch(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    token = rsa_key(1).sign(access_claims(server.issuer, now=NOW))  # another pool's key
    await refused(make_verifier(clock=fixed()), token, UnknownKeyError)
    assert server.requests == 1


async def test_another_key_under_our_kid_fails_the_signature(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    claims = access_claims(server.issuer, now=NOW)
    forged = rsa_key(1).sign(claims, kid=rsa_key(0).kid)
    await refused(make_verifier(clock=fixed()), forged, TokenSignatureError)


async def test_a_changed_payload_or_signature_fails_the_signature(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    verifier = make_verifier(clock=fixed())
    head, body, sig = rsa_key(0).sign(access_claims(server.issuer, now=NOW)).split(".")
    other = b64url(json.dumps(access_claims(server.issuer, now=NOW, username="mallory")).encode())
    await refused(verifier, f"{head}.{other}.{sig}", TokenSignatureError)
    await refused(verifier, f"{head}.{body}.{sig[:-4]}AAAA", TokenSignatureError)
    await refused(verifier, f"{head}.{body}.", MalformedTokenError)
    await refused(verifier, f"{head}.{body}.AAAA", TokenSignatureError)


async def test_a_signed_payload_that_is_not_json_is_malformed(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    for payload in (b"not json", b"[1]", b"\xff", b""):
        token = rsa_key(0).sign_bytes(payload)
        await refused(make_verifier(clock=fixed()), token, MalformedTokenError)
    # NaN and Infinity parse (Python's JSON), but no time claim may hold them.
    text = json.dumps(access_claims(server.issuer, now=NOW))
    for bad in ("NaN", "Infinity", "-Infinity"):
        token = rsa_key(0).sign_bytes(text.replace(f'"exp": {NOW + 3600}', f'"exp": {bad}').encode())
        await refused(make_verifier(clock=fixed()), token, MalformedTokenError)


async def test_a_validly_signed_payload_that_is_not_strict_json_is_malformed(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    text = json.dumps(access_claims(server.issuer, now=NOW))[:-1]
    for extra in ('"custom": NaN', '"custom": -Infinity', '"custom": "\\ud800"',
                  '"custom": ' + "[" * 1100 + "]" * 1100):
        token = rsa_key(0).sign_bytes(f"{text}, {extra}}}".encode())
        await refused(make_verifier(clock=fixed()), token, MalformedTokenError)
    # Integers beyond 64 bits are numbers still (read as floats), not a refusal.
    token = rsa_key(0).sign_bytes(f'{text}, "custom": {2**70}}}'.encode())
    claims = await make_verifier(clock=fixed()).verify(token)
    assert claims.raw["custom"] == float(2**70)


async def test_standard_base64_or_padding_is_refused_though_the_bytes_are_the_same(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    # The same signature and payload bytes written in base64's alphabet ("+", "/") or padded
    # ("="): a lenient decoder would verify them, JWS (RFC 7515 §2) allows only unpadded
    # base64url.
    verifier = make_verifier(clock=fixed())
    tokens = (rsa_key(0).sign(access_claims(server.issuer, now=NOW)) for _ in range(50))
    token = next(t for t in tokens if {"-", "_"} & set(t.split(".")[2]))
    assert await verifier.verify(token)
    head, body, sig = token.split(".")
    standard = str.maketrans("-_", "+/")
    for forged in (f"{head}.{body}.{sig.translate(standard)}", f"{head}.{body}.{sig}==",
                   f"{head}.{body}=.{sig}", f"{head}.{body}.{sig[:-1]}"):
        await refused(verifier, forged, MalformedTokenError)


# -- claims --------------------------------------------------------------------------------------


async def test_another_issuer_is_refused_even_when_signed_by_our_key(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    for iss in ("https://cognito-idp.us-east-1.amazonaws.com/" + server.pool_id, server.issuer + "/",
                None, 5):
        token = rsa_key(0).sign(access_claims(server.issuer, now=NOW, iss=iss))
        await refused(make_verifier(clock=fixed()), token, WrongIssuerError)


async def test_an_id_token_where_an_access_token_is_required_and_vice_versa(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    ident = rsa_key(0).sign(id_claims(server.issuer, now=NOW))
    access = rsa_key(0).sign(access_claims(server.issuer, now=NOW))
    await refused(make_verifier(token_use="access", clock=fixed()), ident, WrongTokenUseError)
    await refused(make_verifier(token_use="id", clock=fixed()), access, WrongTokenUseError)
    for use in ("refresh", None, 1):
        odd = rsa_key(0).sign(access_claims(server.issuer, now=NOW, token_use=use))
        await refused(make_verifier(token_use=None, clock=fixed()), odd, WrongTokenUseError)


async def test_a_token_from_another_client_is_refused(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    access = rsa_key(0).sign(access_claims(server.issuer, now=NOW, client_id="otherclient"))
    ident = rsa_key(0).sign(id_claims(server.issuer, now=NOW, aud="otherclient"))
    await refused(make_verifier(clock=fixed()), access, WrongClientError)
    await refused(make_verifier(token_use="id", clock=fixed()), ident, WrongClientError)
    # An access token's aud (resource binding) does not stand in for its client_id.
    bound = rsa_key(0).sign(
        access_claims(server.issuer, now=NOW, client_id="otherclient", aud=CLIENT_ID)
    )
    await refused(make_verifier(clock=fixed()), bound, WrongClientError)


async def test_expired_by_one_second_is_refused_without_leeway_and_accepted_with_it(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    token = rsa_key(0).sign(access_claims(server.issuer, now=NOW - 3601))  # exp = NOW - 1
    await refused(make_verifier(clock=fixed()), token, TokenExpiredError)
    assert (await make_verifier(clock=fixed(), leeway=5).verify(token)).exp == NOW - 1
    at_exp = rsa_key(0).sign(access_claims(server.issuer, now=NOW - 3600))  # exp = NOW
    await refused(make_verifier(clock=fixed()), at_exp, TokenExpiredError)


async def test_nbf_and_iat_in_the_future_are_refused_beyond_the_leeway(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    nbf = rsa_key(0).sign(access_claims(server.issuer, now=NOW, nbf=NOW + 10))
    iat = rsa_key(0).sign(access_claims(server.issuer, now=NOW, iat=NOW + 10))
    for token in (nbf, iat):
        await refused(make_verifier(clock=fixed()), token, TokenNotYetValidError)
        assert await make_verifier(clock=fixed(), leeway=10).verify(token)


@pytest.mark.parametrize(
    "over",
    [
        {"exp": None},
        {"exp": "2030"},
        {"exp": True},
        {"iat": None},
        {"iat": 1e400},
        {"sub": None},
        {"sub": 5},
        {"client_id": None},
        {"scope": ["a"]},
        {"cognito:groups": "admins"},
        {"cognito:groups": [1]},
        {"nbf": "now"},
        {"auth_time": {}},
        {"username": 5},
    ],
    ids=lambda o: json.dumps(o, default=str),
)
async def test_claims_of_the_wrong_type_are_malformed(
    server: JwksServer, make_verifier: MakeVerifier, over: dict[str, Any]
) -> None:
    claims = {**access_claims(server.issuer, now=NOW), **over}
    claims = {k: v for k, v in claims.items() if v is not None}
    token = rsa_key(0).sign(claims)  # 1e400 is written as Infinity, which JSON does not have
    await refused(make_verifier(clock=fixed()), token, MalformedTokenError)


async def test_an_id_token_aud_of_the_wrong_type_is_malformed(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    for aud in (None, 5, [], [5]):
        token = rsa_key(0).sign(id_claims(server.issuer, now=NOW, aud=aud))
        await refused(make_verifier(token_use="id", clock=fixed()), token, MalformedTokenError)


async def test_required_scopes_are_all_of(server: JwksServer, make_verifier: MakeVerifier) -> None:
    token = rsa_key(0).sign(access_claims(server.issuer, now=NOW))
    ok = make_verifier(clock=fixed(), required_scopes=["orders/read", "openid"])
    assert (await ok.verify(token)).scopes >= {"orders/read", "openid"}
    strict = make_verifier(clock=fixed(), required_scopes=["orders/read", "orders/write"])
    with pytest.raises(MissingScopeError) as caught:
        await strict.verify(token)
    assert caught.value.missing == ("orders/write",)
    assert caught.value.required == ("orders/read", "orders/write")
    no_scope = rsa_key(0).sign(access_claims(server.issuer, now=NOW, scope=None))
    await refused(ok, no_scope, MissingScopeError)


async def test_required_groups_are_any_of(server: JwksServer, make_verifier: MakeVerifier) -> None:
    token = rsa_key(0).sign(access_claims(server.issuer, now=NOW))
    assert await make_verifier(clock=fixed(), required_groups=["admins", "editors"]).verify(token)
    with pytest.raises(MissingGroupError) as caught:
        await make_verifier(clock=fixed(), required_groups=["admins"]).verify(token)
    assert caught.value.accepted == ("admins",)
    lonely = rsa_key(0).sign(access_claims(server.issuer, now=NOW, **{"cognito:groups": None}))
    await refused(make_verifier(clock=fixed(), required_groups=["editors"]), lonely,
                  MissingGroupError)


async def test_an_expired_token_without_the_scope_reports_expiry_first(
    server: JwksServer, make_verifier: MakeVerifier
) -> None:
    token = rsa_key(0).sign(access_claims(server.issuer, now=NOW - 7200, scope="openid"))
    await refused(make_verifier(clock=fixed(), required_scopes=["orders/write"]), token,
                  TokenExpiredError)


# -- configuration -------------------------------------------------------------------------------


def test_issuers() -> None:
    assert cognito_issuer("eu-west-1_Ab12") == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12"
    assert cognito_issuer("eu-west-1_Ab12", "http://127.0.0.1:9/") == "http://127.0.0.1:9/eu-west-1_Ab12"
    verifier = TokenVerifier("eu-west-1_Ab12", client_ids=None, token_use=None)
    assert verifier.jwks_uri == (
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12/.well-known/jwks.json"
    )


@pytest.mark.parametrize(
    "options",
    [
        {"user_pool_id": "nope"},
        {"user_pool_id": 5},
        {"client_ids": "abc"},
        {"client_ids": []},
        {"client_ids": ["bad id"]},
        {"client_ids": [None]},
        {"token_use": "refresh"},
        {"leeway": math.nan},
        {"leeway": -1},
        {"leeway": 301},
        {"leeway": True},
        {"required_scopes": ["has space"]},
        {"required_scopes": "orders/read"},
        {"required_scopes": ["x"], "token_use": "id"},
        {"required_groups": [""]},
        {"endpoint": "ftp://x"},
        {"endpoint": "not a url"},
        {"session": "session"},
        {"jwks_cache": {}},
        {"check_revocation": "yes"},
        {"check_revocation": True, "token_use": None},
        {"check_revocation": True, "revocation_ttl": -1},
    ],
    ids=lambda o: repr(o)[:40],
)
def test_bad_configuration_is_a_validation_error(options: dict[str, Any]) -> None:
    options = {"user_pool_id": "us-east-1_Ab12", "client_ids": ["c1"], "token_use": "access",
               **options}
    with pytest.raises(ValidationError):
        TokenVerifier(**options)

"""OAuth 2.0 on a user pool's domain, without I/O: what the engine sends and how it reads what
comes back (docs/oauth-notes.md §A1-§A4).

* the domain: :func:`domain_for_prefix` (Cognito's ``https://{prefix}.auth.{region}.
  amazoncognito.com``) and :func:`check_domain_url` (a given base URL);
* the authorization request: :func:`check_redirect_uri`, :func:`check_scopes`,
  :func:`check_identity_provider`, :func:`new_pkce` / :func:`s256_challenge` (RFC 7636),
  :func:`new_secret` (``state`` and ``nonce``), :func:`authorize_url`;
* the redirect back: :func:`parse_callback` → :class:`Callback` (every hostile query string is a
  :class:`~authflow.protocol.errors.ValidationError`);
* the token endpoint's answer: :class:`TokenResponse`; :func:`at_hash` (OIDC Core §3.1.3.6);
* client authentication (:func:`basic_authorization`) and the sign-out redirect
  (:func:`logout_url`).

Nothing here keeps a secret in a repr or an error message.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import secrets
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from authflow.protocol.checks import is_unicode
from authflow.protocol.errors import ProtocolViolationError, ValidationError
from authflow.protocol.shapes import AuthenticationResult

__all__ = [
    "MAX_CALLBACK_LENGTH",
    "MAX_EXPIRES_IN",
    "Callback",
    "TokenResponse",
    "at_hash",
    "authorize_url",
    "basic_authorization",
    "check_domain_url",
    "check_identity_provider",
    "check_redirect_uri",
    "check_scopes",
    "domain_for_prefix",
    "logout_url",
    "new_pkce",
    "new_secret",
    "parse_callback",
    "s256_challenge",
]

#: The longest callback URL (or query string) :func:`parse_callback` reads.
MAX_CALLBACK_LENGTH = 16 * 1024
#: The longest ``expires_in`` accepted: Cognito's access tokens live at most one day (§A2).
MAX_EXPIRES_IN = 86_400
_MAX_PARAMETER = 4096  # what the emulator and Cognito accept per parameter (§A1)
_MAX_URL = 1024  # CallbackURLs / LogoutURLs members (§A5)
_MAX_SCOPES = 50  # scopes per app client (§A5)
_MAX_TOKEN = 16 * 1024
_PREFIX = re.compile(r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?")
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}")
_SCOPE = re.compile(r"[\x21\x23-\x5B\x5D-\x7E]{1,512}")  # RFC 6749 §3.3 scope-token
_TOKEN = re.compile(r"[\x21-\x7E]+")  # JWT / JWE compact forms: printable ASCII
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_PROVIDER = re.compile(r"[^\s\x00-\x1f\x7f]{1,128}")
_LOOPBACK_NAMES = frozenset({"localhost"})
# Schemes a browser runs or reads locally instead of following: never a redirect target.
_UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "about", "blob"})
_CALLBACK_MEMBERS = ("state", "code", "error", "error_description")


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _text(value: object, field: str, limit: int) -> str:
    """``value`` as a str of valid Unicode without control characters, 1..limit long."""
    if not isinstance(value, str) or not value or len(value) > limit:
        raise ValidationError(f"{field} must be a string of 1..{limit} characters", field=field)
    if not is_unicode(value):
        raise ValidationError(f"{field} is not valid Unicode", field=field)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ValidationError(f"{field} contains control characters", field=field)
    return value


# -- the domain -------------------------------------------------------------------------------


def domain_for_prefix(prefix: object, region: str) -> str:
    """Cognito's URL of a prefix domain (CreateUserPoolDomain's ``Domain``, §A5).

    >>> domain_for_prefix("my-app", "eu-west-1")
    'https://my-app.auth.eu-west-1.amazoncognito.com'
    """
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        raise ValidationError(
            "domain_prefix must be 1..63 lower-case letters, digits and inner hyphens",
            field="domain_prefix",
        )
    if not _REGION.fullmatch(region):
        raise ValidationError("region is not an AWS region name", field="region")
    return f"https://{prefix}.auth.{region}.amazoncognito.com"


def check_domain_url(url: object) -> str:
    """A pool domain's base URL, without a trailing ``/``: absolute ``https``, or ``http`` to a
    loopback host (an emulator); no credentials, query or fragment. The path is kept (the
    emulator serves a domain under ``/domains/{prefix}``).

    >>> check_domain_url("http://127.0.0.1:9229/domains/my-app/")
    'http://127.0.0.1:9229/domains/my-app'
    """
    problem = "domain must be an absolute https URL such as 'https://auth.example.com'"
    text = _text(url, "domain", 2048)
    if any(c.isspace() for c in text):
        raise ValidationError(problem, field="domain")
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValidationError(problem, field="domain") from None
    host = parts.hostname
    if not host or port == 0 or parts.scheme not in ("http", "https"):
        raise ValidationError(problem, field="domain")
    if parts.username is not None or parts.query or parts.fragment or "#" in text:
        raise ValidationError(
            "domain must not carry credentials, a query or a fragment", field="domain"
        )
    if parts.scheme == "http" and not _is_loopback(host):
        raise ValidationError(
            "domain must use https (plain http only to a loopback host such as an emulator)",
            field="domain",
        )
    return text.rstrip("/")


# -- the authorization request ---------------------------------------------------------------


def check_redirect_uri(uri: object, *, field: str = "redirect_uri") -> str:
    """``uri`` unchanged (Cognito compares it byte for byte) when it can be a registered
    callback or sign-out URL (§A1): absolute, at most 1,024 characters, no fragment, no
    credentials, no spaces or control characters; ``https``, or ``http`` to a loopback host, or
    an app's own scheme (``myapp://callback``); never ``javascript:``, ``data:``, ``file:`` and
    the like. Anything else is a :class:`ValidationError` before a URL is built.

    >>> check_redirect_uri("http://localhost:8000/callback")
    'http://localhost:8000/callback'
    """
    text = _text(uri, field, _MAX_URL)
    if any(c.isspace() for c in text) or "#" in text:
        raise ValidationError(f"{field} must not contain spaces or a fragment", field=field)
    scheme, colon, rest = text.partition(":")
    if not colon or not _SCHEME.fullmatch(scheme) or not rest.strip("/"):
        raise ValidationError(f"{field} must be an absolute URL", field=field)
    scheme = scheme.lower()
    if scheme in _UNSAFE_SCHEMES:
        raise ValidationError(f"{field} must not use the {scheme}: scheme", field=field)
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise ValidationError(f"{field} is not a valid URL", field=field) from None
    if parts.username is not None or parts.password is not None:
        raise ValidationError(f"{field} must not carry credentials", field=field)
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise ValidationError(f"{field} must name a host", field=field)
        if scheme == "http" and not _is_loopback(parts.hostname):
            raise ValidationError(
                f"{field} must use https (plain http only to localhost, 127.0.0.1 or [::1])",
                field=field,
            )
    return text


def check_scopes(scopes: object, *, field: str = "scopes") -> tuple[str, ...]:
    """The scopes as a tuple in the order given, duplicates dropped: each an RFC 6749 §3.3
    scope-token (no spaces, quotes or backslashes; at most 512 characters), at most 50 of them.

    >>> check_scopes(["openid", "email", "openid"])
    ('openid', 'email')
    """
    if isinstance(scopes, str | bytes) or not isinstance(scopes, Iterable):
        raise ValidationError(f"{field} must be a list of scope names", field=field)
    found: list[str] = []
    for scope in scopes:
        if not isinstance(scope, str) or not _SCOPE.fullmatch(scope):
            raise ValidationError(
                f"{field} must hold scope names (printable ASCII, no spaces, quotes or "
                "backslashes)",
                field=field,
            )
        if scope not in found:
            found.append(scope)
        if len(found) > _MAX_SCOPES:
            raise ValidationError(f"{field} may hold at most {_MAX_SCOPES} scopes", field=field)
    return tuple(found)


def check_identity_provider(provider: object) -> str:
    """An ``identity_provider`` name (``COGNITO``, or a federated provider's name): 1..128
    characters without spaces or controls."""
    text = _text(provider, "identity_provider", 128)
    if not _PROVIDER.fullmatch(text):
        raise ValidationError(
            "identity_provider must be a provider name without spaces", field="identity_provider"
        )
    return text


def new_secret(token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """A fresh, unguessable ``state`` or ``nonce``: 32 random bytes, base64url (43 characters;
    never JSON, which Cognito refuses in ``state``, §A1)."""
    return _b64url(token_bytes(32))


def s256_challenge(verifier: str) -> str:
    """RFC 7636 §4.2: ``BASE64URL(SHA256(ASCII(code_verifier)))`` without padding.

    >>> s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    """
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def new_pkce(token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> tuple[str, str]:
    """A PKCE ``(code_verifier, code_challenge)`` pair (RFC 7636 §4.1-4.2, S256): 48 random bytes
    give a 64-character verifier of unreserved characters."""
    verifier = _b64url(token_bytes(48))
    return verifier, s256_challenge(verifier)


def authorize_url(
    domain_url: str,
    *,
    client_id: str,
    redirect_uri: str,
    scopes: Iterable[str],
    state: str,
    nonce: str,
    code_challenge: str,
    identity_provider: str | None = None,
) -> str:
    """``{domain}/oauth2/authorize`` for the code flow with PKCE S256, ``state`` and ``nonce``
    (§A1). Without ``identity_provider`` Cognito shows its managed login page; with one it
    sends the browser straight to that provider (``COGNITO`` = the user pool itself)."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "nonce": nonce,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    scope = " ".join(scopes)
    if scope:
        query["scope"] = scope
    if identity_provider is not None:
        query["identity_provider"] = identity_provider
    return f"{domain_url}/oauth2/authorize?{urllib.parse.urlencode(query)}"


def logout_url(
    domain_url: str, *, client_id: str, logout_uri: str | None = None,
    redirect_uri: str | None = None,
) -> str:
    """``{domain}/logout`` (§A4): with ``logout_uri`` (one of the client's sign-out URLs) the
    browser ends up there; otherwise with ``redirect_uri`` it is shown the login page again."""
    query = {"client_id": client_id}
    if logout_uri is not None:
        query["logout_uri"] = logout_uri
    elif redirect_uri is not None:
        query["response_type"] = "code"
        query["redirect_uri"] = redirect_uri
    return f"{domain_url}/logout?{urllib.parse.urlencode(query)}"


def basic_authorization(client_id: str, client_secret: str) -> str:
    """``Authorization`` for ``client_secret_basic`` as Cognito documents it:
    ``Basic base64(client_id:client_secret)`` (Cognito's ids and secrets are ``[\\w+]+``)."""
    raw = f"{client_id}:{client_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


# -- the redirect back ------------------------------------------------------------------------


@attrs.frozen
class Callback:
    """The parameters of a redirect back from the authorize endpoint that the engine reads
    (RFC 6749 §4.1.2): ``state``, and ``code`` or ``error`` with ``error_description``. Every
    other parameter is dropped. The code is never shown in a repr."""

    state: str | None = attrs.field(default=None, repr=False)
    code: str | None = attrs.field(default=None, repr=False)
    error: str | None = None
    error_description: str | None = attrs.field(default=None, repr=False)


def _query_of(url: str) -> str:
    """The query string of a callback URL; a bare query string is returned as it is."""
    head, _, fragment = url.partition("#")
    if "?" in head:
        query = head.split("?", 1)[1]
    elif "://" in head or head.startswith("/"):
        query = ""
    else:
        return head
    if not query and "=" in fragment:
        raise ValidationError(
            "the callback carries its answer in the fragment (implicit flow); this flow uses "
            "the code flow, whose answer is in the query string",
            field="callback",
        )
    return query


def parse_callback(callback: object) -> Callback:
    """Read the redirect's parameters from the full callback URL (or its query string, or a
    mapping such as ``aiohttp.web.Request.query``).

    Raises :class:`ValidationError` (naming what is wrong, never quoting a value) when the value
    is not a str or a str-to-str mapping, is over :data:`MAX_CALLBACK_LENGTH`, is not valid
    UTF-8 once percent-decoded, repeats ``state``, ``code``, ``error`` or
    ``error_description`` (RFC 6749 §3.1), or has one over 4,096 characters.

    >>> parse_callback("https://app.example.com/cb?code=abc&state=xyz&extra=1")
    Callback(error=None)
    """
    pairs: list[tuple[str, str]]
    if isinstance(callback, str):
        if len(callback) > MAX_CALLBACK_LENGTH:
            raise ValidationError(
                f"the callback URL is longer than {MAX_CALLBACK_LENGTH} characters",
                field="callback",
            )
        try:
            callback.encode("utf-8")
            pairs = urllib.parse.parse_qsl(
                _query_of(callback),
                keep_blank_values=True,
                encoding="utf-8",
                errors="strict",
                max_num_fields=200,
            )
        except (UnicodeError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                raise
            raise ValidationError(
                "the callback's query string is not valid UTF-8 form data", field="callback"
            ) from None
    elif isinstance(callback, Mapping):
        items: Iterable[Any] = callback.items()
        pairs = []
        for name, value in items:
            if not isinstance(name, str) or not isinstance(value, str):
                raise ValidationError("callback parameters must be strings", field="callback")
            pairs.append((name, value))
            if len(pairs) > 200:
                raise ValidationError("the callback has too many parameters", field="callback")
    else:
        raise ValidationError(
            "the callback must be the redirect URL (str) or its query parameters",
            field="callback",
        )
    found: dict[str, str] = {}
    for name, value in pairs:
        if name not in _CALLBACK_MEMBERS:
            continue
        if name in found:
            raise ValidationError(f"the callback repeats {name}", field=name)
        if len(value) > _MAX_PARAMETER:
            raise ValidationError(f"the callback's {name} is too long", field=name)
        if not is_unicode(value):
            raise ValidationError(f"the callback's {name} is not valid Unicode", field=name)
        found[name] = value
    return Callback(
        state=found.get("state"),
        code=found.get("code") or None,
        error=found.get("error") or None,
        error_description=found.get("error_description"),
    )


# -- the token endpoint's answer ---------------------------------------------------------------


def _token(data: Mapping[str, Any], name: str, *, required: bool) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > _MAX_TOKEN or not _TOKEN.fullmatch(value):
        raise ProtocolViolationError(
            f"the token response's {name} is not a token", field=name
        )
    return value


@attrs.frozen
class TokenResponse:
    """A successful ``/oauth2/token`` answer (§A2): ``access_token``, ``expires_in`` seconds,
    ``token_type`` (``Bearer``), and ``id_token`` / ``refresh_token`` when the grant gives them.
    No token is ever shown in a repr."""

    access_token: str = attrs.field(repr=False)
    expires_in: int
    token_type: str = "Bearer"
    id_token: str | None = attrs.field(default=None, repr=False)
    refresh_token: str | None = attrs.field(default=None, repr=False)

    @classmethod
    def from_wire(cls, data: object) -> TokenResponse:
        """Read a decoded JSON answer; :class:`ProtocolViolationError` naming the member at
        fault when a token is missing or not a string, ``token_type`` is not ``Bearer``
        (case-insensitive, RFC 6749 §7.1), or ``expires_in`` is not an integer in
        1..:data:`MAX_EXPIRES_IN`."""
        if not isinstance(data, Mapping):
            raise ProtocolViolationError("the token response is not a JSON object")
        access = _token(data, "access_token", required=True)
        assert access is not None
        token_type = data.get("token_type")
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise ProtocolViolationError(
                "the token response's token_type is not Bearer", field="token_type"
            )
        expires_in = data.get("expires_in")
        if (
            type(expires_in) is not int
            or not 0 < expires_in <= MAX_EXPIRES_IN
        ):
            raise ProtocolViolationError(
                f"the token response's expires_in is not a number of seconds in "
                f"1..{MAX_EXPIRES_IN}",
                field="expires_in",
            )
        return cls(
            access_token=access,
            expires_in=expires_in,
            token_type="Bearer",
            id_token=_token(data, "id_token", required=False),
            refresh_token=_token(data, "refresh_token", required=False),
        )

    def authentication_result(self) -> AuthenticationResult:
        """The same tokens as the JSON API's ``AuthenticationResult``, so a session opened or
        refreshed through the domain is stored like any other."""
        return AuthenticationResult(
            access_token=self.access_token,
            expires_in=self.expires_in,
            token_type=self.token_type,
            refresh_token=self.refresh_token,
            id_token=self.id_token,
        )


def at_hash(access_token: str) -> str:
    """The ``at_hash`` an ID token issued with ``access_token`` carries (OIDC Core §3.1.3.6, for
    RS256): base64url of the left half of SHA-256 of its ASCII bytes, without padding."""
    if not isinstance(access_token, str) or not _TOKEN.fullmatch(access_token):
        raise ValidationError("access_token is not a token", field="access_token")
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return _b64url(digest[: len(digest) // 2])


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

"""SigV4 verification of the requests AWS authorizes with IAM credentials.

Cognito's public operations (SignUp, InitiateAuth, RespondToAuthChallenge …) are unauthenticated;
every other one — each ``Admin*`` operation and the provisioning ones (CreateUserPool, ListUsers,
SetUserPoolMfaConfig …) — is IAM-authorized, so SDKs sign its requests with Signature Version 4
(:func:`signature_required` reads which from the service model, docs/protocol-notes.md §1.2).

By default the emulator accepts those requests with any signature or none. Given
``iam_credentials`` (access key id → secret, or → ``(secret, session token)`` for temporary
credentials) it verifies each one as AWS does, recomputing the signature with botocore's signer
from the method, path, the headers the request says it signed, and the body. The answers, in the
order they are checked (HTTP 400, like every client error of the emulator):

* no Authorization header → ``MissingAuthenticationTokenException: Missing Authentication Token``;
* no Credential, SignedHeaders or Signature in it, or no date → ``IncompleteSignatureException:
  Authorization header requires 'Credential' parameter. …`` (each missing piece named);
* a credential scope of another date, service or region → ``InvalidSignatureException:
  Credential should be scoped …``;
* an unknown access key, a session token missing, wrong or not expected →
  ``UnrecognizedClientException: The security token included in the request is invalid.``;
* a request date more than 5 minutes off → ``InvalidSignatureException: Signature expired: …`` /
  ``Signature not yet current: …``;
* any other signature → ``InvalidSignatureException: The request signature we calculated does not
  match the signature you provided. …``.

Request dates are compared with the machine's clock (``clock``), not the emulator's injected
clock, so a :class:`~authflow.emulator.ManualClock` does not expire the signatures SDKs make.
botocore is imported only when a :class:`SigV4Verifier` is built (the ``admin`` extra).
"""

from __future__ import annotations

import email.utils
import functools
import hmac
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from authflow.emulator._service_model import NO_AUTH_OPERATIONS, OPERATION_INPUTS
from authflow.emulator.clock import Clock, system_clock
from authflow.protocol.errors import ValidationError, service_error

__all__ = [
    "MAX_CLOCK_SKEW_SECONDS",
    "IamCredentials",
    "SigV4Verifier",
    "parse_iam_credential",
    "signature_required",
]

#: Access key id → secret access key, or → ``(secret access key, session token)``.
IamCredentials = Mapping[str, "str | tuple[str, str]"]

#: How far a request's date may be from the clock before its signature is refused.
MAX_CLOCK_SKEW_SECONDS = 300

_ALGORITHM = "AWS4-HMAC-SHA256"
_ISO_BASIC = "%Y%m%dT%H%M%SZ"
_ACCESS_KEY = re.compile(r"\w{1,128}", re.ASCII)
_SAFE_TEXT = re.compile(r"[A-Za-z0-9-]{1,64}")
_PRINTABLE = re.compile(r"[\x20-\x7e\t]*")

_MISSING_TOKEN = "Missing Authentication Token"
_UNRECOGNIZED = "The security token included in the request is invalid."
_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)
_REQUIRES = "Authorization header requires '{}' parameter."
_REQUIRES_DATE = (
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
)


def signature_required(operation: str) -> bool:
    """Whether AWS authorizes ``operation`` with IAM credentials (its requests are signed): every
    operation of the service model except the unauthenticated ones."""
    return operation in OPERATION_INPUTS and operation not in NO_AUTH_OPERATIONS


@attrs.frozen(repr=False)
class _Secret:
    secret: str
    token: str | None


def _check_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 4096:
        raise ValidationError(f"iam_credentials: {what} must be a non-empty string", field=what)
    try:
        value.encode("ascii")
    except UnicodeEncodeError:
        raise ValidationError(f"iam_credentials: {what} must be ASCII", field=what) from None
    return value


def _secrets(credentials: Any) -> dict[str, _Secret]:
    if not isinstance(credentials, Mapping) or not credentials:
        raise ValidationError(
            "iam_credentials must map at least one access key id to its secret",
            field="iam_credentials",
        )
    out: dict[str, _Secret] = {}
    for key, value in credentials.items():
        if not isinstance(key, str) or not _ACCESS_KEY.fullmatch(key):
            raise ValidationError(
                "iam_credentials: an access key id must be 1 to 128 letters, digits or '_'",
                field="access key id",
            )
        if isinstance(value, tuple) and len(value) == 2:
            secret, token = value
            out[key] = _Secret(_check_text(secret, "secret"), _check_text(token, "session token"))
        elif isinstance(value, str):
            out[key] = _Secret(_check_text(value, "secret"), None)
        else:
            raise ValidationError(
                "iam_credentials: each value must be a secret or a (secret, session token) pair",
                field="iam_credentials",
            )
    return out


def parse_iam_credential(text: str) -> tuple[str, str | tuple[str, str]]:
    """``AKID:SECRET`` or ``AKID:SECRET:TOKEN`` (the command line's ``--iam-credentials``) as one
    :data:`IamCredentials` item; a malformed value is a
    :class:`~authflow.protocol.errors.ValidationError` that never repeats it.

    >>> parse_iam_credential("AKIDEXAMPLE:wJalrXUtnFEMI")
    ('AKIDEXAMPLE', 'wJalrXUtnFEMI')
    """
    parts = text.split(":", 2) if isinstance(text, str) else []
    if len(parts) < 2 or not all(parts):
        raise ValidationError(
            "--iam-credentials takes ACCESS_KEY_ID:SECRET or ACCESS_KEY_ID:SECRET:SESSION_TOKEN",
            field="iam_credentials",
        )
    value: str | tuple[str, str] = parts[1] if len(parts) == 2 else (parts[1], parts[2])
    _secrets({parts[0]: value})  # the same checks as iam_credentials
    return parts[0], value


@functools.cache
def _signer_types() -> tuple[Any, Any, Any]:
    """botocore's signer pieces, imported on first use (the ``admin`` extra)."""
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
    except ImportError as exc:
        raise ImportError(
            "Verifying SigV4 signatures (iam_credentials) needs botocore: "
            "pip install 'authflow[admin]'"
        ) from exc

    class SignedHeadersOnly(SigV4Auth):  # type: ignore[misc]
        """SigV4Auth over exactly the headers the request listed as signed (botocore's own list
        of headers it never signs does not apply to what another client chose to sign)."""

        def headers_to_sign(self, request: Any) -> Any:
            return request.headers

    return SignedHeadersOnly, AWSRequest, Credentials


def _parse_authorization(value: str) -> dict[str, str]:
    scheme, _, rest = value.strip().partition(" ")
    if scheme != _ALGORITHM:
        return {}
    params: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, item = part.strip().partition("=")
        if sep and name in ("Credential", "SignedHeaders", "Signature") and name not in params:
            params[name] = item.strip()
    return params


def _request_time(headers: Mapping[str, list[str]]) -> datetime | None:
    """The request's date: X-Amz-Date (ISO 8601 basic), else Date (RFC 1123)."""
    if "x-amz-date" in headers:
        text = headers["x-amz-date"][0]
        if not re.fullmatch(r"\d{8}T\d{6}Z", text):
            raise service_error(
                "IncompleteSignatureException",
                "Date must be in ISO-8601 'basic format' (yyyyMMdd'T'HHmmss'Z').",
            )
        try:
            return datetime.strptime(text, _ISO_BASIC).replace(tzinfo=UTC)
        except ValueError:
            raise service_error(
                "IncompleteSignatureException",
                "Date must be in ISO-8601 'basic format' (yyyyMMdd'T'HHmmss'Z').",
            ) from None
    if "date" in headers:
        try:
            parsed = email.utils.parsedate_to_datetime(headers["date"][0])
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return None


class SigV4Verifier:
    """Checks the SigV4 signature of IAM-authorized requests against ``credentials`` (see the
    module docs for the answers); ``region`` is the only region a signature may be scoped to."""

    def __init__(
        self,
        credentials: IamCredentials,
        *,
        region: str,
        service: str = "cognito-idp",
        clock: Clock = system_clock,
    ) -> None:
        self._secrets = _secrets(credentials)
        self._region = region
        self._service = service
        self._clock = clock
        _signer_types()  # fail now, with a clear message, if botocore is missing

    def __repr__(self) -> str:
        return f"<SigV4Verifier keys={len(self._secrets)} region={self._region!r}>"

    def verify(
        self, method: str, path: str, headers: Iterable[tuple[str, str]], body: bytes
    ) -> str:
        """Verify one request (``path`` as sent, query included); return the access key id that
        signed it, or raise the ServiceError AWS would answer."""
        by_name: dict[str, list[str]] = {}
        for name, value in headers:
            by_name.setdefault(name.lower(), []).append(value)
        authorization = by_name.get("authorization")
        if not authorization:
            raise service_error("MissingAuthenticationTokenException", _MISSING_TOKEN)
        params = _parse_authorization(authorization[0])
        when = _request_time(by_name)
        missing = [
            _REQUIRES.format(name)
            for name in ("Credential", "Signature", "SignedHeaders")
            if not params.get(name)
        ]
        if when is None:
            missing.append(_REQUIRES_DATE)
        if missing:
            raise service_error("IncompleteSignatureException", " ".join(missing))
        assert when is not None
        timestamp = when.strftime(_ISO_BASIC)
        access_key, secret = self._check_scope(params["Credential"], timestamp)
        self._check_token(secret, by_name.get("x-amz-security-token"))
        self._check_time(when)
        signed = [n.strip().lower() for n in params["SignedHeaders"].split(";") if n.strip()]
        expected = self._signature(
            method, path, by_name, signed, body, access_key, secret, timestamp
        )
        given = params["Signature"].encode("utf-8", "replace")
        if expected is None or not hmac.compare_digest(expected.encode(), given):
            raise service_error("InvalidSignatureException", _MISMATCH)
        return access_key

    def _check_scope(self, credential: str, timestamp: str) -> tuple[str, _Secret]:
        parts = credential.split("/")
        if len(parts) != 5 or not all(parts):
            raise service_error(
                "IncompleteSignatureException",
                "Credential must have exactly 5 slash-delimited elements, "
                "e.g. keyid/date/region/service/term.",
            )
        access_key, date, region, service, terminator = parts
        if date != timestamp[:8]:
            shown = date if re.fullmatch(r"\d{8}", date) else "..."
            raise service_error(
                "InvalidSignatureException",
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                f"from HTTP: '{shown}' != '{timestamp[:8]}', from '{timestamp}'.",
            )
        if terminator != "aws4_request":
            raise service_error(
                "InvalidSignatureException",
                "Credential should be scoped with a valid terminator: 'aws4_request'.",
            )
        if service != self._service:
            raise service_error(
                "InvalidSignatureException",
                f"Credential should be scoped to correct service: '{self._service}'. ",
            )
        if region != self._region:
            shown = region if _SAFE_TEXT.fullmatch(region) else "..."
            raise service_error(
                "InvalidSignatureException",
                f"Credential should be scoped to a valid region, not '{shown}'. ",
            )
        secret = self._secrets.get(access_key)
        if secret is None:
            raise service_error("UnrecognizedClientException", _UNRECOGNIZED)
        return access_key, secret

    @staticmethod
    def _check_token(secret: _Secret, sent: list[str] | None) -> None:
        token = sent[0] if sent else None
        if secret.token is None:
            if token is not None:
                raise service_error("UnrecognizedClientException", _UNRECOGNIZED)
            return
        if token is None or not hmac.compare_digest(
            token.encode("utf-8", "replace"), secret.token.encode()
        ):
            raise service_error("UnrecognizedClientException", _UNRECOGNIZED)

    def _check_time(self, when: datetime) -> None:
        now = datetime.fromtimestamp(int(self._clock()), UTC)
        skew = timedelta(seconds=MAX_CLOCK_SKEW_SECONDS)
        minutes = MAX_CLOCK_SKEW_SECONDS // 60
        given, current = when.strftime(_ISO_BASIC), now.strftime(_ISO_BASIC)
        if when < now - skew:
            raise service_error(
                "InvalidSignatureException",
                f"Signature expired: {given} is now earlier than "
                f"{(now - skew).strftime(_ISO_BASIC)} ({current} - {minutes} min.)",
            )
        if when > now + skew:
            raise service_error(
                "InvalidSignatureException",
                f"Signature not yet current: {given} is still later than "
                f"{(now + skew).strftime(_ISO_BASIC)} ({current} + {minutes} min.)",
            )

    def _signature(
        self,
        method: str,
        path: str,
        headers: Mapping[str, list[str]],
        signed: list[str],
        body: bytes,
        access_key: str,
        secret: _Secret,
        timestamp: str,
    ) -> str | None:
        """The signature of the request as received, or ``None`` when it cannot be computed (a
        header value botocore cannot encode, say)."""
        signer_type, request_type, credentials_type = _signer_types()
        values = [(name, value) for name in signed for value in headers.get(name, ())]
        if not all(_PRINTABLE.fullmatch(f"{name}{value}") for name, value in values):
            return None  # botocore signs printable ASCII headers only
        try:
            request = request_type(method=method.upper(), url=f"http://emulator{path}", data=body)
            for name, value in values:
                request.headers[name] = value
            request.context["timestamp"] = timestamp
            signer = signer_type(
                credentials_type(access_key, secret.secret, secret.token),
                self._service,
                self._region,
            )
            canonical = signer.canonical_request(request)
            return str(signer.signature(signer.string_to_sign(request, canonical), request))
        except (UnicodeError, ValueError, TypeError, AttributeError):
            return None

"""AWS Signature Version 4 for the IAM-authorized operations, as an option of the transport.

Cognito's public operations (InitiateAuth, RespondToAuthChallenge, …) are sent unsigned; the
IAM-authorized ones — AdminInitiateAuth and AdminRespondToAuthChallenge for a server-side sign-in,
and every other operation outside :data:`~authflow.protocol.operations.OPERATIONS`
(:func:`signature_required`) — must be signed with the caller's AWS credentials, or AWS answers
``MissingAuthenticationTokenException``. :class:`SigV4Signer` does that for
:class:`~authflow.transport.aiohttp.AiohttpTransport` (``AiohttpTransport(endpoint,
signer=SigV4Signer("default", region))``), which asks it for the headers of each attempt of an
operation that needs them.

Nothing here is written by hand: the credentials come from botocore's chain (environment,
shared credentials and config files with profiles, ``credential_process``, SSO, container and
instance metadata, assumed roles) and the signature from ``botocore.auth.SigV4Auth``. botocore is
imported when a signer is built (``pip install 'authflow[admin]'``), never by importing this
module. Looking the credentials up reads files and may call a metadata service, so it runs in a
worker thread (``asyncio.to_thread``), once; each request then takes frozen credentials from the
resolved object, and for temporary credentials (``RefreshableCredentials``) that happens in a
worker thread too, because botocore refreshes them there before they expire.

What ``credentials`` may be (:data:`CredentialsSource`):

* ``"default"`` — botocore's default chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``,
  ``AWS_PROFILE``, the shared files, metadata services);
* any other string — that profile of the shared config/credentials files;
* a :class:`StaticCredentials` — an access key id, a secret access key and, for temporary
  credentials, a session token;
* a ``botocore.session.Session`` — its credentials; a ``botocore.credentials.Credentials`` (or
  ``RefreshableCredentials``) — those.

No credentials, a profile that does not exist, or credentials that cannot be loaded or refreshed
raise :class:`~authflow.protocol.errors.CredentialsError` before the request is sent, naming what
to configure. Secrets never appear in a repr, a log line or an error: the transport redacts the
``Authorization`` header, the signature and the session token from everything a peer echoes.
botocore's own ``botocore.auth`` logger prints the canonical request, session token included, at
DEBUG level: keep that logger above DEBUG in production.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from typing import Any, Final, TypeAlias

import attrs
from yarl import URL

from authflow.protocol.errors import CredentialsError, ValidationError
from authflow.protocol.operations import OPERATIONS

__all__ = [
    "NO_CREDENTIALS_MESSAGE",
    "SIGNING_SERVICE",
    "CredentialsSource",
    "SigV4Signer",
    "StaticCredentials",
    "signature_required",
    "signature_secrets",
]

#: The SigV4 service name of Cognito user pools (the credential scope's service).
SIGNING_SERVICE: Final = "cognito-idp"

#: What :class:`CredentialsError` says when the chain found nothing.
NO_CREDENTIALS_MESSAGE: Final = (
    "no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE (or "
    "configure the default profile), or pass credentials= to AuthClient"
)

#: What may be given as ``credentials``: ``"default"``, a profile name, a
#: :class:`StaticCredentials`, a botocore ``Session`` or botocore ``Credentials``.
CredentialsSource: TypeAlias = "str | StaticCredentials | Any"

_INSTALL_HINT = "signing with AWS credentials needs botocore: pip install 'authflow[admin]'"
# botocore's region check (a DNS label, not all digits), as in authflow.protocol.endpoints.
_REGION = re.compile(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")
# A profile name: printable ASCII without spaces at either end, as the INI files can hold it.
_PROFILE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,126}[\x21-\x7e])?")
_ACCESS_KEY_ID = re.compile(r"\w{16,128}", re.ASCII)
_SECRET_MAX = 1024
_TOKEN_MAX = 16_384
# The headers whose values are secrets once signed.
_SECRET_HEADERS = ("authorization", "x-amz-security-token")
_SIGNATURE = re.compile(r"Signature=([0-9a-fA-F]+)")


def signature_required(operation: str) -> bool:
    """Whether AWS authorizes ``operation`` with IAM credentials, so it must be signed: every
    operation except the 34 unauthenticated ones of
    :data:`~authflow.protocol.operations.OPERATIONS` (which the service model marks
    ``auth: none``).

    >>> signature_required("AdminInitiateAuth"), signature_required("InitiateAuth")
    (True, False)
    """
    return operation not in OPERATIONS


def signature_secrets(headers: Mapping[str, str]) -> list[str]:
    """The values of signed ``headers`` that must never appear in an error or a log: the
    ``Authorization`` header, the signature inside it, and the session token.

    >>> signature_secrets({"Authorization": "AWS4-HMAC-SHA256 Credential=k, Signature=ab12",
    ...                    "X-Amz-Date": "20260101T000000Z"})
    ['AWS4-HMAC-SHA256 Credential=k, Signature=ab12', 'ab12']
    """
    found: list[str] = []
    for name, value in headers.items():
        if name.lower() in _SECRET_HEADERS and value:
            found.append(value)
            found.extend(_SIGNATURE.findall(value))
    return found


def _masked(access_key_id: str) -> str:
    return "…" + access_key_id[-4:]


def _check_secret_text(value: object, field: str, max_length: int) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{field} must be a non-empty string", field=field)
    if len(value) > max_length:
        raise ValidationError(f"{field} is longer than {max_length} characters", field=field)
    if not value.isascii() or not value.isprintable() or value.strip() != value:
        raise ValidationError(
            f"{field} must be printable ASCII without surrounding spaces", field=field
        )
    return value


def _check_access_key_id(
    _inst: object, _attr: attrs.Attribute[str], value: object
) -> None:
    if not isinstance(value, str) or not _ACCESS_KEY_ID.fullmatch(value):
        raise ValidationError(
            "access_key_id must be 16 to 128 letters or digits (e.g. AKIA…/ASIA…)",
            field="access_key_id",
        )


def _check_secret_access_key(
    _inst: object, _attr: attrs.Attribute[str], value: object
) -> None:
    _check_secret_text(value, "secret_access_key", _SECRET_MAX)


def _check_session_token(
    _inst: object, _attr: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None:
        _check_secret_text(value, "session_token", _TOKEN_MAX)


@attrs.frozen(repr=False)
class StaticCredentials:
    """Explicit AWS credentials: an access key id, its secret access key and, for temporary
    credentials (an assumed role, STS), the session token. Checked on construction; the repr
    shows the last four characters of the key id only.

    >>> StaticCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    StaticCredentials(access_key_id='…MPLE', session_token=None)
    """

    access_key_id: str = attrs.field(validator=_check_access_key_id)
    secret_access_key: str = attrs.field(validator=_check_secret_access_key)
    session_token: str | None = attrs.field(default=None, validator=_check_session_token)

    def __repr__(self) -> str:
        token = None if self.session_token is None else "<hidden>"
        return (
            f"StaticCredentials(access_key_id={_masked(self.access_key_id)!r}, "
            f"session_token={token})"
        )


def _botocore() -> Any:
    """The botocore modules a signer uses, or CredentialsError saying how to install them."""
    try:
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
        import botocore.exceptions
        import botocore.session
    except ImportError:
        raise CredentialsError(_INSTALL_HINT) from None
    return botocore


class SigV4Signer:
    """Signs requests with AWS Signature Version 4 for ``region`` (service ``cognito-idp``).

    >>> signer = SigV4Signer("default", "us-east-1")   # doctest: +SKIP
    >>> AiohttpTransport(endpoint, signer=signer)       # doctest: +SKIP

    ``credentials`` is a :data:`CredentialsSource` (see the module docstring); anything else is a
    :class:`ValidationError`, and a missing botocore a :class:`CredentialsError`. Nothing is
    looked up until the first request.
    """

    def __init__(self, credentials: CredentialsSource, region: str) -> None:
        if not isinstance(region, str) or not _REGION.fullmatch(region):
            raise ValidationError("region must be an AWS region, e.g. us-east-1", field="region")
        self._region = region
        self._botocore = _botocore()
        self._credentials: Any = None  # botocore Credentials, once resolved
        self._session: Any = None  # a botocore session to resolve from
        self._profile: str | None = None
        if isinstance(credentials, StaticCredentials):
            self._credentials = self._botocore.credentials.Credentials(
                credentials.access_key_id,
                credentials.secret_access_key,
                credentials.session_token,
                method="explicit",
            )
            self._source = f"static {_masked(credentials.access_key_id)}"
        elif isinstance(credentials, self._botocore.credentials.Credentials):
            self._credentials = credentials
            self._source = f"botocore {type(credentials).__name__}"
        elif isinstance(credentials, self._botocore.session.Session):
            self._session = credentials
            self._source = "botocore session"
        elif isinstance(credentials, str):
            if credentials == "default":
                self._source = "default chain"
            elif _PROFILE.fullmatch(credentials):
                self._profile = credentials
                self._source = f"profile {credentials!r}"
            else:
                raise ValidationError(
                    "credentials: a profile name must be 1 to 128 printable ASCII characters",
                    field="credentials",
                )
        else:
            raise ValidationError(
                "credentials must be 'default', a profile name, StaticCredentials, a botocore "
                f"Session or botocore Credentials, not {type(credentials).__name__}",
                field="credentials",
            )
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"SigV4Signer(credentials={self._source!r}, region={self._region!r})"

    @property
    def region(self) -> str:
        """The region requests are signed for (the credential scope's region)."""
        return self._region

    async def sign(
        self, *, method: str, url: URL, headers: Mapping[str, str], body: bytes
    ) -> dict[str, str]:
        """``headers`` plus ``Host``, ``X-Amz-Date``, the session token if any, and the
        ``Authorization`` header signing them and ``body`` (a new dict; call once per attempt:
        the signature holds the time)."""
        frozen = await self.frozen_credentials()
        request = self._botocore.awsrequest.AWSRequest(
            method=method,
            url=str(url),
            data=body,
            headers={**headers, "Host": url.host_port_subcomponent or ""},
        )
        self._botocore.auth.SigV4Auth(frozen, SIGNING_SERVICE, self._region).add_auth(request)
        return dict(request.headers.items())

    async def frozen_credentials(self) -> Any:
        """The credentials to sign one request with (botocore ``ReadOnlyCredentials``): looked
        up on first use, refreshed by botocore before they expire. Raises
        :class:`CredentialsError` when there are none or they cannot be refreshed."""
        credentials = self._credentials or await self._resolve()
        try:
            if isinstance(credentials, self._botocore.credentials.RefreshableCredentials):
                frozen = await asyncio.to_thread(credentials.get_frozen_credentials)
            else:
                frozen = credentials.get_frozen_credentials()
        except Exception as exc:  # botocore's refresh failures are many; the text may hold output
            raise CredentialsError(
                f"the AWS credentials ({self._source}) could not be refreshed "
                f"({type(exc).__name__}): renew them or check the credential source"
            ) from None
        if not frozen.access_key or not frozen.secret_key:
            raise CredentialsError(f"the AWS credentials ({self._source}) are incomplete")
        return frozen

    async def _resolve(self) -> Any:
        async with self._lock:  # one lookup however many requests start at once
            if self._credentials is None:
                self._credentials = await asyncio.to_thread(self._lookup)
            return self._credentials

    def _lookup(self) -> Any:
        """botocore's chain, in a worker thread: it reads files and may call metadata
        services."""
        errors = self._botocore.exceptions
        try:
            session = self._session
            if session is None:
                session = self._botocore.session.Session(profile=self._profile)
            credentials = session.get_credentials()
        except errors.ProfileNotFound:
            which = "named by AWS_PROFILE" if self._profile is None else repr(self._profile)
            raise CredentialsError(
                f"the AWS profile {which} is not in the shared config or credentials files "
                "(AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)"
            ) from None
        except Exception as exc:  # the message may quote a file's content or a process's output
            raise CredentialsError(
                f"the AWS credentials ({self._source}) could not be loaded "
                f"({type(exc).__name__}): check the credential source"
            ) from None
        if credentials is None:
            raise CredentialsError(NO_CREDENTIALS_MESSAGE)
        return credentials

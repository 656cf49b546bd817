"""What every transport is, and the transport rules that do not depend on aiohttp.

* :class:`Transport` — the one-method protocol (``send`` a dict, get a dict; plus ``close``).
* :func:`call` — the typed helper: any request value with ``OPERATION``/``RESPONSE``/``to_wire``.
* :class:`RetryPolicy` — bounded, jittered exponential backoff (attempts *and* total time).
* :data:`IDEMPOTENT_OPERATIONS` — the operations a transport may resend when the outcome of a
  request that was already written is unknown (see :mod:`authflow.transport.aiohttp`).
* :func:`secrets_of` — the values of a payload that must never appear in an error or a log.

Nothing here imports aiohttp.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

import attrs

from authflow.protocol.errors import AuthflowError, ProtocolViolationError, redaction_forms

__all__ = [
    "IDEMPOTENT_OPERATIONS",
    "ResponseType",
    "RetryPolicy",
    "Transport",
    "WireRequest",
    "call",
    "redaction_forms",
    "secrets_of",
]

R_co = TypeVar("R_co", covariant=True)


@runtime_checkable
class Transport(Protocol):
    """Sends one Cognito operation and returns the decoded JSON object it answered.

    ``send`` raises a :class:`~authflow.protocol.errors.ServiceError` subclass when the service
    answered with an error, :class:`~authflow.protocol.errors.TransportError` when no usable
    answer arrived, and :class:`~authflow.protocol.errors.ProtocolViolationError` when the answer
    was not a JSON object. Implementations: ``AiohttpTransport``, ``MockTransport``.
    """

    async def send(self, operation: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Send ``payload`` as operation ``operation`` (e.g. ``"InitiateAuth"``)."""
        ...

    async def close(self) -> None:
        """Release what the transport owns; idempotent."""
        ...


class ResponseType(Protocol[R_co]):
    """A response class: builds its value from the decoded JSON object (``from_wire``)."""

    def from_wire(self, data: dict[str, Any], /) -> R_co:
        """Build the response value from the wire object."""
        ...


class WireRequest(Protocol[R_co]):
    """A typed request value: the operation name, its response class and its wire form.

    Satisfied by the classes of :mod:`authflow.protocol.operations`, which declare
    ``OPERATION: ClassVar[str]`` and ``RESPONSE: ClassVar[type[<Op>Response]]``.
    """

    @property
    def OPERATION(self) -> str:
        """The Cognito operation name, e.g. ``"GetUser"``."""
        ...

    @property
    def RESPONSE(self) -> ResponseType[R_co]:
        """The response class whose ``from_wire`` decodes the answer."""
        ...

    def to_wire(self) -> Mapping[str, Any]:
        """The request's JSON object."""
        ...


async def call(transport: Transport, request: WireRequest[R_co]) -> R_co:
    """Send a typed request and decode its typed response.

    >>> response = await call(transport, GetUserRequest(access_token=token))  # doctest: +SKIP

    A response that does not fit its shape becomes a
    :class:`~authflow.protocol.errors.ProtocolViolationError` (the offending value is never
    quoted: it may be a token).
    """
    operation = request.OPERATION
    data = await transport.send(operation, request.to_wire())
    try:
        return request.RESPONSE.from_wire(data)
    except AuthflowError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        field = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else None
        # ``from None``: the original message may quote a token from the response.
        raise ProtocolViolationError(
            f"{operation} response does not match its shape ({type(exc).__name__}"
            + (f" on {field!r})" if field else ")"),
            field=field,
        ) from None


def _full_jitter_rng() -> float:
    return random.random()  # noqa: S311 - backoff jitter, not cryptography


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How a transport resends: jittered exponential backoff, bounded twice.

    The delay before attempt ``n + 1`` is ``min(max_delay, base_delay * 2 ** (n - 1))``, scaled by
    ``rng()`` (a float in [0, 1)) with ``jitter="full"`` (AWS's "full jitter"), or used as is
    with ``jitter="none"``. A transport stops after ``max_attempts`` attempts, and never starts a
    wait that would end past ``max_total_time`` seconds after the first attempt began (``None``:
    no time bound); it also clips each attempt's timeout to what is left of that budget.

    ``rng``, ``sleep`` and ``clock`` are injectable for tests:

    >>> RetryPolicy(jitter="none", base_delay=0.5).delay(3)
    2.0
    >>> RetryPolicy(max_attempts=1)  # never resend
    RetryPolicy(max_attempts=1, base_delay=0.1, max_delay=5.0, max_total_time=30.0, jitter='full')
    """

    max_attempts: int = attrs.field(default=3, validator=attrs.validators.ge(1))
    base_delay: float = attrs.field(default=0.1, validator=attrs.validators.ge(0))
    max_delay: float = attrs.field(default=5.0, validator=attrs.validators.ge(0))
    max_total_time: float | None = attrs.field(default=30.0)
    jitter: Literal["full", "none"] = attrs.field(
        default="full", validator=attrs.validators.in_(("full", "none"))
    )
    rng: Callable[[], float] = attrs.field(default=_full_jitter_rng, repr=False, eq=False)
    sleep: Callable[[float], Awaitable[None]] = attrs.field(
        default=asyncio.sleep, repr=False, eq=False
    )
    clock: Callable[[], float] = attrs.field(default=time.monotonic, repr=False, eq=False)

    @max_total_time.validator
    def _check_max_total_time(self, attribute: attrs.Attribute[Any], value: float | None) -> None:
        if value is not None and not value > 0:
            raise ValueError("max_total_time must be None or > 0")

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** max(0, attempt - 1))
        return ceiling * self.rng() if self.jitter == "full" else ceiling


#: Operations whose repetition has the same effect *and* the same kind of answer as a single
#: execution, so a transport may resend them when it cannot tell whether the first copy was
#: processed (answer lost after the request was written). Everything else — and any operation not
#: listed, including future ones — is treated as non-idempotent: it consumes single-use material
#: (``Session``, SRP ``SECRET_BLOCK``/``TIMESTAMP``, confirmation and MFA codes, rotated refresh
#: tokens), sends a message (codes by SMS/e-mail), counts towards lockout, or answers differently
#: the second time (SignUp → UsernameExists, GlobalSignOut/ChangePassword/DeleteUser →
#: NotAuthorized). Reads and set-to-a-value writes that send nothing are the only members.
IDEMPOTENT_OPERATIONS: frozenset[str] = frozenset(
    {
        "GetDevice",
        "GetUser",
        "GetUserAuthFactors",
        "ListDevices",
        "ListUserSessions",
        "ListWebAuthnCredentials",
        "DeleteUserAttributes",
        "SetUserMFAPreference",
        "SetUserSettings",
        "UpdateAuthEventFeedback",
        "UpdateDeviceStatus",
    }
)

# Members whose string value is a secret wherever they appear (request side of
# docs/protocol-notes.md §2).
_SECRET_MEMBERS = frozenset(
    {
        "AccessToken",
        "ClientSecret",
        "Code",
        "ConfirmationCode",
        "IdToken",
        "Password",
        "PasswordVerifier",
        "PreviousPassword",
        "ProposedPassword",
        "RefreshToken",
        "Salt",
        "SecretCode",
        "SecretHash",
        "Session",
        "Token",
        "UserCode",
    }
)
# Parameter maps whose every value is secret except these plainly public keys.
_SECRET_MAPS = frozenset({"AuthParameters", "ChallengeResponses"})
_PUBLIC_MAP_KEYS = frozenset({"USERNAME", "DEVICE_KEY", "CHALLENGE_NAME", "PREFERRED_CHALLENGE"})
# Lists of {"Name", "Value"} attributes: the values are personal data (e-mail, phone, …).
_ATTRIBUTE_LISTS = frozenset({"UserAttributes", "ValidationData"})


def secrets_of(payload: Mapping[str, Any]) -> frozenset[str]:
    """The string values of ``payload`` that must never appear in an error message or a log.

    Passwords, codes, tokens, sessions, secret hashes and client secrets at any depth; every value
    of ``AuthParameters`` and ``ChallengeResponses`` except ``USERNAME``, ``DEVICE_KEY``,
    ``CHALLENGE_NAME`` and ``PREFERRED_CHALLENGE``; the values of ``UserAttributes`` and
    ``ValidationData``. Feed it to :func:`~authflow.protocol.errors.redact`.

    >>> sorted(secrets_of({"Username": "alice", "Password": "Correct-Horse-9!"}))
    ['Correct-Horse-9!']
    """
    return frozenset(_walk_secrets(payload))


def _walk_secrets(value: object) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, member in value.items():
            if key in _SECRET_MEMBERS and isinstance(member, str):
                yield member
            elif key in _SECRET_MAPS and isinstance(member, Mapping):
                for name, param in member.items():
                    if isinstance(param, str) and name not in _PUBLIC_MAP_KEYS:
                        yield param
            elif key in _ATTRIBUTE_LISTS and isinstance(member, list):
                for attribute in member:
                    if isinstance(attribute, Mapping) and isinstance(attribute.get("Value"), str):
                        yield attribute["Value"]
            else:
                yield from _walk_secrets(member)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk_secrets(item)

"""An in-memory transport for tests: a handler function plays the service.

>>> def handler(operation, payload):
...     if operation == "GetUser":
...         return {"Username": "alice", "UserAttributes": []}
...     raise service_error("NotAuthorizedException", "Invalid Access Token", status=400)
>>> transport = MockTransport(handler)
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, ClassVar, TypeAlias

from yarl import URL

from authflow.protocol.errors import InvalidStateError, ValidationError
from authflow.transport.sigv4 import SigV4Signer, signature_required

__all__ = ["Handler", "MockTransport"]

#: ``(operation, payload) -> response dict`` (or an awaitable of one); may raise any authflow
#: error (typically a :class:`~authflow.protocol.errors.ServiceError` from ``service_error``).
Handler: TypeAlias = Callable[[str, dict[str, Any]], "dict[str, Any] | Awaitable[dict[str, Any]]"]


class MockTransport:
    """A :class:`~authflow.transport.base.Transport` that hands each request to ``handler``.

    The payload is round-tripped through JSON first (so a payload that would fail on the wire fails
    here too, with the same :class:`ValidationError`) and recorded in :attr:`calls` as
    ``(operation, payload)``. Errors the handler raises reach the caller unchanged; there are no
    retries. Works with :func:`~authflow.transport.base.call` like any transport.

    With a ``signer`` it signs the IAM-authorized operations as
    :class:`~authflow.transport.aiohttp.AiohttpTransport` does (so missing credentials raise
    :class:`~authflow.protocol.errors.CredentialsError` before the handler is called) and notes
    each one in :attr:`signed`; the handler never sees the headers.
    """

    _URL: ClassVar[URL] = URL("https://cognito-idp.invalid/")

    def __init__(self, handler: Handler, *, signer: SigV4Signer | None = None) -> None:
        if signer is not None and not isinstance(signer, SigV4Signer):
            raise ValidationError("signer must be a SigV4Signer", field="signer")
        self._handler = handler
        #: The signer of IAM-authorized operations, if any.
        self.signer = signer
        #: The operations that were signed, in order.
        self.signed: list[str] = []
        #: Every request sent, in order, as ``(operation, payload)``.
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._closed = False

    def __repr__(self) -> str:
        # Payloads hold passwords and tokens: only their number is shown.
        return f"MockTransport(calls={len(self.calls)}, closed={self._closed})"

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def operations(self) -> list[str]:
        """The operation names of :attr:`calls`, in order."""
        return [operation for operation, _ in self.calls]

    async def __aenter__(self) -> MockTransport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def send(self, operation: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Record the request and return what the handler returns (awaiting it if needed)."""
        if self._closed:
            raise InvalidStateError("the transport is closed", state="closed", trigger="send")
        try:
            wire: dict[str, Any] = json.loads(json.dumps(dict(payload), allow_nan=False))
        except (TypeError, ValueError, RecursionError) as exc:
            raise ValidationError(
                f"{operation} payload is not JSON-serialisable ({type(exc).__name__})",
                field="payload",
            ) from None
        if self.signer is not None and signature_required(operation):
            body = json.dumps(wire).encode()
            await self.signer.sign(method="POST", url=self._URL, headers={}, body=body)
            self.signed.append(operation)
        self.calls.append((operation, wire))
        result = self._handler(operation, wire)
        if inspect.isawaitable(result):
            result = await result
        if not isinstance(result, dict):
            raise TypeError(f"the MockTransport handler returned {type(result).__name__}, not dict")
        return result

    async def close(self) -> None:
        """Mark the transport closed; idempotent."""
        self._closed = True

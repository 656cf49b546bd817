"""The operation dispatcher: operation name → handler, filled by explicit registration.

The dispatcher knows neither the core nor any operation module: :mod:`authflow.emulator.composition`
(the one composition root) registers every handler, the way an authlib ``AuthorizationServer``
is given its grants and endpoints with ``register_grant`` / ``register_endpoint``. Nothing is
registered by importing a module.

A handler is ``(services, request, body) -> response body``: the collaborators
(:class:`~authflow.emulator.services.Services`), the request's
:class:`~authflow.emulator.request_context.RequestContext`, and the validated request body. It
raises :class:`~authflow.protocol.errors.ServiceError` subclasses for Cognito's errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import UnknownOperationError

__all__ = ["Dispatcher", "OperationHandler"]

#: ``(services, request, body) -> response body`` of one operation.
OperationHandler = Callable[[Services, RequestContext, dict[str, Any]], dict[str, Any]]


class Dispatcher:
    """The operation handlers of one emulator.

    >>> d = Dispatcher()
    >>> d.register("GetUser", lambda services, request, body: {})
    >>> sorted(d.operations())
    ['GetUser']
    """

    def __init__(self) -> None:
        self._operation_handlers: dict[str, OperationHandler] = {}

    def __repr__(self) -> str:
        return f"<Dispatcher operations={len(self._operation_handlers)}>"

    def register(self, operation: str, handler: OperationHandler, *, replace: bool = False) -> None:
        """Make ``handler`` serve ``operation``. Registering an operation twice is a wiring
        mistake (:class:`ValueError`) unless ``replace`` says it is meant (a test standing in a
        failing handler, say)."""
        if operation in self._operation_handlers and not replace:
            raise ValueError(f"operation {operation} registered twice")
        self._operation_handlers[operation] = handler

    def handler(self, operation: str) -> OperationHandler:
        """The handler of ``operation``, or UnknownOperationException."""
        handler = self._operation_handlers.get(operation)
        if handler is None:
            raise UnknownOperationError(
                f"The operation {operation} is not supported by the authflow emulator."
            )
        return handler

    def operations(self) -> frozenset[str]:
        """Names of the operations registered."""
        return frozenset(self._operation_handlers)

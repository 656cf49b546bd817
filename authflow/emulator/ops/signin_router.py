"""InitiateAuth, RespondToAuthChallenge and their admin twins: route each request to the handler of
its AuthFlow or ChallengeName.

The handlers are registered explicitly (by :mod:`authflow.emulator.composition`):

* :attr:`SignInRouter.initiate_auth_handlers` — AuthFlow → ``(services, request, pool, client,
  body) -> response``, run after the app client's ExplicitAuthFlows allowed the flow;
* :attr:`SignInRouter.challenge_handlers` — ChallengeName → ``(services, request, pool, client,
  session, responses) -> response``.

Every handler ends in the sign-in pipeline (:mod:`authflow.emulator.ops.signin_pipeline`).
AdminInitiateAuth and AdminRespondToAuthChallenge use the same tables with their own checks in
front: the app client must belong to the ``UserPoolId`` named (``ResourceNotFoundException: User
pool client … does not exist.`` otherwise), and the flows differ: ``ADMIN_USER_PASSWORD_AUTH``
(and its legacy name ``ADMIN_NO_SRP_AUTH``), allowed by ``ALLOW_ADMIN_USER_PASSWORD_AUTH`` (or the
legacy client setting ``ADMIN_NO_SRP_AUTH``), are admin-only, ``USER_PASSWORD_AUTH`` is public-only;
the other operation answers ``InvalidParameterException: Initiate Auth method not supported.``
Which operation is running travels in the :class:`RequestContext` (``request.admin``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from authflow.emulator.domain import AppClient, Pool
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import InvalidParameterError

__all__ = ["ChallengeHandler", "InitiateAuthHandler", "SignInRouter"]

#: ``(services, request, pool, client, request body) -> response`` of one AuthFlow.
InitiateAuthHandler = Callable[
    [Services, RequestContext, Pool, AppClient, dict[str, Any]], dict[str, Any]
]
#: ``(services, request, pool, client, session, challenge responses) -> response`` of one
#: ChallengeName.
ChallengeHandler = Callable[
    [Services, RequestContext, Pool, AppClient, "str | None", dict[str, Any]], dict[str, Any]
]

# AuthFlow → the ExplicitAuthFlows value that allows it.
_FLOW_SETTING = {
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
    "USER_AUTH": "ALLOW_USER_AUTH",
    "ADMIN_USER_PASSWORD_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
}
# Flows only InitiateAuth accepts, and flows only AdminInitiateAuth accepts.
_PUBLIC_ONLY_FLOWS = frozenset({"USER_PASSWORD_AUTH"})
_ADMIN_ONLY_FLOWS = frozenset({"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"})


class SignInRouter:
    """The InitiateAuth flow handlers and RespondToAuthChallenge challenge handlers."""

    def __init__(self) -> None:
        self._initiate_auth_handlers: dict[str, InitiateAuthHandler] = {}
        self._challenge_handlers: dict[str, ChallengeHandler] = {}

    def __repr__(self) -> str:
        return (
            f"<SignInRouter flows={sorted(self._initiate_auth_handlers)} "
            f"challenges={len(self._challenge_handlers)}>"
        )

    @property
    def initiate_auth_handlers(self) -> Mapping[str, InitiateAuthHandler]:
        """AuthFlow → handler (read-only)."""
        return MappingProxyType(self._initiate_auth_handlers)

    @property
    def challenge_handlers(self) -> Mapping[str, ChallengeHandler]:
        """ChallengeName → handler (read-only)."""
        return MappingProxyType(self._challenge_handlers)

    def register_initiate_auth(self, auth_flow: str, handler: InitiateAuthHandler) -> None:
        """Make ``handler`` serve InitiateAuth with ``AuthFlow = auth_flow``."""
        if auth_flow not in _FLOW_SETTING:
            raise ValueError(f"no ExplicitAuthFlows value allows {auth_flow}")
        if auth_flow in self._initiate_auth_handlers:
            raise ValueError(f"auth flow {auth_flow} registered twice")
        self._initiate_auth_handlers[auth_flow] = handler

    def register_challenge(self, challenge_name: str, handler: ChallengeHandler) -> None:
        """Make ``handler`` answer RespondToAuthChallenge for ``challenge_name``."""
        if challenge_name in self._challenge_handlers:
            raise ValueError(f"challenge {challenge_name} registered twice")
        self._challenge_handlers[challenge_name] = handler

    def initiate_auth(
        self, svc: Services, request: RequestContext, body: dict[str, Any]
    ) -> dict[str, Any]:
        """InitiateAuth: every registered public flow, each only when the app client's
        ExplicitAuthFlows allow it."""
        client, pool = svc.directory.client(body["ClientId"])
        return self._initiate(svc, request, pool, client, body)

    def admin_initiate_auth(
        self, svc: Services, request: RequestContext, body: dict[str, Any]
    ) -> dict[str, Any]:
        """AdminInitiateAuth: the app client of the pool named, then every registered admin flow
        (ADMIN_USER_PASSWORD_AUTH / ADMIN_NO_SRP_AUTH, USER_SRP_AUTH, REFRESH_TOKEN_AUTH,
        CUSTOM_AUTH, USER_AUTH) the client allows."""
        pool, client = svc.directory.pool_client(body["UserPoolId"], body["ClientId"])
        return self._initiate(svc, request, pool, client, body)

    def respond_to_auth_challenge(
        self, svc: Services, request: RequestContext, body: dict[str, Any]
    ) -> dict[str, Any]:
        """RespondToAuthChallenge: every registered challenge."""
        client, pool = svc.directory.client(body["ClientId"])
        return self._respond(svc, request, pool, client, body)

    def admin_respond_to_auth_challenge(
        self, svc: Services, request: RequestContext, body: dict[str, Any]
    ) -> dict[str, Any]:
        """AdminRespondToAuthChallenge: the app client of the pool named, then every registered
        challenge, answered by the same handlers as RespondToAuthChallenge."""
        pool, client = svc.directory.pool_client(body["UserPoolId"], body["ClientId"])
        return self._respond(svc, request, pool, client, body)

    def _initiate(
        self,
        svc: Services,
        request: RequestContext,
        pool: Pool,
        client: AppClient,
        body: dict[str, Any],
    ) -> dict[str, Any]:
        flow = body["AuthFlow"]
        refused = _PUBLIC_ONLY_FLOWS if request.admin else _ADMIN_ONLY_FLOWS
        if flow not in _FLOW_SETTING or flow in refused:
            raise InvalidParameterError("Initiate Auth method not supported.")
        if _FLOW_SETTING[flow] not in client.auth_flows:
            if flow in _ADMIN_ONLY_FLOWS:
                raise InvalidParameterError("Auth flow not enabled for this client")
            raise InvalidParameterError(f"{flow} flow not enabled for this client")
        handler = self._initiate_auth_handlers.get(flow)
        if handler is None:
            raise InvalidParameterError(f"{flow} is not supported by the authflow emulator.")
        return handler(svc, request, pool, client, body)

    def _respond(
        self,
        svc: Services,
        request: RequestContext,
        pool: Pool,
        client: AppClient,
        body: dict[str, Any],
    ) -> dict[str, Any]:
        responses = dict(body.get("ChallengeResponses") or {})
        name = body["ChallengeName"]
        answer = self._challenge_handlers.get(name)
        if answer is None:
            raise InvalidParameterError(f"{name} is not supported by the authflow emulator.")
        return answer(svc, request, pool, client, body.get("Session"), responses)

"""The operations a sign-in talks to Cognito with, as one piece of data.

A sign-in starts with InitiateAuth, answers challenges with RespondToAuthChallenge and refreshes
with InitiateAuth(REFRESH_TOKEN_AUTH). A server-side sign-in sends AdminInitiateAuth and
AdminRespondToAuthChallenge instead (the same members plus ``UserPoolId``, signed with SigV4 by
its transport) and reads the same answers. :class:`SignInOperations` is that choice, made once;
:data:`PUBLIC` is the app-client set and :data:`ADMIN` the server-side one. The sign-in flow and
the session manager build every such request through it, so another set is one more instance (and
a signing transport), not a copy of the flow. A sign-in names its set by role in its options
(``"public"`` or ``"admin"``, :data:`OPERATION_SETS`), so snapshots and session records carry it.

It lives in ``sessions`` because that is the lower of its two users: the flows start and answer
through it, the session manager refreshes through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

import attrs

from authflow.config import CognitoConfig
from authflow.protocol.operations import (
    AdminInitiateAuthRequest,
    AdminRespondToAuthChallengeRequest,
    InitiateAuthRequest,
    RespondToAuthChallengeRequest,
)
from authflow.protocol.shapes import AuthenticationResult
from authflow.transport.base import WireRequest

__all__ = [
    "ADMIN",
    "ADMIN_AUTH_FLOWS",
    "OPERATION_SETS",
    "PUBLIC",
    "PUBLIC_AUTH_FLOWS",
    "AnswerRequestFactory",
    "AuthResponse",
    "SignInOperations",
    "StartRequestFactory",
]


#: The AuthFlow values InitiateAuth starts a sign-in with.
PUBLIC_AUTH_FLOWS = frozenset({"USER_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH", "USER_AUTH"})
#: The AuthFlow values AdminInitiateAuth starts a sign-in with: ADMIN_USER_PASSWORD_AUTH in place
#: of USER_PASSWORD_AUTH, which it refuses (its legacy name ADMIN_NO_SRP_AUTH is not offered).
ADMIN_AUTH_FLOWS = frozenset(
    {"USER_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH", "CUSTOM_AUTH", "USER_AUTH"}
)


class AuthResponse(Protocol):
    """What a sign-in reads of an InitiateAuth / RespondToAuthChallenge answer (and of their
    Admin twins, which have the same members)."""

    @property
    def challenge_name(self) -> str | None:
        """The next challenge, or ``None`` with an ``authentication_result``."""
        ...

    @property
    def session(self) -> str | None:
        """The challenge Session to send back."""
        ...

    @property
    def challenge_parameters(self) -> Mapping[str, str] | None:
        """The challenge's parameters (all strings; lists are JSON strings)."""
        ...

    @property
    def available_challenges(self) -> tuple[str, ...] | None:
        """USER_AUTH's choices for SELECT_CHALLENGE."""
        ...

    @property
    def authentication_result(self) -> AuthenticationResult | None:
        """The tokens, once signed in."""
        ...


class StartRequestFactory(Protocol):
    """Builds the request that starts (or refreshes) a sign-in."""

    def __call__(
        self,
        config: CognitoConfig,
        *,
        auth_flow: str,
        parameters: Mapping[str, str],
        client_metadata: Mapping[str, str] | None,
        session: str | None,
    ) -> WireRequest[AuthResponse]:
        """The request for ``auth_flow`` with these AuthParameters."""
        ...


class AnswerRequestFactory(Protocol):
    """Builds the request that answers a challenge."""

    def __call__(
        self,
        config: CognitoConfig,
        *,
        challenge_name: str,
        session: str | None,
        responses: Mapping[str, str],
        client_metadata: Mapping[str, str] | None,
    ) -> WireRequest[AuthResponse]:
        """The request answering ``challenge_name`` with these ChallengeResponses."""
        ...


def _initiate_auth(
    config: CognitoConfig,
    *,
    auth_flow: str,
    parameters: Mapping[str, str],
    client_metadata: Mapping[str, str] | None,
    session: str | None,
) -> WireRequest[AuthResponse]:
    return InitiateAuthRequest(
        auth_flow=auth_flow,
        client_id=config.client_id,
        auth_parameters=dict(parameters),
        client_metadata=dict(client_metadata) if client_metadata else None,
        session=session,
    )


def _respond_to_auth_challenge(
    config: CognitoConfig,
    *,
    challenge_name: str,
    session: str | None,
    responses: Mapping[str, str],
    client_metadata: Mapping[str, str] | None,
) -> WireRequest[AuthResponse]:
    return RespondToAuthChallengeRequest(
        client_id=config.client_id,
        challenge_name=challenge_name,
        session=session,
        challenge_responses=dict(responses),
        client_metadata=dict(client_metadata) if client_metadata else None,
    )


def _admin_initiate_auth(
    config: CognitoConfig,
    *,
    auth_flow: str,
    parameters: Mapping[str, str],
    client_metadata: Mapping[str, str] | None,
    session: str | None,
) -> WireRequest[AuthResponse]:
    return AdminInitiateAuthRequest(
        user_pool_id=config.user_pool_id,
        client_id=config.client_id,
        auth_flow=auth_flow,
        auth_parameters=dict(parameters),
        client_metadata=dict(client_metadata) if client_metadata else None,
        session=session,
    )


def _admin_respond_to_auth_challenge(
    config: CognitoConfig,
    *,
    challenge_name: str,
    session: str | None,
    responses: Mapping[str, str],
    client_metadata: Mapping[str, str] | None,
) -> WireRequest[AuthResponse]:
    return AdminRespondToAuthChallengeRequest(
        user_pool_id=config.user_pool_id,
        client_id=config.client_id,
        challenge_name=challenge_name,
        session=session,
        challenge_responses=dict(responses),
        client_metadata=dict(client_metadata) if client_metadata else None,
    )


@attrs.frozen
class SignInOperations:
    """One set of sign-in operations: how to start, answer and refresh.

    >>> PUBLIC.start(config, auth_flow="USER_SRP_AUTH", parameters={"USERNAME": "alice", ...},
    ...              client_metadata=None, session=None).OPERATION  # doctest: +SKIP
    'InitiateAuth'
    """

    #: A name for reprs and logs (``"public"``).
    name: str
    #: InitiateAuth (or its twin): starts a sign-in, and refreshes with REFRESH_TOKEN_AUTH.
    start: StartRequestFactory = attrs.field(repr=False)
    #: RespondToAuthChallenge (or its twin).
    answer: AnswerRequestFactory = attrs.field(repr=False)
    #: The AuthFlow values ``start`` begins a sign-in with.
    auth_flows: frozenset[str] = attrs.field(default=PUBLIC_AUTH_FLOWS, repr=False, kw_only=True)

    def refresh(
        self, config: CognitoConfig, parameters: Mapping[str, str]
    ) -> WireRequest[AuthResponse]:
        """The REFRESH_TOKEN_AUTH request (``parameters``: REFRESH_TOKEN, SECRET_HASH, …)."""
        return self.start(
            config,
            auth_flow="REFRESH_TOKEN_AUTH",
            parameters=parameters,
            client_metadata=None,
            session=None,
        )


#: The app client's operations: InitiateAuth and RespondToAuthChallenge, unsigned.
PUBLIC = SignInOperations("public", start=_initiate_auth, answer=_respond_to_auth_challenge)
#: The server-side operations: AdminInitiateAuth and AdminRespondToAuthChallenge with the pool id,
#: IAM-authorized (the transport signs them: ``AiohttpTransport(signer=SigV4Signer(...))``).
ADMIN = SignInOperations(
    "admin",
    start=_admin_initiate_auth,
    answer=_admin_respond_to_auth_challenge,
    auth_flows=ADMIN_AUTH_FLOWS,
)
#: The operation sets a sign-in can name (``SignInOptions.operations``), by role.
OPERATION_SETS: Mapping[str, SignInOperations] = MappingProxyType(
    {"public": PUBLIC, "admin": ADMIN}
)

"""AuthClient: the facade wiring configuration, transport, store, sessions and flows together."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Unpack, overload

import attrs

from authflow.account import Account
from authflow.config import CognitoConfig
from authflow.flows.oauth import AuthorizationCodeFlow
from authflow.flows.oauth_request import AuthorizationCodeSnapshot
from authflow.flows.oauth_tokens import CodeGrantChecks
from authflow.flows.options import SignInOptions, SignInOptionsArgs
from authflow.flows.signin import SignInFlow
from authflow.flows.simple import ForgotPasswordFlow, SignUpFlow
from authflow.flows.snapshot import SignInSnapshot
from authflow.protocol.checks import check_callable, check_text
from authflow.protocol.errors import InvalidStateError, ValidationError
from authflow.protocol.oauth import check_scopes
from authflow.sessions.client_credentials import ClientCredentials
from authflow.sessions.events import EventListener, EventStream
from authflow.sessions.index import SessionInfo
from authflow.sessions.manager import SessionManager
from authflow.sessions.signin_operations import ADMIN
from authflow.storage.base import Store
from authflow.storage.errors import CorruptRecordError
from authflow.storage.memory import MemoryStore
from authflow.transport.base import Transport
from authflow.transport.oauth import OAuthTransport
from authflow.transport.sigv4 import CredentialsSource, SigV4Signer

__all__ = ["AuthClient"]


class AuthClient:
    """Entry point: one Cognito app client, many users' flows and sessions.

    >>> # async with AuthClient(CognitoConfig(user_pool_id=..., client_id=...)) as auth:
    >>> #     flow = auth.sign_in("alice", "Correct-Horse-9!")
    >>> #     step = await flow.step()

    ``transport`` defaults to an :class:`~authflow.transport.AiohttpTransport` on the config's
    endpoint (owned and closed by the client); ``store`` defaults to a :class:`MemoryStore`;
    ``clock`` (epoch seconds) is injectable for tests.

    ``credentials`` (AWS credentials: ``"default"`` for botocore's chain, a profile name, a
    :class:`~authflow.transport.StaticCredentials`, a botocore session or credentials; see
    :mod:`authflow.transport.sigv4`) makes the client's transport sign the IAM-authorized
    operations, which enables :meth:`admin_sign_in`. A transport of your own signs them when it
    has a ``signer`` (``AiohttpTransport(endpoint, signer=SigV4Signer(credentials, region))``).

    With the pool's domain in the config, :attr:`oauth` is the
    :class:`~authflow.transport.OAuthTransport` to its ``/oauth2/*`` endpoints (owned and closed
    by the client), used by :meth:`authorize` and :meth:`client_credentials`.
    """

    def __init__(
        self,
        config: CognitoConfig,
        *,
        transport: Transport | None = None,
        store: Store | None = None,
        clock: Callable[[], float] = time.time,
        credentials: CredentialsSource | None = None,
    ) -> None:
        if not isinstance(config, CognitoConfig):
            raise ValidationError("config must be a CognitoConfig", field="config")
        if transport is not None and not isinstance(transport, Transport):
            raise ValidationError("transport must be a Transport (send, close)", field="transport")
        if store is not None and not isinstance(store, Store):
            raise ValidationError("store must be a Store (get, set, delete, lock…)", field="store")
        check_callable(clock, "clock")
        self.config = config
        self._owns_transport = transport is None
        if transport is None:
            from authflow.transport.aiohttp import AiohttpTransport

            signer = None if credentials is None else SigV4Signer(credentials, config.region)
            transport = AiohttpTransport(config.endpoint_url, signer=signer)
        elif credentials is not None:
            raise ValidationError(
                "credentials= signs the transport the client creates; give your transport a "
                "signer instead (AiohttpTransport(endpoint, signer=SigV4Signer(credentials, "
                "region)))",
                field="credentials",
            )
        self.transport: Transport = transport
        self.store: Store = store if store is not None else MemoryStore()
        self._clock = clock
        # admin sign-ins need a transport that signs them
        admin = ADMIN if getattr(transport, "signer", None) is not None else None
        self.oauth: OAuthTransport | None = (
            OAuthTransport(config.domain_url) if config.domain_url is not None else None
        )
        self.sessions = SessionManager(
            config,
            self.transport,
            self.store,
            clock=clock,
            admin_operations=admin,
            oauth=self.oauth,
        )
        self._code_grant_checks: CodeGrantChecks | None = None
        self._machine_tokens: dict[tuple[str, ...], ClientCredentials] = {}

    def __repr__(self) -> str:
        return f"AuthClient(pool={self.config.user_pool_id!r}, client={self.config.client_id!r})"

    async def __aenter__(self) -> AuthClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the transport if this client created it, and the OAuth transport and the
        token verifier it made."""
        if self._owns_transport:
            await self.transport.close()
        if self.oauth is not None:
            await self.oauth.close()
        if self._code_grant_checks is not None:
            await self._code_grant_checks.close()

    # -- flows ----------------------------------------------------------------------------------

    def sign_in(
        self,
        username: str,
        password: str | None = None,
        *,
        options: SignInOptions | None = None,
        **option_args: Unpack[SignInOptionsArgs],
    ) -> SignInFlow:
        """A new :class:`SignInFlow` (nothing is sent until ``step()``).

        The options are the fields of :class:`~authflow.flows.options.SignInOptions`, given as
        keywords or as ``options=SignInOptions(...)`` (not both): ``auth_flow`` is
        ``USER_SRP_AUTH`` (default), ``USER_PASSWORD_AUTH``, ``CUSTOM_AUTH`` (``srp_first=True``
        proves the password with SRP first) or ``USER_AUTH`` (choice-based;
        ``preferred_challenge`` one of PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN;
        ``session`` is ConfirmSignUp's Session for passwordless sign-in after sign-up);
        ``remember_device`` opts in to remembering a new device on "user opt-in" pools;
        ``client_metadata``, ``device_name`` and ``totp_issuer`` as named; ``operations="admin"``
        is :meth:`admin_sign_in`.
        """
        return SignInFlow(
            config=self.config,
            transport=self.transport,
            store=self.store,
            sessions=self.sessions,
            username=username,
            password=password,
            options=SignInOptions.from_arguments(options, option_args),
            clock=self._clock,
        )

    def admin_sign_in(
        self,
        username: str,
        password: str | None = None,
        *,
        options: SignInOptions | None = None,
        **option_args: Unpack[SignInOptionsArgs],
    ) -> SignInFlow:
        """A new server-side :class:`SignInFlow`: the same machine and ``step()`` as
        :meth:`sign_in`, sent as AdminInitiateAuth / AdminRespondToAuthChallenge signed with the
        client's AWS credentials (its refreshes too: AdminInitiateAuth REFRESH_TOKEN_AUTH).

        The options are :meth:`sign_in`'s with ``operations="admin"``: ``auth_flow`` is
        ``USER_SRP_AUTH`` (default), ``ADMIN_USER_PASSWORD_AUTH`` (the password in the request,
        for trusted back ends; ``USER_PASSWORD_AUTH`` is refused), ``CUSTOM_AUTH`` or
        ``USER_AUTH``. Raises :class:`~authflow.protocol.errors.CredentialsError` when the client
        cannot sign (created without ``credentials=``).
        """
        if options is None:
            if option_args.get("operations", "admin") != "admin":
                raise ValidationError(
                    "admin_sign_in() runs the admin operations", field="operations"
                )
            chosen = SignInOptions.from_arguments(None, {**option_args, "operations": "admin"})
        else:
            chosen = attrs.evolve(
                SignInOptions.from_arguments(options, option_args), operations="admin"
            )
        return self.sign_in(username, password, options=chosen)

    def sign_up(
        self,
        username: str,
        password: str | None,
        *,
        attributes: Mapping[str, str] | None = None,
        validation_data: Mapping[str, str] | None = None,
        client_metadata: Mapping[str, str] | None = None,
    ) -> SignUpFlow:
        """A new :class:`SignUpFlow`: ``step()`` registers, ``step(code)`` confirms."""
        return SignUpFlow(
            config=self.config,
            transport=self.transport,
            username=username,
            password=password,
            attributes=attributes,
            validation_data=validation_data,
            client_metadata=client_metadata,
        )

    def forgot_password(
        self, username: str, *, client_metadata: Mapping[str, str] | None = None
    ) -> ForgotPasswordFlow:
        """A new :class:`ForgotPasswordFlow`: ``step()`` sends the code, then
        ``step({"ConfirmationCode": code, "Password": new})`` resets the password."""
        return ForgotPasswordFlow(
            config=self.config,
            transport=self.transport,
            username=username,
            client_metadata=client_metadata,
        )

    def _code_grant(self, purpose: str) -> tuple[OAuthTransport, CodeGrantChecks]:
        oauth = self._domain(purpose)
        if self._code_grant_checks is None:
            if importlib.util.find_spec("jwt") is None:
                raise InvalidStateError(
                    f"{purpose} verifies ID tokens and needs the 'verify' extra (PyJWT): "
                    "pip install 'authflow[verify]'",
                    state="missing extra",
                )
            self._code_grant_checks = CodeGrantChecks(self.config, clock=self._clock)
        return oauth, self._code_grant_checks

    def _domain(self, purpose: str) -> OAuthTransport:
        if self.oauth is None:
            raise ValidationError(
                f"{purpose} needs the pool's domain: "
                "CognitoConfig(domain=...) or CognitoConfig(domain_prefix=...)",
                field="domain",
            )
        return self.oauth

    def authorize(
        self,
        redirect_uri: str,
        *,
        scopes: Iterable[str] = ("openid",),
        identity_provider: str | None = None,
    ) -> AuthorizationCodeFlow:
        """A new :class:`~authflow.flows.AuthorizationCodeFlow`: sign-in through the managed
        login page (OAuth 2.0 code flow with PKCE S256, ``state`` and ``nonce``). Nothing is
        sent until ``step()``, which gives the URL to send the browser to.

        ``redirect_uri`` must be one of the app client's callback URLs (it is checked locally
        for what can never be one: not absolute, a fragment, plain http to a host other than
        localhost, ``javascript:`` ...). ``scopes`` default to ``openid``; add
        ``aws.cognito.signin.user.admin`` for :meth:`account`'s operations. ``identity_provider``
        skips the login page for that provider (``COGNITO``: the pool itself). Needs the
        ``verify`` extra (the ID token is verified).
        """
        oauth, checks = self._code_grant("authorize()")
        return AuthorizationCodeFlow(
            config=self.config,
            oauth=oauth,
            sessions=self.sessions,
            checks=checks,
            redirect_uri=redirect_uri,
            scopes=scopes,
            identity_provider=identity_provider,
            clock=self._clock,
        )

    def client_credentials(self, scopes: Iterable[str] | None = None) -> ClientCredentials:
        """The :class:`~authflow.sessions.ClientCredentials` token source of this app client
        for ``scopes`` (custom ``resource-server/scope`` names; ``None``: all the client's):
        ``await m2m.access_token()``. One source per scope set and client, its token cached in
        :attr:`store` and fetched once per expiry by all processes sharing the store. Needs the
        client secret and the pool's domain."""
        oauth = self._domain("client_credentials()")
        key = () if scopes is None else tuple(sorted(check_scopes(scopes)))
        source = self._machine_tokens.get(key)
        if source is None:
            source = ClientCredentials(
                self.config, oauth, self.store, scopes=key, clock=self._clock
            )
            self._machine_tokens[key] = source
        return source

    @overload
    async def resume(self, record: SignInSnapshot | str) -> SignInFlow: ...

    @overload
    async def resume(self, record: AuthorizationCodeSnapshot) -> AuthorizationCodeFlow: ...

    @overload
    async def resume(self, record: Mapping[str, Any]) -> SignInFlow | AuthorizationCodeFlow: ...

    async def resume(
        self, record: Mapping[str, Any] | SignInSnapshot | AuthorizationCodeSnapshot | str
    ) -> SignInFlow | AuthorizationCodeFlow:
        """Rebuild a flow in this or another process: from ``flow.snapshot()`` output (a
        sign-in, or an authorization-code flow: ``kind: authorization_code``), or from the key
        ``await flow.save()`` returned (the sign-in then keeps that key up to date).

        Version-1 snapshots (written before :class:`SignInSnapshot`) are read too; anything else
        is a :class:`ValidationError` naming the member at fault. A key that is not a pending
        sign-in key of this app client is a ValidationError (``field="key"``); a pending sign-in
        that finished, was cancelled or expired is a SessionNotFoundError. An Authenticated
        snapshot resumes only the session it belongs to (see :mod:`authflow.flows.snapshot`)."""
        if not isinstance(record, str) and AuthorizationCodeSnapshot.is_one(record):
            assert not isinstance(record, SignInSnapshot)
            oauth, checks = self._code_grant("resume()")
            return await AuthorizationCodeFlow.from_snapshot(
                record,
                config=self.config,
                oauth=oauth,
                sessions=self.sessions,
                checks=checks,
                clock=self._clock,
            )
        assert not isinstance(record, AuthorizationCodeSnapshot)
        key = None
        if isinstance(record, str):
            key = record
            record = await self.sessions.pending.read(key)
        flow = await SignInFlow.from_snapshot(
            record,
            config=self.config,
            transport=self.transport,
            store=self.store,
            sessions=self.sessions,
            clock=self._clock,
            saved_key=key,
        )
        if key is not None and flow.state != "ChallengePending":
            raise CorruptRecordError(f"record under {key!r} is not a pending sign-in", key=key)
        return flow

    # -- sessions -------------------------------------------------------------------------------

    async def access_token(self, session_key: str) -> str:
        """A valid access token for the stored session ``session_key`` (refreshed single-flight
        when about to expire)."""
        return await self.sessions.access_token(_session_key(session_key))

    def account(self, session_key: str) -> Account:
        """Self-service operations on the signed-in user of ``session_key``."""
        return Account(self.config, self.transport, self.sessions, _session_key(session_key))

    async def sign_out(self, session_key: str, *, global_: bool = False) -> None:
        """Sign out the stored session ``session_key`` from any process sharing the store:
        RevokeToken on its refresh token, or with ``global_=True`` GlobalSignOut (every session of
        the user, everywhere; their records here go too). Other sessions of the same user are
        untouched by a plain sign-out. SessionNotFoundError when there is no such session."""
        if not isinstance(global_, bool):
            raise ValidationError("global_ must be True or False", field="global_")
        await self.sessions.sign_out(_session_key(session_key), global_=global_)

    async def sessions_of(self, username: str) -> list[SessionInfo]:
        """The live sessions of a user, newest first (:class:`SessionInfo`: key, login,
        created_at, expires_at; no token). ``username`` is the internal username, or a login the
        user signed in with (then the sessions opened with that login)."""
        return await self.sessions.sessions_of(username)

    async def latest_session(self, login: str) -> str | None:
        """The key of the newest live session opened with ``login``, or ``None`` ("the" session
        of a CLI profile)."""
        return await self.sessions.latest_session(login)

    async def sign_out_all(self, username: str) -> int:
        """Sign out (RevokeToken) every live session of a user; return how many."""
        return await self.sessions.sign_out_all(username)

    # -- events ---------------------------------------------------------------------------------

    def on_event(self, callback: EventListener) -> Callable[[], None]:
        """Call ``callback`` for every :class:`~authflow.sessions.SessionEvent` (``signed_in``,
        ``refreshed``, ``refresh_failed``, ``signed_out`` with its reason); an ``async def``
        callback runs as a task. Returns a function that unsubscribes it."""
        return self.sessions.on_event(callback)

    def events(self, maxsize: int = 100) -> EventStream:
        """An async iterator over session events with its own queue of ``maxsize``: when the
        consumer falls that far behind, the oldest queued event is dropped (``stream.dropped``
        counts them). ``async with auth.events() as events: async for event in events: ...``"""
        return self.sessions.events.stream(maxsize)


def _session_key(value: object) -> str:
    return check_text(value, "session_key", max_length=1024)

"""AuthClient: the facade wiring configuration, transport, store, sessions and flows together."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Unpack

from authflow.account import Account
from authflow.config import CognitoConfig
from authflow.flows.options import SignInOptions, SignInOptionsArgs
from authflow.flows.signin import SignInFlow
from authflow.flows.simple import ForgotPasswordFlow, SignUpFlow
from authflow.flows.snapshot import SignInSnapshot
from authflow.protocol.checks import check_callable, check_text
from authflow.protocol.errors import ValidationError
from authflow.sessions.manager import SessionManager
from authflow.storage.base import Store
from authflow.storage.memory import MemoryStore
from authflow.transport.base import Transport

__all__ = ["AuthClient"]


class AuthClient:
    """Entry point: one Cognito app client, many users' flows and sessions.

    >>> # async with AuthClient(CognitoConfig(user_pool_id=..., client_id=...)) as auth:
    >>> #     flow = auth.sign_in("alice", "Correct-Horse-9!")
    >>> #     step = await flow.step()

    ``transport`` defaults to an :class:`~authflow.transport.AiohttpTransport` on the config's
    endpoint (owned and closed by the client); ``store`` defaults to a :class:`MemoryStore`;
    ``clock`` (epoch seconds) is injectable for tests.
    """

    def __init__(
        self,
        config: CognitoConfig,
        *,
        transport: Transport | None = None,
        store: Store | None = None,
        clock: Callable[[], float] = time.time,
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

            transport = AiohttpTransport(config.endpoint_url)
        self.transport: Transport = transport
        self.store: Store = store if store is not None else MemoryStore()
        self._clock = clock
        self.sessions = SessionManager(config, self.transport, self.store, clock=clock)

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
        """Close the transport if this client created it."""
        if self._owns_transport:
            await self.transport.close()

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
        ``client_metadata``, ``device_name`` and ``totp_issuer`` as named.
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

    async def resume(self, record: Mapping[str, Any] | SignInSnapshot) -> SignInFlow:
        """Rebuild a sign-in flow from ``flow.snapshot()`` output (in this or another process).

        Version-1 snapshots (written before :class:`SignInSnapshot`) are read too; anything else
        is a :class:`ValidationError` naming the member at fault."""
        return await SignInFlow.from_snapshot(
            record,
            config=self.config,
            transport=self.transport,
            store=self.store,
            sessions=self.sessions,
            clock=self._clock,
        )

    # -- sessions -------------------------------------------------------------------------------

    async def access_token(self, session_key: str) -> str:
        """A valid access token for the stored session ``session_key`` (refreshed single-flight
        when about to expire)."""
        return await self.sessions.access_token(_session_key(session_key))

    def account(self, session_key: str) -> Account:
        """Self-service operations on the signed-in user of ``session_key``."""
        return Account(self.config, self.transport, self.sessions, _session_key(session_key))


def _session_key(value: object) -> str:
    return check_text(value, "session_key", max_length=1024)

"""The short flows: sign-up with confirmation, and forgotten-password reset.

SignUpFlow: ``Unregistered --register--> (SignUp)``, then ``registered`` → PendingConfirmation
(or ``confirmed`` → Confirmed when the pool auto-confirms); PendingConfirmation ``--confirm-->``
(ConfirmSignUp) then ``confirmed`` → Confirmed; ``resend_code`` stays in PendingConfirmation.

ForgotPasswordFlow: ``Idle --request_code-->`` (ForgotPassword) then ``code_sent`` → CodeSent;
CodeSent ``--reset-->`` (ConfirmForgotPassword) then ``password_reset`` → PasswordReset;
``resend_code`` stays in CodeSent.

As everywhere, I/O runs in ``before`` callbacks: a wrong or expired code raises its typed error and
the flow stays where it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from authflow.config import CognitoConfig
from authflow.flows.base import Flow
from authflow.flows.step import CodeDelivery, Step
from authflow.protocol.checks import check_text, check_text_map
from authflow.protocol.errors import InvalidStateError, ValidationError
from authflow.protocol.operations import (
    ConfirmForgotPasswordRequest,
    ConfirmSignUpRequest,
    ForgotPasswordRequest,
    ResendConfirmationCodeRequest,
    SignUpRequest,
)
from authflow.protocol.secret_hash import secret_hash
from authflow.protocol.shapes import AttributeType, CodeDeliveryDetails
from authflow.transport.base import Transport, call

__all__ = ["ForgotPasswordFlow", "SignUpFlow"]


def _delivery(details: CodeDeliveryDetails | None) -> CodeDelivery | None:
    if details is None:
        return None
    return CodeDelivery(
        medium=details.delivery_medium,
        destination=details.destination,
        attribute=details.attribute_name,
    )


def _attribute_list(values: Mapping[str, str]) -> list[AttributeType] | None:
    return [AttributeType(name=k, value=v) for k, v in values.items()] or None


def _optional_map(value: object, field: str) -> dict[str, str]:
    return {} if value is None else check_text_map(value, field)


def _code_from(response: str | Mapping[str, Any] | None, key: str) -> str:
    if isinstance(response, str):
        code = response
    elif isinstance(response, Mapping):
        code = response.get(key)  # type: ignore[assignment]
    else:
        code = None
    if not isinstance(code, str) or not code.strip():
        raise ValidationError(f"a {key} is needed", field=key)
    return check_text(code.strip(), key, max_length=2048)


class _ClientFlow(Flow):
    def __init__(
        self, *, config: CognitoConfig, transport: Transport, username: str, **kw: Any
    ) -> None:
        check_text(username, "username", max_length=128)
        super().__init__(**kw)
        self._config = config
        self._transport = transport
        self.username = username
        #: Where the last code was sent.
        self.delivery: CodeDelivery | None = None

    def _secret_hash(self) -> str | None:
        cfg = self._config
        if not cfg.client_secret:
            return None
        return secret_hash(self.username, cfg.client_id, cfg.client_secret)


class SignUpFlow(_ClientFlow):
    """Register a user and confirm the code Cognito sends.

    >>> # signup = auth.sign_up("alice", "Correct-Horse-9!", attributes={"email": "a@x.org"})
    >>> # step = await signup.step()   # step.state == "PendingConfirmation" (or "Confirmed" if
    >>> #                              # auto-confirmed); step.delivery says where the code went
    >>> # await signup.step("123456")  # .state == "Confirmed"; signup.session feeds USER_AUTH
    """

    NAME = "SignUp"
    STATES: ClassVar[tuple[str, ...]] = ("Unregistered", "PendingConfirmation", "Confirmed")
    INITIAL = "Unregistered"
    FINALS = frozenset({"Confirmed"})
    TRANSITIONS: ClassVar[tuple[dict[str, Any], ...]] = (
        {"trigger": "register", "source": "Unregistered", "dest": None, "before": "_send_sign_up"},
        {"trigger": "registered", "source": "Unregistered", "dest": "PendingConfirmation"},
        {"trigger": "confirmed", "source": ["Unregistered", "PendingConfirmation"],
         "dest": "Confirmed"},
        {"trigger": "confirm", "source": "PendingConfirmation", "dest": None,
         "before": "_send_confirm"},
        {"trigger": "resend_code", "source": "PendingConfirmation", "dest": None,
         "before": "_send_resend"},
    )  # fmt: skip

    def __init__(
        self,
        *,
        config: CognitoConfig,
        transport: Transport,
        username: str,
        password: str | None,
        attributes: Mapping[str, str] | None = None,
        validation_data: Mapping[str, str] | None = None,
        client_metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(config=config, transport=transport, username=username)
        if password is not None:
            check_text(password, "password", max_length=256)
        self._password = password
        self._attributes = _optional_map(attributes, "attributes")
        self._validation = _optional_map(validation_data, "validation_data")
        self._metadata = _optional_map(client_metadata, "client_metadata")
        #: The new user's ``sub`` once registered.
        self.user_sub: str | None = None
        #: ConfirmSignUp's Session: pass it to ``sign_in(..., auth_flow="USER_AUTH", session=...)``
        #: to sign in without asking for the password again.
        self.session: str | None = None
        self._signup_session: str | None = None
        self._auto_confirmed = False

    def __repr__(self) -> str:
        return f"SignUpFlow(state={self.state!r})"

    async def step(self, response: str | Mapping[str, Any] | None = None) -> Step:
        """Register (first call), then confirm with the code (``str`` or
        ``{"ConfirmationCode": ...}``). Returns a :class:`Step` whose ``state`` is the new state
        name and ``delivery`` where the code went."""
        async with self._lock:
            if self.state == "Unregistered":
                await self._fire("register")
                # the outcome is fired here, never from inside a callback: a nested trigger
                # would cancel the running one under AsyncMachine
                await self._fire("confirmed" if self._auto_confirmed else "registered")
            elif self.state == "PendingConfirmation":
                code = _code_from(response, "ConfirmationCode")
                await self._fire("confirm", code=code)
                await self._fire("confirmed")
            else:
                raise InvalidStateError("SignUp: already confirmed", state=self.state)
            return Step(state=self.state, delivery=self.delivery)

    async def resend_code(self) -> CodeDelivery | None:
        """Ask for a new confirmation code; returns where it went."""
        async with self._lock:
            await self._fire("resend_code")
            return self.delivery

    async def _send_sign_up(self, event: Any) -> None:
        cfg = self._config
        result = await call(
            self._transport,
            SignUpRequest(
                client_id=cfg.client_id,
                username=self.username,
                password=self._password,
                secret_hash=self._secret_hash(),
                user_attributes=_attribute_list(self._attributes),
                validation_data=_attribute_list(self._validation),
                client_metadata=self._metadata or None,
            ),
        )
        self.user_sub = result.user_sub
        self.delivery = _delivery(result.code_delivery_details)
        self._signup_session = result.session
        self._password = None
        self._auto_confirmed = bool(result.user_confirmed)

    async def _send_confirm(self, event: Any) -> None:
        cfg = self._config
        result = await call(
            self._transport,
            ConfirmSignUpRequest(
                client_id=cfg.client_id,
                username=self.username,
                confirmation_code=event.kwargs["code"],
                secret_hash=self._secret_hash(),
                client_metadata=self._metadata or None,
                session=self._signup_session,
            ),
        )
        self.session = result.session

    async def _send_resend(self, event: Any) -> None:
        cfg = self._config
        result = await call(
            self._transport,
            ResendConfirmationCodeRequest(
                client_id=cfg.client_id, username=self.username, secret_hash=self._secret_hash()
            ),
        )
        self.delivery = _delivery(result.code_delivery_details)


class ForgotPasswordFlow(_ClientFlow):
    """Reset a forgotten password with the code Cognito sends.

    >>> # reset = auth.forgot_password("alice")
    >>> # step = await reset.step()                     # step.state == "CodeSent"
    >>> # await reset.step({"ConfirmationCode": code, "Password": new})  # .state "PasswordReset"
    """

    NAME = "ForgotPassword"
    STATES: ClassVar[tuple[str, ...]] = ("Idle", "CodeSent", "PasswordReset")
    INITIAL = "Idle"
    FINALS = frozenset({"PasswordReset"})
    TRANSITIONS: ClassVar[tuple[dict[str, Any], ...]] = (
        {"trigger": "request_code", "source": "Idle", "dest": None, "before": "_send_forgot"},
        {"trigger": "code_sent", "source": "Idle", "dest": "CodeSent"},
        {"trigger": "reset", "source": "CodeSent", "dest": None, "before": "_send_confirm"},
        {"trigger": "password_reset", "source": "CodeSent", "dest": "PasswordReset"},
        {"trigger": "resend_code", "source": "CodeSent", "dest": None, "before": "_send_forgot"},
    )

    def __init__(
        self,
        *,
        config: CognitoConfig,
        transport: Transport,
        username: str,
        client_metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(config=config, transport=transport, username=username)
        self._metadata = _optional_map(client_metadata, "client_metadata")

    def __repr__(self) -> str:
        return f"ForgotPasswordFlow(state={self.state!r})"

    async def step(self, response: Mapping[str, Any] | None = None) -> Step:
        """Request the code (first call), then ``{"ConfirmationCode": ..., "Password": ...}``.
        Returns a :class:`Step` whose ``state`` is the new state name and ``delivery`` where
        the code went."""
        async with self._lock:
            if self.state == "Idle":
                await self._fire("request_code")
                await self._fire("code_sent")
            elif self.state == "CodeSent":
                if not isinstance(response, Mapping):
                    raise ValidationError("give {'ConfirmationCode': ..., 'Password': ...}")
                code = _code_from(response, "ConfirmationCode")
                password = check_text(response.get("Password"), "Password", max_length=256)
                await self._fire("reset", code=code, password=password)
                await self._fire("password_reset")
            else:
                raise InvalidStateError("ForgotPassword: already reset", state=self.state)
            return Step(state=self.state, delivery=self.delivery)

    async def resend_code(self) -> CodeDelivery | None:
        """Send a new code; returns where it went."""
        async with self._lock:
            await self._fire("resend_code")
            return self.delivery

    async def _send_forgot(self, event: Any) -> None:
        cfg = self._config
        result = await call(
            self._transport,
            ForgotPasswordRequest(
                client_id=cfg.client_id,
                username=self.username,
                secret_hash=self._secret_hash(),
                client_metadata=self._metadata or None,
            ),
        )
        self.delivery = _delivery(result.code_delivery_details)

    async def _send_confirm(self, event: Any) -> None:
        cfg = self._config
        await call(
            self._transport,
            ConfirmForgotPasswordRequest(
                client_id=cfg.client_id,
                username=self.username,
                confirmation_code=event.kwargs["code"],
                password=event.kwargs["password"],
                secret_hash=self._secret_hash(),
                client_metadata=self._metadata or None,
            ),
        )

"""The managed login's sign-in: the emulator's own sign-in handlers behind an HTML form.

There is no second copy of the sign-in rules here. The first factor is the ``USER_PASSWORD_AUTH``
handler registered on the :class:`~authflow.emulator.ops.signin_router.SignInRouter` (called
directly, so the app client's ExplicitAuthFlows do not matter, as they do not for Cognito's
managed login — UNCONFIRMED); every challenge that follows is answered through the
``RespondToAuthChallenge`` operation itself, and a TOTP set-up through
``AssociateSoftwareToken`` / ``VerifySoftwareToken`` with the challenge's Session. The page
computes SECRET_HASH for clients with a secret (it is the server's own page).

A sign-in in progress is a :class:`LoginTransaction`, found by the opaque id the challenge form
carries; it holds the Cognito Session server-side. Each accepted answer spends it; a wrong code
keeps it (the Session stays usable, as in the API).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from authflow.emulator.domain import AppClient, Pool
from authflow.emulator.ops.signin_router import SignInRouter
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.emulator.validation import validate_input
from authflow.protocol.errors import (
    CodeMismatchError,
    EnableSoftwareTokenMFAError,
    InvalidParameterError,
    InvalidPasswordError,
    PasswordHistoryPolicyViolationError,
    ServiceError,
)
from authflow.protocol.secret_hash import secret_hash

__all__ = [
    "LOGIN_CHALLENGES",
    "LoginStep",
    "LoginTransaction",
    "ManagedLogin",
    "OperationRunner",
]

#: Runs one Cognito operation as the API would (``EmulatorCore.handle``).
OperationRunner = Callable[[str, Mapping[str, Any]], dict[str, Any]]
#: The challenges the login pages can answer.
LOGIN_CHALLENGES = (
    "SOFTWARE_TOKEN_MFA",
    "SMS_MFA",
    "EMAIL_OTP",
    "SELECT_MFA_TYPE",
    "NEW_PASSWORD_REQUIRED",
    "MFA_SETUP",
)
_CODE_KEYS = {
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
    "SMS_MFA": "SMS_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
}
# Errors after which the same challenge may be answered again (its Session is still usable).
_RETRYABLE = (
    CodeMismatchError,
    EnableSoftwareTokenMFAError,
    InvalidParameterError,
    InvalidPasswordError,
    PasswordHistoryPolicyViolationError,
)
# How long a sign-in may sit on one page; the Cognito Session usually expires first.
_TRANSACTION_SECONDS = 900.0
_SWEEP_EVERY = 256


@attrs.define
class LoginTransaction:
    """A managed-login sign-in waiting for the answer to ``challenge``."""

    id: str = attrs.field(repr=False)
    pool_id: str
    client_id: str
    username: str
    challenge: str
    session: str = attrs.field(repr=False)
    #: ChallengeParameters (plus ``SECRET_CODE`` of a TOTP set-up).
    parameters: dict[str, str] = attrs.field(repr=False)
    expires_at: float

    @property
    def options(self) -> list[str]:
        """What the form offers: the factors to choose from (SELECT_MFA_TYPE) or the
        ``userAttributes.<name>`` fields to fill in (NEW_PASSWORD_REQUIRED)."""
        if self.challenge == "SELECT_MFA_TYPE":
            return _json_list(self.parameters.get("MFAS_CAN_CHOOSE"))
        if self.challenge == "NEW_PASSWORD_REQUIRED":
            return _json_list(self.parameters.get("requiredAttributes"))
        return []


@attrs.frozen
class LoginStep:
    """What one step of the sign-in led to: tokens (``result``, an AuthenticationResult), the
    next challenge (``transaction``), or back to the sign-in form (``restart``); ``error`` is
    the message to show."""

    result: dict[str, Any] | None = attrs.field(default=None, repr=False)
    transaction: LoginTransaction | None = None
    error: str | None = None
    restart: bool = False


class ManagedLogin:
    """The sign-ins in progress on the managed login pages of one emulator."""

    def __init__(self, svc: Services, sign_in: SignInRouter, run: OperationRunner) -> None:
        self._svc = svc
        self._sign_in = sign_in
        self._run = run
        self._transactions: dict[str, LoginTransaction] = {}
        self._opened_since_sweep = 0

    def __repr__(self) -> str:
        return f"<ManagedLogin open={len(self._transactions)}>"

    def sign_in(self, pool: Pool, client: AppClient, username: str, password: str) -> LoginStep:
        """The first factor: USER_PASSWORD_AUTH's handler, then whatever the pipeline asks."""
        if not username or not password:
            return LoginStep(error="Username and password are required.", restart=True)
        params = {"USERNAME": username, "PASSWORD": password}
        params.update(self._secret_hash(client, username))
        body = {"ClientId": client.id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": params}
        try:
            validate_input("InitiateAuth", body)
            handler = self._sign_in.initiate_auth_handlers["USER_PASSWORD_AUTH"]
            request = RequestContext.from_body("InitiateAuth", body)
            response = handler(self._svc, request, pool, client, body)
        except ServiceError as error:
            return LoginStep(error=_message(error), restart=True)
        return self._next(pool, client, username, response)

    def answer(
        self, pool: Pool, client: AppClient, transaction_id: str, fields: Mapping[str, str]
    ) -> LoginStep:
        """Answer the challenge of transaction ``transaction_id`` with the form ``fields``."""
        tx = self._transactions.get(transaction_id)
        if tx is not None and self._svc.now() >= tx.expires_at:
            del self._transactions[transaction_id]
            tx = None
        if tx is None or tx.pool_id != pool.id or tx.client_id != client.id:
            return LoginStep(error="Your sign-in has expired; please sign in again.", restart=True)
        responses = {"USERNAME": tx.username, **self._secret_hash(client, tx.username)}
        try:
            if tx.challenge == "MFA_SETUP":
                verified = self._run(
                    "VerifySoftwareToken", {"Session": tx.session, "UserCode": fields.get("code")}
                )
                tx.session = str(verified["Session"])
            elif tx.challenge in _CODE_KEYS:
                responses[_CODE_KEYS[tx.challenge]] = fields.get("code", "")
            elif tx.challenge == "SELECT_MFA_TYPE":
                responses["ANSWER"] = fields.get("answer", "")
            else:  # NEW_PASSWORD_REQUIRED
                responses["NEW_PASSWORD"] = fields.get("new_password", "")
                for name in tx.options:
                    responses[name] = fields.get(name, "")
            body = {
                "ClientId": client.id,
                "ChallengeName": tx.challenge,
                "Session": tx.session,
                "ChallengeResponses": responses,
            }
            response = self._run("RespondToAuthChallenge", body)
        except ServiceError as error:
            if isinstance(error, _RETRYABLE):
                return LoginStep(transaction=tx, error=_message(error))
            self._transactions.pop(transaction_id, None)
            return LoginStep(error=_message(error), restart=True)
        self._transactions.pop(transaction_id, None)
        return self._next(pool, client, tx.username, response)

    # ------------------------------------------------------------------ steps

    @staticmethod
    def _secret_hash(client: AppClient, username: str) -> dict[str, str]:
        if client.secret is None:
            return {}
        return {"SECRET_HASH": secret_hash(username, client.id, client.secret)}

    def _next(
        self, pool: Pool, client: AppClient, username: str, response: dict[str, Any]
    ) -> LoginStep:
        if "AuthenticationResult" in response:
            return LoginStep(result=response["AuthenticationResult"])
        challenge = str(response["ChallengeName"])
        session = str(response["Session"])
        parameters = {k: str(v) for k, v in (response.get("ChallengeParameters") or {}).items()}
        unsupported = LoginStep(
            error=f"The {challenge} step is not supported by the emulator's login page.",
            restart=True,
        )
        if challenge not in LOGIN_CHALLENGES:
            return unsupported
        if challenge == "MFA_SETUP":
            if "SOFTWARE_TOKEN_MFA" not in _json_list(parameters.get("MFAS_CAN_SETUP")):
                return unsupported
            try:
                associated = self._run("AssociateSoftwareToken", {"Session": session})
            except ServiceError as error:
                return LoginStep(error=_message(error), restart=True)
            session = str(associated["Session"])
            parameters["SECRET_CODE"] = str(associated["SecretCode"])
        tx = self._open(pool, client, username, challenge, session, parameters)
        return LoginStep(transaction=tx)

    def _open(
        self,
        pool: Pool,
        client: AppClient,
        username: str,
        challenge: str,
        session: str,
        parameters: dict[str, str],
    ) -> LoginTransaction:
        self._sweep()
        tx = LoginTransaction(
            id=self._svc.randomness.session_token(),
            pool_id=pool.id,
            client_id=client.id,
            username=username,
            challenge=challenge,
            session=session,
            parameters=parameters,
            expires_at=self._svc.now() + _TRANSACTION_SECONDS,
        )
        self._transactions[tx.id] = tx
        return tx

    def _sweep(self) -> None:
        self._opened_since_sweep += 1
        if self._opened_since_sweep < _SWEEP_EVERY:
            return
        self._opened_since_sweep = 0
        now = self._svc.now()
        for key in [k for k, tx in self._transactions.items() if now >= tx.expires_at]:
            del self._transactions[key]


def _message(error: ServiceError) -> str:
    return error.message or error.code


def _json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []

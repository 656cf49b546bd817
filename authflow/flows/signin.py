"""SignInFlow: every Cognito sign-in, one explicit state machine, driven by ``await flow.step()``.

States (top level, always one of these strings)::

    Unauthenticated ──start──▶ (InitiateAuth)
        ├─challenged──▶ ChallengePending ──answer / verify_password / authenticate_device /
        │                   │               verify_device_password / set_up_totp──▶ (Respond…)
        │                   ├─challenged──▶ ChallengePending
        │                   ├─authenticated──▶ Authenticated
        │                   └─rejected──▶ Unauthenticated   (proof refused, session expired)
        └─authenticated──▶ Authenticated ──refresh──▶ Refreshing ──exchange──▶ (refresh)
                                │                  ├─refreshed / refresh_failed──▶ Authenticated
                                │                  └─expired──▶ SignedOut
                                └─sign_out──▶ SignedOut
    cancel: Unauthenticated | ChallengePending ──▶ SignedOut

Guarantees:

* Request I/O runs in ``before`` callbacks, so a failed request leaves the state unchanged: a wrong
  code raises (e.g. :class:`~authflow.protocol.errors.CodeMismatchError`) and the caller can answer
  again. Public methods are serialised by the flow's lock.
* PASSWORD_VERIFIER, DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER are answered by the engine inside
  the same ``step()`` call; they appear as transitions (and in the diagram), never as questions.
  A refused proof moves back to Unauthenticated (the SECRET_BLOCK is single-use) and re-raises;
  ``step(password)`` then starts again, optionally with a corrected password.
* USERNAME, SECRET_HASH and DEVICE_KEY are filled in by the engine with the right principal: the
  typed login for InitiateAuth, USER_ID_FOR_SRP (the internal username) after SRP.
* A stale remembered device ("Device does not exist.") is forgotten and the sign-in retried once
  without it.
* ``snapshot()`` is JSON-safe and never holds the password; ``AuthClient.resume`` rebuilds the
  flow elsewhere.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from authflow import srp
from authflow.config import CognitoConfig
from authflow.flows.base import Flow
from authflow.flows.step import (
    ANSWER_KEYS,
    CodeDelivery,
    Step,
    json_list_param,
)
from authflow.protocol.errors import (
    EnableSoftwareTokenMFAError,
    InvalidStateError,
    NotAuthorizedError,
    ProtocolViolationError,
    ResourceNotFoundError,
    ServiceError,
    ValidationError,
)
from authflow.protocol.operations import (
    AssociateSoftwareTokenRequest,
    ConfirmDeviceRequest,
    InitiateAuthRequest,
    RespondToAuthChallengeRequest,
    UpdateDeviceStatusRequest,
    VerifySoftwareTokenRequest,
)
from authflow.protocol.secret_hash import secret_hash
from authflow.protocol.shapes import AuthenticationResult, DeviceSecretVerifierConfig
from authflow.sessions.manager import (
    DEFINITIVE_REFRESH_ERRORS,
    SessionManager,
    SessionNotFoundError,
    tokens_from_result,
)
from authflow.sessions.record import DeviceRecord, SessionRecord, Tokens
from authflow.transport.base import Transport, call

if TYPE_CHECKING:
    from authflow.storage.base import Store

__all__ = ["AUTH_FLOWS", "ChallengeExpiredError", "SignInFlow", "SNAPSHOT_VERSION"]

log = logging.getLogger("authflow.flows.signin")

SNAPSHOT_VERSION = 1

#: The InitiateAuth flows a SignInFlow can start.
AUTH_FLOWS = frozenset({"USER_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH", "USER_AUTH"})
_PREFERRED = frozenset({"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"})
#: Challenges whose responses carry DEVICE_KEY when a device is remembered.
_NO_DEVICE_KEY = frozenset({"NEW_PASSWORD_REQUIRED", "MFA_SETUP", "SELECT_CHALLENGE"})
#: Keys the engine owns in every ChallengeResponses map.
_ENGINE_KEYS = frozenset({"USERNAME", "SECRET_HASH", "DEVICE_KEY"})


#: Refresh outcomes after which the flow is SignedOut.
_SIGNED_OUT_BY_REFRESH: tuple[type[Exception], ...] = (
    *DEFINITIVE_REFRESH_ERRORS,
    SessionNotFoundError,  # the record was signed out by another flow or process
)


class ChallengeExpiredError(NotAuthorizedError):
    """The challenge Session expired (AuthSessionValidity passed) or was already used.

    The flow went back to Unauthenticated; ``step()`` (with the password, for password flows)
    starts the sign-in again.
    """


def _is_expired_session(exc: ServiceError) -> bool:
    """Cognito's "Invalid session for the user, session is expired." (too late) and "Invalid
    session for the user." (already used): either way the challenge cannot be answered again."""
    text = exc.message.lower()
    return isinstance(exc, NotAuthorizedError) and (
        "session is expired" in text or "invalid session" in text
    )


def _expired(exc: ServiceError) -> ChallengeExpiredError:
    return ChallengeExpiredError(
        "the sign-in session expired; step() starts again",
        code=exc.code,
        status=exc.status,
        request_id=exc.request_id,
        operation=exc.operation,
    )


def _is_stale_device(exc: ServiceError) -> bool:
    return isinstance(exc, ResourceNotFoundError) and "device" in exc.message.lower()


class SignInFlow(Flow):
    """One user's sign-in, from credentials to tokens, then refresh and sign-out.

    Create it with :meth:`authflow.AuthClient.sign_in`; drive it with :meth:`step`::

        flow = auth.sign_in("alice", "Correct-Horse-9!")
        step = await flow.step()
        while flow.state == "ChallengePending":
            step = await flow.step(answer_for(step))
        token = flow.tokens.access_token
    """

    NAME = "SignIn"
    STATES: ClassVar[tuple[str, ...]] = (
        "Unauthenticated",
        "ChallengePending",
        "Authenticated",
        "Refreshing",
        "SignedOut",
    )
    INITIAL = "Unauthenticated"
    FINALS = frozenset({"SignedOut"})
    TRANSITIONS: ClassVar[tuple[dict[str, Any], ...]] = (
        # caller-driven: I/O in `before`, so a failed request leaves the state as it was
        {"trigger": "start", "source": "Unauthenticated", "dest": None,
         "before": "_send_initiate_auth"},
        {"trigger": "answer", "source": "ChallengePending", "dest": None,
         "before": "_send_answer"},
        # engine-answered challenges
        {"trigger": "verify_password", "source": "ChallengePending", "dest": None,
         "before": "_answer_password_verifier"},
        {"trigger": "authenticate_device", "source": "ChallengePending", "dest": None,
         "before": "_answer_device_srp_auth"},
        {"trigger": "verify_device_password", "source": "ChallengePending", "dest": None,
         "before": "_answer_device_password_verifier"},
        {"trigger": "set_up_totp", "source": "ChallengePending", "dest": None,
         "before": "_associate_software_token"},
        # server outcomes
        {"trigger": "challenged", "source": ["Unauthenticated", "ChallengePending"],
         "dest": "ChallengePending"},
        {"trigger": "authenticated", "source": ["Unauthenticated", "ChallengePending"],
         "dest": "Authenticated", "before": "_complete_sign_in"},
        {"trigger": "rejected", "source": "ChallengePending", "dest": "Unauthenticated"},
        # refresh and sign-out
        {"trigger": "refresh", "source": "Authenticated", "dest": "Refreshing"},
        {"trigger": "exchange", "source": "Refreshing", "dest": None, "before": "_send_refresh"},
        {"trigger": "refreshed", "source": "Refreshing", "dest": "Authenticated"},
        {"trigger": "refresh_failed", "source": "Refreshing", "dest": "Authenticated"},
        {"trigger": "expired", "source": "Refreshing", "dest": "SignedOut"},
        {"trigger": "sign_out", "source": "Authenticated", "dest": "SignedOut",
         "before": "_send_sign_out"},
        {"trigger": "cancel", "source": ["Unauthenticated", "ChallengePending"],
         "dest": "SignedOut"},
    )  # fmt: skip

    def __init__(
        self,
        *,
        config: CognitoConfig,
        transport: Transport,
        store: Store,
        sessions: SessionManager,
        username: str,
        password: str | None = None,
        auth_flow: str = "USER_SRP_AUTH",
        preferred_challenge: str | None = None,
        srp_first: bool = False,
        client_metadata: Mapping[str, str] | None = None,
        remember_device: bool = False,
        device_name: str | None = None,
        totp_issuer: str = "AWSCognito",
        session: str | None = None,
        clock: Callable[[], float] = time.time,
        initial: str | None = None,
    ) -> None:
        if auth_flow not in AUTH_FLOWS:
            raise ValidationError(
                f"auth_flow must be one of {sorted(AUTH_FLOWS)}", field="auth_flow"
            )
        if preferred_challenge is not None and preferred_challenge not in _PREFERRED:
            raise ValidationError(
                f"preferred_challenge must be one of {sorted(_PREFERRED)}",
                field="preferred_challenge",
            )
        if not isinstance(username, str) or not username or len(username) > 128:
            raise ValidationError("username must be 1..128 characters", field="username")
        if password is not None and (not isinstance(password, str) or not password):
            raise ValidationError("password must be a non-empty string", field="password")
        super().__init__(initial=initial)
        self._config = config
        self._transport = transport
        self._store = store
        self._sessions = sessions
        self._clock = clock
        self._login = username
        self._password = password
        self._auth_flow = auth_flow
        self._preferred = preferred_challenge
        self._srp_first = srp_first
        self._client_metadata = dict(client_metadata or {})
        self._remember_device = remember_device
        self._device_name = device_name
        self._totp_issuer = totp_issuer
        self._initial_session = session  # e.g. ConfirmSignUp's Session for USER_AUTH
        # the challenge in progress
        self._principal = username
        self._challenge: str | None = None
        self._params: dict[str, str] = {}
        self._session: str | None = None
        self._available: tuple[str, ...] = ()
        self._deadline: float | None = None
        self._ephemeral: srp.SrpEphemeral | None = None
        self._totp_secret: str | None = None
        self._setup_choice: str | None = None
        self._device: DeviceRecord | None = None
        self._device_retry_used = False
        self._response: Any = None
        # the result
        self._tokens: Tokens | None = None
        self.session_key: str | None = None

    def __repr__(self) -> str:
        return (
            f"SignInFlow(state={self.state!r}, challenge={self._challenge!r}, "
            f"auth_flow={self._auth_flow!r})"
        )

    # -- public view --------------------------------------------------------------------------

    @property
    def challenge(self) -> str | None:
        """The ChallengeName waited for while ChallengePending, else ``None``."""
        return self._challenge if self.state == "ChallengePending" else None

    @property
    def tokens(self) -> Tokens | None:
        """The tokens once Authenticated (the latest after a refresh)."""
        return self._tokens

    @property
    def current(self) -> Step:
        """The :class:`Step` describing where the flow is now."""
        state = self.state
        if state != "ChallengePending" or self._challenge is None:
            return Step(state=state, tokens=self._tokens if state != "SignedOut" else None)
        challenge = self._challenge
        params = self._params
        required = tuple(
            name.removeprefix("userAttributes.")
            for name in json_list_param(params, "requiredAttributes")
        )
        user_attributes: dict[str, Any] = {}
        if params.get("userAttributes"):
            try:
                decoded = json.loads(params["userAttributes"])
                if isinstance(decoded, dict):
                    user_attributes = decoded
            except ValueError:
                pass
        delivery = None
        if "CODE_DELIVERY_DELIVERY_MEDIUM" in params or "CODE_DELIVERY_DESTINATION" in params:
            delivery = CodeDelivery(
                medium=params.get("CODE_DELIVERY_DELIVERY_MEDIUM"),
                destination=params.get("CODE_DELIVERY_DESTINATION"),
            )
        return Step(
            state=state,
            challenge=challenge,
            expects=self._expects(required),
            delivery=delivery,
            parameters=dict(params),
            choices=self._choices(),
            required_attributes=required,
            user_attributes=user_attributes,
            secret_code=self._totp_secret,
            otpauth_uri=self._otpauth_uri(),
            deadline=self._deadline,
        )

    def _choices(self) -> tuple[str, ...]:
        if self._challenge == "SELECT_CHALLENGE":
            return self._available
        if self._challenge == "SELECT_MFA_TYPE":
            return json_list_param(self._params, "MFAS_CAN_CHOOSE")
        if self._challenge == "MFA_SETUP":
            return json_list_param(self._params, "MFAS_CAN_SETUP")
        return ()

    def _expects(self, required: tuple[str, ...]) -> tuple[str, ...]:
        challenge = self._challenge
        if challenge == "NEW_PASSWORD_REQUIRED":
            return ("NEW_PASSWORD", *(f"userAttributes.{name}" for name in required))
        if challenge == "MFA_SETUP":
            if self._totp_secret is not None:
                return ("SOFTWARE_TOKEN_MFA_CODE",)
            if self._setup_choice == "EMAIL_OTP":
                return ("EMAIL",)
            return ("ANSWER",)
        if challenge is None:
            return ()
        key = ANSWER_KEYS.get(challenge)
        return (key,) if key else ()

    def _otpauth_uri(self) -> str | None:
        if self._totp_secret is None:
            return None
        issuer = self._totp_issuer
        label = urllib.parse.quote(f"{issuer}:{self._login}")
        query = urllib.parse.urlencode({"secret": self._totp_secret, "issuer": issuer})
        return f"otpauth://totp/{label}?{query}"

    def _current_challenge(self) -> str | None:
        return self._challenge if self.state == "ChallengePending" else None

    # -- the driver ---------------------------------------------------------------------------

    async def step(self, response: str | Mapping[str, Any] | None = None) -> Step:
        """Advance the sign-in by one caller turn and return the new :class:`Step`.

        * Unauthenticated: starts the sign-in (InitiateAuth). A string ``response`` here is the
          password (e.g. after a resume, or to correct a rejected one).
        * ChallengePending: answers the challenge: a plain string for one-value challenges
          (``step.expects[0]``), or a dict of ChallengeResponses keys.

        Raises the service's typed error for a wrong answer (the flow stays where it was) and
        :class:`InvalidStateError` when the flow is Authenticated, Refreshing or SignedOut.
        """
        async with self._lock:
            state = self.state
            if state == "Unauthenticated":
                if response is not None:
                    if not isinstance(response, str) or not response:
                        raise ValidationError(
                            "before the sign-in starts, a response can only be the password",
                            field="password",
                        )
                    self._password = response
                await self._start()
            elif state == "ChallengePending":
                if response is None:
                    raise ValidationError(
                        f"{self._challenge} expects an answer: {', '.join(self.current.expects)}",
                        field="response",
                    )
                try:
                    await self._fire("answer", response=response)
                except ServiceError as exc:
                    if not _is_expired_session(exc):
                        raise  # e.g. CodeMismatchError: still ChallengePending, answer again
                    await self._fire("rejected")
                    raise _expired(exc) from exc
                if self._response is not None:  # MFA_SETUP sub-choices answer locally
                    await self._advance()
            else:
                raise InvalidStateError(
                    f"SignIn: step() is not possible while {state}", state=state, trigger="step"
                )
            return self.current

    async def cancel(self) -> None:
        """Abandon an unfinished sign-in (→ SignedOut)."""
        async with self._lock:
            await self._fire("cancel")

    async def refresh(self) -> Tokens:
        """Refresh the tokens: Authenticated → Refreshing → Authenticated.

        Definitive failures (revoked or expired refresh token) go to SignedOut and re-raise;
        transient ones (network, throttling, 5xx) go back to Authenticated and re-raise.
        """
        async with self._lock:
            await self._fire("refresh")
            try:
                await self._fire("exchange")
            except _SIGNED_OUT_BY_REFRESH:
                # revoked/expired refresh token, or the session record was signed out elsewhere
                self._tokens = None
                await self._fire("expired")
                raise
            except BaseException:
                await self._fire("refresh_failed")
                raise
            await self._fire("refreshed")
            assert self._tokens is not None
            return self._tokens

    async def sign_out(self, *, global_: bool = False) -> None:
        """Sign out: revoke the refresh token (RevokeToken), or every session of the user with
        ``global_=True`` (GlobalSignOut). On error the flow stays Authenticated."""
        async with self._lock:
            await self._fire("sign_out", global_=global_)

    # -- internals: starting --------------------------------------------------------------------

    async def _start(self) -> None:
        if self._device is None:
            await self._load_device()
        while True:
            had_device = self._device is not None
            try:
                await self._fire("start")
                await self._advance()
                return
            except ServiceError as exc:
                stale = had_device and _is_stale_device(exc)
                if not stale or self._device_retry_used:
                    raise
                log.info("remembered device is gone; signing in again without it")
                self._device_retry_used = True
                await self._forget_device()
                if self.state == "ChallengePending":
                    await self._fire("rejected")

    async def _load_device(self) -> None:
        data = await self._store.get(self._sessions.device_key_for(self._login))
        if data is not None:
            try:
                self._device = DeviceRecord.from_json(data)
            except ProtocolViolationError:
                log.warning("ignoring a malformed remembered-device record")

    async def _forget_device(self) -> None:
        self._device = None
        await self._store.delete(self._sessions.device_key_for(self._login))

    def _needs_password(self) -> bool:
        if self._auth_flow in ("USER_SRP_AUTH", "USER_PASSWORD_AUTH"):
            return True
        if self._auth_flow == "CUSTOM_AUTH":
            return self._srp_first
        return self._preferred in ("PASSWORD", "PASSWORD_SRP")

    def _secret_hash(self, username: str) -> str | None:
        cfg = self._config
        if not cfg.client_secret:
            return None
        return secret_hash(username, cfg.client_id, cfg.client_secret)

    async def _send_initiate_auth(self, event: Any) -> None:
        if self._needs_password() and not self._password:
            raise ValidationError(
                "this sign-in needs the password: step(password)", field="password"
            )
        params: dict[str, str] = {"USERNAME": self._login}
        flow = self._auth_flow
        self._principal = self._login
        self._ephemeral = None
        if flow == "USER_PASSWORD_AUTH":
            assert self._password is not None
            params["PASSWORD"] = self._password
        elif flow == "USER_SRP_AUTH" or (flow == "CUSTOM_AUTH" and self._srp_first):
            self._ephemeral = await srp.new_ephemeral_async()
            params["SRP_A"] = self._ephemeral.srp_a
            if flow == "CUSTOM_AUTH":
                params["CHALLENGE_NAME"] = "SRP_A"
        elif flow == "USER_AUTH" and self._preferred:
            params["PREFERRED_CHALLENGE"] = self._preferred
            if self._preferred == "PASSWORD":
                assert self._password is not None
                params["PASSWORD"] = self._password
            elif self._preferred == "PASSWORD_SRP":
                self._ephemeral = await srp.new_ephemeral_async()
                params["SRP_A"] = self._ephemeral.srp_a
        hashed = self._secret_hash(self._login)
        if hashed:
            params["SECRET_HASH"] = hashed
        if self._device is not None:
            params["DEVICE_KEY"] = self._device.device_key
        request = InitiateAuthRequest(
            auth_flow=flow,
            client_id=self._config.client_id,
            auth_parameters=params,
            client_metadata=self._client_metadata or None,
            session=self._initial_session if flow == "USER_AUTH" else None,
        )
        self._response = await call(self._transport, request)
        self._initial_session = None  # single-use

    # -- internals: the response loop ---------------------------------------------------------

    async def _advance(self) -> None:
        """Consume the last response: fire the outcome, and answer engine challenges until the
        caller must act or the sign-in completes."""
        while True:
            response = self._response
            self._response = None
            if response is None:
                raise ProtocolViolationError("no response to advance from")
            if response.authentication_result is not None:
                await self._fire("authenticated", result=response.authentication_result)
                return
            name = response.challenge_name
            if not name:
                raise ProtocolViolationError(
                    "response has neither a ChallengeName nor an AuthenticationResult",
                    field="ChallengeName",
                )
            self._take_challenge(response)
            await self._fire("challenged")
            trigger = {
                "PASSWORD_VERIFIER": "verify_password",
                "DEVICE_SRP_AUTH": "authenticate_device",
                "DEVICE_PASSWORD_VERIFIER": "verify_device_password",
            }.get(name)
            if trigger is None and name == "MFA_SETUP":
                options = json_list_param(self._params, "MFAS_CAN_SETUP")
                if "SOFTWARE_TOKEN_MFA" in options and "EMAIL_OTP" not in options:
                    await self._fire("set_up_totp")
                return
            if trigger is None:
                return
            try:
                await self._fire(trigger)
            except Exception as exc:
                # an engine-answered step cannot be answered again (its SECRET_BLOCK or Session
                # is spent, or the server's values were hostile): back to Unauthenticated
                await self._fire("rejected")
                if isinstance(exc, ServiceError):
                    if self._device is not None and _is_stale_device(exc):
                        await self._forget_device()  # _start retries once without it
                    if _is_expired_session(exc):
                        raise _expired(exc) from exc
                raise

    def _take_challenge(self, response: Any) -> None:
        self._challenge = response.challenge_name
        self._params = dict(response.challenge_parameters or {})
        if response.session:
            self._session = response.session
        self._available = tuple(response.available_challenges or ())
        self._deadline = self._clock() + self._config.auth_session_validity
        self._totp_secret = None
        self._setup_choice = None
        principal = self._params.get("USER_ID_FOR_SRP") or self._params.get("USERNAME")
        if principal:
            self._principal = principal

    async def _respond(self, challenge: str, responses: dict[str, str]) -> None:
        responses["USERNAME"] = responses.get("USERNAME") or self._principal
        hashed = self._secret_hash(responses["USERNAME"])
        if hashed:
            responses["SECRET_HASH"] = hashed
        if self._device is not None and challenge not in _NO_DEVICE_KEY:
            responses["DEVICE_KEY"] = self._device.device_key
        request = RespondToAuthChallengeRequest(
            client_id=self._config.client_id,
            challenge_name=challenge,
            session=self._session,
            challenge_responses=responses,
            client_metadata=self._client_metadata or None,
        )
        self._response = await call(self._transport, request)

    # -- engine-answered challenges ------------------------------------------------------------

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), tz=UTC)

    def _param(self, name: str) -> str:
        value = self._params.get(name)
        if not value:
            raise ProtocolViolationError(f"{self._challenge} challenge lacks {name}", field=name)
        return value

    async def _answer_password_verifier(self, event: Any) -> None:
        if self._ephemeral is None:
            raise ProtocolViolationError("PASSWORD_VERIFIER arrived but no SRP_A was sent")
        if not self._password:
            raise ValidationError("this sign-in needs the password", field="password")
        user_id = self._param("USER_ID_FOR_SRP")
        claim = await srp.password_claim_async(
            pool_name=self._config.pool_name,
            user_id=user_id,
            password=self._password,
            ephemeral=self._ephemeral,
            salt_hex=self._param("SALT"),
            srp_b_hex=self._param("SRP_B"),
            secret_block=self._param("SECRET_BLOCK"),
            now=self._now(),
        )
        self._ephemeral = None
        responses = claim.to_challenge_responses()
        responses["USERNAME"] = user_id
        await self._respond("PASSWORD_VERIFIER", responses)

    async def _answer_device_srp_auth(self, event: Any) -> None:
        if self._device is None:
            raise ProtocolViolationError("DEVICE_SRP_AUTH arrived but no device was presented")
        self._ephemeral = await srp.new_ephemeral_async()
        await self._respond("DEVICE_SRP_AUTH", {"SRP_A": self._ephemeral.srp_a})

    async def _answer_device_password_verifier(self, event: Any) -> None:
        device = self._device
        if device is None or self._ephemeral is None:
            raise ProtocolViolationError("DEVICE_PASSWORD_VERIFIER arrived out of order")
        claim = await srp.device_password_claim_async(
            device_group_key=device.device_group_key,
            device_key=device.device_key,
            device_password=device.device_password,
            ephemeral=self._ephemeral,
            salt_hex=self._param("SALT"),
            srp_b_hex=self._param("SRP_B"),
            secret_block=self._param("SECRET_BLOCK"),
            now=self._now(),
        )
        self._ephemeral = None
        responses = claim.to_challenge_responses()
        responses["USERNAME"] = self._params.get("USERNAME") or self._principal
        await self._respond("DEVICE_PASSWORD_VERIFIER", responses)

    async def _associate_software_token(self, event: Any) -> None:
        result = await call(self._transport, AssociateSoftwareTokenRequest(session=self._session))
        if not result.secret_code:
            raise ProtocolViolationError("AssociateSoftwareToken returned no SecretCode")
        self._totp_secret = result.secret_code
        if result.session:
            self._session = result.session

    # -- caller-answered challenges ------------------------------------------------------------

    async def _send_answer(self, event: Any) -> None:
        response = event.kwargs["response"]
        challenge = self._challenge
        assert challenge is not None
        responses = self._normalise(challenge, response)
        if challenge == "MFA_SETUP":
            await self._answer_mfa_setup(responses)
            return
        if challenge == "NEW_PASSWORD_REQUIRED":
            self._check_new_password(responses)
        elif challenge == "SELECT_MFA_TYPE":
            choices = json_list_param(self._params, "MFAS_CAN_CHOOSE")
            if choices and responses.get("ANSWER") not in choices:
                raise ValidationError(f"ANSWER must be one of {list(choices)}", field="ANSWER")
        elif challenge == "SELECT_CHALLENGE":
            await self._complete_selection(responses)
        await self._respond(challenge, responses)

    def _normalise(self, challenge: str, response: Any) -> dict[str, str]:
        if isinstance(response, str):
            if not response:
                raise ValidationError("the answer must not be empty", field="response")
            key = self.current.expects[0] if self.current.expects else "ANSWER"
            return {key: response}
        if not isinstance(response, Mapping):
            raise ValidationError("an answer is a string or a dict of ChallengeResponses")
        out: dict[str, str] = {}
        for key, value in response.items():
            if not isinstance(key, str) or not key:
                raise ValidationError("ChallengeResponses keys must be non-empty strings")
            if key in _ENGINE_KEYS:
                continue  # the engine fills these with the right principal
            if key == "CREDENTIAL" and not isinstance(value, str):
                value = json.dumps(value, separators=(",", ":"))
            if not isinstance(value, str):
                raise ValidationError(f"the value of {key} must be a string", field=key)
            out[key] = value
        if not out:
            raise ValidationError("the answer must supply at least one value", field="response")
        return out

    def _check_new_password(self, responses: dict[str, str]) -> None:
        fixed: dict[str, str] = {}
        for key, value in responses.items():
            if key == "NEW_PASSWORD" or key.startswith("userAttributes."):
                fixed[key] = value
            else:
                fixed[f"userAttributes.{key}"] = value
        responses.clear()
        responses.update(fixed)
        if not responses.get("NEW_PASSWORD"):
            raise ValidationError("NEW_PASSWORD_REQUIRED needs NEW_PASSWORD", field="NEW_PASSWORD")
        missing = [
            name
            for name in self.current.required_attributes
            if not responses.get(f"userAttributes.{name}")
        ]
        if missing:
            raise ValidationError(
                f"NEW_PASSWORD_REQUIRED needs these attributes: {', '.join(missing)}",
                field=missing[0],
            )

    async def _complete_selection(self, responses: dict[str, str]) -> None:
        choice = responses.get("ANSWER")
        if self._available and choice not in self._available:
            raise ValidationError(f"ANSWER must be one of {list(self._available)}", field="ANSWER")
        if choice == "PASSWORD":
            if "PASSWORD" not in responses:
                if not self._password:
                    raise ValidationError("PASSWORD needs the password", field="PASSWORD")
                responses["PASSWORD"] = self._password
        elif choice == "PASSWORD_SRP":
            if not self._password:
                raise ValidationError("PASSWORD_SRP needs the password", field="PASSWORD")
            self._ephemeral = await srp.new_ephemeral_async()
            responses["SRP_A"] = self._ephemeral.srp_a
        elif choice == "WEB_AUTHN" and "CREDENTIAL" not in responses:
            raise ValidationError(
                "WEB_AUTHN needs CREDENTIAL (the authenticator's response JSON)",
                field="CREDENTIAL",
            )

    async def _answer_mfa_setup(self, responses: dict[str, str]) -> None:
        options = json_list_param(self._params, "MFAS_CAN_SETUP")
        if self._totp_secret is None and "EMAIL" not in responses:
            choice = responses.get("ANSWER")
            if choice == "SOFTWARE_TOKEN_MFA" and "SOFTWARE_TOKEN_MFA" in options:
                await self._associate_software_token(None)
                return
            if choice == "EMAIL_OTP" and "EMAIL_OTP" in options:
                self._setup_choice = "EMAIL_OTP"
                return
            if choice == "SMS_MFA" and "SMS_MFA" in options:
                # Cognito cannot set SMS up inside a sign-in: the user needs a phone_number
                raise ValidationError(
                    "SMS MFA cannot be set up during sign-in: give the user a phone_number "
                    "(e.g. AdminUpdateUserAttributes) and sign in again",
                    field="ANSWER",
                )
            raise ValidationError(
                f"MFA_SETUP: choose one of {list(options)} (ANSWER), or give EMAIL",
                field="ANSWER",
            )
        if "EMAIL" in responses:
            await self._respond("MFA_SETUP", {"EMAIL": responses["EMAIL"]})
            return
        code = responses.get("SOFTWARE_TOKEN_MFA_CODE") or responses.get("ANSWER")
        if not code or not code.isdigit() or len(code) != 6:
            raise ValidationError("the TOTP code must be 6 digits", field="SOFTWARE_TOKEN_MFA_CODE")
        verified = await call(
            self._transport,
            VerifySoftwareTokenRequest(
                session=self._session,
                user_code=code,
                friendly_device_name=responses.get("FRIENDLY_DEVICE_NAME"),
            ),
        )
        if verified.status != "SUCCESS":
            raise EnableSoftwareTokenMFAError("the TOTP code was not accepted")
        if verified.session:
            self._session = verified.session
        self._totp_secret = None
        await self._respond("MFA_SETUP", {})

    # -- completion -----------------------------------------------------------------------------

    async def _complete_sign_in(self, event: Any) -> None:
        result: AuthenticationResult = event.kwargs["result"]
        received = self._clock()
        tokens = tokens_from_result(result, received)
        device_key = self._device.device_key if self._device else None
        metadata = result.new_device_metadata
        if metadata is not None and metadata.device_key and metadata.device_group_key:
            device_key = await self._confirm_device(
                tokens.access_token, metadata.device_key, metadata.device_group_key
            )
        record = SessionRecord.from_tokens(
            user_pool_id=self._config.user_pool_id,
            client_id=self._config.client_id,
            login=self._login,
            tokens=tokens,
            received_at=received,
            device_key=device_key,
        )
        key = self._sessions.session_key(record.username)
        await self._sessions.save(key, record)
        self._tokens = tokens
        self.session_key = key
        self._challenge = None
        self._params = {}
        self._session = None
        self._password = None  # not needed any more; never kept longer than necessary

    async def _confirm_device(
        self, access_token: str, device_key: str, group_key: str
    ) -> str | None:
        """ConfirmDevice with a fresh verifier; remember it when the caller opted in. A failure
        here does not fail the sign-in (the tokens are valid): the device is just not kept."""
        secret = await srp.generate_device_secret_async(group_key, device_key)
        try:
            confirmed = await call(
                self._transport,
                ConfirmDeviceRequest(
                    access_token=access_token,
                    device_key=device_key,
                    device_secret_verifier_config=DeviceSecretVerifierConfig(
                        password_verifier=secret.password_verifier, salt=secret.salt
                    ),
                    device_name=self._device_name,
                ),
            )
            if confirmed.user_confirmation_necessary and self._remember_device:
                await call(
                    self._transport,
                    UpdateDeviceStatusRequest(
                        access_token=access_token,
                        device_key=device_key,
                        device_remembered_status="remembered",
                    ),
                )
        except ServiceError as exc:
            log.warning("could not confirm the new device (%s); continuing without it", exc.code)
            return None
        record = DeviceRecord(device_key, group_key, secret.device_password)
        self._device = record
        await self._store.set(self._sessions.device_key_for(self._login), record.to_json())
        return device_key

    # -- refresh and sign-out -------------------------------------------------------------------

    async def _send_refresh(self, event: Any) -> None:
        if self.session_key is None:
            raise InvalidStateError("no session to refresh", state=self.state)
        record = await self._sessions.refresh(self.session_key, force=True)
        self._tokens = record.tokens

    async def _send_sign_out(self, event: Any) -> None:
        if self.session_key is None:
            raise InvalidStateError("no session to sign out", state=self.state)
        await self._sessions.sign_out(self.session_key, global_=event.kwargs.get("global_", False))
        self._tokens = None

    # -- snapshot / resume -----------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """A versioned, JSON-safe record of the flow, without the password.

        It holds the challenge Session (a bearer secret for the next step): store it where you
        would store tokens. ``AuthClient.resume(record)`` rebuilds the flow.
        """
        if self._ephemeral is not None and self.state == "ChallengePending":
            raise InvalidStateError("cannot snapshot in the middle of an engine SRP step")
        return {
            "version": SNAPSHOT_VERSION,
            "kind": "sign_in",
            "user_pool_id": self._config.user_pool_id,
            "client_id": self._config.client_id,
            "state": self.state,
            "login": self._login,
            "principal": self._principal,
            "auth_flow": self._auth_flow,
            "preferred_challenge": self._preferred,
            "srp_first": self._srp_first,
            "client_metadata": dict(self._client_metadata),
            "remember_device": self._remember_device,
            "device_name": self._device_name,
            "totp_issuer": self._totp_issuer,
            "challenge": self._challenge,
            "parameters": dict(self._params),
            "session": self._session,
            "available_challenges": list(self._available),
            "deadline": self._deadline,
            "totp_secret": self._totp_secret,
            "setup_choice": self._setup_choice,
            "session_key": self.session_key,
        }

    @classmethod
    async def from_snapshot(
        cls,
        record: Mapping[str, Any],
        *,
        config: CognitoConfig,
        transport: Transport,
        store: Store,
        sessions: SessionManager,
        clock: Callable[[], float] = time.time,
    ) -> SignInFlow:
        """Rebuild a flow from :meth:`snapshot` output (see ``AuthClient.resume``)."""
        if not isinstance(record, Mapping) or record.get("kind") != "sign_in":
            raise ValidationError("not a sign-in snapshot", field="kind")
        if record.get("version") != SNAPSHOT_VERSION:
            raise ValidationError(
                f"unsupported snapshot version {record.get('version')!r}", field="version"
            )
        if (
            record.get("user_pool_id") != config.user_pool_id
            or record.get("client_id") != config.client_id
        ):
            raise ValidationError(
                "the snapshot belongs to another pool or client", field="client_id"
            )
        state = record.get("state")
        if state == "Refreshing":  # a refresh interrupted by the snapshot: the session stands
            state = "Authenticated"
        if state not in cls.STATES:
            raise ValidationError("snapshot has an unknown state", field="state")
        try:
            flow = cls(
                config=config,
                transport=transport,
                store=store,
                sessions=sessions,
                username=str(record["login"]),
                auth_flow=str(record["auth_flow"]),
                preferred_challenge=record.get("preferred_challenge"),
                srp_first=bool(record.get("srp_first")),
                client_metadata=record.get("client_metadata") or None,
                remember_device=bool(record.get("remember_device")),
                device_name=record.get("device_name"),
                totp_issuer=str(record.get("totp_issuer") or "AWSCognito"),
                clock=clock,
                initial=state,
            )
        except KeyError as exc:
            raise ValidationError(f"snapshot lacks {exc}", field=str(exc)) from None
        flow._principal = str(record.get("principal") or flow._login)
        flow._challenge = record.get("challenge")
        flow._params = {str(k): str(v) for k, v in (record.get("parameters") or {}).items()}
        flow._session = record.get("session")
        flow._available = tuple(record.get("available_challenges") or ())
        flow._deadline = record.get("deadline")
        flow._totp_secret = record.get("totp_secret")
        flow._setup_choice = record.get("setup_choice")
        flow.session_key = record.get("session_key")
        await flow._load_device()
        if state == "Authenticated":
            if flow.session_key is None:
                raise ValidationError("authenticated snapshot lacks session_key")
            session = await sessions.load(flow.session_key)
            if session is None:
                raise SessionNotFoundError(flow.session_key)
            flow._tokens = session.tokens
        if state == "ChallengePending" and not flow._challenge:
            raise ValidationError("challenge snapshot lacks the challenge", field="challenge")
        return flow

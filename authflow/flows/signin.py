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

What each challenge expects and how an answer becomes ChallengeResponses is the table in
:mod:`~authflow.flows.challenges`; the requests go through the session manager's
:class:`~authflow.sessions.signin_operations.SignInOperations`; the options are one
:class:`~authflow.flows.options.SignInOptions`, stored whole by :mod:`~authflow.flows.snapshot`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from authflow import srp
from authflow.config import CognitoConfig
from authflow.flows import engine_answers
from authflow.flows.base import Flow
from authflow.flows.challenges import (
    Challenge,
    ChooseSetup,
    Respond,
    SetUpTotp,
    VerifyTotp,
    responses_from,
)
from authflow.flows.devices import RememberedDevice
from authflow.flows.options import SignInOptions
from authflow.flows.snapshot import SNAPSHOT_VERSION, SignInSnapshot
from authflow.flows.step import Step
from authflow.protocol.errors import (
    ChallengeExpiredError,
    EnableSoftwareTokenMFAError,
    InvalidStateError,
    ProtocolViolationError,
    ServiceError,
    SessionNotFoundError,
    ValidationError,
    is_dead_challenge_session,
    is_unknown_device,
)
from authflow.protocol.operations import AssociateSoftwareTokenRequest, VerifySoftwareTokenRequest
from authflow.protocol.secret_hash import secret_hash
from authflow.protocol.shapes import AuthenticationResult
from authflow.sessions.manager import DEFINITIVE_REFRESH_ERRORS, SessionManager, tokens_from_result
from authflow.sessions.record import DeviceRecord, SessionRecord, Tokens
from authflow.sessions.signin_operations import AuthResponse
from authflow.transport.base import Transport, call

if TYPE_CHECKING:
    from authflow.storage.base import Store

# ChallengeExpiredError and SNAPSHOT_VERSION are also importable from here, where they used to be.
__all__ = ["ChallengeExpiredError", "SNAPSHOT_VERSION", "SignInFlow"]

log = logging.getLogger("authflow.flows.signin")

#: Refresh outcomes after which the flow is SignedOut.
_SIGNED_OUT_BY_REFRESH: tuple[type[Exception], ...] = (
    *DEFINITIVE_REFRESH_ERRORS,
    SessionNotFoundError,  # the record was signed out by another flow or process
)


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
        # engine-answered challenges (flows/challenges.py names these triggers)
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
        options: SignInOptions | None = None,
        clock: Callable[[], float] = time.time,
        initial: str | None = None,
    ) -> None:
        if not isinstance(username, str) or not username or len(username) > 128:
            raise ValidationError("username must be 1..128 characters", field="username")
        if password is not None and (not isinstance(password, str) or not password):
            raise ValidationError("password must be a non-empty string", field="password")
        if options is not None and not isinstance(options, SignInOptions):
            raise ValidationError("options must be a SignInOptions", field="options")
        super().__init__(initial=initial)
        self._config = config
        self._transport = transport
        self._sessions = sessions
        self._operations = sessions.operations
        self._clock = clock
        self._login = username
        self._password = password
        self._options = options if options is not None else SignInOptions()
        self._devices = RememberedDevice(
            store=store, key=sessions.device_key_for(username), transport=transport
        )
        self._device: DeviceRecord | None = None
        self._device_retry_used = False
        self._challenge: Challenge | None = None  # the one pending (kept when it went stale)
        self._ephemeral: srp.SrpEphemeral | None = None  # between SRP_A and its verifier
        self._response: AuthResponse | None = None  # the answer the machine advances from
        self._tokens: Tokens | None = None
        self.session_key: str | None = None

    def __repr__(self) -> str:
        name = self._challenge.name if self._challenge else None
        return (
            f"SignInFlow(state={self.state!r}, challenge={name!r}, "
            f"auth_flow={self._options.auth_flow!r})"
        )

    # -- public view --------------------------------------------------------------------------

    @property
    def options(self) -> SignInOptions:
        """The options this sign-in runs with."""
        return self._options

    @property
    def challenge(self) -> str | None:
        """The ChallengeName waited for while ChallengePending, else ``None``."""
        return self._current_challenge()

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
        return Step.for_challenge(
            self._challenge, account=self._login, issuer=self._options.totp_issuer
        )

    def _current_challenge(self) -> str | None:
        if self.state != "ChallengePending" or self._challenge is None:
            return None
        return self._challenge.name

    # -- the driver ---------------------------------------------------------------------------

    async def step(self, response: str | Mapping[str, Any] | None = None) -> Step:
        """Advance the sign-in by one caller turn and return the new :class:`Step`.

        * Unauthenticated: starts the sign-in (InitiateAuth). A string ``response`` here is the
          password (e.g. after a resume, or to correct a rejected one).
        * ChallengePending: answers the challenge: a plain string for one-value challenges
          (``step.expects[0]``), or a dict of ChallengeResponses keys.

        Raises the service's typed error for a wrong answer (the flow stays where it was),
        :class:`ChallengeExpiredError` when the challenge Session is dead (the flow is back to
        Unauthenticated) and :class:`InvalidStateError` when the flow is Authenticated,
        Refreshing or SignedOut.
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
                        f"{self.challenge} expects an answer: {', '.join(self.current.expects)}",
                        field="response",
                    )
                try:
                    await self._fire("answer", response=response)
                except ServiceError as exc:
                    if not is_dead_challenge_session(exc):
                        raise  # e.g. CodeMismatchError: still ChallengePending, answer again
                    await self._fire("rejected")
                    raise ChallengeExpiredError.from_service_error(exc) from exc
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

    # -- starting -------------------------------------------------------------------------------

    async def _start(self) -> None:
        if self._device is None:
            self._device = await self._devices.load()
        while True:
            had_device = self._device is not None
            try:
                await self._fire("start")
                await self._advance()
                return
            except ServiceError as exc:
                if not (had_device and is_unknown_device(exc)) or self._device_retry_used:
                    raise
                log.info("remembered device is gone; signing in again without it")
                self._device_retry_used = True
                await self._forget_device()
                if self.state == "ChallengePending":
                    await self._fire("rejected")

    async def _forget_device(self) -> None:
        self._device = None
        await self._devices.forget()

    def _secret_hash(self, username: str) -> str | None:
        cfg = self._config
        if not cfg.client_secret:
            return None
        return secret_hash(username, cfg.client_id, cfg.client_secret)

    async def _send_initiate_auth(self, event: Any) -> None:
        options = self._options
        if options.needs_password and not self._password:
            raise ValidationError(
                "this sign-in needs the password: step(password)", field="password"
            )
        params: dict[str, str] = {"USERNAME": self._login}
        flow = options.auth_flow
        self._challenge = None  # a new sign-in attempt: nothing of an earlier one carries over
        self._ephemeral = None
        if flow == "USER_AUTH" and options.preferred_challenge:
            params["PREFERRED_CHALLENGE"] = options.preferred_challenge
        if options.starts_with_srp:
            self._ephemeral = await srp.new_ephemeral_async()
            params["SRP_A"] = self._ephemeral.srp_a
            if flow == "CUSTOM_AUTH":
                params["CHALLENGE_NAME"] = "SRP_A"
        elif options.sends_password:
            assert self._password is not None
            params["PASSWORD"] = self._password
        hashed = self._secret_hash(self._login)
        if hashed:
            params["SECRET_HASH"] = hashed
        if self._device is not None:
            params["DEVICE_KEY"] = self._device.device_key
        request = self._operations.start(
            self._config,
            auth_flow=flow,
            parameters=params,
            client_metadata=options.client_metadata or None,
            session=options.session if flow == "USER_AUTH" else None,
        )
        self._response = await call(self._transport, request)
        if options.session is not None:  # ConfirmSignUp's Session is single-use
            self._options = attrs.evolve(options, session=None)

    # -- the response loop ----------------------------------------------------------------------

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
            if not response.challenge_name:
                raise ProtocolViolationError(
                    "response has neither a ChallengeName nor an AuthenticationResult",
                    field="ChallengeName",
                )
            previous = self._challenge
            self._challenge = Challenge.received(
                name=response.challenge_name,
                parameters=response.challenge_parameters,
                session=response.session,
                available=response.available_challenges,
                principal=previous.principal if previous else self._login,
                deadline=self._clock() + self._config.auth_session_validity,
                previous=previous,
            )
            await self._fire("challenged")
            kind = self._challenge.kind
            if kind.engine_trigger is None:
                arrival = kind.on_arrival(self._challenge)
                if arrival is not None:
                    await self._fire(arrival)
                return
            try:
                await self._fire(kind.engine_trigger)
            except Exception as exc:
                # an engine-answered step cannot be answered again (its SECRET_BLOCK or Session
                # is spent, or the server's values were hostile): back to Unauthenticated
                await self._fire("rejected")
                if self._device is not None and is_unknown_device(exc):
                    await self._forget_device()  # _start retries once without it
                if isinstance(exc, ServiceError) and is_dead_challenge_session(exc):
                    raise ChallengeExpiredError.from_service_error(exc) from exc
                raise

    async def _respond(self, responses: Mapping[str, str]) -> None:
        challenge = self._challenge
        assert challenge is not None
        sent = dict(responses)
        sent["USERNAME"] = sent.get("USERNAME") or challenge.principal
        hashed = self._secret_hash(sent["USERNAME"])
        if hashed:
            sent["SECRET_HASH"] = hashed
        if self._device is not None and challenge.kind.sends_device_key:
            sent["DEVICE_KEY"] = self._device.device_key
        request = self._operations.answer(
            self._config,
            challenge_name=challenge.name,
            session=challenge.session,
            responses=sent,
            client_metadata=self._options.client_metadata or None,
        )
        self._response = await call(self._transport, request)

    # -- caller-answered challenges ---------------------------------------------------------------

    async def _send_answer(self, event: Any) -> None:
        challenge = self._challenge
        assert challenge is not None
        kind = challenge.kind
        responses = responses_from(event.kwargs["response"], kind.expected_keys(challenge))
        action = kind.interpret(challenge, responses)
        if isinstance(action, SetUpTotp):
            await self._associate_software_token(None)
        elif isinstance(action, ChooseSetup):
            self._challenge = attrs.evolve(challenge, setup_choice=action.choice)
        elif isinstance(action, VerifyTotp):
            await self._verify_software_token(action)
        else:
            await self._respond(await self._with_password(action))

    async def _with_password(self, action: Respond) -> dict[str, str]:
        """The responses, plus what SELECT_CHALLENGE's PASSWORD / PASSWORD_SRP take from the
        sign-in itself: the password, or a fresh SRP_A."""
        responses = dict(action.responses)
        if not (action.with_password or action.with_srp_a):
            return responses
        if not self._password:
            choice = responses.get("ANSWER")
            raise ValidationError(f"{choice} needs the password", field="PASSWORD")
        if action.with_password:
            responses["PASSWORD"] = self._password
        if action.with_srp_a:
            self._ephemeral = await srp.new_ephemeral_async()
            responses["SRP_A"] = self._ephemeral.srp_a
        return responses

    async def _associate_software_token(self, event: Any) -> None:
        challenge = self._challenge
        assert challenge is not None
        request = AssociateSoftwareTokenRequest(session=challenge.session)
        result = await call(self._transport, request)
        if not result.secret_code:
            raise ProtocolViolationError("AssociateSoftwareToken returned no SecretCode")
        self._challenge = attrs.evolve(
            challenge,
            totp_secret=result.secret_code,
            session=result.session or challenge.session,
        )

    async def _verify_software_token(self, action: VerifyTotp) -> None:
        challenge = self._challenge
        assert challenge is not None
        request = VerifySoftwareTokenRequest(
            session=challenge.session,
            user_code=action.code,
            friendly_device_name=action.friendly_device_name,
        )
        verified = await call(self._transport, request)
        if verified.status != "SUCCESS":
            raise EnableSoftwareTokenMFAError("the TOTP code was not accepted")
        self._challenge = attrs.evolve(
            challenge, totp_secret=None, session=verified.session or challenge.session
        )
        await self._respond({})

    # -- engine-answered challenges (flows/engine_answers.py) ----------------------------------

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), tz=UTC)

    async def _answer_password_verifier(self, event: Any) -> None:
        assert self._challenge is not None
        responses = await engine_answers.password_verifier(
            self._challenge,
            pool_name=self._config.pool_name,
            password=self._password,
            ephemeral=self._ephemeral,
            now=self._now(),
        )
        self._ephemeral = None
        await self._respond(responses)

    async def _answer_device_srp_auth(self, event: Any) -> None:
        self._ephemeral, responses = await engine_answers.device_srp_auth(self._device)
        await self._respond(responses)

    async def _answer_device_password_verifier(self, event: Any) -> None:
        assert self._challenge is not None
        responses = await engine_answers.device_password_verifier(
            self._challenge, device=self._device, ephemeral=self._ephemeral, now=self._now()
        )
        self._ephemeral = None
        await self._respond(responses)

    # -- completion, refresh and sign-out -------------------------------------------------------

    async def _complete_sign_in(self, event: Any) -> None:
        result: AuthenticationResult = event.kwargs["result"]
        received = self._clock()
        tokens = tokens_from_result(result, received)
        device_key = self._device.device_key if self._device else None
        metadata = result.new_device_metadata
        if metadata is not None and metadata.device_key and metadata.device_group_key:
            confirmed = await self._devices.confirm(
                access_token=tokens.access_token,
                device_key=metadata.device_key,
                group_key=metadata.device_group_key,
                device_name=self._options.device_name,
                remember=self._options.remember_device,
            )
            device_key = confirmed.device_key if confirmed else None
            if confirmed is not None:
                self._device = confirmed
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
        self._password = None  # not needed any more; never kept longer than necessary

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
        """A versioned, JSON-safe record of the flow (:class:`SignInSnapshot`), without the
        password.

        It holds the challenge Session (a bearer secret for the next step): store it where you
        would store tokens. ``AuthClient.resume(record)`` rebuilds the flow.
        """
        if self._ephemeral is not None and self.state == "ChallengePending":
            raise InvalidStateError("cannot snapshot in the middle of an engine SRP step")
        return SignInSnapshot(
            user_pool_id=self._config.user_pool_id,
            client_id=self._config.client_id,
            state=self.state,
            login=self._login,
            options=self._options,
            challenge=self._challenge,
            session_key=self.session_key,
        ).to_json()

    @classmethod
    async def from_snapshot(
        cls,
        record: Mapping[str, Any] | SignInSnapshot,
        *,
        config: CognitoConfig,
        transport: Transport,
        store: Store,
        sessions: SessionManager,
        clock: Callable[[], float] = time.time,
    ) -> SignInFlow:
        """Rebuild a flow from :meth:`snapshot` output (see ``AuthClient.resume``)."""
        snap = record if isinstance(record, SignInSnapshot) else SignInSnapshot.from_json(record)
        if snap.user_pool_id != config.user_pool_id or snap.client_id != config.client_id:
            raise ValidationError(
                "the snapshot belongs to another pool or client", field="client_id"
            )
        state = snap.state
        if state == "Refreshing":  # a refresh interrupted by the snapshot: the session stands
            state = "Authenticated"
        if state not in cls.STATES:
            raise ValidationError("snapshot has an unknown state", field="state")
        if state == "ChallengePending" and snap.challenge is None:
            raise ValidationError("challenge snapshot lacks the challenge", field="challenge")
        if state == "Authenticated" and snap.session_key is None:
            raise ValidationError("authenticated snapshot lacks session_key", field="session_key")
        flow = cls(
            config=config,
            transport=transport,
            store=store,
            sessions=sessions,
            username=snap.login,
            options=snap.options,
            clock=clock,
            initial=state,
        )
        flow._challenge = snap.challenge
        flow.session_key = snap.session_key
        flow._device = await flow._devices.load()
        if state == "Authenticated":
            assert snap.session_key is not None
            session = await sessions.load(snap.session_key)
            if session is None:
                raise SessionNotFoundError(snap.session_key)
            flow._tokens = session.tokens
        return flow

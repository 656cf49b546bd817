"""SignInFlow: every Cognito sign-in, one explicit state machine, driven by ``await flow.step()``.

The machine (states, transitions, guarantees) is the table in :mod:`~authflow.flows.signin_machine`;
what each challenge expects and how an answer becomes ChallengeResponses is the table in
:mod:`~authflow.flows.challenges`. The flow holds one sign-in's state and drives the machine; the
requests are built and sent by :mod:`~authflow.flows.signin_requests` (through the session
manager's :class:`~authflow.sessions.signin_operations.SignInOperations`), the engine's own
answers come from :mod:`~authflow.flows.engine_answers`, the remembered device from
:mod:`~authflow.flows.devices`; the options are one :class:`~authflow.flows.options.SignInOptions`,
stored whole with the pending challenge by :mod:`~authflow.flows.snapshot`.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from authflow.config import CognitoConfig
from authflow.flows import signin_machine
from authflow.flows.challenges import Challenge
from authflow.flows.devices import RememberedDevice
from authflow.flows.engine_answers import EngineAnswers
from authflow.flows.options import SignInOptions
from authflow.flows.saved import SavableSignIn
from authflow.flows.session_end import AttemptOutcome
from authflow.flows.signin_requests import SignInRequests
from authflow.flows.snapshot import SNAPSHOT_VERSION, SignInSnapshot
from authflow.flows.step import Step
from authflow.protocol.checks import check_flag, check_text
from authflow.protocol.errors import (
    ChallengeExpiredError,
    InvalidStateError,
    ProtocolViolationError,
    ServiceError,
    ValidationError,
    is_dead_challenge_session,
    is_unknown_device,
)
from authflow.protocol.shapes import AuthenticationResult
from authflow.sessions.manager import SessionManager, tokens_from_result
from authflow.sessions.record import Tokens
from authflow.sessions.signin_operations import AuthResponse
from authflow.transport.base import Transport

if TYPE_CHECKING:
    from authflow.storage.base import Store

# ChallengeExpiredError and SNAPSHOT_VERSION are also importable from here, where they used to be.
__all__ = ["ChallengeExpiredError", "SNAPSHOT_VERSION", "SignInFlow"]

log = logging.getLogger("authflow.flows.signin")

#: Refresh outcomes after which the flow is SignedOut.




class SignInFlow(SavableSignIn):
    """One user's sign-in, from credentials to tokens, then refresh and sign-out.

    Create it with :meth:`authflow.AuthClient.sign_in`; drive it with :meth:`step`::

        flow = auth.sign_in("alice", "Correct-Horse-9!")
        step = await flow.step()
        while flow.state == "ChallengePending":
            step = await flow.step(answer_for(step))
        token = flow.tokens.access_token
    """

    NAME = "SignIn"
    STATES: ClassVar[tuple[str, ...]] = signin_machine.STATES
    INITIAL = signin_machine.INITIAL
    FINALS = signin_machine.FINALS
    TRANSITIONS: ClassVar[tuple[dict[str, Any], ...]] = signin_machine.TRANSITIONS

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
        check_text(username, "username", max_length=128)
        if password is not None:
            check_text(password, "password", max_length=256)
        if options is not None and not isinstance(options, SignInOptions):
            raise ValidationError("options must be a SignInOptions", field="options")
        super().__init__(initial=initial)
        self._config = config
        self._sessions = sessions
        self._options = options if options is not None else SignInOptions()
        self._requests = SignInRequests(  # the options name the operation set: public or admin
            config=config, transport=transport,
            operations=sessions.operation_set(self._options.operations),
        )
        self._clock = clock
        self._login = username
        self._engine = EngineAnswers(password)  # the password and SRP secrets in flight
        self._devices = RememberedDevice(
            store=store, key=sessions.device_key_for(username), transport=transport
        )
        self._device_retry_used = False
        self._challenge: Challenge | None = None  # the one pending (kept when it went stale)
        self._outcome = AttemptOutcome()  # wrong answers to it; how the attempt ended
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
        :class:`ChallengeExpiredError` when the challenge Session is dead (then, until
        :meth:`restart`, SignInRestartRequiredError for answers) and :class:`InvalidStateError`
        when the flow is Authenticated, Refreshing or SignedOut.
        """
        async with self._lock:
            state = self.state
            if state == "Unauthenticated":
                self._outcome.check_answer(state, self._challenge)
                if response is not None:  # before the sign-in starts, only the password
                    self._engine.password = check_text(response, "password", max_length=256)
                await self._start()
            elif state == "ChallengePending":
                try:
                    await self._fire("answer", response=response)
                except ServiceError as exc:
                    if not is_dead_challenge_session(exc):
                        self._outcome.refused(exc)
                        raise  # e.g. CodeMismatchError: still ChallengePending, answer again
                    await self._end_attempt(exc)  # raises ChallengeExpiredError
                if self._response is not None:  # MFA_SETUP sub-choices answer locally
                    await self._advance()
            else:
                raise InvalidStateError(
                    f"SignIn: step() is not possible while {state}", state=state, trigger="step"
                )
            return self.current

    async def restart(self, password: str | None = None) -> Step:
        """Sign in again from InitiateAuth, dropping any attempt in progress; needed after a
        :class:`ChallengeExpiredError` (answers are refused until then, so a code is never sent
        as a password), and the way to get a new code. ``password`` replaces ``sign_in``'s."""
        if password is not None:
            check_text(password, "password", max_length=256)
        async with self._lock:
            await self._fire("restart")
            self._challenge, self._engine.password = None, password or self._engine.password
            self._outcome.restarted()
            await self._start()
            return self.current

    async def cancel(self) -> None:
        """Abandon an unfinished sign-in (→ SignedOut)."""
        async with self._lock:
            await self._fire("cancel")

    async def sign_out(self, *, global_: bool = False) -> None:
        """Sign out: revoke the refresh token (RevokeToken), or every session of the user with
        ``global_=True`` (GlobalSignOut). On error the flow stays Authenticated."""
        check_flag(global_, "global_")
        async with self._lock:
            await self._fire("sign_out", global_=global_)

    @property
    def device_pending(self) -> bool:
        """Whether the new device awaits :meth:`confirm_device` (ConfirmDevice failed)."""
        return self._devices.pending is not None

    async def confirm_device(self) -> None:
        """Retry confirming the new device (then the session's); raises what failed."""
        async with self._lock:
            key = self.session_key if self.state == "Authenticated" else None
            await self._devices.retry(self._sessions, key, state=self.state)

    # -- starting -------------------------------------------------------------------------------

    async def _start(self) -> None:
        if self._devices.record is None:
            await self._devices.load()
        while True:
            had_device = self._devices.record is not None
            try:
                await self._fire("start")
                await self._advance()
                return
            except ServiceError as exc:
                if not (had_device and is_unknown_device(exc)) or self._device_retry_used:
                    raise
                log.info("remembered device is gone; signing in again without it")
                self._device_retry_used = True
                await self._devices.forget()

    async def _send_initiate_auth(self, event: Any) -> None:
        options = self._options
        if options.needs_password and not self._engine.password:
            raise ValidationError(
                "this sign-in needs the password: step(password)", field="password"
            )
        self._challenge = None  # a new attempt: nothing of an earlier one carries over
        self._response = await self._requests.start(
            options,
            login=self._login,
            password=self._engine.password,
            srp_a=await self._engine.start(srp_a=options.starts_with_srp),
            device=self._devices.record,
        )
        if options.session is not None:  # ConfirmSignUp's Session is single-use
            self._options = attrs.evolve(options, session=None)

    # -- the response loop ----------------------------------------------------------------------

    async def _advance(self) -> None:
        """Consume the last response and answer engine challenges until the caller must act or
        the sign-in completes. A failure here ends the attempt (see signin_machine), except
        fetching MFA_SETUP's TOTP secret on arrival: answering the challenge retries that."""
        try:
            arrival = await self._consume_responses()
        except Exception as exc:
            if self.state == "ChallengePending":
                await self._end_attempt(exc)  # raises ChallengeExpiredError for a dead Session
            raise
        if arrival is not None:
            await self._fire(arrival)

    async def _consume_responses(self) -> str | None:
        """Fire each response's outcome; return a caller challenge's arrival trigger, if any."""
        while True:
            response = self._response
            self._response = None
            if response is None:
                raise ProtocolViolationError("no response to advance from")
            if response.authentication_result is not None:
                await self._fire("authenticated", result=response.authentication_result)
                return None
            if not response.challenge_name:
                raise ProtocolViolationError(
                    "response has neither a ChallengeName nor an AuthenticationResult",
                    field="ChallengeName",
                )
            self._challenge = Challenge.from_response(
                response,
                previous=self._challenge,
                login=self._login,
                deadline=self._clock() + self._config.auth_session_validity,
            )
            self._outcome.challenged()
            await self._fire("challenged")
            kind = self._challenge.kind
            if kind.engine_trigger is None:
                return kind.on_arrival(self._challenge)
            await self._fire(kind.engine_trigger)

    async def _end_attempt(self, exc: Exception) -> None:
        """Back to Unauthenticated; ChallengeExpiredError for a dead Session (see session_end)."""
        assert self._challenge is not None
        await self._fire("rejected")
        if self._devices.record is not None and is_unknown_device(exc):
            await self._devices.forget()  # _start retries once without it
        expired = self._outcome.end(exc, self._challenge, now=self._clock())
        if expired is not None:
            raise expired from exc

    async def _respond(self, responses: Mapping[str, str]) -> None:
        assert self._challenge is not None
        self._response = await self._requests.answer(
            self._challenge,
            responses,
            device=self._devices.record,
            client_metadata=self._options.client_metadata,
        )

    # -- answering challenges: the caller's answers, the engine's own (flows/engine_answers.py) ---

    async def _send_answer(self, event: Any) -> None:
        assert self._challenge is not None
        self._challenge, responses = await self._requests.carry_out(
            self._challenge, event.kwargs["response"], self._engine
        )
        if responses is not None:
            await self._respond(responses)

    async def _associate_software_token(self, event: Any) -> None:
        assert self._challenge is not None
        self._challenge = await self._requests.associate_software_token(self._challenge)

    async def _answer_engine_challenge(self, event: Any) -> None:
        assert self._challenge is not None
        now = datetime.fromtimestamp(self._clock(), tz=UTC)
        device, pool_name = self._devices.record, self._config.pool_name
        await self._respond(
            await self._engine.answer(self._challenge, device=device, pool_name=pool_name, now=now)
        )

    # -- completion, refresh and sign-out -------------------------------------------------------

    async def _complete_sign_in(self, event: Any) -> None:
        result: AuthenticationResult = event.kwargs["result"]
        received = self._clock()
        tokens = tokens_from_result(result, received)
        device_key = await self._devices.after_sign_in(
            tokens.access_token,
            result.new_device_metadata,
            device_name=self._options.device_name,
            remember=self._options.remember_device,
        )
        self.session_key = await self._sessions.open_session(
            login=self._login, tokens=tokens, received_at=received, device_key=device_key,
            operations=self._options.operations,
        )
        self._tokens = tokens
        self._challenge = None
        self._engine.password = None  # not needed any more; never kept longer than necessary

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
        if self._engine.mid_srp and self.state == "ChallengePending":
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
        saved_key: str | None = None,
    ) -> SignInFlow:
        """Rebuild a flow from :meth:`snapshot` output (see ``AuthClient.resume``); a flow
        read from a key saved with :meth:`save` follows that key (``saved_key``)."""
        snap = record if isinstance(record, SignInSnapshot) else SignInSnapshot.from_json(record)
        state = snap.state_to_resume(
            user_pool_id=config.user_pool_id, client_id=config.client_id, states=cls.STATES
        )
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
        await flow._devices.load()
        if state == "Authenticated":
            flow._tokens = await snap.stored_tokens(sessions)
        if saved_key is not None:
            flow._adopt_saved_key(saved_key)
        return flow

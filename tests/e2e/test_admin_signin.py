"""Server-side sign-in (``AuthClient(cfg, credentials=...).admin_sign_in``) end to end against the
emulator over HTTP with SigV4 verification on (``Emulator(iam_credentials=...)``).

Every test watches the wire (an aiohttp trace records each request's X-Amz-Target and whether it
carried an Authorization header), so "it went through the admin operations, signed" is observed,
not assumed: ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH, SMS and TOTP MFA (with MFA_SETUP),
NEW_PASSWORD_REQUIRED, CUSTOM_AUTH (with and without SRP first), USER_AUTH, a remembered device
answering DEVICE_SRP_AUTH through AdminRespondToAuthChallenge, refresh through AdminInitiateAuth
REFRESH_TOKEN_AUTH, snapshot/resume. The right credentials pass; a wrong secret key, an unknown
key and a wrong session token get AWS's answers as typed errors; the credential chain is read from
environment variables and from a shared credentials file with a profile (never from the machine:
see tests/aws_env.py); missing or unrefreshable credentials fail before any request.
"""

from __future__ import annotations

import ast
import asyncio
import json
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pyotp
import pytest
from aws_env import AwsFiles, aws_env
from botocore.credentials import RefreshableCredentials
from emulated_cognito import START
from emulator.conftest import PASSWORD, make_user
from emulator.test_custom_auth import Quiz
from emulator.test_devices import claims

from authflow import (
    AuthClient,
    CodeMismatchError,
    CognitoConfig,
    CredentialsError,
    InvalidSignatureError,
    MissingAuthenticationTokenError,
    NotAuthorizedError,
    UnrecognizedClientError,
    ValidationError,
)
from authflow.emulator import Emulator, ManualClock
from authflow.flows.signin_machine import STATES, TRANSITIONS
from authflow.storage import MemoryStore
from authflow.transport import AiohttpTransport, SigV4Signer, StaticCredentials

__all__ = ["aws_env"]  # fixture

README = Path(__file__).resolve().parents[2] / "README.md"

KEY = "AKIDADMINENGINE0001"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYengineEXAMPLE"
TEMP_KEY = "ASIAENGINETEMPORARY1"
TEMP_SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbENGINEEXAMPLE"
TEMP_TOKEN = "FwoGZXIvYXdzENGINE+session/token=="
ROTATED_KEY = "ASIAENGINEROTATED001"
ROTATED_SECRET = "rotatedSecretKeyForTheRefreshTestEXAMPLE"
ROTATED_TOKEN = "FwoGZXIvYXdzROTATED+session/token=="
IAM = {
    KEY: SECRET,
    TEMP_KEY: (TEMP_SECRET, TEMP_TOKEN),
    ROTATED_KEY: (ROTATED_SECRET, ROTATED_TOKEN),
}
RIGHT = StaticCredentials(KEY, SECRET)
FLOWS = [
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
PHONE = "+15555550177"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def iam_emu(clock: ManualClock) -> AsyncIterator[Emulator]:
    async with Emulator(clock=clock, iam_credentials=IAM) as emulator:
        assert emulator.verifies_signatures
        yield emulator


class Wire:
    """What went over HTTP: each request's operation and whether it was signed."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    def trace(self) -> aiohttp.TraceConfig:
        config = aiohttp.TraceConfig()

        async def on_start(session: Any, context: Any, params: Any) -> None:
            target = params.headers.get("X-Amz-Target", "")
            self.sent.append((target.rsplit(".", 1)[-1], "Authorization" in params.headers))

        config.on_request_start.append(on_start)
        return config

    @property
    def operations(self) -> list[str]:
        return [operation for operation, _ in self.sent]

    def clear(self) -> None:
        self.sent.clear()

    def check_signing(self) -> None:
        """The IAM-authorized operations were signed, and nothing else was."""
        assert self.sent
        for operation, signed in self.sent:
            assert signed == operation.startswith("Admin"), operation


def app_client(emu: Emulator, pool_id: str, *, secret: bool = True, **settings: Any) -> Any:
    settings.setdefault("explicit_auth_flows", FLOWS)
    return emu.create_user_pool_client(pool_id, generate_secret=secret, **settings)


def config_of(emu: Emulator, pool_id: str, app: Any) -> CognitoConfig:
    return CognitoConfig(user_pool_id=pool_id, client_id=app.id, endpoint=emu.endpoint,
                         client_secret=app.secret)


@asynccontextmanager
async def admin_client(emu: Emulator, clock: ManualClock, pool_id: str, wire: Wire, *,
                       credentials: Any = RIGHT, store: MemoryStore | None = None,
                       app: Any = None) -> AsyncIterator[AuthClient]:
    """An AuthClient whose transport signs with ``credentials`` and reports to ``wire``."""
    app = app or app_client(emu, pool_id)
    transport = AiohttpTransport(emu.endpoint, signer=SigV4Signer(credentials, emu.region),
                                 trace_configs=[wire.trace()])
    try:
        async with AuthClient(config_of(emu, pool_id, app), transport=transport,
                              store=store or MemoryStore(), clock=clock) as auth:
            yield auth
    finally:
        await transport.close()


def mfa(emu: Emulator, pool_id: str, mode: str, **configs: Any) -> None:
    emu.handle("SetUserPoolMfaConfig", {"UserPoolId": pool_id, "MfaConfiguration": mode, **configs})


def code(emu: Emulator, username: str, purpose: str = "MFA") -> str:
    return emu.outbox.latest(username=username, purpose=purpose).code


# -- password, SRP, the options ---------------------------------------------------------------


async def test_admin_user_password_auth_with_credentials(iam_emu: Emulator,
                                                         clock: ManualClock) -> None:
    pool = iam_emu.create_user_pool("password")
    make_user(iam_emu, pool.id, "ann")
    app = app_client(iam_emu, pool.id)
    async with AuthClient(config_of(iam_emu, pool.id, app), credentials=RIGHT,
                          clock=clock) as auth:
        flow = auth.admin_sign_in("ann", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
        assert flow.options.operations == "admin"
        step = await flow.step()
        assert step.state == flow.state == "Authenticated"
        assert flow.tokens is not None and flow.session_key is not None
        assert claims(flow.tokens.access_token)["username"] == "ann"
        assert await auth.access_token(flow.session_key) == flow.tokens.access_token
        record = await auth.sessions.load(flow.session_key)
        assert record is not None and record.operations == "admin"
        # the tokens are ordinary user-pool tokens: the (unsigned) account operations take them
        assert (await auth.account(flow.session_key).attributes())["sub"]
        # a wrong password is Cognito's answer, typed; the flow can start again
        wrong = auth.admin_sign_in("ann", "Wrong-Horse-9!", auth_flow="ADMIN_USER_PASSWORD_AUTH")
        with pytest.raises(NotAuthorizedError):
            await wrong.step()
        assert wrong.state == "Unauthenticated"
        await wrong.step(PASSWORD)
        assert wrong.state == "Authenticated"
        await flow.sign_out()
        assert flow.state == "SignedOut"


async def test_each_entry_point_takes_only_its_password_flow(iam_emu: Emulator,
                                                             clock: ManualClock) -> None:
    pool = iam_emu.create_user_pool("entry")
    app = app_client(iam_emu, pool.id)
    async with AuthClient(config_of(iam_emu, pool.id, app), credentials=RIGHT,
                          clock=clock) as auth:
        with pytest.raises(ValidationError, match="USER_PASSWORD_AUTH is for public") as info:
            auth.admin_sign_in("ann", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
        assert info.value.field == "auth_flow"
        with pytest.raises(ValidationError, match="is for admin sign-ins") as info:
            auth.sign_in("ann", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
        assert info.value.field == "auth_flow"
        with pytest.raises(ValidationError) as info:
            auth.admin_sign_in("ann", PASSWORD, operations="public")
        assert info.value.field == "operations"
        # options= given whole become admin options (and are checked again as such)
        flow = auth.admin_sign_in("ann", PASSWORD, options=auth.sign_in("ann").options)
        assert flow.options.operations == "admin" and flow.options.auth_flow == "USER_SRP_AUTH"
        # the same machine: same states, same transitions
        assert type(flow).STATES == STATES and type(flow).TRANSITIONS == TRANSITIONS


async def test_user_srp_auth_through_the_admin_operations(iam_emu: Emulator,
                                                          clock: ManualClock) -> None:
    pool = iam_emu.create_user_pool("srp", username_attributes=["email"])
    make_user(iam_emu, pool.id, "bo@example.com")
    wire = Wire()
    async with admin_client(iam_emu, clock, pool.id, wire) as auth:
        flow = auth.admin_sign_in("bo@example.com", PASSWORD)  # USER_SRP_AUTH by default
        await flow.step()
        assert flow.state == "Authenticated"
    # the engine answered PASSWORD_VERIFIER itself, through the admin twin, signed
    assert wire.operations == ["AdminInitiateAuth", "AdminRespondToAuthChallenge"]
    wire.check_signing()


# -- the credentials AWS refuses ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("credentials", "error", "message"),
    [
        (StaticCredentials(KEY, "not-the-secret"), InvalidSignatureError,
         "The request signature we calculated does not match"),
        (StaticCredentials("AKIDUNKNOWNKEY00001", SECRET), UnrecognizedClientError,
         "The security token included in the request is invalid."),
        (StaticCredentials(TEMP_KEY, TEMP_SECRET, "a-wrong-session-token"),
         UnrecognizedClientError, "The security token included in the request is invalid."),
        (StaticCredentials(TEMP_KEY, TEMP_SECRET), UnrecognizedClientError,
         "The security token included in the request is invalid."),
    ],
    ids=["wrong-secret", "unknown-key", "wrong-token", "missing-token"],
)
async def test_refused_credentials_are_typed_errors(iam_emu: Emulator, clock: ManualClock,
                                                    credentials: StaticCredentials,
                                                    error: type[Exception], message: str) -> None:
    pool = iam_emu.create_user_pool("refused")
    make_user(iam_emu, pool.id, "cy")
    wire = Wire()
    async with admin_client(iam_emu, clock, pool.id, wire, credentials=credentials) as auth:
        flow = auth.admin_sign_in("cy", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
        with pytest.raises(error) as info:
            await flow.step()
        assert info.value.message.startswith(message)  # type: ignore[attr-defined]
        assert info.value.operation == "AdminInitiateAuth"  # type: ignore[attr-defined]
        assert flow.state == "Unauthenticated"
        text = f"{info.value} {info.value!r}"
        assert credentials.secret_access_key not in text and PASSWORD not in text
        assert credentials.session_token is None or credentials.session_token not in text
    assert wire.sent == [("AdminInitiateAuth", True)]  # one attempt: refusals are not retried


async def test_temporary_credentials_pass(iam_emu: Emulator, clock: ManualClock) -> None:
    pool = iam_emu.create_user_pool("temporary")
    make_user(iam_emu, pool.id, "di")
    wire = Wire()
    temporary = StaticCredentials(TEMP_KEY, TEMP_SECRET, TEMP_TOKEN)
    async with admin_client(iam_emu, clock, pool.id, wire, credentials=temporary) as auth:
        flow = auth.admin_sign_in("di", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
        await flow.step()
        assert flow.state == "Authenticated"
    wire.check_signing()


async def test_an_unsigned_admin_request_is_refused(iam_emu: Emulator,
                                                    clock: ManualClock) -> None:
    # the engine never sends one: a transport without a signer cannot start an admin sign-in…
    pool = iam_emu.create_user_pool("unsigned")
    app = app_client(iam_emu, pool.id)
    async with AuthClient(config_of(iam_emu, pool.id, app), clock=clock) as auth:
        with pytest.raises(CredentialsError, match="credentials="):
            auth.admin_sign_in("ed", PASSWORD)
        # …and AWS's answer to one sent anyway is typed too
        with pytest.raises(MissingAuthenticationTokenError):
            await auth.transport.send("AdminInitiateAuth", {
                "UserPoolId": pool.id, "ClientId": app.id, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "ed", "PASSWORD": PASSWORD}})


def test_client_credentials_are_checked_on_construction() -> None:
    config = CognitoConfig(user_pool_id="us-east-1_Pool1", client_id="client")
    for hostile in (5, b"default", ("AKID", "secret"), "", " p", "\ud800", "p" * 500):
        with pytest.raises(ValidationError) as info:
            AuthClient(config, credentials=hostile)
        assert info.value.field == "credentials"
    own = AiohttpTransport("http://127.0.0.1:9/")
    with pytest.raises(ValidationError, match="signer") as info:
        AuthClient(config, transport=own, credentials=RIGHT)
    assert info.value.field == "credentials"
    auth = AuthClient(config, credentials=RIGHT)
    assert SECRET not in repr(auth.transport) and auth.sessions.admin_operations is not None
    assert AuthClient(config).sessions.admin_operations is None


# -- challenges ---------------------------------------------------------------------------------


async def test_sms_mfa(iam_emu: Emulator, clock: ManualClock) -> None:
    pool = iam_emu.create_user_pool("sms")
    mfa(iam_emu, pool.id, "ON", SmsMfaConfiguration={})
    make_user(iam_emu, pool.id, "fi", phone_number=PHONE)
    wire = Wire()
    async with admin_client(iam_emu, clock, pool.id, wire) as auth:
        flow = auth.admin_sign_in("fi", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
        step = await flow.step()
        assert step.challenge == "SMS_MFA" and step.delivery is not None
        right = code(iam_emu, "fi")
        with pytest.raises(CodeMismatchError):
            await flow.step("000000" if right != "000000" else "111111")
        assert flow.state == "ChallengePending"
        await flow.step(right)
        assert flow.state == "Authenticated"
    assert wire.operations == ["AdminInitiateAuth", "AdminRespondToAuthChallenge",
                               "AdminRespondToAuthChallenge"]
    wire.check_signing()


async def test_totp_setup_then_software_token_mfa(iam_emu: Emulator,
                                                  clock: ManualClock) -> None:
    pool = iam_emu.create_user_pool("totp")
    mfa(iam_emu, pool.id, "ON", SoftwareTokenMfaConfiguration={"Enabled": True})
    make_user(iam_emu, pool.id, "gus")
    wire = Wire()
    async with admin_client(iam_emu, clock, pool.id, wire) as auth:
        flow = auth.admin_sign_in("gus", PASSWORD)
        step = await flow.step()
        assert step.challenge == "MFA_SETUP" and step.secret_code
        totp = pyotp.TOTP(step.secret_code)
        await flow.step(totp.at(int(clock())))
        assert flow.state == "Authenticated"
        # MFA_SETUP's token calls are public (Session-authorized): unsigned
        assert wire.operations == ["AdminInitiateAuth", "AdminRespondToAuthChallenge",
                                   "AssociateSoftwareToken", "VerifySoftwareToken",
                                   "AdminRespondToAuthChallenge"]
        clock.advance(30)
        wire.clear()
        flow = auth.admin_sign_in("gus", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
        assert (await flow.step()).challenge == "SOFTWARE_TOKEN_MFA"
        await flow.step(totp.at(int(clock())))
        assert flow.state == "Authenticated"
        assert wire.operations == ["AdminInitiateAuth", "AdminRespondToAuthChallenge"]
    wire.check_signing()


async def test_new_password_required(iam_emu: Emulator, clock: ManualClock) -> None:
    pool = iam_emu.create_user_pool("newpw")
    iam_emu.handle("AdminCreateUser", {"UserPoolId": pool.id, "Username": "hal",
                                       "TemporaryPassword": "Temp-Pass-1!",
                                       "MessageAction": "SUPPRESS"})
    wire = Wire()
    async with admin_client(iam_emu, clock, pool.id, wire) as auth:
        flow = auth.admin_sign_in("hal", "Temp-Pass-1!", auth_flow="ADMIN_USER_PASSWORD_AUTH")
        assert (await flow.step()).challenge == "NEW_PASSWORD_REQUIRED"
        await flow.step(PASSWORD)
        assert flow.state == "Authenticated"
        again = auth.admin_sign_in("hal", PASSWORD)
        await again.step()
        assert again.state == "Authenticated"
    assert wire.operations == ["AdminInitiateAuth", "AdminRespondToAuthChallenge",
                               "AdminInitiateAuth", "AdminRespondToAuthChallenge"]
    wire.check_signing()


@pytest.mark.parametrize("srp_first", [False, True])
async def test_custom_auth(iam_emu: Emulator, clock: ManualClock, srp_first: bool) -> None:
    quiz = Quiz(srp_first=srp_first)
    pool = iam_emu.create_user_pool("custom", triggers=quiz.triggers())
    make_user(iam_emu, pool.id, "ida")
    wire = Wire()
    async with admin_client(iam_emu, clock, pool.id, wire) as auth:
        flow = auth.admin_sign_in("ida", PASSWORD if srp_first else None,
                                  auth_flow="CUSTOM_AUTH", srp_first=srp_first,
                                  client_metadata={"tenant": "t1"})
        step = await flow.step()
        assert step.challenge == "CUSTOM_CHALLENGE" and step.parameters["question"]
        assert (await flow.step("41")).challenge == "CUSTOM_CHALLENGE"
        await flow.step("42")
        assert flow.state == "Authenticated"
    answers = 3 if srp_first else 2
    assert wire.operations == ["AdminInitiateAuth"] + ["AdminRespondToAuthChallenge"] * answers
    wire.check_signing()
    # the triggers saw the request's ClientMetadata
    assert quiz.events[0]["request"]["clientMetadata"] == {"tenant": "t1"}


async def test_user_auth_choice(iam_emu: Emulator, clock: ManualClock) -> None:
    factors = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
    pool = iam_emu.create_user_pool("choice", policies=factors)
    make_user(iam_emu, pool.id, "jo", email="jo@example.com", email_verified="true")
    wire = Wire()
    async with admin_client(iam_emu, clock, pool.id, wire) as auth:
        flow = auth.admin_sign_in("jo", PASSWORD, auth_flow="USER_AUTH")
        assert (await flow.step()).challenge == "SELECT_CHALLENGE"
        await flow.step("EMAIL_OTP")
        await flow.step(code(iam_emu, "jo", "SIGN_IN"))
        assert flow.state == "Authenticated"
        direct = auth.admin_sign_in("jo", PASSWORD, auth_flow="USER_AUTH",
                                    preferred_challenge="PASSWORD_SRP")
        await direct.step()
        assert direct.state == "Authenticated"
    wire.check_signing()
    assert set(wire.operations) == {"AdminInitiateAuth", "AdminRespondToAuthChallenge"}


async def test_remembered_device_answers_device_srp_through_admin(iam_emu: Emulator,
                                                                  clock: ManualClock) -> None:
    device_config = {"ChallengeRequiredOnNewDevice": True,
                     "DeviceOnlyRememberedOnUserPrompt": True}
    pool = iam_emu.create_user_pool("devices", device_configuration=device_config)
    mfa(iam_emu, pool.id, "ON", SmsMfaConfiguration={})
    make_user(iam_emu, pool.id, "kai", phone_number=PHONE)
    wire = Wire()
    async with admin_client(iam_emu, clock, pool.id, wire) as auth:
        flow = auth.admin_sign_in("kai", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH",
                                  remember_device=True, device_name="server")
        assert (await flow.step()).challenge == "SMS_MFA"
        await flow.step(code(iam_emu, "kai"))
        assert flow.state == "Authenticated" and flow.tokens is not None
        device_key = claims(flow.tokens.access_token)["device_key"]
        assert "ConfirmDevice" in wire.operations
        sent = len(iam_emu.outbox)
        wire.clear()
        again = auth.admin_sign_in("kai", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
        await again.step()
        # DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER, answered by the engine, no MFA
        assert again.state == "Authenticated" and len(iam_emu.outbox) == sent
        assert again.tokens is not None
        assert claims(again.tokens.access_token)["device_key"] == device_key
        assert wire.operations == ["AdminInitiateAuth", "AdminRespondToAuthChallenge",
                                   "AdminRespondToAuthChallenge"]
        # the refresh carries the device key too, through AdminInitiateAuth
        wire.clear()
        clock.advance(60)
        await again.refresh()
        assert wire.operations == ["AdminInitiateAuth"]
    wire.check_signing()


# -- refresh, sessions, snapshot/resume -----------------------------------------------------------


async def test_refresh_goes_through_admin_initiate_auth(iam_emu: Emulator,
                                                        clock: ManualClock) -> None:
    pool = iam_emu.create_user_pool("refresh")
    make_user(iam_emu, pool.id, "lu")
    app = app_client(iam_emu, pool.id)
    store = MemoryStore()
    wire = Wire()
    async with admin_client(iam_emu, clock, pool.id, wire, store=store, app=app) as auth:
        flow = auth.admin_sign_in("lu", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
        await flow.step()
        assert flow.tokens is not None and flow.session_key is not None
        first = flow.tokens.access_token
        clock.advance(60)
        tokens = await flow.refresh()
        assert flow.state == "Authenticated" and tokens.access_token != first
        # access_token() refreshes an expiring session with the same operations
        clock.advance(3600)
        fresh = await auth.access_token(flow.session_key)
        assert fresh != tokens.access_token
    assert wire.operations == ["AdminInitiateAuth"] * 3
    wire.check_signing()
    # a client without credentials cannot refresh an admin session: typed, before any request,
    # and the session is kept
    async with AuthClient(config_of(iam_emu, pool.id, app), store=store, clock=clock) as public:
        clock.advance(3600)
        with pytest.raises(CredentialsError, match="credentials="):
            await public.access_token(flow.session_key)
        assert await public.sessions.load(flow.session_key) is not None


async def test_snapshot_records_the_operation_set_and_resumes_with_it(
        iam_emu: Emulator, clock: ManualClock) -> None:
    pool = iam_emu.create_user_pool("resume")
    mfa(iam_emu, pool.id, "ON", SmsMfaConfiguration={})
    make_user(iam_emu, pool.id, "max", phone_number=PHONE)
    app = app_client(iam_emu, pool.id)
    store = MemoryStore()
    first_wire, second_wire = Wire(), Wire()
    async with admin_client(iam_emu, clock, pool.id, first_wire, store=store, app=app) as auth:
        flow = auth.admin_sign_in("max", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
        await flow.step()
        record = json.loads(json.dumps(flow.snapshot()))
    assert record["options"]["operations"] == "admin"
    assert PASSWORD not in json.dumps(record)
    # on a client without credentials: a typed error naming what to configure
    async with AuthClient(config_of(iam_emu, pool.id, app), store=store, clock=clock) as public:
        with pytest.raises(CredentialsError, match="credentials="):
            await public.resume(record)
    # on another admin client (another process): answered through the admin operations
    async with admin_client(iam_emu, clock, pool.id, second_wire, store=store, app=app) as auth:
        resumed = await auth.resume(record)
        assert resumed.challenge == "SMS_MFA" and resumed.options.operations == "admin"
        await resumed.step(code(iam_emu, "max"))
        assert resumed.state == "Authenticated"
        done = await auth.resume(json.loads(json.dumps(resumed.snapshot())))
        assert done.state == "Authenticated"
        clock.advance(60)
        await done.refresh()
    assert second_wire.operations == ["AdminRespondToAuthChallenge", "AdminInitiateAuth"]
    second_wire.check_signing()


# -- the credential chain -------------------------------------------------------------------------


async def _sign_in_with(emu: Emulator, clock: ManualClock, credentials: Any) -> str:
    pool = emu.create_user_pool("chain")
    make_user(emu, pool.id, "ned")
    app = app_client(emu, pool.id)
    async with AuthClient(config_of(emu, pool.id, app), credentials=credentials,
                          clock=clock) as auth:
        flow = auth.admin_sign_in("ned", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
        await flow.step()
        return flow.state


async def test_credentials_from_environment_variables(iam_emu: Emulator, clock: ManualClock,
                                                      aws_env: AwsFiles,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", TEMP_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", TEMP_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TEMP_TOKEN)
    assert await _sign_in_with(iam_emu, clock, "default") == "Authenticated"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "a-wrong-secret")
    with pytest.raises(InvalidSignatureError):
        await _sign_in_with(iam_emu, clock, "default")


async def test_credentials_from_a_shared_file_profile(iam_emu: Emulator, clock: ManualClock,
                                                      aws_env: AwsFiles,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    aws_env.credentials.write_text(
        f"[default]\naws_access_key_id = AKIDNOTTHEONE000001\naws_secret_access_key = nope\n\n"
        f"[server]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n",
        encoding="utf-8",
    )
    aws_env.config.write_text("[profile server]\nregion = us-east-1\n", encoding="utf-8")
    assert await _sign_in_with(iam_emu, clock, "server") == "Authenticated"
    with pytest.raises(UnrecognizedClientError):  # the default profile's key is unknown
        await _sign_in_with(iam_emu, clock, "default")
    monkeypatch.setenv("AWS_PROFILE", "server")  # "default" means the chain, AWS_PROFILE included
    assert await _sign_in_with(iam_emu, clock, "default") == "Authenticated"


async def test_missing_credentials_fail_before_any_request(iam_emu: Emulator, clock: ManualClock,
                                                           aws_env: AwsFiles) -> None:
    pool = iam_emu.create_user_pool("none")
    app = app_client(iam_emu, pool.id)
    wire = Wire()
    for credentials, expected in [("default", "no AWS credentials found"),
                                  ("no-such-profile", "'no-such-profile' is not in the shared")]:
        async with admin_client(iam_emu, clock, pool.id, wire, credentials=credentials,
                                app=app) as auth:
            flow = auth.admin_sign_in("ned", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
            with pytest.raises(CredentialsError, match=expected):
                await flow.step()
            assert flow.state == "Unauthenticated"
    assert wire.sent == []


async def test_temporary_credentials_are_refreshed_before_expiry_off_the_loop(
        iam_emu: Emulator, clock: ManualClock) -> None:
    loop_thread = threading.get_ident()
    refreshed_in: list[int] = []

    def rotate() -> dict[str, str]:
        refreshed_in.append(threading.get_ident())
        expiry = datetime.now(UTC) + timedelta(hours=1)
        return {"access_key": ROTATED_KEY, "secret_key": ROTATED_SECRET,
                "token": ROTATED_TOKEN, "expiry_time": expiry.isoformat()}

    # about to expire (inside botocore's mandatory refresh window): refreshed before signing
    expiring = RefreshableCredentials.create_from_metadata(
        {"access_key": TEMP_KEY, "secret_key": TEMP_SECRET, "token": TEMP_TOKEN,
         "expiry_time": (datetime.now(UTC) + timedelta(minutes=2)).isoformat()},
        refresh_using=rotate, method="test")
    assert await _sign_in_with(iam_emu, clock, expiring) == "Authenticated"
    assert refreshed_in and all(ident != loop_thread for ident in refreshed_in)
    assert expiring.get_frozen_credentials().access_key == ROTATED_KEY

    def broken() -> dict[str, str]:
        raise RuntimeError(f"metadata service down; secret {TEMP_SECRET}")

    expired = RefreshableCredentials.create_from_metadata(
        {"access_key": TEMP_KEY, "secret_key": TEMP_SECRET, "token": TEMP_TOKEN,
         "expiry_time": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()},
        refresh_using=broken, method="test")
    with pytest.raises(CredentialsError, match="could not be refreshed") as info:
        await _sign_in_with(iam_emu, clock, expired)
    assert TEMP_SECRET not in str(info.value) and info.value.__cause__ is None


async def test_concurrent_admin_sign_ins_look_the_credentials_up_once(
        iam_emu: Emulator, clock: ManualClock, aws_env: AwsFiles,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.session

    lookups: list[int] = []

    class CountingSession(botocore.session.Session):  # type: ignore[misc]
        def get_credentials(self) -> Any:
            lookups.append(threading.get_ident())
            return super().get_credentials()

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    pool = iam_emu.create_user_pool("many")
    for i in range(8):
        make_user(iam_emu, pool.id, f"user{i}")
    app = app_client(iam_emu, pool.id)
    async with AuthClient(config_of(iam_emu, pool.id, app), credentials=CountingSession(),
                          clock=clock) as auth:
        flows = [auth.admin_sign_in(f"user{i}", PASSWORD, auth_flow="ADMIN_USER_PASSWORD_AUTH")
                 for i in range(8)]
        await asyncio.gather(*(flow.step() for flow in flows))
        assert all(flow.state == "Authenticated" for flow in flows)
    assert len(lookups) == 1 and lookups[0] != threading.get_ident()


async def test_the_readme_section_runs() -> None:
    section = README.read_text(encoding="utf-8").split("\n## Server-side sign-in with IAM\n")[1]
    section = section.split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
    code = compile(block, "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    namespace: dict[str, Any] = {}
    pending = eval(code, namespace)  # the README's own example
    if pending is not None:
        await pending
    assert namespace["flow"].state == "Authenticated"
    assert namespace["flow"].options.operations == "admin"

"""Devices, rotation, SRP-first custom auth and serialisation, on scripted responses whose SRP side
is really verified (authflow.srp's server helpers): hostile and out-of-order server values the
emulator never sends. The same paths run against the emulator in
tests/e2e/test_engine_challenges.py."""

from __future__ import annotations

import asyncio
import base64
import secrets
from datetime import UTC, datetime
from typing import Any

import pytest
from scripted_cognito import Script, auth_result, challenge, error

from authflow import AuthClient, CognitoConfig, srp
from authflow.protocol.errors import NotAuthorizedError, ProtocolViolationError
from authflow.storage import MemoryStore
from authflow.transport import MockTransport

POOL = "us-east-1_AbCdEf123"
POOL_NAME = "AbCdEf123"
CLIENT = "clientid123"
PASSWORD = "Correct-Horse-9!"


class SrpServer:
    """Just enough of Cognito's server side of user and device SRP, really verifying claims."""

    def __init__(self, user_id: str = "uid-1") -> None:
        self.user_id = user_id
        self.salt = secrets.token_bytes(16)
        self.verifier = srp.compute_verifier(
            pool_name=POOL_NAME, user_id=user_id, password=PASSWORD, salt=self.salt)
        self.devices: dict[str, tuple[str, int, bytes]] = {}  # key -> (group, verifier, salt)
        self._pending: dict[str, Any] = {}

    def challenge(self, srp_a: str, *, device_key: str | None = None) -> dict[str, Any]:
        if device_key is None:
            verifier, salt = self.verifier, self.salt
        else:
            _group, verifier, salt = self.devices[device_key]
        server = srp.new_server_ephemeral(verifier)
        block = secrets.token_bytes(48)
        self._pending = {"server": server, "a": srp_a, "block": block, "device": device_key}
        params = {"SALT": salt.hex(), "SRP_B": server.srp_b, "USERNAME": self.user_id,
                  "SECRET_BLOCK": base64.b64encode(block).decode()}
        if device_key is None:
            params["USER_ID_FOR_SRP"] = self.user_id
            return challenge("PASSWORD_VERIFIER", params, session=None)
        params["DEVICE_KEY"] = device_key
        return challenge("DEVICE_PASSWORD_VERIFIER", params)

    def verify(self, responses: dict[str, str]) -> bool:
        pending = self._pending
        device = pending["device"]
        if device is None:
            pool_name, user_id, verifier = POOL_NAME, self.user_id, self.verifier
        else:
            group, verifier, _salt = self.devices[device]
            pool_name, user_id = group, device
        assert base64.b64decode(responses["PASSWORD_CLAIM_SECRET_BLOCK"]) == pending["block"]
        return srp.verify_password_claim(
            pool_name=pool_name, user_id=user_id, verifier=verifier, srp_a_hex=pending["a"],
            server=pending["server"], secret_block=pending["block"],
            timestamp=responses["TIMESTAMP"], signature=responses["PASSWORD_CLAIM_SIGNATURE"],
            now=datetime.now(UTC))

    def confirm_device(self, payload: dict[str, Any]) -> dict[str, Any]:
        cfg = payload["DeviceSecretVerifierConfig"]
        verifier = int.from_bytes(base64.b64decode(cfg["PasswordVerifier"]), "big")
        self.devices[payload["DeviceKey"]] = (
            "-grpKey01", verifier, int.from_bytes(base64.b64decode(cfg["Salt"]), "big")
            .to_bytes(16, "big"))
        return {"UserConfirmationNecessary": True}


def make(script: Script, store: MemoryStore | None = None, **cfg: Any) -> AuthClient:
    config = CognitoConfig(user_pool_id=POOL, client_id=CLIENT, **cfg)
    return AuthClient(config, transport=MockTransport(script), store=store or MemoryStore())


async def test_new_device_is_confirmed_then_device_srp_is_answered() -> None:
    server = SrpServer()
    device_key = "us-east-1_0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"

    def initiate(payload: dict[str, Any]) -> dict[str, Any]:
        return server.challenge(payload["AuthParameters"]["SRP_A"])

    def respond(payload: dict[str, Any]) -> dict[str, Any]:
        name, responses = payload["ChallengeName"], payload["ChallengeResponses"]
        if name == "PASSWORD_VERIFIER":
            if not server.verify(responses):
                raise error("NotAuthorizedException", "Incorrect username or password.")
            if "DEVICE_KEY" in responses:
                return challenge("DEVICE_SRP_AUTH", {})
            return auth_result(server.user_id, device=(device_key, "-grpKey01"))
        if name == "DEVICE_SRP_AUTH":
            assert responses["DEVICE_KEY"] == device_key and responses["USERNAME"] == "uid-1"
            return server.challenge(responses["SRP_A"], device_key=device_key)
        assert name == "DEVICE_PASSWORD_VERIFIER"
        if not server.verify(responses):
            raise error("NotAuthorizedException", "Incorrect username or password.")
        return auth_result(server.user_id, jti="device")

    script = (Script().on("InitiateAuth", initiate, initiate)
              .on("RespondToAuthChallenge", respond, respond, respond, respond)
              .on("ConfirmDevice", server.confirm_device).on("UpdateDeviceStatus", {}))
    store = MemoryStore()
    auth = make(script, store)
    first = auth.sign_in("alice", PASSWORD, remember_device=True, device_name="laptop")
    await first.step()
    assert first.state == "Authenticated"
    confirm = script.sent("ConfirmDevice")[0]
    assert confirm["DeviceKey"] == device_key and confirm["DeviceName"] == "laptop"
    assert script.sent("UpdateDeviceStatus")[0]["DeviceRememberedStatus"] == "remembered"
    assert device_key in server.devices

    second = auth.sign_in("alice", PASSWORD)
    transitions: list[str] = []
    second.on_transition(lambda e: transitions.append(e.trigger))
    await second.step()
    assert second.state == "Authenticated"
    assert script.sent("InitiateAuth")[1]["AuthParameters"]["DEVICE_KEY"] == device_key
    assert transitions.count("authenticate_device") == 1
    assert transitions.count("verify_device_password") == 1
    assert "ConfirmDevice" not in [op for op, _ in script.calls[-3:]]


async def test_stale_device_is_dropped_and_sign_in_retried_once() -> None:
    store = MemoryStore()
    auth = make(Script(), store)
    await store.set(auth.sessions.device_key_for("bob"), {
        "device_key": "us-east-1_dead", "device_group_key": "-g", "device_password": "x" * 56})
    script = Script().on("InitiateAuth",
                         error("ResourceNotFoundException", "Device does not exist."),
                         auth_result("bob"))
    auth = make(script, store)
    flow = auth.sign_in("bob", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    assert flow.state == "Authenticated"
    first, second = script.sent("InitiateAuth")
    assert first["AuthParameters"]["DEVICE_KEY"] == "us-east-1_dead"
    assert "DEVICE_KEY" not in second["AuthParameters"]
    assert await store.get(auth.sessions.device_key_for("bob")) is None


async def test_custom_auth_with_srp_first() -> None:
    server = SrpServer("carol-id")

    def respond(payload: dict[str, Any]) -> dict[str, Any]:
        if payload["ChallengeName"] == "PASSWORD_VERIFIER":
            assert server.verify(payload["ChallengeResponses"])
            return challenge("CUSTOM_CHALLENGE", {"question": "2+2"})
        assert payload["ChallengeResponses"] == {"ANSWER": "4", "USERNAME": "carol-id"}
        return auth_result("carol-id")

    script = Script().on(
        "InitiateAuth", lambda p: server.challenge(p["AuthParameters"]["SRP_A"])).on(
        "RespondToAuthChallenge", respond, respond)
    flow = make(script).sign_in("carol", PASSWORD, auth_flow="CUSTOM_AUTH", srp_first=True)
    step = await flow.step()
    assert step.challenge == "CUSTOM_CHALLENGE" and step.parameters["question"] == "2+2"
    params = script.sent("InitiateAuth")[0]["AuthParameters"]
    assert params["CHALLENGE_NAME"] == "SRP_A" and "SRP_A" in params
    await flow.step("4")
    assert flow.state == "Authenticated"


async def test_user_auth_preferred_password_srp_with_wrong_password() -> None:
    server = SrpServer("dan-id")

    def respond(payload: dict[str, Any]) -> dict[str, Any]:
        if not server.verify(payload["ChallengeResponses"]):
            raise error("NotAuthorizedException", "Incorrect username or password.")
        return auth_result("dan-id")

    script = Script().on(
        "InitiateAuth", *[lambda p: server.challenge(p["AuthParameters"]["SRP_A"])] * 2).on(
        "RespondToAuthChallenge", respond, respond)
    flow = make(script).sign_in("dan", "Wrong-Pass-0!", auth_flow="USER_AUTH",
                                preferred_challenge="PASSWORD_SRP")
    with pytest.raises(NotAuthorizedError):
        await flow.step()
    assert flow.state == "Unauthenticated"  # the SECRET_BLOCK is spent; start again
    await flow.step(PASSWORD)
    assert flow.state == "Authenticated"
    params = script.sent("InitiateAuth")[1]["AuthParameters"]
    assert params["PREFERRED_CHALLENGE"] == "PASSWORD_SRP" and "SRP_A" in params


async def test_refresh_with_rotation_keeps_the_new_refresh_token() -> None:
    script = (Script().on("InitiateAuth", auth_result("eve", refresh="R1"))
              .on("GetTokensFromRefreshToken",
                  {"AuthenticationResult": auth_result("eve", refresh="R2", jti="n")[
                      "AuthenticationResult"]},
                  error("RefreshTokenReuseException", "reused")))
    flow = make(script, client_secret="s" * 30, use_token_rotation=True).sign_in(
        "eve", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    tokens = await flow.refresh()
    assert tokens.refresh_token == "R2"
    assert script.sent("GetTokensFromRefreshToken")[0] == {
        "RefreshToken": "R1", "ClientId": CLIENT, "ClientSecret": "s" * 30}
    with pytest.raises(Exception) as info:
        await flow.refresh()
    assert type(info.value).__name__ == "RefreshTokenReuseError"
    assert flow.state == "SignedOut"


async def test_public_methods_are_serialised() -> None:
    started = 0
    active = 0
    peak = 0

    async def slow_refresh(payload: dict[str, Any]) -> dict[str, Any]:
        nonlocal started, active, peak
        started += 1
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        active -= 1
        return auth_result("fay", jti=f"r{started}")

    script = Script().on("InitiateAuth", auth_result("fay"), *[slow_refresh] * 5)
    flow = make(script).sign_in("fay", "pw", auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    results = await asyncio.gather(*(flow.refresh() for _ in range(5)))
    assert peak == 1 and started == 5 and flow.state == "Authenticated"
    assert len({r.access_token for r in results}) == 5


async def test_hostile_srp_b_is_a_typed_error_and_the_flow_restarts() -> None:
    server = SrpServer("gil-id")

    def hostile(payload: dict[str, Any]) -> dict[str, Any]:
        body = server.challenge(payload["AuthParameters"]["SRP_A"])
        body["ChallengeParameters"]["SRP_B"] = format(srp.N * 2, "x")  # B ≡ 0 (mod N)
        return body

    script = Script().on("InitiateAuth", hostile)
    flow = make(script).sign_in("gil", PASSWORD)
    with pytest.raises(srp.InvalidSrpParameterError) as info:
        await flow.step()
    assert isinstance(info.value, ProtocolViolationError)
    assert flow.state == "Unauthenticated"
    assert not script.sent("RespondToAuthChallenge")  # nothing was answered to a hostile B


async def test_stale_device_during_device_srp_is_retried_without_it() -> None:
    server = SrpServer("hal-id")
    store = MemoryStore()
    auth = make(Script(), store)
    await store.set(auth.sessions.device_key_for("hal"), {
        "device_key": "us-east-1_gone", "device_group_key": "-g", "device_password": "p" * 56})

    def respond(payload: dict[str, Any]) -> dict[str, Any]:
        name = payload["ChallengeName"]
        if name == "PASSWORD_VERIFIER":
            assert server.verify(payload["ChallengeResponses"])
            if "DEVICE_KEY" in payload["ChallengeResponses"]:
                return challenge("DEVICE_SRP_AUTH", {})
            return auth_result("hal-id")
        raise error("ResourceNotFoundException", "Device does not exist.")

    initiate = lambda p: server.challenge(p["AuthParameters"]["SRP_A"])  # noqa: E731
    script = Script().on("InitiateAuth", initiate, initiate).on(
        "RespondToAuthChallenge", respond, respond, respond)
    flow = make(script, store).sign_in("hal", PASSWORD)
    await flow.step()
    assert flow.state == "Authenticated"
    assert [("DEVICE_KEY" in p["AuthParameters"]) for p in script.sent("InitiateAuth")] == [
        True, False]
    assert await store.get(auth.sessions.device_key_for("hal")) is None

"""A stateful scripted Cognito for reliability properties, with one fault on demand.

:class:`StatefulCognito` is a MockTransport handler that answers one user's sign-ins the way
Cognito does, keeping state between requests: USER_PASSWORD_AUTH and USER_SRP_AUTH (the SRP
claim really verified), SMS_MFA, MFA_SETUP with TOTP then SOFTWARE_TOKEN_MFA, remembered devices
(NewDeviceMetadata, ConfirmDevice with the device's verifier, UpdateDeviceStatus, device SRP),
refresh and RevokeToken. Challenge sessions are single-use and spent by five wrong codes; SRP
proofs are single-use; a confirmed device cannot be confirmed twice.

:attr:`StatefulCognito.fault` makes request number ``index`` fail one way (:data:`FAULTS`):

* not processed: ``dropped`` (connection refused, ``sent=False``), ``internal_error`` (HTTP 500),
  ``throttled``;
* processed, then the answer is lost or unusable: ``lost`` (disconnect after writing,
  ``sent=True``), ``timeout``, ``malformed_json``, ``hostile`` (the answer damaged by a
  ``damage`` callable, see hostile_responses.py).

MockTransport never resends, so each fault reaches the flow: the worst case of a real transport.
"""

from __future__ import annotations

import base64
import itertools
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs
from scripted_cognito import auth_result, challenge, error

from authflow import srp
from authflow.protocol.errors import (
    ProtocolViolationError,
    ServiceError,
    TransportError,
    TransportTimeoutError,
    service_error,
)

__all__ = ["FAULTS", "PASSWORD", "POOL_NAME", "Fault", "StatefulCognito"]

PASSWORD = "Correct-Horse-9!"
POOL_NAME = "AbCdEf123"
CODE = "123456"
#: Every way one request can fail.
FAULTS = ("dropped", "internal_error", "throttled", "lost", "timeout", "malformed_json",
          "hostile")
_NOT_PROCESSED = frozenset({"dropped", "internal_error", "throttled"})


@attrs.frozen
class Fault:
    """Request number ``index`` (0-based, every operation counted) fails as ``kind``."""

    index: int
    kind: str


@attrs.define
class _Device:
    group: str
    confirmed: bool = False
    remembered: bool = False
    verifier: int = 0
    salt: bytes = b""


def _fault_error(kind: str, operation: str) -> Exception:
    if kind == "dropped":
        return TransportError(f"{operation}: connection refused", operation=operation, sent=False)
    if kind == "lost":
        return TransportError(f"{operation}: server disconnected", operation=operation, sent=True)
    if kind == "timeout":
        return TransportTimeoutError(f"{operation}: timed out", operation=operation, sent=True)
    if kind == "internal_error":
        return service_error("InternalErrorException", "Internal error", status=500)
    if kind == "throttled":
        return service_error("TooManyRequestsException", "Rate exceeded", status=400)
    assert kind == "malformed_json"
    return ProtocolViolationError(f"{operation}: the HTTP 200 answer is not JSON")


class StatefulCognito:
    """One user (``alice``, internal name ``uid-1``) in one pool; see the module docstring.

    ``mfa`` is ``None``, ``"sms"`` or ``"totp_setup"`` (set up TOTP during the sign-in, then
    SOFTWARE_TOKEN_MFA); ``devices`` turns device tracking on ("user opt-in"); ``damage`` turns
    an answer into a hostile one for the ``hostile`` fault.
    """

    def __init__(
        self,
        *,
        mfa: str | None = None,
        devices: bool = False,
        damage: Callable[[dict[str, Any]], Any] | None = None,
    ) -> None:
        self.mfa = mfa
        self.tracking = devices
        self.damage = damage
        self.fault: Fault | None = None
        self.requests: list[str] = []
        self.injected: list[tuple[str, str]] = []
        self.user_id = "uid-1"
        self._salt = secrets.token_bytes(16)
        self._verifier = srp.compute_verifier(
            pool_name=POOL_NAME, user_id=self.user_id, password=PASSWORD, salt=self._salt)
        self.totp_enabled = False
        self.devices: dict[str, _Device] = {}
        self.access_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self._sessions: dict[str, dict[str, Any]] = {}
        self._spent: set[str] = set()
        self._proofs: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    def __repr__(self) -> str:
        return f"StatefulCognito(mfa={self.mfa!r}, devices={self.tracking}, fault={self.fault})"

    # -- the transport side ----------------------------------------------------------------------

    async def __call__(self, operation: str, payload: dict[str, Any]) -> Any:
        index = len(self.requests)
        self.requests.append(operation)
        fault = self.fault if self.fault is not None and self.fault.index == index else None
        if fault is not None:
            self.injected.append((operation, fault.kind))
        if fault is not None and fault.kind in _NOT_PROCESSED:
            raise _fault_error(fault.kind, operation)
        try:
            answer = self.handle(operation, payload)
        except ServiceError:
            if fault is None or fault.kind == "hostile":
                raise
            raise _fault_error(fault.kind, operation) from None
        if fault is None:
            return answer
        if fault.kind == "hostile":
            assert self.damage is not None
            damaged = self.damage(answer)
            if not isinstance(damaged, dict):  # what a transport makes of a non-object
                raise ProtocolViolationError(f"{operation}: the answer is not a JSON object")
            return damaged
        raise _fault_error(fault.kind, operation)

    def handle(self, operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Answer one request as Cognito would (or raise its ServiceError)."""
        if operation == "InitiateAuth":
            return self._initiate(payload)
        if operation == "RespondToAuthChallenge":
            return self._respond(payload)
        return getattr(self, "_" + operation)(payload)  # type: ignore[no-any-return]

    # -- signing in ------------------------------------------------------------------------------

    def _new_session(self, name: str, **data: Any) -> str:
        token = f"session-{next(self._ids):04d}-" + secrets.token_hex(8)
        self._sessions[token] = {"challenge": name, "failures": 0, **data}
        return token

    def _take(self, token: object, name: str) -> dict[str, Any]:
        if token in self._spent:
            raise error("NotAuthorizedException",
                        "Invalid session for the user, session can only be used once.")
        record = self._sessions.get(token) if isinstance(token, str) else None
        if record is None or record["challenge"] != name:
            raise error("NotAuthorizedException", "Invalid session for the user.")
        return record

    def _spend(self, token: str) -> None:
        self._sessions.pop(token, None)
        self._spent.add(token)

    def _initiate(self, payload: dict[str, Any]) -> dict[str, Any]:
        flow, params = payload["AuthFlow"], payload["AuthParameters"]
        if flow == "REFRESH_TOKEN_AUTH":
            if params.get("REFRESH_TOKEN") not in self.refresh_tokens:
                raise error("NotAuthorizedException", "Invalid Refresh Token")
            return self._tokens(refresh=False)
        device_key = params.get("DEVICE_KEY")
        if device_key is not None and device_key not in self.devices:
            raise error("ResourceNotFoundException", "Device does not exist.")
        if flow == "USER_PASSWORD_AUTH":
            if params.get("PASSWORD") != PASSWORD:
                raise error("NotAuthorizedException", "Incorrect username or password.")
            return self._after_password(device_key)
        assert flow == "USER_SRP_AUTH", flow
        return self._srp_challenge(params["SRP_A"], device_key=None, then_device=device_key)

    def _srp_challenge(
        self, srp_a: str, *, device_key: str | None, then_device: str | None = None
    ) -> dict[str, Any]:
        if device_key is None:
            verifier, salt, name = self._verifier, self._salt, "PASSWORD_VERIFIER"
        else:
            device = self.devices[device_key]
            verifier, salt, name = device.verifier, device.salt, "DEVICE_PASSWORD_VERIFIER"
        server = srp.new_server_ephemeral(verifier)
        block = base64.b64encode(secrets.token_bytes(48)).decode()
        self._proofs[block] = {"server": server, "a": srp_a, "device": device_key,
                               "then_device": then_device}
        params = {"SALT": salt.hex(), "SRP_B": server.srp_b, "SECRET_BLOCK": block,
                  "USERNAME": self.user_id}
        if device_key is None:
            params["USER_ID_FOR_SRP"] = self.user_id
        else:
            params["DEVICE_KEY"] = device_key
        return challenge(name, params, session=self._new_session(name))

    def _verify(self, responses: dict[str, Any]) -> dict[str, Any]:
        proof = self._proofs.pop(str(responses.get("PASSWORD_CLAIM_SECRET_BLOCK")), None)
        if proof is None:
            raise error("NotAuthorizedException", "Incorrect username or password.")
        device_key = proof["device"]
        if device_key is None:
            pool_name, user_id, verifier = POOL_NAME, self.user_id, self._verifier
        else:
            device = self.devices[device_key]
            pool_name, user_id, verifier = device.group, device_key, device.verifier
        good = srp.verify_password_claim(
            pool_name=pool_name, user_id=user_id, verifier=verifier, srp_a_hex=proof["a"],
            server=proof["server"],
            secret_block=base64.b64decode(responses["PASSWORD_CLAIM_SECRET_BLOCK"]),
            timestamp=str(responses.get("TIMESTAMP")),
            signature=str(responses.get("PASSWORD_CLAIM_SIGNATURE")), now=datetime.now(UTC))
        if not good:
            raise error("NotAuthorizedException", "Incorrect username or password.")
        return proof

    def _after_password(self, device_key: str | None) -> dict[str, Any]:
        if device_key is not None and self.devices[device_key].remembered:
            return challenge("DEVICE_SRP_AUTH", {"USERNAME": self.user_id},
                             session=self._new_session("DEVICE_SRP_AUTH", device=device_key))
        if self.mfa == "sms":
            return challenge("SMS_MFA", {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
                                         "CODE_DELIVERY_DESTINATION": "+*******0100"},
                             session=self._new_session("SMS_MFA"))
        if self.mfa == "totp_setup" and self.totp_enabled:
            return challenge("SOFTWARE_TOKEN_MFA", {},
                             session=self._new_session("SOFTWARE_TOKEN_MFA"))
        if self.mfa == "totp_setup":
            return challenge("MFA_SETUP", {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'},
                             session=self._new_session("MFA_SETUP"))
        return self._tokens(new_device=self.tracking and device_key is None)

    def _respond(self, payload: dict[str, Any]) -> dict[str, Any]:
        name, token = payload["ChallengeName"], payload.get("Session")
        responses = payload["ChallengeResponses"]
        record = self._take(token, name)
        if name in ("PASSWORD_VERIFIER", "DEVICE_PASSWORD_VERIFIER"):
            self._spend(token)  # right or wrong, an SRP proof is answered once
            proof = self._verify(responses)
            if name == "DEVICE_PASSWORD_VERIFIER":
                return self._tokens()
            return self._after_password(proof["then_device"])
        if name == "DEVICE_SRP_AUTH":
            self._spend(token)
            return self._srp_challenge(responses["SRP_A"], device_key=record["device"])
        if name in ("SMS_MFA", "SOFTWARE_TOKEN_MFA"):
            if responses.get(f"{name}_CODE") != CODE:
                record["failures"] += 1
                if record["failures"] >= 5:
                    self._spend(token)
                raise error("CodeMismatchException", "Invalid code received for user")
            self._spend(token)
            return self._tokens(new_device=self.tracking)
        assert name == "MFA_SETUP", name
        if not record.get("verified"):
            raise error("InvalidParameterException", "MFA_SETUP needs a verified software token")
        self._spend(token)
        self.totp_enabled = True
        return self._tokens(new_device=self.tracking)

    def _AssociateSoftwareToken(self, payload: dict[str, Any]) -> dict[str, Any]:
        record = self._take(payload.get("Session"), "MFA_SETUP")
        self._spend(str(payload["Session"]))
        return {"SecretCode": "JBSWY3DPEHPK3PXP", "Session": self._new_session("MFA_SETUP",
                                                                                 **record)}

    def _VerifySoftwareToken(self, payload: dict[str, Any]) -> dict[str, Any]:
        record = self._take(payload.get("Session"), "MFA_SETUP")
        if payload.get("UserCode") != CODE:
            raise error("EnableSoftwareTokenMFAException", "Code mismatch")
        self._spend(str(payload["Session"]))
        return {"Status": "SUCCESS",
                "Session": self._new_session("MFA_SETUP", **{**record, "verified": True})}

    # -- tokens and devices ----------------------------------------------------------------------

    def _tokens(self, *, refresh: bool = True, new_device: bool = False) -> dict[str, Any]:
        serial = next(self._ids)
        device = None
        if new_device:
            device = (f"us-east-1_{serial:08d}-0000-4000-8000-000000000000", f"-grp{serial}")
            self.devices[device[0]] = _Device(group=device[1])
        refresh_token = f"refresh-{serial}-" + secrets.token_hex(8) if refresh else None
        answer = auth_result(self.user_id, refresh=refresh_token, device=device,
                             jti=f"a{serial}")
        self.access_tokens.add(answer["AuthenticationResult"]["AccessToken"])
        if refresh_token:
            self.refresh_tokens.add(refresh_token)
        return answer

    def _authorize(self, payload: dict[str, Any]) -> None:
        if payload.get("AccessToken") not in self.access_tokens:
            raise error("NotAuthorizedException", "Invalid Access Token")

    def _ConfirmDevice(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._authorize(payload)
        device = self.devices.get(payload["DeviceKey"])
        if device is None:
            raise error("ResourceNotFoundException", "Device does not exist.")
        if device.confirmed:
            raise error("DeviceKeyExistsException", "Device key already exists.")
        config = payload["DeviceSecretVerifierConfig"]
        device.verifier = int.from_bytes(base64.b64decode(config["PasswordVerifier"]), "big")
        device.salt = int.from_bytes(base64.b64decode(config["Salt"]), "big").to_bytes(16, "big")
        device.confirmed = True
        return {"UserConfirmationNecessary": True}

    def _UpdateDeviceStatus(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._authorize(payload)
        device = self.devices.get(payload["DeviceKey"])
        if device is None or not device.confirmed:
            raise error("ResourceNotFoundException", "Device does not exist.")
        device.remembered = payload["DeviceRememberedStatus"] == "remembered"
        return {}

    def _RevokeToken(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.refresh_tokens.discard(payload["Token"])  # revoking twice is not an error
        return {}

"""A scripted Cognito for flow, session and account tests: queued responses per operation, every
request recorded."""

from __future__ import annotations

import base64
import inspect
import json
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from authflow.protocol.errors import ServiceError, service_error


def fake_jwt(claims: dict[str, Any]) -> str:
    """An unsigned compact JWT carrying ``claims`` (the client only reads claims)."""

    def enc(obj: dict[str, Any]) -> str:
        raw = json.dumps(obj).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return f"{enc({'alg': 'RS256', 'kid': 'k'})}.{enc(claims)}.c2ln"


def auth_result(username: str = "uid-1", *, iat: int = 1_700_000_000, expires_in: int = 3600,
                refresh: str | None = "refresh-token-1", device: tuple[str, str] | None = None,
                jti: str = "a") -> dict[str, Any]:
    result: dict[str, Any] = {
        "AccessToken": fake_jwt({"username": username, "sub": "sub-" + username, "iat": iat,
                                 "jti": jti, "token_use": "access"}),
        "IdToken": fake_jwt({"cognito:username": username, "iat": iat, "token_use": "id"}),
        "ExpiresIn": expires_in,
        "TokenType": "Bearer",
    }
    if refresh:
        result["RefreshToken"] = refresh
    if device:
        result["NewDeviceMetadata"] = {"DeviceKey": device[0], "DeviceGroupKey": device[1]}
    return {"AuthenticationResult": result, "ChallengeParameters": {}}


def challenge(name: str, params: dict[str, str] | None = None, session: str | None = "s" * 24,
              available: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ChallengeName": name, "ChallengeParameters": params or {}}
    if session:
        body["Session"] = session
    if available is not None:
        body["AvailableChallenges"] = available
    return body


def error(code: str, message: str = "") -> ServiceError:
    return service_error(code, message, status=400)


Reply = dict[str, Any] | ServiceError | Callable[[dict[str, Any]], Any]


class Script:
    """Queues replies per operation; a callable reply computes from the request."""

    def __init__(self) -> None:
        self.replies: dict[str, deque[Reply]] = defaultdict(deque)
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def on(self, operation: str, *replies: Reply) -> Script:
        self.replies[operation].extend(replies)
        return self

    def sent(self, operation: str) -> list[dict[str, Any]]:
        return [payload for op, payload in self.calls if op == operation]

    async def __call__(self, operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((operation, json.loads(json.dumps(payload))))
        queue = self.replies.get(operation)
        if not queue:
            raise AssertionError(f"unexpected {operation}")
        reply = queue.popleft()
        if isinstance(reply, ServiceError):
            raise reply
        if callable(reply):
            result = reply(payload)
            if inspect.isawaitable(result):
                result = await result
            return result
        return reply


POOL = "us-east-1_AbCdEf123"
CLIENT = "clientid123"
SECRET = "topsecretclientsecret0123456789"


def scripted_client(script: Script, *, secret: str | None = None, store: Any = None,
                    clock: Any = None, signer: Any = None, **cfg: Any) -> Any:
    """An AuthClient on ``script`` (MockTransport) for POOL/CLIENT, with an optional secret
    (and, with a ``signer``, able to run admin sign-ins)."""
    from authflow import AuthClient, CognitoConfig
    from authflow.storage import MemoryStore
    from authflow.transport import MockTransport

    config = CognitoConfig(user_pool_id=POOL, client_id=CLIENT, client_secret=secret, **cfg)
    kwargs: dict[str, Any] = {}
    if clock is not None:
        kwargs["clock"] = clock
    return AuthClient(config, transport=MockTransport(script, signer=signer),
                      store=store if store is not None else MemoryStore(), **kwargs)

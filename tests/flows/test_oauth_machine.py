"""AuthorizationCodeFlow as a machine, without a server: its table, its guards against misuse,
its fresh secrets, its repr, and its snapshots (hostile ones included)."""

from __future__ import annotations

import base64
import importlib.util
import itertools
import json
import urllib.parse
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authflow import AuthClient, CognitoConfig
from authflow.flows import ALL_FLOWS, AuthorizationCodeFlow, SignInFlow, TransitionEvent
from authflow.flows.oauth_request import AuthorizationCodeSnapshot
from authflow.protocol.errors import InvalidStateError, ValidationError
from authflow.protocol.oauth import s256_challenge

CALLBACK = "https://app.example.com/callback"
CONFIG = CognitoConfig(
    user_pool_id="eu-west-1_AbCdEf123", client_id="webclient1", domain_prefix="my-app"
)


def _flow(**kwargs: Any) -> tuple[AuthClient, AuthorizationCodeFlow]:
    auth = AuthClient(CONFIG)
    return auth, auth.authorize(CALLBACK, **kwargs)


def test_the_table_is_sound_and_exported() -> None:
    assert AuthorizationCodeFlow in ALL_FLOWS
    assert AuthorizationCodeFlow.lint() == []
    assert AuthorizationCodeFlow.STATES == SignInFlow.STATES  # the same five top-level states
    triggers = {spec["trigger"] for spec in AuthorizationCodeFlow.TRANSITIONS}
    assert triggers == {
        "start", "redeem", "denied", "rejected", "refresh", "exchange", "refreshed",
        "refresh_failed", "expired", "sign_out", "cancel",
    }
    machine = AuthorizationCodeFlow._shared_machine()
    assert not any(name.startswith("to_") for name in machine.events)  # auto_transitions off
    assert all("*" not in str(spec["source"]) for spec in AuthorizationCodeFlow.TRANSITIONS)
    diagram = AuthorizationCodeFlow.diagram()
    assert "ChallengePending --> Authenticated: redeem" in diagram
    assert "ChallengePending --> Unauthenticated: denied | rejected" in diagram


async def test_step_builds_the_url_from_fresh_secrets() -> None:
    counter = itertools.count()

    def token_bytes(n: int) -> bytes:
        return bytes([next(counter) % 256]) * n

    auth = AuthClient(CONFIG)
    flow = auth.authorize(CALLBACK, scopes=["openid", "email"], identity_provider="COGNITO")
    flow._token_bytes = token_bytes
    events: list[TransitionEvent] = []
    flow.on_transition(events.append)
    step = await flow.step()
    assert [str(e) for e in events] == [
        "AuthorizationCode: Unauthenticated --start--> ChallengePending"
    ]
    assert step.url is not None and "nonce" not in repr(step) and step.url not in repr(step)
    parts = urllib.parse.urlsplit(step.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/authorize"
    )
    query = dict(urllib.parse.parse_qsl(parts.query))
    request = flow.snapshot()["request"]
    assert query == {
        "response_type": "code",
        "client_id": "webclient1",
        "redirect_uri": CALLBACK,
        "scope": "openid email",
        "state": request["state"],
        "nonce": request["nonce"],
        "code_challenge": s256_challenge(request["code_verifier"]),
        "code_challenge_method": "S256",
        "identity_provider": "COGNITO",
    }
    # the injected randomness, in order: state, nonce, then the PKCE verifier
    assert request["state"] == base64.urlsafe_b64encode(bytes(32)).rstrip(b"=").decode()
    assert request["nonce"] == base64.urlsafe_b64encode(b"\x01" * 32).rstrip(b"=").decode()
    assert request["code_verifier"] == base64.urlsafe_b64encode(b"\x02" * 48).decode()
    for secret in (request["state"], request["nonce"], request["code_verifier"]):
        assert secret not in repr(flow)
    # a second flow gets other secrets from the real random source
    other = auth.authorize(CALLBACK)
    await other.step()
    assert other.snapshot()["request"]["state"] != request["state"]
    await auth.close()


async def test_misuse_is_refused_and_changes_nothing() -> None:
    auth, flow = _flow()
    with pytest.raises(ValidationError):
        await flow.step(CALLBACK + "?code=x&state=y")  # nothing sent yet
    assert flow.state == "Unauthenticated"
    for method in (flow.refresh, flow.sign_out):
        with pytest.raises(InvalidStateError):
            await method()
    await flow.step()
    with pytest.raises(ValidationError):
        await flow.step()  # waiting for the callback
    with pytest.raises(ValidationError):
        await flow.step(CALLBACK + "?code=x")  # no state: never sent anywhere
    assert flow.state == "ChallengePending"
    await flow.cancel()
    assert flow.state == "SignedOut" and flow.finished
    for call in (flow.step, flow.cancel, flow.refresh):
        with pytest.raises(InvalidStateError):
            await call()
    await auth.close()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scopes": "openid"}, "scopes"),
        ({"scopes": ["open id"]}, "scopes"),
        ({"scopes": [None]}, "scopes"),
        ({"identity_provider": ""}, "identity_provider"),
        ({"identity_provider": "Google Workspace"}, "identity_provider"),
        ({"identity_provider": 7}, "identity_provider"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_built(
    kwargs: dict[str, Any], field: str
) -> None:
    auth = AuthClient(CONFIG)
    with pytest.raises(ValidationError) as caught:
        auth.authorize(CALLBACK, **kwargs)
    assert caught.value.field == field


def test_authorize_needs_a_domain_and_the_verify_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    bare = AuthClient(CognitoConfig(user_pool_id="eu-west-1_AbCdEf123", client_id="webclient1"))
    with pytest.raises(ValidationError) as caught:
        bare.authorize(CALLBACK)
    assert caught.value.field == "domain" and bare.oauth is None
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "jwt" else real(name, *a)
    )
    with pytest.raises(InvalidStateError, match="verify"):
        AuthClient(CONFIG).authorize(CALLBACK)


async def test_snapshot_round_trip_and_resume_checks() -> None:
    auth, flow = _flow(scopes=["openid", "profile"])
    await flow.step()
    record = json.loads(json.dumps(flow.snapshot()))
    snap = AuthorizationCodeSnapshot.from_json(record)
    assert snap.to_json() == record and snap.scopes == ("openid", "profile")
    assert "code_verifier" not in repr(snap) and record["request"]["state"] not in repr(snap)
    resumed = await auth.resume(record)
    assert isinstance(resumed, AuthorizationCodeFlow)
    assert resumed.state == "ChallengePending"
    assert resumed.authorization_url == flow.authorization_url
    other_client = AuthClient(
        CognitoConfig(user_pool_id="eu-west-1_AbCdEf123", client_id="other", domain_prefix="x")
    )
    with pytest.raises(ValidationError):
        await other_client.resume(record)
    for broken, field in [
        ({**record, "version": 2}, "version"),
        ({**record, "version": True}, "version"),
        ({**record, "request": None}, "request"),
        ({**record, "request": {**record["request"], "state": 5}}, "request.state"),
        ({**record, "redirect_uri": "javascript:x"}, "redirect_uri"),
        ({**record, "scopes": "openid"}, "scopes"),
        ({**record, "state": "Nowhere"}, "state"),
        ({**record, "state": "Authenticated"}, "session_key"),
    ]:
        with pytest.raises(ValidationError) as caught:
            await auth.resume(broken)
        assert caught.value.field == field, broken
    await auth.close()


JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.text(max_size=20) | st.integers(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=12,
)
MEMBERS = st.sampled_from(
    ["version", "kind", "user_pool_id", "client_id", "state", "redirect_uri", "scopes",
     "identity_provider", "request", "session_key"]
)


@settings(max_examples=200, deadline=None)
@given(changes=st.dictionaries(MEMBERS, JSON, max_size=4))
def test_hostile_snapshots_are_validation_errors(changes: dict[str, Any]) -> None:
    record = {
        "version": 1, "kind": "authorization_code", "user_pool_id": "eu-west-1_AbCdEf123",
        "client_id": "webclient1", "state": "ChallengePending", "redirect_uri": CALLBACK,
        "scopes": ["openid"], "identity_provider": None,
        "request": {"state": "s" * 43, "nonce": "n" * 43, "code_verifier": "v" * 64,
                    "url": "https://x/oauth2/authorize", "created_at": 1.0},
        "session_key": None,
    }
    record.update(changes)
    try:
        snap = AuthorizationCodeSnapshot.from_json(record)
    except ValidationError:
        return
    assert snap.to_json()["kind"] == "authorization_code"

"""The emulator's wiring: handlers registered explicitly per core (no import-time registry), and
per-request data passed as an argument, never left on shared state."""

from __future__ import annotations

from typing import Any

import pytest

from authflow.emulator import EmulatorCore, ManualClock, Triggers
from authflow.emulator._service_model import OPERATION_INPUTS
from authflow.emulator.composition import build_dispatcher, build_signin_router
from authflow.emulator.dispatch import Dispatcher
from authflow.emulator.request_context import RequestContext
from authflow.protocol import AUTH_FLOWS
from authflow.protocol.errors import UnknownOperationError
from authflow.protocol.operations import CHALLENGE_NAMES

from .conftest import PASSWORD, START


def test_every_registered_name_is_cognitos() -> None:
    operations = build_dispatcher().operations()
    assert {"InitiateAuth", "RespondToAuthChallenge", "SignUp", "CreateUserPool"} <= operations
    assert operations <= set(OPERATION_INPUTS)
    router = build_signin_router()
    assert set(router.initiate_auth_handlers) <= AUTH_FLOWS
    assert set(router.challenge_handlers) <= CHALLENGE_NAMES
    assert "PASSWORD_VERIFIER" in router.challenge_handlers


def test_registering_twice_is_a_wiring_mistake() -> None:
    dispatcher = Dispatcher()
    dispatcher.register("GetUser", lambda services, request, body: {})
    with pytest.raises(ValueError, match="GetUser registered twice"):
        dispatcher.register("GetUser", lambda services, request, body: {"again": True})
    dispatcher.register("GetUser", lambda services, request, body: {"again": True}, replace=True)
    assert dispatcher.operations() == frozenset({"GetUser"})
    with pytest.raises(UnknownOperationError):
        dispatcher.handler("SignUp")
    router = build_signin_router()
    with pytest.raises(ValueError, match="registered twice"):
        router.register_challenge("SMS_MFA", router.challenge_handlers["SMS_MFA"])
    with pytest.raises(ValueError, match="no ExplicitAuthFlows value"):
        router.register_initiate_auth("SMS_AUTH", lambda *args: {})
    with pytest.raises(ValueError, match="ADMIN_USER_PASSWORD_AUTH registered twice"):
        router.register_initiate_auth("ADMIN_USER_PASSWORD_AUTH", lambda *args: {})


def test_each_core_has_its_own_handlers() -> None:
    replaced = EmulatorCore()
    untouched = EmulatorCore()

    def no_pools(services: Any, request: Any, body: dict[str, Any]) -> dict[str, Any]:
        return {"UserPool": {"Id": "none", "Name": "none"}}

    replaced.dispatcher.register("CreateUserPool", no_pools, replace=True)
    assert replaced.create_user_pool("p").id == "none"
    assert not replaced.pools
    assert untouched.create_user_pool("p").id.startswith("us-east-1_")
    assert len(untouched.pools) == 1


def test_a_core_can_serve_a_chosen_set_of_operations() -> None:
    only_pools = Dispatcher()
    full = build_dispatcher()
    for name in ("CreateUserPool", "DescribeUserPool"):
        only_pools.register(name, full.handler(name))
    core = EmulatorCore(dispatcher=only_pools)
    pool = core.create_user_pool("small")
    assert core.handle("DescribeUserPool", {"UserPoolId": pool.id})["UserPool"]["Name"] == "small"
    assert core.operations() == {"CreateUserPool", "DescribeUserPool"}
    with pytest.raises(UnknownOperationError):
        core.handle("SignUp", {"ClientId": "x", "Username": "u", "Password": PASSWORD})


def test_client_metadata_belongs_to_its_own_request() -> None:
    seen: list[dict[str, str]] = []

    def pre_sign_up(event: dict[str, Any]) -> dict[str, Any]:
        seen.append(event["request"]["clientMetadata"])
        return event

    core = EmulatorCore(clock=ManualClock(START))
    pool = core.create_user_pool("meta", triggers=Triggers(pre_sign_up=pre_sign_up))
    app = core.create_user_pool_client(pool.id)
    body = {"ClientId": app.id, "Password": PASSWORD}
    core.handle("SignUp", {**body, "Username": "ann", "ClientMetadata": {"step": "one"}})
    core.handle("SignUp", {**body, "Username": "bob"})
    assert seen == [{"step": "one"}, {}]
    assert not hasattr(core, "client_metadata")


def test_request_context_is_read_only() -> None:
    metadata = {"k": "v"}
    request = RequestContext.from_body("SignUp", {"ClientMetadata": metadata})
    metadata["k"] = "changed"
    assert dict(request.client_metadata) == {"k": "v"}
    with pytest.raises(TypeError):
        request.client_metadata["k"] = "x"  # type: ignore[index]
    assert RequestContext.from_body("GetUser", {}).client_metadata == {}
    assert "v" not in repr(request)

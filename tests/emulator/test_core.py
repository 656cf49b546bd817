"""The pure core, called directly: no HTTP, injected clock and randomness."""

from __future__ import annotations

import itertools

import pytest

import authflow.emulator as emulator
from authflow.emulator import EmulatorCore, ManualClock
from authflow.protocol.errors import (
    CodeMismatchError,
    ExpiredCodeError,
    InvalidParameterError,
    NotAuthorizedError,
    UnknownOperationError,
)

from .conftest import PASSWORD, START


def counter_randbytes() -> emulator.RandBytes:
    counter = itertools.count()

    def randbytes(n: int) -> bytes:
        return bytes(next(counter) % 256 for _ in range(n))

    return randbytes


def test_exports_are_pinned() -> None:
    assert sorted(emulator.__all__) == [
        "ClientRef",
        "Clock",
        "Emulator",
        "EmulatorConfig",
        "EmulatorCore",
        "FaultRule",
        "Faults",
        "KeyRotation",
        "ManualClock",
        "Message",
        "Outbox",
        "PoolRef",
        "RandBytes",
        "Triggers",
        "threaded_emulator",
    ]
    for name in set(emulator.__all__) - {"Clock", "RandBytes"}:  # type aliases
        assert getattr(emulator, name).__doc__


def test_sign_up_flow_on_the_core_with_a_manual_clock() -> None:
    clock = ManualClock(START)
    core = EmulatorCore(clock=clock, randbytes=counter_randbytes())
    pool = core.create_user_pool("pure", auto_verified_attributes=["email"])
    app = core.create_user_pool_client(pool.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    out = core.handle(
        "SignUp",
        {
            "ClientId": app.id,
            "Username": "zoe",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "zoe@example.com"}],
        },
    )
    assert out["UserConfirmed"] is False
    message = core.outbox.latest(username="zoe")
    assert message.time == START and message.channel == "EMAIL"
    with pytest.raises(CodeMismatchError):
        core.handle(
            "ConfirmSignUp", {"ClientId": app.id, "Username": "zoe", "ConfirmationCode": "999999x"}
        )
    clock.advance(86400)
    with pytest.raises(ExpiredCodeError):
        core.handle(
            "ConfirmSignUp",
            {"ClientId": app.id, "Username": "zoe", "ConfirmationCode": message.code},
        )
    core.handle("ResendConfirmationCode", {"ClientId": app.id, "Username": "zoe"})
    core.handle(
        "ConfirmSignUp",
        {"ClientId": app.id, "Username": "zoe", "ConfirmationCode": core.outbox[-1].code},
    )
    result = core.handle(
        "InitiateAuth",
        {
            "ClientId": app.id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "zoe", "PASSWORD": PASSWORD},
        },
    )["AuthenticationResult"]
    assert core.handle("GetUser", {"AccessToken": result["AccessToken"]})["Username"] == "zoe"
    clock.advance(3600)
    with pytest.raises(NotAuthorizedError, match="Access Token has expired"):
        core.handle("GetUser", {"AccessToken": result["AccessToken"]})


def test_same_randomness_gives_the_same_ids() -> None:
    def build() -> tuple[str, str]:
        core = EmulatorCore(clock=ManualClock(START), randbytes=counter_randbytes())
        pool = core.create_user_pool("det")
        return pool.id, core.create_user_pool_client(pool.id).id

    assert build() == build()


def test_errors_are_typed() -> None:
    core = EmulatorCore()
    with pytest.raises(UnknownOperationError):
        core.handle("ListWidgets", {})
    with pytest.raises(InvalidParameterError) as info:
        core.handle("SignUp", {"ClientId": "abc"})
    assert info.value.code == "InvalidParameterException"
    assert str(info.value.message).startswith(
        "1 validation error detected: Value null at 'username'"
    )
    assert "InitiateAuth" in core.operations() and "AdminCreateUser" in core.operations()


def test_secrets_stay_out_of_reprs() -> None:
    core = EmulatorCore()
    pool = core.create_user_pool("reprs", auto_verified_attributes=["email"])
    app = core.create_user_pool_client(pool.id, generate_secret=True)
    assert app.secret is not None
    core.handle(
        "AdminCreateUser",
        {
            "UserPoolId": pool.id,
            "Username": "yan",
            "TemporaryPassword": "Temp-Secret-99",
            "UserAttributes": [{"Name": "email", "Value": "yan@example.com"}],
            "DesiredDeliveryMediums": ["EMAIL"],
        },
    )
    state = core.pools[pool.id]
    user = state.users["yan"]
    texts = [repr(core), repr(state), repr(user), repr(app), repr(core.outbox[-1])]
    texts += [repr(state.clients[app.id]), repr(core.outbox), repr(state.access_key)]
    for text in texts:
        assert "Temp-Secret-99" not in text
        assert app.secret not in text
        assert core.outbox[-1].code not in text or core.outbox[-1].code == "Temp-Secret-99"


def test_sms_delivery_masks_the_number() -> None:
    core = EmulatorCore(clock=ManualClock(START))
    pool = core.create_user_pool("sms", auto_verified_attributes=["phone_number", "email"])
    app = core.create_user_pool_client(pool.id)
    out = core.handle(
        "SignUp",
        {
            "ClientId": app.id,
            "Username": "sam",
            "Password": PASSWORD,
            "UserAttributes": [
                {"Name": "phone_number", "Value": "+15555550123"},
                {"Name": "email", "Value": "sam@example.com"},
            ],
        },
    )
    assert out["CodeDeliveryDetails"] == {
        "Destination": "+*******0123",
        "DeliveryMedium": "SMS",
        "AttributeName": "phone_number",
    }
    message = core.outbox.latest(username="+15555550123", purpose="SIGN_UP")
    assert (message.channel, message.username) == ("SMS", "sam")
    with pytest.raises(InvalidParameterError, match="Invalid phone number format"):
        core.handle(
            "SignUp",
            {
                "ClientId": app.id,
                "Username": "tom",
                "Password": PASSWORD,
                "UserAttributes": [{"Name": "phone_number", "Value": "555-0123"}],
            },
        )


def test_layering_emulator_uses_protocol_and_srp_only() -> None:
    import ast
    from pathlib import Path

    root = Path(emulator.__file__).parent
    allowed = ("authflow.emulator", "authflow.protocol", "authflow.srp")
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
                if node.module == "authflow":
                    names = [f"authflow.{alias.name}" for alias in node.names]
            for name in names:
                if name.startswith("authflow"):
                    assert name.startswith(allowed), f"{path.name} imports {name}"

"""A new device's confirmation is best-effort: ConfirmDevice failing after Cognito issued the
tokens (the connection dropped before or after the server acted, every attempt throttled or
answered 5xx, a bare 502) never fails the sign-in nor strands the flow. The flow reaches
Authenticated with its session stored, ``flow.device_pending`` is set, and
``flow.confirm_device()`` later confirms the device (with the verifier sent the first time, so an
attempt whose answer was lost counts), after which the next sign-in proves it with device SRP.
Against the emulator over HTTP, with its fault injection."""

from __future__ import annotations

import pytest
from emulated_cognito import RequestLog, client
from emulator.conftest import PASSWORD, make_user

from authflow import AuthClient, InvalidStateError, NotAuthorizedError, SignInFlow
from authflow.emulator import Emulator, ManualClock
from authflow.protocol.jwt import jwt_claims

DEVICES = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}
#: (fault, how many ConfirmDevice attempts it spoils: the transport resends throttling and
#: InternalErrorException, never a non-idempotent request whose outcome is unknown)
FAULTS = [("drop", 1), ("drop_after", 1), ("bad_gateway", 1), ("throttle", 3),
          ("internal_error", 3)]


@pytest.mark.parametrize(("fault", "times"), FAULTS)
@pytest.mark.parametrize("auth_flow", ["USER_PASSWORD_AUTH", "USER_SRP_AUTH"])
async def test_a_failed_confirm_device_keeps_the_sign_in(
    emu: Emulator, clock: ManualClock, fault: str, times: int, auth_flow: str
) -> None:
    pool = emu.create_user_pool("devices", device_configuration=DEVICES)
    make_user(emu, pool.id, "dee")
    async with client(emu, clock, pool_id=pool.id) as auth:
        emu.faults.add(fault, operation="ConfirmDevice", times=times)
        flow = auth.sign_in("dee", PASSWORD, auth_flow=auth_flow, remember_device=True)
        step = await flow.step()
        assert step.state == flow.state == "Authenticated"
        assert emu.faults.injected[-1] == ("ConfirmDevice", fault)
        assert flow.tokens is not None and flow.session_key is not None
        assert await auth.access_token(flow.session_key) == flow.tokens.access_token
        assert flow.device_pending
        record = await auth.sessions.load(flow.session_key)
        assert record is not None and record.device_key is None  # not the session's device yet
        me = auth.account(flow.session_key)
        confirmed = (await me.list_devices()).devices
        assert len(confirmed) == (1 if fault == "drop_after" else 0)  # the lost answer's work

        await flow.confirm_device()
        assert not flow.device_pending
        (device,) = (await me.list_devices()).devices
        record = await auth.sessions.load(flow.session_key)
        assert record is not None and record.device_key == device.device_key
        with pytest.raises(InvalidStateError):
            await flow.confirm_device()  # nothing pending any more

        # the next sign-in authenticates the device with the secret the retry kept
        requests = RequestLog(emu)
        again = auth.sign_in("dee", PASSWORD, auth_flow=auth_flow)
        await again.step()
        assert again.state == "Authenticated" and again.tokens is not None
        assert jwt_claims(again.tokens.access_token)["device_key"] == device.device_key
        assert "ConfirmDevice" not in requests.operations


async def pending_device(
    emu: Emulator, auth: AuthClient, user: str, fault: str, operation: str
) -> SignInFlow:
    """A signed-in flow whose new device is pending: ``fault`` spoiled every attempt at
    ``operation`` (three: the transport resends throttling and InternalErrorException)."""
    emu.faults.add(fault, operation=operation, times=3)
    flow = auth.sign_in(user, PASSWORD, remember_device=True)
    await flow.step()
    assert flow.state == "Authenticated" and flow.tokens is not None and flow.device_pending
    return flow


async def test_a_refused_confirmation_is_not_retried(emu: Emulator, clock: ManualClock) -> None:
    # a definitive refusal (the access token was revoked meanwhile) drops the pending device
    pool = emu.create_user_pool("devices", device_configuration=DEVICES)
    make_user(emu, pool.id, "eli")
    async with client(emu, clock, pool_id=pool.id) as auth:
        flow = await pending_device(emu, auth, "eli", "throttle", "ConfirmDevice")
        assert flow.tokens is not None
        await auth.transport.send("GlobalSignOut", {"AccessToken": flow.tokens.access_token})
        with pytest.raises(NotAuthorizedError):
            await flow.confirm_device()
        assert not flow.device_pending


async def test_only_what_failed_is_retried(emu: Emulator, clock: ManualClock) -> None:
    # ConfirmDevice worked, remembering the device (UpdateDeviceStatus) did not
    pool = emu.create_user_pool("devices", device_configuration=DEVICES)
    make_user(emu, pool.id, "fay")
    async with client(emu, clock, pool_id=pool.id) as auth:
        flow = await pending_device(emu, auth, "fay", "internal_error", "UpdateDeviceStatus")
        requests = RequestLog(emu)
        await flow.confirm_device()
        assert requests.operations == ["UpdateDeviceStatus"] and not flow.device_pending
        again = auth.sign_in("fay", PASSWORD)
        await again.step()
        assert again.tokens is not None and "device_key" in jwt_claims(again.tokens.access_token)

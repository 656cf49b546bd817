"""What a service operator sees in its log at INFO while users sign in: nothing from authflow's
machines (transitions would log a line per callback phase of every step), and never a secret."""

from __future__ import annotations

import logging

import pytest
from emulated_cognito import PASSWORD, client, confirmed_user

from authflow.emulator import Emulator, ManualClock
from authflow.protocol.errors import CodeMismatchError


class Collect(logging.Handler):
    """What ``logging.basicConfig(level=logging.INFO)`` would print: a handler of level NOTSET
    on a root logger at INFO (so a record merely relabelled DEBUG would still be printed)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_a_whole_sign_in_logs_nothing_at_info(
    emu: Emulator, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    collect = Collect()
    logging.getLogger().addHandler(collect)
    try:
        await sign_in_with_a_wrong_code_refresh_and_sign_out(emu, clock)
    finally:
        logging.getLogger().removeHandler(collect)
    text = "\n".join(f"{r.name} {r.levelname} {r.getMessage()}" for r in collect.records)
    assert [r for r in collect.records if r.name.startswith("transitions")] == [], text
    assert [r for r in collect.records if r.name.startswith("authflow")] == [], text


async def sign_in_with_a_wrong_code_refresh_and_sign_out(emu: Emulator, clock: ManualClock) -> None:
    auth = client(emu, clock)
    pool_id = auth.config.user_pool_id
    emu.handle("SetUserPoolMfaConfig", {"UserPoolId": pool_id, "MfaConfiguration": "ON",
                                        "SmsMfaConfiguration": {}})
    async with auth:
        await confirmed_user(auth, "olga")
        emu.handle("AdminUpdateUserAttributes", {"UserPoolId": pool_id, "Username": "olga",
                                                 "UserAttributes": [{"Name": "phone_number",
                                                                     "Value": "+15555550123"}]})
        emu.handle("AdminSetUserMFAPreference", {"UserPoolId": pool_id, "Username": "olga",
                                                 "SMSMfaSettings": {"Enabled": True}})
        flow = auth.sign_in("olga", PASSWORD)
        step = await flow.step()
        assert step.challenge == "SMS_MFA"
        code = emu.outbox.latest(username="olga", purpose="MFA").code
        with pytest.raises(CodeMismatchError):
            await flow.step(f"{(int(code) + 1) % 1_000_000:06d}")
        await flow.step(code)
        await flow.refresh()
        await flow.sign_out()
    assert flow.state == "SignedOut"


async def test_machine_detail_is_still_there_at_debug(
    emu: Emulator, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    auth = client(emu, clock)
    async with auth:
        await confirmed_user(auth, "pia")
        flow = auth.sign_in("pia", PASSWORD)
        await flow.step()
    detail = [r for r in caplog.records if r.name == "authflow.flows.machine"]
    assert any("Finished processing state Authenticated enter" in r.getMessage() for r in detail)
    assert all(r.levelno == logging.DEBUG for r in detail)
    assert not any(PASSWORD in r.getMessage() for r in caplog.records)
    assert not any(r.name.startswith("transitions") for r in caplog.records)

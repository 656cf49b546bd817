"""USER_SRP_AUTH → PASSWORD_VERIFIER against an SRP client written in the test from the shared
vectors' formulas (``srp_client``), over boto3: success and every refusal."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from authflow.emulator import Emulator, ManualClock

from .conftest import PASSWORD, error_of, make_user
from .srp_client import N, SrpClient, secret_hash, timestamp

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "srp.json").read_text())
WRONG = ("NotAuthorizedException", "Incorrect username or password.")


def test_the_test_client_reproduces_the_shared_vector() -> None:
    v = VECTORS["user_srp"]
    client = SrpClient(v["pool_id"], a=int(v["a_hex"], 16))
    assert int(client.srp_a, 16) == int(v["A_hex_SRP_A"], 16)
    inputs = {
        "user_id": v["user_id_for_srp"],
        "password": v["password"],
        "salt_hex": v["salt_hex"],
        "srp_b": v["B_hex_SRP_B"],
    }
    assert client.key(**inputs).hex() == v["hkdf_key_hex"]
    signature = client.signature(
        **inputs, secret_block=v["secret_block_b64"], timestamp=v["timestamp"]
    )
    assert signature == v["PASSWORD_CLAIM_SIGNATURE"]
    instant = datetime(2025, 3, 3, 9, 5, 7, tzinfo=UTC).timestamp()
    assert timestamp(instant) == v["timestamp"]


class Srp:
    """Drives the two SRP steps through boto3."""

    def __init__(self, cognito: Any, pool_id: str, client_id: str, clock: ManualClock) -> None:
        self.cognito = cognito
        self.pool_id = pool_id
        self.client_id = client_id
        self.clock = clock

    def start(self, username: str, client: SrpClient | None = None, **extra: str) -> Any:
        client = client or SrpClient(self.pool_id)
        self.last = client
        return self.cognito.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": username, "SRP_A": client.srp_a, **extra},
        )

    def answer(self, params: dict[str, str], password: str = PASSWORD, **extra: str) -> Any:
        responses = {**self.last.responses(params, password, self.clock()), **extra}
        return self.respond(responses)

    def respond(self, responses: dict[str, str]) -> Any:
        return self.cognito.respond_to_auth_challenge(
            ClientId=self.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=responses,
        )

    def sign_in(self, username: str, password: str = PASSWORD) -> Any:
        challenge = self.start(username)
        return self.answer(challenge["ChallengeParameters"], password)


@pytest.fixture
def pool(temu: Emulator) -> Any:
    return temu.create_user_pool("srp", alias_attributes=["email"])


@pytest.fixture
def srp(temu: Emulator, cognito: Any, pool: Any, clock: ManualClock) -> Srp:
    app = temu.create_user_pool_client(pool.id)  # default flows: SRP, refresh, custom
    make_user(temu, pool.id, "alice", email="alice@example.com", email_verified="true")
    return Srp(cognito, pool.id, app.id, clock)


def test_srp_sign_in(srp: Srp, cognito: Any) -> None:
    challenge = srp.start("alice@example.com")  # an alias resolves to the internal name
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "Session" not in challenge
    params = challenge["ChallengeParameters"]
    assert set(params) == {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"}
    assert params["USER_ID_FOR_SRP"] == params["USERNAME"] == "alice"
    assert len(params["SALT"]) == 32 and int(params["SRP_B"], 16) % N
    base64.b64decode(params["SECRET_BLOCK"], validate=True)
    result = srp.answer(params)
    tokens = result["AuthenticationResult"]
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"


def test_wrong_password_and_lockout(srp: Srp, clock: ManualClock) -> None:
    for _ in range(5):
        assert error_of(lambda: srp.sign_in("alice", "Wrong-Horse-9!")) == WRONG
    assert error_of(lambda: srp.sign_in("alice")) == (
        "NotAuthorizedException",
        "Password attempts exceeded",
    )
    clock.advance(2)
    assert srp.sign_in("alice")["AuthenticationResult"]


def test_secret_block_is_single_use(srp: Srp) -> None:
    params = srp.start("alice")["ChallengeParameters"]
    responses = srp.last.responses(params, PASSWORD, srp.clock())
    assert srp.respond(responses)["AuthenticationResult"]
    assert error_of(lambda: srp.respond(responses)) == WRONG
    # Even a failed attempt spends the block.
    params = srp.start("alice")["ChallengeParameters"]
    error_of(lambda: srp.answer(params, "Wrong-Horse-9!"))
    assert error_of(lambda: srp.answer(params)) == WRONG


def test_forged_secret_block_and_user_mismatch(temu: Emulator, srp: Srp) -> None:
    make_user(temu, srp.pool_id, "bob")
    params = srp.start("alice")["ChallengeParameters"]
    forged = {**params, "SECRET_BLOCK": base64.b64encode(b"x" * 64).decode()}
    assert error_of(lambda: srp.answer(forged)) == WRONG
    params = srp.start("alice")["ChallengeParameters"]
    responses = srp.last.responses(params, PASSWORD, srp.clock())
    assert error_of(lambda: srp.respond({**responses, "USERNAME": "bob"})) == WRONG


def test_timestamp_rules(srp: Srp, clock: ManualClock) -> None:
    params = srp.start("alice")["ChallengeParameters"]
    now = timestamp(clock())
    padded = now.replace(" 1 ", "  1 ")  # 2026-01-01: a space-padded day does not parse
    assert error_of(lambda: srp.respond(srp.last.responses(params, PASSWORD, 0, ts=padded))) == (
        "InvalidParameterException",
        "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
    )
    params = srp.start("alice")["ChallengeParameters"]
    zero = now.replace(" 1 ", " 01 ")  # parses, but the HMAC is over the canonical form
    assert error_of(lambda: srp.respond(srp.last.responses(params, PASSWORD, 0, ts=zero))) == WRONG
    params = srp.start("alice")["ChallengeParameters"]
    stale = timestamp(clock() - 600)
    assert error_of(lambda: srp.respond(srp.last.responses(params, PASSWORD, 0, ts=stale))) == WRONG


def test_challenge_expires(srp: Srp, clock: ManualClock) -> None:
    params = srp.start("alice")["ChallengeParameters"]
    clock.advance(181)
    assert error_of(lambda: srp.answer(params)) == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )


def test_hostile_srp_a(srp: Srp) -> None:
    for bad in ("0", format(N, "x"), format(2 * N, "x")):
        code, _ = error_of(
            lambda bad=bad: srp.cognito.initiate_auth(
                ClientId=srp.client_id,
                AuthFlow="USER_SRP_AUTH",
                AuthParameters={"USERNAME": "alice", "SRP_A": bad},
            )
        )
        assert code == "InvalidParameterException"


def test_unknown_user_legacy_and_simulated(temu: Emulator, cognito: Any, pool: Any) -> None:
    legacy = Srp(cognito, pool.id, temu.create_user_pool_client(pool.id).id, ManualClock())
    assert error_of(lambda: legacy.start("ghost")) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    hidden_app = temu.create_user_pool_client(pool.id, prevent_user_existence_errors="ENABLED")
    hidden = Srp(cognito, pool.id, hidden_app.id, legacy.clock)
    first = hidden.start("ghost")["ChallengeParameters"]
    second = hidden.start("ghost")["ChallengeParameters"]
    other = hidden.start("phantom")["ChallengeParameters"]
    # A stable fake identity per name, like a real user's.
    assert first["SALT"] == second["SALT"] and first["USER_ID_FOR_SRP"] == second["USER_ID_FOR_SRP"]
    assert first["SALT"] != other["SALT"]
    assert first["SRP_B"] != second["SRP_B"]
    assert error_of(lambda: hidden.answer(second)) == WRONG


def test_secret_client_hashes_the_srp_username(
    temu: Emulator, cognito: Any, clock: ManualClock
) -> None:
    pool = temu.create_user_pool("emails", username_attributes=["email"])
    app = temu.create_user_pool_client(pool.id, generate_secret=True)
    assert app.secret is not None
    sub = make_user(temu, pool.id, "carol@example.com")["Username"]
    srp = Srp(cognito, pool.id, app.id, clock)
    assert error_of(lambda: srp.start("carol@example.com"))[1] == (
        f"Client {app.id} is configured for secret but secret was not received"
    )
    params = srp.start(
        "carol@example.com", SECRET_HASH=secret_hash(app.secret, "carol@example.com", app.id)
    )["ChallengeParameters"]
    assert params["USER_ID_FOR_SRP"] == sub  # the internal name, not the e-mail typed
    assert error_of(
        lambda: srp.answer(params, SECRET_HASH=secret_hash(app.secret, "carol@example.com", app.id))
    ) == ("NotAuthorizedException", f"Unable to verify secret hash for client {app.id}")
    params = srp.start(
        "carol@example.com", SECRET_HASH=secret_hash(app.secret, "carol@example.com", app.id)
    )["ChallengeParameters"]
    result = srp.answer(params, SECRET_HASH=secret_hash(app.secret, sub, app.id))
    assert result["AuthenticationResult"]["RefreshToken"]


def test_srp_leads_to_new_password_required(temu: Emulator, cognito: Any, srp: Srp) -> None:
    cognito.admin_create_user(
        UserPoolId=srp.pool_id,
        Username="dave",
        TemporaryPassword="Temp-Pass-123",
        MessageAction="SUPPRESS",
    )
    result = srp.sign_in("dave", "Temp-Pass-123")
    assert result["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    done = cognito.respond_to_auth_challenge(
        ClientId=srp.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=result["Session"],
        ChallengeResponses={"USERNAME": "dave", "NEW_PASSWORD": "Fresh-Start-42"},
    )
    assert done["AuthenticationResult"]["AccessToken"]
    assert srp.sign_in("dave", "Fresh-Start-42")["AuthenticationResult"]


def test_unconfirmed_user_after_correct_srp(temu: Emulator, cognito: Any, srp: Srp) -> None:
    cognito.sign_up(ClientId=srp.client_id, Username="erin", Password=PASSWORD)
    assert error_of(lambda: srp.sign_in("erin", "Wrong-Horse-9!")) == WRONG
    assert error_of(lambda: srp.sign_in("erin")) == (
        "UserNotConfirmedException",
        "User is not confirmed.",
    )

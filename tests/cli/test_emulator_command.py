"""``python -m authflow.emulator``: one JSON start line, a ready pool and client, clean stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[2]


def test_cli_prints_one_json_line_and_serves_until_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "authflow.emulator", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        info = json.loads(line)
        assert set(info) == {"endpoint", "user_pool_id", "client_id"}
        assert info["endpoint"].startswith("http://127.0.0.1:")
        assert not info["endpoint"].endswith(":0")
        with urllib.request.urlopen(info["endpoint"] + "/_emulator/health", timeout=5) as resp:
            assert resp.status == 200
        cognito = boto3.client(
            "cognito-idp",
            endpoint_url=info["endpoint"],
            region_name=info["user_pool_id"].split("_")[0],
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        out = cognito.sign_up(
            ClientId=info["client_id"],
            Username="cli-user",
            Password="Correct-Horse-9!",
            UserAttributes=[{"Name": "email", "Value": "cli@example.com"}],
        )
        assert out["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
        url = info["endpoint"] + "/_emulator/outbox?username=cli-user"
        with urllib.request.urlopen(url, timeout=5) as resp:
            (message,) = json.load(resp)["messages"]
        cognito.confirm_sign_up(
            ClientId=info["client_id"], Username="cli-user", ConfirmationCode=message["code"]
        )
        tokens = cognito.initiate_auth(
            ClientId=info["client_id"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "cli-user", "PASSWORD": "Correct-Horse-9!"},
        )["AuthenticationResult"]
        assert tokens["AccessToken"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    assert proc.stdout.read() == ""  # exactly one line

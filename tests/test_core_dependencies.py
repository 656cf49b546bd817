"""`import authflow` and a whole SRP sign-in work with only the four core dependencies.

A subprocess blocks every optional package (the import fails as if it were not installed) and
then signs in with SRP against a scripted server, so the pure-Python fallback path is what runs.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent(
    """
    import importlib.abc, sys
    BLOCKED = {"gmpy2", "cryptography", "pyotp", "redis", "boto3", "botocore", "moto",
               "hypothesis", "pycognito", "pytest"}

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r} (blocked)")
            return None

    sys.meta_path.insert(0, Block())

    import asyncio, secrets
    from datetime import datetime, timezone
    import authflow
    from authflow import AuthClient, CognitoConfig
    from authflow import srp
    from authflow.transport import MockTransport
    from authflow.transport.aiohttp import AiohttpTransport  # core: aiohttp

    assert srp.get_backend() == "pure", srp.get_backend()
    POOL = "us-east-1_AbCdEf123"
    salt = secrets.token_bytes(16)
    verifier = srp.compute_verifier(pool_name="AbCdEf123", user_id="uid", password="pw-1", salt=salt)
    state = {}

    def handler(op, payload):
        if op == "InitiateAuth":
            a_hex = payload["AuthParameters"]["SRP_A"]
            server = srp.new_server_ephemeral(verifier)
            state.update(server=server, a=a_hex, block=secrets.token_bytes(32))
            import base64
            return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {
                "SALT": salt.hex(), "SRP_B": server.srp_b, "USER_ID_FOR_SRP": "uid",
                "USERNAME": "uid", "SECRET_BLOCK": base64.b64encode(state["block"]).decode()}}
        r = payload["ChallengeResponses"]
        ok = srp.verify_password_claim(
            pool_name="AbCdEf123", user_id="uid", verifier=verifier, srp_a_hex=state["a"],
            server=state["server"], secret_block=state["block"], timestamp=r["TIMESTAMP"],
            signature=r["PASSWORD_CLAIM_SIGNATURE"], now=datetime.now(timezone.utc))
        assert ok, "claim rejected"
        import base64, json
        claims = base64.urlsafe_b64encode(json.dumps({"username": "uid"}).encode()).decode()
        token = "e30." + claims.rstrip("=") + ".c2ln"
        return {"AuthenticationResult": {"AccessToken": token, "ExpiresIn": 3600,
                                         "RefreshToken": "r"}}

    async def main():
        cfg = CognitoConfig(user_pool_id=POOL, client_id="client1")
        async with AuthClient(cfg, transport=MockTransport(handler)) as auth:
            flow = auth.sign_in("alice", "pw-1")
            await flow.step()
            assert flow.state == "Authenticated", flow.state
        print("OK", sorted(m.split(".")[0] for m in sys.modules if m.split(".")[0] in BLOCKED))

    if __name__ == "__main__":
        asyncio.run(main())
    """
)


def test_core_dependencies_are_enough(tmp_path: Path) -> None:
    script = tmp_path / "core_only.py"
    script.write_text(SCRIPT)
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "OK []"

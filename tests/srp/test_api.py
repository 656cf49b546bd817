"""The public surface of authflow.srp: pinned names, docstrings, secret-free reprs, layering."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

from srp_support import SRP

import authflow.srp as srp
from authflow.srp import (
    DeviceSecret,
    PasswordClaim,
    ServerEphemeral,
    SrpEphemeral,
    compute_verifier,
    generate_device_secret,
    new_ephemeral,
    new_server_ephemeral,
    parse_timestamp,
    password_claim,
)

USER = SRP["user_srp"]
ROOT = Path(__file__).resolve().parents[2]


def python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that imports this checkout's authflow."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path, **env},
    )

# Other layers code against these names; changing the list is an API change.
EXPECTED = {
    "CognitoSRPContext", "DeviceSecret", "G", "InvalidSrpParameterError", "K", "N",
    "PRIVATE_VALUE_BYTES", "PasswordClaim", "ServerEphemeral", "SrpEphemeral", "SrpError",
    "TimestampFormatError", "available_backends", "compute_verifier", "compute_verifier_async",
    "device_password_claim", "device_password_claim_async", "format_timestamp",
    "generate_device_secret", "generate_device_secret_async", "get_backend", "new_ephemeral",
    "new_ephemeral_async", "new_server_ephemeral", "new_server_ephemeral_async", "pad_hex",
    "parse_timestamp", "password_claim", "password_claim_async", "set_backend", "set_executor",
    "shutdown_executors", "verify_password_claim", "verify_password_claim_async",
}


def test_all_is_pinned() -> None:
    assert set(srp.__all__) == EXPECTED
    assert len(srp.__all__) == len(EXPECTED)
    for name in srp.__all__:
        assert hasattr(srp, name)


def test_every_public_callable_has_a_docstring() -> None:
    for name in srp.__all__:
        obj = getattr(srp, name)
        if callable(obj):
            assert inspect.getdoc(obj), name
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and (callable(member) or isinstance(member, property)):
                    assert inspect.getdoc(member), f"{name}.{attr}"


def test_async_twins_take_the_same_arguments() -> None:
    for name in ("new_ephemeral", "password_claim", "device_password_claim", "compute_verifier",
                 "new_server_ephemeral", "verify_password_claim", "generate_device_secret"):
        sync = inspect.signature(getattr(srp, name))
        twin = inspect.signature(getattr(srp, name + "_async"))
        assert list(sync.parameters) == list(twin.parameters), name
        assert inspect.iscoroutinefunction(getattr(srp, name + "_async"))


def test_reprs_hold_no_secrets() -> None:
    eph = new_ephemeral()
    assert str(eph.a) not in repr(eph) and format(eph.a, "x") not in repr(eph)
    assert f"A=0x{eph.srp_a[:8]}…" in repr(eph)  # public, abbreviated

    v = compute_verifier(pool_name="P", user_id="u", password="hunter22", salt=b"\x01")
    server = new_server_ephemeral(v)
    assert str(server.b) not in repr(server) and format(server.b, "x") not in repr(server)

    claim = password_claim(
        pool_name=USER["pool_name_part"],
        user_id=USER["user_id_for_srp"],
        password=USER["password"],
        ephemeral=eph,
        salt_hex=USER["salt_hex"],
        srp_b_hex=USER["B_hex_SRP_B"],
        secret_block=USER["secret_block_b64"],
        now=parse_timestamp(USER["timestamp"]),
    )
    assert isinstance(claim, PasswordClaim)
    assert claim.signature not in repr(claim) and USER["password"] not in repr(claim)

    secret = generate_device_secret("-AbCdEfGh", "us-east-1_0f1e2d3c")
    assert isinstance(secret, DeviceSecret)
    assert secret.device_password not in repr(secret)
    assert isinstance(server, ServerEphemeral) and isinstance(eph, SrpEphemeral)


def test_values_are_frozen() -> None:
    import attrs
    import pytest

    eph = new_ephemeral()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        eph.a = 1  # type: ignore[misc]


def test_layering() -> None:
    """authflow.srp pulls in only srptools, attrs, optional gmpy2 and the pure protocol package
    (importing authflow.protocol.errors runs authflow/protocol/__init__.py, which is pure too)."""
    code = (
        "import sys; import authflow.srp;"
        "mods = {m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names);"
        "print(sorted(mods));"
        "print(sorted(m for m in sys.modules if m.startswith('authflow')))"
    )
    result = python(code)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    third_party = {
        m for m in eval(out[0]) if not m.startswith("__editable__")  # pip's editable finder
    } - {"authflow", "_distutils_hack", "__main__", "__mp_main__"}
    assert third_party <= {"srptools", "attrs", "attr", "gmpy2"}, third_party
    ours = {m for m in eval(out[1]) if not m.startswith("authflow.srp")}
    assert all(m in ("authflow", "authflow._version") or m.startswith("authflow.protocol")
               for m in ours), ours


def test_backend_environment_variable() -> None:
    def backend_with(value: str) -> subprocess.CompletedProcess[str]:
        code = "import authflow.srp as s; print(s.get_backend())"
        return python(code, AUTHFLOW_SRP_BACKEND=value)

    assert backend_with("pure").stdout.strip() == "pure"
    assert backend_with("auto").stdout.strip() in srp.available_backends()
    bad = backend_with("bogus")
    assert bad.returncode != 0 and "unknown SRP backend" in bad.stderr

"""An SRP client written out from the shared vectors' formulas (docs/protocol-notes.md §3.2),
independent of both ``authflow.srp`` and the emulator: hashlib, hmac and pow only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G = 2
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def pad(n: int) -> bytes:
    """padHex as bytes: minimal big-endian two's complement of a non-negative integer."""
    raw = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def h(*parts: bytes) -> bytes:
    return hashlib.sha256(b"".join(parts)).digest()


K = int.from_bytes(h(pad(N), pad(G)), "big")


def timestamp(epoch: float) -> str:
    """Java's ``EEE MMM d HH:mm:ss z yyyy`` in UTC, English, day not padded."""
    t = datetime.fromtimestamp(epoch, UTC)
    return (
        f"{_DAYS[t.weekday()]} {_MONTHS[t.month - 1]} {t.day} "
        f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} UTC {t.year}"
    )


def secret_hash(secret: str, username: str, client_id: str) -> str:
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


class SrpClient:
    def __init__(self, pool_id: str, a: int | None = None) -> None:
        self.pool_name = pool_id.split("_", 1)[1]
        self.a = a if a is not None else secrets.randbits(1024) % N
        self.A = pow(G, self.a, N)

    @property
    def srp_a(self) -> str:
        return format(self.A, "x")

    def key(self, *, user_id: str, password: str, salt_hex: str, srp_b: str) -> bytes:
        B = int(srp_b, 16)
        assert B % N != 0
        u = int.from_bytes(h(pad(self.A), pad(B)), "big")
        assert u != 0
        inner = h(f"{self.pool_name}{user_id}:{password}".encode())
        x = int.from_bytes(h(pad(int(salt_hex, 16)), inner), "big")
        S = pow((B - K * pow(G, x, N)) % N, self.a + u * x, N)
        prk = hmac.new(pad(u), pad(S), hashlib.sha256).digest()
        return hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]

    def signature(
        self,
        *,
        user_id: str,
        password: str,
        salt_hex: str,
        srp_b: str,
        secret_block: str,
        timestamp: str,
    ) -> str:
        key = self.key(user_id=user_id, password=password, salt_hex=salt_hex, srp_b=srp_b)
        msg = (
            self.pool_name.encode()
            + user_id.encode()
            + base64.b64decode(secret_block)
            + timestamp.encode()
        )
        return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()

    def responses(
        self, params: dict[str, str], password: str, now: float, *, ts: str | None = None
    ) -> dict[str, str]:
        """ChallengeResponses answering a PASSWORD_VERIFIER challenge."""
        ts = ts or timestamp(now)
        user_id = params["USER_ID_FOR_SRP"]
        return {
            "USERNAME": user_id,
            "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
            "TIMESTAMP": ts,
            "PASSWORD_CLAIM_SIGNATURE": self.signature(
                user_id=user_id,
                password=password,
                salt_hex=params["SALT"],
                srp_b=params["SRP_B"],
                secret_block=params["SECRET_BLOCK"],
                timestamp=ts,
            ),
        }

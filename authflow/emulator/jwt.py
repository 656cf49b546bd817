"""RS256 JSON Web Tokens signed with ``cryptography`` directly (no JWT library).

Each user pool owns two RSA-2048 key pairs, one for ID tokens and one for access tokens, as Cognito
does; both are published in the pool's JWKS. Keys are generated lazily, on the first token or JWKS
request for the pool.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

__all__ = ["SigningKey", "at_hash", "b64url_decode", "b64url_encode", "decode_jwt", "sign_jwt"]


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; :class:`ValueError` when malformed."""
    if not text or any(c not in _B64URL for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def at_hash(access_token: str) -> str:
    """OpenID Connect ``at_hash`` of an RS256-signed access token: base64url of the left half of
    its SHA-256."""
    return b64url_encode(hashlib.sha256(access_token.encode("ascii")).digest()[:16])


def _int_b64(value: int) -> str:
    return b64url_encode(value.to_bytes((value.bit_length() + 7) // 8, "big"))


class SigningKey:
    """An RSA key pair with its ``kid``; the private half never appears in a repr."""

    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        self._private = private_key
        self.public_key = private_key.public_key()
        der = self.public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh RSA-2048 key (e = 65537)."""
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def sign(self, data: bytes) -> bytes:
        """RSASSA-PKCS1-v1_5 with SHA-256 (JWS ``RS256``)."""
        return self._private.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def verify(self, data: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's RS256 signature of ``data``."""
        try:
            self.public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True

    def jwk(self) -> dict[str, str]:
        """The public key as a JWKS entry."""
        numbers = self.public_key.public_numbers()
        return {
            "alg": "RS256",
            "e": _int_b64(numbers.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": _int_b64(numbers.n),
            "use": "sig",
        }

    def __repr__(self) -> str:
        return f"<SigningKey kid={self.kid!r}>"


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_jwt(key: SigningKey, claims: dict[str, Any]) -> str:
    """A compact JWS: header ``{"kid", "alg": "RS256"}``, ``claims`` as payload."""
    signing_input = (
        b64url_encode(_json({"kid": key.kid, "alg": "RS256"})) + "." + b64url_encode(_json(claims))
    )
    return signing_input + "." + b64url_encode(key.sign(signing_input.encode("ascii")))


def decode_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Split a compact JWS into ``(header, claims, signing_input, signature)`` without verifying.

    Raises :class:`ValueError` for anything that is not a well-formed three-part JWS with JSON
    object header and payload."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a JWS")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
    except RecursionError:  # deeply nested JSON from a hostile caller
        raise ValueError("not a JWS") from None
    signature = b64url_decode(parts[2])
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise ValueError("not a JWS")
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature

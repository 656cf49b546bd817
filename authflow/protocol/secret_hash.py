"""SECRET_HASH for app clients that have a client secret (docs/protocol-notes.md §5).

``SECRET_HASH = Base64(HMAC-SHA256(key=UTF8(client_secret), msg=UTF8(username + client_id)))``

Which username: the value sent as ``USERNAME``/``Username`` in the same request — after SRP that
is the challenge's ``USER_ID_FOR_SRP``, and for REFRESH_TOKEN_AUTH the user's internal username
(the access token's ``username`` claim), never an e-mail alias.

>>> secret_hash("a2c2e290-6d0f-4a08-a5ca-f0162935f3a6", "18u8119jgbpr464n28s1itk2mq",
...             "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b")
'QW3YkSgjkc9VNMtbTkuQflK54A6+9GS8ZiRDj0mSvPI='
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from authflow.protocol.errors import ValidationError

__all__ = ["secret_hash"]


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Return the standard-base64 (44-character) SECRET_HASH of ``username`` for this client.

    Raises :class:`ValidationError` (naming the argument, never its value) when an argument is
    not a non-empty string.
    """
    for name, value in (
        ("username", username),
        ("client_id", client_id),
        ("client_secret", client_secret),
    ):
        if not isinstance(value, str) or not value:
            raise ValidationError(f"secret_hash: {name} must be a non-empty string", field=name)
    try:
        key = client_secret.encode("utf-8")
        message = (username + client_id).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be sent as JSON text either
        raise ValidationError("secret_hash: arguments must be valid Unicode text") from None
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")

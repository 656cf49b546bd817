"""Credentials: SECRET_HASH, stored passwords, and the lockout after failed sign-ins.

Lockout follows :class:`~authflow.emulator.config.EmulatorConfig`: ``lockout_threshold`` wrong
passwords in a row lock the user out for ``lockout_base_seconds``, doubling with every further
failure up to ``lockout_max_seconds``; a right password clears the count.
"""

from __future__ import annotations

import hmac

from authflow.emulator import srp_server
from authflow.emulator.clock import Clock
from authflow.emulator.config import EmulatorConfig
from authflow.emulator.domain import AppClient, Pool, User
from authflow.emulator.passwords import make_stored_password
from authflow.emulator.randomness import Randomness
from authflow.protocol.errors import NotAuthorizedError
from authflow.protocol.secret_hash import secret_hash

__all__ = ["WRONG_PASSWORD", "Credentials"]

#: Cognito's message for every failed credential check.
WRONG_PASSWORD = "Incorrect username or password."


class Credentials:
    """Checks and stores what users and app clients prove themselves with."""

    def __init__(self, clock: Clock, config: EmulatorConfig, randomness: Randomness) -> None:
        self._clock = clock
        self._config = config
        self._randomness = randomness

    def __repr__(self) -> str:
        return "<Credentials>"

    @staticmethod
    def check_secret_hash(
        client: AppClient, username: str, provided: str | None, *, refresh: bool = False
    ) -> None:
        """Enforce SECRET_HASH for a client with a secret (ignored for public clients)."""
        if client.secret is None:
            return
        if not provided:
            raise NotAuthorizedError(
                f"Client {client.id} is configured for secret but secret was not received"
            )
        if not hmac.compare_digest(secret_hash(username, client.id, client.secret), provided):
            if refresh:
                raise NotAuthorizedError(f"SecretHash does not match for the client: {client.id}")
            raise NotAuthorizedError(f"Unable to verify secret hash for client {client.id}")

    def set_password(self, pool: Pool, user: User, password: str) -> None:
        """Store ``password`` for ``user``: salted digest plus SRP salt and verifier."""
        salt = self._randomness.srp_salt()
        verifier = srp_server.verifier(pool.name_part, user.username, password, salt)
        user.password = make_stored_password(salt, password, verifier)
        user.modified = self._clock()

    def check_password(self, user: User, password: str) -> None:
        """Check a plain password under the lockout rules."""
        self.check_lockout(user)
        if user.password is None or not user.password.matches(password):
            self.record_failure(user)
            raise NotAuthorizedError(WRONG_PASSWORD)
        self.record_success(user)

    def is_locked_out(self, user: User) -> bool:
        """Whether ``user`` is locked out now."""
        return self._clock() < user.locked_until

    def check_lockout(self, user: User) -> None:
        """NotAuthorizedException ``Password attempts exceeded`` while the user is locked out."""
        if self.is_locked_out(user):
            raise NotAuthorizedError("Password attempts exceeded")

    def record_failure(self, user: User) -> None:
        """Count a failed password check; lock the user out past the threshold."""
        cfg = self._config
        user.failed_sign_ins += 1
        over = user.failed_sign_ins - cfg.lockout_threshold
        if over >= 0:
            lock = min(cfg.lockout_base_seconds * (2**over), cfg.lockout_max_seconds)
            user.locked_until = self._clock() + lock

    @staticmethod
    def record_success(user: User) -> None:
        """A correct password clears the failure count."""
        user.failed_sign_ins = 0
        user.locked_until = 0.0

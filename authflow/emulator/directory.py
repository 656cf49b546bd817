"""Who is who: the user pools and app clients of one emulator, and user lookup.

App clients are found by id alone (the Cognito operations name only the ``ClientId``), so the
directory keeps an index of every client beside each pool's own. A user is found the way Cognito
resolves what someone typed: the username, a username attribute (e-mail/phone), a verified alias
(or ``preferred_username``), or the ``sub``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from authflow.emulator.domain import AppClient, Pool, User
from authflow.emulator.randomness import LOWER_ALNUM, Randomness
from authflow.protocol.errors import ResourceNotFoundError, UserNotFoundError

__all__ = ["Directory"]


class Directory:
    """The pools (``{region}_XXXXXXXXX``) and app clients of one emulator."""

    def __init__(self, region: str, randomness: Randomness) -> None:
        self.region = region
        self._randomness = randomness
        self._pools: dict[str, Pool] = {}
        self._clients: dict[str, AppClient] = {}

    def __repr__(self) -> str:
        return f"<Directory pools={len(self._pools)} clients={len(self._clients)}>"

    # ------------------------------------------------------------------ pools

    @property
    def pools(self) -> Mapping[str, Pool]:
        """Every pool by id (a read-only view)."""
        return MappingProxyType(self._pools)

    def find_pool(self, pool_id: str) -> Pool | None:
        """The pool, if it exists."""
        return self._pools.get(pool_id)

    def pool(self, pool_id: str) -> Pool:
        """The pool, or ResourceNotFoundException."""
        pool = self._pools.get(pool_id)
        if pool is None:
            raise ResourceNotFoundError(f"User pool {pool_id} does not exist.")
        return pool

    def new_pool_id(self) -> str:
        """``{region}_`` plus nine alphanumerics, unique among the pools."""
        while True:
            pool_id = f"{self.region}_{self._randomness.string(9)}"
            if pool_id not in self._pools:
                return pool_id

    def add_pool(self, pool: Pool) -> None:
        """Store a new pool."""
        self._pools[pool.id] = pool

    def remove_pool(self, pool: Pool) -> None:
        """Forget a pool and its app clients."""
        for client_id in pool.clients:
            self._clients.pop(client_id, None)
        self._pools.pop(pool.id, None)

    # ------------------------------------------------------------------ app clients

    def find_client(self, client_id: str) -> AppClient | None:
        """The app client, if it exists."""
        return self._clients.get(client_id)

    def client(self, client_id: str) -> tuple[AppClient, Pool]:
        """The app client and its pool, or ResourceNotFoundException."""
        client = self._clients.get(client_id)
        if client is None:
            raise ResourceNotFoundError(f"User pool client {client_id} does not exist.")
        return client, self._pools[client.pool_id]

    def pool_client(self, pool_id: str, client_id: str) -> tuple[Pool, AppClient]:
        """The pool and one of its app clients (both named, as the provisioning operations do),
        or ResourceNotFoundException."""
        pool = self.pool(pool_id)
        client = pool.clients.get(client_id)
        if client is None:
            raise ResourceNotFoundError(f"User pool client {client_id} does not exist.")
        return pool, client

    def new_client_id(self) -> str:
        """26 lowercase alphanumerics, unique among the clients."""
        while True:
            client_id = self._randomness.string(26, LOWER_ALNUM)
            if client_id not in self._clients:
                return client_id

    def add_client(self, pool: Pool, client: AppClient) -> None:
        """Store a new app client of ``pool``."""
        pool.clients[client.id] = client
        self._clients[client.id] = client

    def remove_client(self, pool: Pool, client: AppClient) -> None:
        """Forget an app client of ``pool``."""
        pool.clients.pop(client.id, None)
        self._clients.pop(client.id, None)

    # ------------------------------------------------------------------ users

    @staticmethod
    def find_user(pool: Pool, name: str) -> User | None:
        """Resolve what a user typed: the username, a username attribute (e-mail/phone), a
        verified alias (or ``preferred_username``), or the ``sub``."""
        user = pool.user(name)
        if user is not None:
            return user
        wanted = pool.key(name)
        for candidate in pool.users.values():
            attributes = candidate.attributes
            for attr in pool.username_attributes:
                if attributes.get(attr) and pool.key(attributes[attr]) == wanted:
                    return candidate
            for attr in pool.alias_attributes:
                value = attributes.get(attr)
                if not value or pool.key(value) != wanted:
                    continue
                if attr == "preferred_username" or attributes.get(f"{attr}_verified") == "true":
                    return candidate
        for candidate in pool.users.values():
            if candidate.sub == name:
                return candidate
        return None

    def require_user(self, pool: Pool, name: str) -> User:
        """Like :meth:`find_user`, or UserNotFoundException."""
        user = self.find_user(pool, name)
        if user is None:
            raise UserNotFoundError("User does not exist.")
        return user

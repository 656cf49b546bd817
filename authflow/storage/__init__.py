"""Pluggable session storage: the :class:`Store` protocol and its implementations."""

from authflow.storage.base import Record, Store
from authflow.storage.memory import MemoryStore

__all__ = ["MemoryStore", "Record", "Store"]

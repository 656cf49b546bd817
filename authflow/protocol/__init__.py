# ruff: noqa: F403, F405  (star re-exports; the explicit __all__ below is pinned by a test)
"""Pure protocol core: operations, shapes, errors, SECRET_HASH, endpoints. No I/O, no asyncio."""

from authflow.protocol.endpoints import *
from authflow.protocol.errors import *
from authflow.protocol.errors import __all__ as _errors_all
from authflow.protocol.secret_hash import secret_hash

__all__ = [
    *_errors_all,
    # endpoints
    "PARTITIONS",
    "TARGET_PREFIX",
    "Partition",
    "partition_for_region",
    "pool_name_from_pool_id",
    "region_from_pool_id",
    "resolve_endpoint",
    "target_header",
    # secret_hash
    "secret_hash",
]

"""Pure protocol core: operations, shapes, errors, SECRET_HASH, endpoints. No I/O, no asyncio."""

from authflow.protocol.errors import *  # noqa: F403
from authflow.protocol.errors import __all__ as _errors_all

__all__ = [*_errors_all]

"""A login's remembered device: read from and kept in the store, confirmed after a sign-in.

A new device (``NewDeviceMetadata`` in the AuthenticationResult) is confirmed with a freshly
generated SRP verifier (ConfirmDevice, docs/protocol-notes.md §4.2) and, when the caller opted
in on a "user opt-in" pool, remembered (UpdateDeviceStatus). Later sign-ins present it and the
engine answers DEVICE_SRP_AUTH with its secret. A device the server no longer knows is forgotten.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from authflow import srp
from authflow.protocol.errors import ProtocolViolationError, ServiceError
from authflow.protocol.operations import ConfirmDeviceRequest, UpdateDeviceStatusRequest
from authflow.protocol.shapes import DeviceSecretVerifierConfig, NewDeviceMetadata
from authflow.sessions.record import DeviceRecord
from authflow.transport.base import Transport, call

if TYPE_CHECKING:
    from authflow.storage.base import Store

__all__ = ["RememberedDevice"]

log = logging.getLogger("authflow.flows.devices")


class RememberedDevice:
    """The remembered device of one login, kept under ``key`` in ``store``; :attr:`record` is
    the one a sign-in presents (it holds the device's SRP secret: never logged)."""

    def __init__(self, *, store: Store, key: str, transport: Transport) -> None:
        self._store = store
        self._key = key
        self._transport = transport
        #: The device presented to Cognito, once loaded or confirmed; ``None`` without one.
        self.record: DeviceRecord | None = None

    def __repr__(self) -> str:
        return f"RememberedDevice(present={self.record is not None})"

    async def load(self) -> DeviceRecord | None:
        """Read the remembered device from the store (a malformed record is ignored)."""
        data = await self._store.get(self._key)
        self.record = None
        if data is not None:
            try:
                self.record = DeviceRecord.from_json(data)
            except ProtocolViolationError:
                log.warning("ignoring a malformed remembered-device record")
        return self.record

    async def forget(self) -> None:
        """Drop the remembered device (the server said it does not exist)."""
        self.record = None
        await self._store.delete(self._key)

    async def after_sign_in(
        self,
        access_token: str,
        metadata: NewDeviceMetadata | None,
        *,
        device_name: str | None,
        remember: bool,
    ) -> str | None:
        """The DEVICE_KEY of the session a sign-in just opened: a new device (``metadata``) is
        confirmed first, and is that session's device only if confirming it worked."""
        if metadata is None or not metadata.device_key or not metadata.device_group_key:
            return self.record.device_key if self.record else None
        confirmed = await self.confirm(
            access_token=access_token,
            device_key=metadata.device_key,
            group_key=metadata.device_group_key,
            device_name=device_name,
            remember=remember,
        )
        return confirmed.device_key if confirmed else None

    async def confirm(
        self,
        *,
        access_token: str,
        device_key: str,
        group_key: str,
        device_name: str | None,
        remember: bool,
    ) -> DeviceRecord | None:
        """ConfirmDevice with a fresh verifier, UpdateDeviceStatus when the pool asks the user
        and ``remember`` is set, then keep the record. A failure does not fail the sign-in (its
        tokens are valid): the device is just not kept, and ``None`` returned."""
        secret = await srp.generate_device_secret_async(group_key, device_key)
        try:
            confirmed = await call(
                self._transport,
                ConfirmDeviceRequest(
                    access_token=access_token,
                    device_key=device_key,
                    device_secret_verifier_config=DeviceSecretVerifierConfig(
                        password_verifier=secret.password_verifier, salt=secret.salt
                    ),
                    device_name=device_name,
                ),
            )
            if confirmed.user_confirmation_necessary and remember:
                await call(
                    self._transport,
                    UpdateDeviceStatusRequest(
                        access_token=access_token,
                        device_key=device_key,
                        device_remembered_status="remembered",
                    ),
                )
        except ServiceError as exc:
            log.warning("could not confirm the new device (%s); continuing without it", exc.code)
            return None
        record = DeviceRecord(device_key, group_key, secret.device_password)
        self.record = record
        await self._store.set(self._key, record.to_json())
        return record

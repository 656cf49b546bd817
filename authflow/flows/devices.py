"""A login's remembered device: read from and kept in the store, confirmed after a sign-in.

A new device (``NewDeviceMetadata`` in the AuthenticationResult) is confirmed with a freshly
generated SRP verifier (ConfirmDevice, docs/protocol-notes.md §4.2) and, when the caller opted
in on a "user opt-in" pool, remembered (UpdateDeviceStatus). Later sign-ins present it and the
engine answers DEVICE_SRP_AUTH with its secret. A device the server no longer knows is forgotten.

Confirming is best-effort: Cognito issued the tokens already, so a failure (a dropped connection
before or after ConfirmDevice was written, throttling, a 5xx, an unusable answer) never fails the
sign-in. The device is then :attr:`RememberedDevice.pending`: ``flow.confirm_device()`` retries
it with the same verifier (a retry finding it confirmed, because the lost attempt went through,
keeps it), and a later sign-in without it is simply given a new device. A pending device lives
in the flow only (a snapshot does not carry it).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import attrs

from authflow import srp
from authflow.protocol.errors import (
    AuthflowError,
    DeviceKeyExistsError,
    InvalidStateError,
    ProtocolViolationError,
    TransportError,
)
from authflow.protocol.operations import ConfirmDeviceRequest, UpdateDeviceStatusRequest
from authflow.protocol.shapes import DeviceSecretVerifierConfig, NewDeviceMetadata
from authflow.sessions.record import DeviceRecord, SessionRecord
from authflow.storage.errors import StoreError
from authflow.transport.base import Transport, call

if TYPE_CHECKING:
    from authflow.sessions.manager import SessionManager
    from authflow.storage.base import Store

__all__ = ["PendingDevice", "RememberedDevice"]

log = logging.getLogger("authflow.flows.devices")


@attrs.frozen(kw_only=True)
class PendingDevice:
    """A new device whose confirmation has not completed: what retrying it needs.

    ``secret`` is the verifier and password generated for it (kept, so a retry sends the same
    verifier and an earlier attempt that reached the server stays valid; never in a repr);
    ``confirmed`` is set once ConfirmDevice succeeded (only UpdateDeviceStatus is left);
    ``maybe_confirmed`` once an attempt may have reached the server without its answer coming
    back (a retry's DeviceKeyExistsException then means that attempt went through).
    """

    device_key: str
    group_key: str
    secret: srp.DeviceSecret = attrs.field(repr=False)
    device_name: str | None
    remember: bool
    confirmed: bool = False
    maybe_confirmed: bool = False


class RememberedDevice:
    """The remembered device of one login, kept under ``key`` in ``store``; :attr:`record` is
    the one a sign-in presents (it holds the device's SRP secret: never logged)."""

    def __init__(self, *, store: Store, key: str, transport: Transport) -> None:
        self._store = store
        self._key = key
        self._transport = transport
        #: The device presented to Cognito, once loaded or confirmed; ``None`` without one.
        self.record: DeviceRecord | None = None
        #: The new device of the last sign-in while its confirmation has not completed.
        self.pending: PendingDevice | None = None

    def __repr__(self) -> str:
        return (
            f"RememberedDevice(present={self.record is not None}, "
            f"pending={self.pending is not None})"
        )

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
        confirmed first, and is that session's device only if confirming it worked. Never
        raises: the tokens are valid whatever happens here, so a failed confirmation is logged
        and left :attr:`pending` for :meth:`retry`."""
        if metadata is None or not metadata.device_key or not metadata.device_group_key:
            return self.record.device_key if self.record else None
        secret = await srp.generate_device_secret_async(
            metadata.device_group_key, metadata.device_key
        )
        self.pending = PendingDevice(
            device_key=metadata.device_key,
            group_key=metadata.device_group_key,
            secret=secret,
            device_name=device_name,
            remember=remember,
        )
        try:
            return (await self._confirm_pending(access_token)).device_key
        except AuthflowError as exc:
            log.warning(
                "could not confirm the new device (%s); signed in without it%s",
                type(exc).__name__,
                "; it can be retried" if self.pending else "",
            )
            return None

    async def retry(
        self, sessions: SessionManager, session_key: str | None, *, state: str
    ) -> DeviceRecord:
        """Confirm the :attr:`pending` device again (with the verifier sent the first time, so
        an earlier attempt whose answer was lost counts) and make it the device of the signed-in
        session ``session_key``. Raises what failed (the device stays pending while a retry can
        help), and InvalidStateError without a session or a pending device."""
        if session_key is None or self.pending is None:
            raise InvalidStateError(
                "no device confirmation is pending", state=state, trigger="confirm_device"
            )
        record = await self._confirm_pending(await sessions.access_token(session_key))
        await self._attach(session_key, record.device_key)
        return record

    async def _confirm_pending(self, access_token: str) -> DeviceRecord:
        """ConfirmDevice, then UpdateDeviceStatus when the pool asks the user and the sign-in
        opted in; keep the record. A failure a retry cannot mend drops :attr:`pending`."""
        current = self.pending
        assert current is not None
        try:
            pending = await self._send(access_token, current)
        except AuthflowError as exc:
            pending = self.pending or current  # with what _send got done
            # the answer was lost or unusable, or the service was busy: a retry may work
            unknown = isinstance(exc, TransportError | ProtocolViolationError)
            worth_retrying = exc.retryable or unknown
            maybe_sent = not (isinstance(exc, TransportError) and exc.sent is False)
            self.pending = (
                attrs.evolve(pending, maybe_confirmed=pending.maybe_confirmed or maybe_sent)
                if worth_retrying
                else None
            )
            raise
        record = DeviceRecord(pending.device_key, pending.group_key, pending.secret.device_password)
        self.record = record
        self.pending = None
        try:
            await self._store.set(self._key, record.to_json())
        except StoreError as exc:  # presented by this flow still; a later sign-in gets a new one
            log.warning("could not keep the confirmed device (%s)", type(exc).__name__)
        return record

    async def _send(self, access_token: str, pending: PendingDevice) -> PendingDevice:
        ask: bool | None = True
        if not pending.confirmed:
            try:
                confirmed = await call(
                    self._transport,
                    ConfirmDeviceRequest(
                        access_token=access_token,
                        device_key=pending.device_key,
                        device_secret_verifier_config=DeviceSecretVerifierConfig(
                            password_verifier=pending.secret.password_verifier,
                            salt=pending.secret.salt,
                        ),
                        device_name=pending.device_name,
                    ),
                )
                ask = confirmed.user_confirmation_necessary
            except DeviceKeyExistsError:
                if not pending.maybe_confirmed:
                    raise  # not ours: nothing of this sign-in reached the server before
                ask = None  # an earlier attempt went through; whether the pool asks is unknown
            pending = attrs.evolve(pending, confirmed=True)
            self.pending = pending
        if pending.remember and ask is not False:
            await call(
                self._transport,
                UpdateDeviceStatusRequest(
                    access_token=access_token,
                    device_key=pending.device_key,
                    device_remembered_status="remembered",
                ),
            )
        return pending

    async def _attach(self, session_key: str, device_key: str) -> None:
        """Make ``device_key`` the device of the stored session (compare-and-set: a refresh
        that stored new tokens meanwhile is not overwritten)."""
        for _ in range(5):
            current = await self._store.get(session_key)
            if current is None:
                return  # signed out meanwhile
            record = SessionRecord.from_json(current)
            if record.device_key == device_key:
                return
            updated = attrs.evolve(record, device_key=device_key).to_json()
            if await self._store.compare_and_set(session_key, current, updated):
                return
        log.warning("the session kept changing; its device key was not updated")

"""Device rules shared by sign-in and the device operations (docs/protocol-notes.md §4).

* A pool tracks devices when it has a ``DeviceConfiguration``; every sign-in that presents no
  device then ends with ``NewDeviceMetadata {DeviceKey, DeviceGroupKey}`` and the device is
  recorded, unconfirmed. ``DeviceKey`` is ``{region}_{uuid}``; ``DeviceGroupKey`` is per user.
* ConfirmDevice stores the SRP verifier; the device is then remembered at once, or (with
  ``DeviceOnlyRememberedOnUserPrompt``) when UpdateDeviceStatus says so.
* A presented DEVICE_KEY must name a confirmed device of the signing-in user, else
  ``ResourceNotFoundException: Device does not exist.`` (clients then retry without it).
* Device SRP is user SRP with poolName := DeviceGroupKey, userId := DeviceKey and the device's
  random password behind the stored verifier.
"""

from __future__ import annotations

from typing import Any

from authflow.emulator.domain import AppClient, Device, Pool, SignInContext, User
from authflow.emulator.services import Services
from authflow.protocol.errors import ResourceNotFoundError

__all__ = [
    "DEVICE_NOT_FOUND",
    "device_srp_challenge",
    "device_type",
    "remove_device",
    "group_key",
    "new_device",
    "presented_device",
    "users_device",
]

#: The message clients match on to drop a stale remembered device.
DEVICE_NOT_FOUND = "Device does not exist."
_GROUP_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-"


def group_key(svc: Services, user: User) -> str:
    """The user's DeviceGroupKey: ``-`` and eight characters, drawn on first use."""
    if user.device_group_key is None:
        user.device_group_key = "-" + svc.randomness.string(8, _GROUP_ALPHABET)
    return user.device_group_key


def new_device(svc: Services, pool: Pool, user: User) -> Device:
    """Record a new, unconfirmed device for ``user`` (the NewDeviceMetadata of a sign-in)."""
    now = svc.now()
    while True:
        key = f"{pool.region}_{svc.randomness.uuid4()}"
        if key not in pool.devices:
            break
    device = Device(
        key=key,
        username=user.username,
        group_key=group_key(svc, user),
        created=now,
        modified=now,
        last_authenticated=now,
    )
    pool.devices[key] = device
    return device


def users_device(pool: Pool, user: User, key: str | None, *, confirmed: bool = True) -> Device:
    """Device ``key`` of ``user`` (confirmed, unless ``confirmed`` is false), or
    ``ResourceNotFoundException: Device does not exist.``"""
    device = pool.devices.get(key) if key else None
    if device is None or device.username != user.username or (confirmed and not device.confirmed):
        raise ResourceNotFoundError(DEVICE_NOT_FOUND)
    return device


def remove_device(pool: Pool, device: Device) -> None:
    """Forget ``device``: presenting it again gets ``Device does not exist.``"""
    pool.devices.pop(device.key, None)


def presented_device(pool: Pool, user: User, key: str | None) -> Device | None:
    """The confirmed device a sign-in presented (``None`` when none was), or
    ResourceNotFoundException."""
    if key is None:
        return None
    return users_device(pool, user, key)


def device_srp_challenge(
    svc: Services,
    pool: Pool,
    client: AppClient,
    user: User,
    ctx: SignInContext,
    device: Device,
) -> dict[str, Any]:
    """The DEVICE_SRP_AUTH challenge for a presented device."""
    params = {"USERNAME": user.username, "DEVICE_KEY": device.key}
    return svc.challenges.challenge(
        pool, client, user, "DEVICE_SRP_AUTH", params, ctx=ctx, device_key=device.key
    )


def device_type(device: Device) -> dict[str, Any]:
    """``DeviceType`` as GetDevice and ListDevices return it."""
    attributes = [
        {"Name": "device_status", "Value": "valid"},
        {
            "Name": "dev:device_remembered_status",
            "Value": "remembered" if device.remembered else "not_remembered",
        },
    ]
    if device.name:
        attributes.append({"Name": "device_name", "Value": device.name})
    attributes.append({"Name": "last_ip_used", "Value": "127.0.0.1"})
    return {
        "DeviceKey": device.key,
        "DeviceAttributes": attributes,
        "DeviceCreateDate": device.created,
        "DeviceLastModifiedDate": device.modified,
        "DeviceLastAuthenticatedDate": device.last_authenticated,
    }

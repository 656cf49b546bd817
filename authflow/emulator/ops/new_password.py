"""NEW_PASSWORD_REQUIRED: a user with a temporary password (AdminCreateUser, AdminSetUserPassword
without Permanent) picks a permanent one, and supplies any required attribute still missing
(``userAttributes.<name>``), before the sign-in goes on."""

from __future__ import annotations

from typing import Any

from authflow.emulator.attributes import check_values
from authflow.emulator.domain import AppClient, Pool
from authflow.emulator.ops.signin_pipeline import answering_user, proceed, required_param
from authflow.emulator.ops.user_rules import attribute_map, check_writable
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services
from authflow.protocol.errors import InvalidParameterError

__all__ = ["answer_new_password_required"]


def answer_new_password_required(
    svc: Services,
    request: RequestContext,
    pool: Pool,
    client: AppClient,
    session: str | None,
    responses: dict[str, Any],
) -> dict[str, Any]:
    """RespondToAuthChallenge NEW_PASSWORD_REQUIRED ``{USERNAME, NEW_PASSWORD,
    userAttributes.*[, SECRET_HASH, DEVICE_KEY]}``."""
    record = svc.challenges.take(session, client, "NEW_PASSWORD_REQUIRED")
    user = answering_user(svc, pool, client, record, responses)
    password = required_param(responses, "NEW_PASSWORD")
    prefix = "userAttributes."
    updates = attribute_map(
        {"Name": k[len(prefix) :], "Value": v} for k, v in responses.items() if k.startswith(prefix)
    )
    check_writable(client, updates)
    check_values(pool.schema, {k: v for k, v in updates.items() if v})
    merged = {**user.attributes, **{k: v for k, v in updates.items() if v}}
    missing = [
        name
        for name, attr in pool.schema.items()
        if attr.required and name != "sub" and not merged.get(name)
    ]
    if missing:
        raise InvalidParameterError(f"Invalid attributes given, {missing[0]} is missing")
    pool.password_policy.enforce(password)
    svc.challenges.consume(session)
    for name, value in updates.items():
        if value and user.attributes.get(name) != value:
            user.attributes[name] = value
            if name in ("email", "phone_number"):
                user.attributes[f"{name}_verified"] = "false"
    svc.credentials.set_password(pool, user, password)
    user.status = "CONFIRMED"
    user.temporary_password_expires = None
    ctx = record.data["ctx"]
    return proceed(svc, pool, client, user, ctx)

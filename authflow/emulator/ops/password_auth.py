"""USER_PASSWORD_AUTH (and AdminInitiateAuth's ADMIN_USER_PASSWORD_AUTH / ADMIN_NO_SRP_AUTH): the
password sent in the clear (over TLS), checked under the lockout rules.

Order of checks, as Cognito: SECRET_HASH (over the USERNAME sent), the user (UserNotFoundException,
or with PreventUserExistenceErrors=ENABLED a NotAuthorizedException), disabled, lockout, the
password; then the sign-in pipeline (:func:`~authflow.emulator.ops.signin_pipeline.proceed`).
"""

from __future__ import annotations

from typing import Any

from authflow.emulator.domain import AppClient, Pool, SignInContext
from authflow.emulator.ops.signin_pipeline import (
    checked_user,
    device_key_param,
    proceed,
    required_param,
)
from authflow.emulator.request_context import RequestContext
from authflow.emulator.services import Services

__all__ = ["start_password_auth"]


def start_password_auth(
    svc: Services, request: RequestContext, pool: Pool, client: AppClient, body: dict[str, Any]
) -> dict[str, Any]:
    """InitiateAuth USER_PASSWORD_AUTH, AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH /
    ADMIN_NO_SRP_AUTH: ``{USERNAME, PASSWORD[, SECRET_HASH, DEVICE_KEY]}``."""
    params = dict(body.get("AuthParameters") or {})
    username = required_param(params, "USERNAME")
    password = required_param(params, "PASSWORD")
    svc.credentials.check_secret_hash(client, username, params.get("SECRET_HASH"))
    user = checked_user(svc, client, pool, username)
    svc.credentials.check_password(user, password)
    ctx = SignInContext(user.username, "PASSWORD", device_key=device_key_param(params))
    return proceed(svc, pool, client, user, ctx)

"""The session commands: ``sign-in``, ``token``, ``whoami``, ``sign-out``, ``profiles``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

from authflow.cli.context import Context
from authflow.cli.errors import SIGN_IN_NEEDED, CliError
from authflow.cli.settings import load_profiles
from authflow.cli.signin import drive_sign_in
from authflow.client import AuthClient
from authflow.flows import SignInOptions
from authflow.protocol.errors import (
    AuthflowError,
    NotAuthorizedError,
    ServiceError,
    SessionNotFoundError,
)
from authflow.sessions.manager import DEFINITIVE_REFRESH_ERRORS
from authflow.storage.errors import RecordDecryptionError

__all__ = ["profiles", "sign_in", "sign_out", "token", "whoami"]

#: What makes a cached session unusable: gone, undecryptable, or ended by the server.
_ENDED: tuple[type[Exception], ...] = (
    SessionNotFoundError,
    RecordDecryptionError,
    *DEFINITIVE_REFRESH_ERRORS,
)


async def sign_in(ctx: Context, username: str | None, options: SignInOptions) -> None:
    """Sign in interactively and make the new session the profile's."""
    last = await ctx.cache.get(ctx.profile.name) or {}
    profile = ctx.profile.with_fallback(last)
    config = profile.cognito_config()
    login = username or profile.username or last.get("username")
    if not isinstance(login, str) or not login:
        login = ctx.term.text("Username: ", kind="username", how="give USERNAME")
    async with AuthClient(config, store=ctx.store) as auth:
        flow = auth.sign_in(login, options=options)
        await drive_sign_in(flow, ctx.term, username=login, password_needed=options.needs_password)
        key = flow.session_key
        assert key is not None and flow.tokens is not None
        await ctx.cache.put(
            profile.name,
            session_key=key,
            username=login,
            pool_id=config.user_pool_id,
            client_id=config.client_id,
            endpoint=config.endpoint,
        )
        old = last.get("session_key")
        if isinstance(old, str) and old != key and last.get("pool_id") == config.user_pool_id:
            await _end_quietly(auth, old)
        expires = flow.tokens.expires_at
    ctx.term.say(f"Signed in as {login} (profile {profile.name}).")
    ctx.result(
        {"profile": profile.name, "username": login, "state": flow.state, "expires_at": expires},
        None,
    )


async def _end_quietly(auth: AuthClient, key: str) -> None:
    """Revoke a replaced session; if that fails, at least drop it here."""
    try:
        await auth.sessions.sign_out(key)
    except (AuthflowError, OSError):
        with contextlib.suppress(AuthflowError, OSError):
            await auth.sessions.forget(key)


@contextlib.asynccontextmanager
async def _session_errors(ctx: Context) -> AsyncIterator[None]:
    """A session that cannot be used any more (gone, revoked, expired, undecryptable) is a
    sign-in-needed error, and the profile's record of it is dropped."""
    try:
        yield
    except _ENDED as exc:
        await ctx.cache.drop(ctx.profile.name)
        why = "has ended" if isinstance(exc, ServiceError) else "is gone"
        detail = f" ({exc.message})" if isinstance(exc, ServiceError) and exc.message else ""
        raise CliError(
            f"the session of profile {ctx.profile.name!r} {why}{detail}: run `authflow sign-in`",
            SIGN_IN_NEEDED,
        ) from None


async def token(ctx: Context, *, kind: str, refresh: bool) -> None:
    """Print a valid access (or ID) token, refreshing first when it is about to expire (or
    always, with ``refresh``)."""
    record = await ctx.last_sign_in()
    key = record["session_key"]
    async with ctx.client_for(record) as auth, _session_errors(ctx):
        if refresh:
            await auth.sessions.refresh(key, force=True)
        access = await auth.access_token(key)
        session = await auth.sessions.load(key)
        if session is None:
            raise SessionNotFoundError(key)
        value = access if kind == "access" else session.tokens.id_token
        if value is None:
            raise CliError("the session has no ID token (the app client has no openid scope?)")
        expires = session.tokens.expires_at
    ctx.result({"profile": ctx.profile.name, "token": value, "type": kind,
                "expires_at": expires}, value)


async def whoami(ctx: Context) -> None:
    """GetUser for the profile's session: username, attributes, MFA."""
    record = await ctx.last_sign_in()
    async with ctx.client_for(record) as auth, _session_errors(ctx):
        try:
            user = await auth.account(record["session_key"]).get_user()
        except NotAuthorizedError as exc:  # the access token was revoked (GlobalSignOut)
            await auth.sessions.forget(record["session_key"])
            raise SessionNotFoundError(record["session_key"]) from exc
    attributes = {a.name: a.value or "" for a in user.user_attributes}
    mfa = list(user.user_mfa_setting_list or ())
    data = {
        "profile": ctx.profile.name,
        "username": user.username,
        "attributes": attributes,
        "mfa": mfa,
        "preferred_mfa": user.preferred_mfa_setting,
    }
    lines = [f"{user.username} (profile {ctx.profile.name})"]
    lines += [f"  {name}: {value}" for name, value in sorted(attributes.items())]
    if mfa:
        chosen = user.preferred_mfa_setting
        preferred = f", preferred {chosen}" if chosen else ""
        lines.append(f"  MFA: {', '.join(mfa)}{preferred}")
    else:
        lines.append("  MFA: none")
    ctx.result(data, "\n".join(lines))


async def sign_out(ctx: Context, *, everywhere: bool) -> None:
    """Revoke the profile's session (or every session of the user, ``--global``) and forget it."""
    record = await ctx.cache.get(ctx.profile.name)
    if record is None:
        ctx.term.say(f"Profile {ctx.profile.name} was not signed in.")
        ctx.result({"profile": ctx.profile.name, "signed_out": False}, None)
        return
    key = record["session_key"]
    async with ctx.client_for(record) as auth:
        try:
            await auth.sessions.sign_out(key, global_=everywhere)
            note = "Signed out" + (" everywhere" if everywhere else "")
        except _ENDED:
            await auth.sessions.forget(key)
            note = "The session had already ended; forgotten here"
    await ctx.cache.drop(ctx.profile.name)
    ctx.term.say(f"{note} (profile {ctx.profile.name}).")
    ctx.result({"profile": ctx.profile.name, "signed_out": True, "global": everywhere}, None)


async def profiles(ctx: Context) -> None:
    """List the profiles of config.toml and of the cache, with who is signed in."""
    configured = load_profiles(ctx.profile.directory)
    names = sorted(set(configured) | set(await ctx.cache.names()) | {ctx.profile.name})
    rows: list[dict[str, Any]] = []
    for name in names:
        record: Mapping[str, Any] = await ctx.cache.get(name) or {}
        table = configured.get(name, {})
        rows.append({
            "profile": name,
            "current": name == ctx.profile.name,
            "configured": name in configured,
            "pool_id": table.get("pool_id") or record.get("pool_id"),
            "client_id": table.get("client_id") or record.get("client_id"),
            "signed_in_as": record.get("username"),
        })
    lines = []
    for row in rows:
        mark = "*" if row["current"] else " "
        who = row["signed_in_as"] or "-"
        lines.append(f"{mark} {row['profile']:<16} {row['pool_id'] or '-':<28} {who}")
    ctx.result({"profiles": rows}, "\n".join(lines))


"""A sign-in at rest: :class:`SignInSnapshot`, what ``SignInFlow.snapshot()`` writes and
``AuthClient.resume()`` reads.

Version 2 (:data:`SNAPSHOT_VERSION`) is ``{"version": 2, "kind": "sign_in", "user_pool_id",
"client_id", "state", "login", "session_key", "options": {...}, "challenge": {...} | null}``:
the options are :meth:`SignInOptions.to_json` whole and the pending challenge is
:meth:`Challenge.to_json`, so neither is spelled out here. Version 1 (every field flat at the top
level) is still read. Anything else, or any member of the wrong type, is a
:class:`~authflow.protocol.errors.ValidationError` naming the member.

A snapshot never holds the password; it holds the challenge Session (a bearer secret for the
next step): store it where you would store tokens. A challenge that is no longer pending (a
refused SRP proof sent the flow back to Unauthenticated) is written without its spent Session
and SRP values (SECRET_BLOCK, SRP_B, SALT).

**A snapshot is never a credential.** An Authenticated snapshot names its session by key, and
resuming it hands out that session's tokens only if (:meth:`SignInSnapshot.stored_tokens`) the key
is a session key of this app client — whose last part is the sign-in's 128-bit random session id,
so a key cannot be derived from a username and knowing one is knowing a secret — and the record
stored under it is that session (same session id) of the snapshot's login. A snapshot edited to
point at another user's session is a :class:`~authflow.protocol.errors.ValidationError` naming
``session_key``; one whose session was signed out is a ``SessionNotFoundError``. (Snapshots are
not signed: the unguessable id is what protects them, so keep keys out of reach as you would
session cookies.)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from authflow.flows.challenges import Challenge
from authflow.flows.options import SignInOptions
from authflow.flows.session_flow import resumed_state
from authflow.protocol.checks import check_optional_text, check_text
from authflow.protocol.errors import SessionNotFoundError, ValidationError

if TYPE_CHECKING:
    from authflow.sessions.manager import SessionManager
    from authflow.sessions.record import Tokens

__all__ = ["SNAPSHOT_VERSION", "SignInSnapshot"]

#: The version :meth:`SignInSnapshot.to_json` writes.
SNAPSHOT_VERSION = 2
_KIND = "sign_in"
_POOL_ID_MAX = 55
_CLIENT_ID_MAX = 128
#: SRP values of a PASSWORD_VERIFIER that are spent once its proof was sent.
_SPENT_SRP = frozenset({"SECRET_BLOCK", "SRP_B", "SALT"})


def _spent(challenge: Challenge) -> Challenge:
    """A challenge that is no longer pending, without what was single-use in it."""
    params = {k: v for k, v in challenge.parameters.items() if k not in _SPENT_SRP}
    return attrs.evolve(challenge, parameters=params, session=None)


@attrs.frozen(kw_only=True)
class SignInSnapshot:
    """One sign-in's resumable state (no password; secrets hidden from repr).

    * ``state`` - the flow's state name (checked against the flow's states on resume);
    * ``login`` - what the user typed as username;
    * ``options`` - the :class:`SignInOptions` it runs with;
    * ``challenge`` - the pending :class:`Challenge`, if any;
    * ``session_key`` - the store key of the signed-in session, once Authenticated.
    """

    user_pool_id: str
    client_id: str
    state: str
    login: str
    options: SignInOptions
    challenge: Challenge | None = None
    session_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON-safe version-2 record (a challenge that is not pending any more is written
        without its spent Session and SRP values)."""
        challenge = self.challenge
        if challenge is not None and self.state != "ChallengePending":
            challenge = _spent(challenge)
        return {
            "version": SNAPSHOT_VERSION,
            "kind": _KIND,
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
            "state": self.state,
            "login": self.login,
            "session_key": self.session_key,
            "options": self.options.to_json(),
            "challenge": None if challenge is None else challenge.to_json(),
        }

    async def stored_tokens(self, sessions: SessionManager) -> Tokens:
        """The tokens of the session an Authenticated snapshot names, once the snapshot has
        proven it may resume it (see the module docstring)."""
        key = self.session_key
        session_id = sessions.keys.session_id_of(key)
        if key is None or session_id is None:
            raise ValidationError(
                "the snapshot's session_key is not a session of this app client",
                field="session_key",
            )
        record = await sessions.load(key)
        if record is None:
            raise SessionNotFoundError(key)
        if record.session_id != session_id or record.login != self.login:
            raise ValidationError(
                "the snapshot does not match the session stored under its key",
                field="session_key",
            )
        return record.tokens

    def state_to_resume(
        self, *, user_pool_id: str, client_id: str, states: Collection[str]
    ) -> str:
        """The state a flow resumes in, after checking the snapshot fits: same pool and client,
        a known state, a challenge when one is pending, a session key once signed in. A refresh
        the snapshot interrupted resumes Authenticated (the session stands)."""
        state = resumed_state(
            self.state, self.session_key, snapshot_of=(self.user_pool_id, self.client_id),
            client=(user_pool_id, client_id), states=states,
        )
        if state == "ChallengePending" and self.challenge is None:
            raise ValidationError("challenge snapshot lacks the challenge", field="challenge")
        return state

    @classmethod
    def from_json(cls, data: object) -> SignInSnapshot:
        """Read a version-2 or version-1 record, checking every member."""
        if not isinstance(data, Mapping) or data.get("kind") != _KIND:
            raise ValidationError("not a sign-in snapshot", field="kind")
        version = data.get("version")
        if version == SNAPSHOT_VERSION and type(version) is int:
            return cls._from_v2(data)
        if version == 1 and type(version) is int:
            return cls._from_v1(data)
        kind = "null" if version is None else type(version).__name__
        raise ValidationError(f"unsupported snapshot version ({kind})", field="version")

    @classmethod
    def _common(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "user_pool_id": check_text(
                data.get("user_pool_id"), "user_pool_id", max_length=_POOL_ID_MAX
            ),
            "client_id": check_text(data.get("client_id"), "client_id", max_length=_CLIENT_ID_MAX),
            "state": check_text(data.get("state"), "state", max_length=64),
            "login": check_text(data.get("login"), "login", max_length=128),
            "session_key": check_optional_text(data.get("session_key"), "session_key"),
        }

    @classmethod
    def _from_v2(cls, data: Mapping[str, Any]) -> SignInSnapshot:
        common = cls._common(data)
        raw = data.get("challenge")
        challenge = None
        if raw is not None:
            challenge = Challenge.from_json(raw, principal=common["login"])
        options = SignInOptions.from_json(data.get("options"))
        return cls(options=options, challenge=challenge, **common)

    @classmethod
    def _from_v1(cls, data: Mapping[str, Any]) -> SignInSnapshot:
        # version 1 kept every field flat: the options under their own names, the challenge's
        # name as "challenge" and the rest of it beside; principal outlived the challenge.
        common = cls._common(data)
        challenge = None
        if data.get("challenge") is not None:
            challenge = Challenge.from_json(
                data, principal=common["login"], prefix="", name_key="challenge"
            )
        # v1's "session" is the challenge's Session; the ConfirmSignUp one was never kept
        options = SignInOptions.from_json({k: v for k, v in data.items() if k != "session"})
        return cls(options=options, challenge=challenge, **common)

"""Challenge sessions and SRP proofs in progress: single-use, expiring, swept.

A challenge ``Session`` (the opaque string InitiateAuth / RespondToAuthChallenge hand out) is
valid for the app client's AuthSessionValidity. It is *taken* when an answer arrives and
*consumed* once the answer is accepted, so a wrong answer leaves it usable; presenting a consumed
one gets ``Invalid session for the user, session can only be used once.`` until it would have
expired. The server side of an SRP proof (PASSWORD_VERIFIER, DEVICE_PASSWORD_VERIFIER) is kept
under its SECRET_BLOCK and spent by the first answer, right or wrong. Expired entries are
forgotten now and then, so memory stays bounded.
"""

from __future__ import annotations

import json
from typing import Any

from authflow.emulator.clock import Clock
from authflow.emulator.domain import AppClient, ChallengeSession, PendingSrp, Pool, User
from authflow.emulator.randomness import Randomness
from authflow.protocol.errors import InvalidParameterError, NotAuthorizedError

__all__ = ["ChallengeSessions", "json_parameter"]

# Expired sessions and SRP proofs are swept after this many new ones.
_SWEEP_EVERY = 256


def json_parameter(value: Any) -> str:
    """Compact JSON, as list/map-valued ChallengeParameters carry it."""
    return json.dumps(value, separators=(",", ":"))


class ChallengeSessions:
    """The open challenge sessions and pending SRP proofs of one emulator."""

    def __init__(self, clock: Clock, randomness: Randomness) -> None:
        self._clock = clock
        self._randomness = randomness
        self._sessions: dict[str, ChallengeSession] = {}
        #: Answered (spent) sessions → when they would have expired.
        self._spent: dict[str, float] = {}
        self._pending_srp: dict[bytes, PendingSrp] = {}
        self._created_since_sweep = 0

    def __repr__(self) -> str:
        return f"<ChallengeSessions open={len(self._sessions)} srp={len(self._pending_srp)}>"

    # ------------------------------------------------------------------ sessions

    def challenge(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        challenge: str,
        parameters: dict[str, str],
        **data: Any,
    ) -> dict[str, Any]:
        """Open a challenge ``Session`` and return the InitiateAuth/RespondToAuthChallenge body."""
        token = self.open(pool, client, user.username, challenge, **data)
        return {"ChallengeName": challenge, "Session": token, "ChallengeParameters": parameters}

    def open(
        self, pool: Pool, client: AppClient, username: str, challenge: str, **data: Any
    ) -> str:
        """Store a new challenge session (valid for the client's AuthSessionValidity); return
        its ``Session`` string."""
        self._sweep()
        token = self._randomness.session_token()
        self._sessions[token] = ChallengeSession(
            pool_id=pool.id,
            client_id=client.id,
            username=username,
            challenge=challenge,
            expires_at=self._clock() + client.auth_session_seconds,
            data=dict(data),
        )
        return token

    def take(
        self, token: str | None, client: AppClient | None, challenge: str | tuple[str, ...]
    ) -> ChallengeSession:
        """The open session ``token`` for ``challenge`` (or one of several) on ``client`` (any
        client when ``None``: AssociateSoftwareToken and VerifySoftwareToken name none), not yet
        consumed, or NotAuthorizedException. Callers :meth:`consume` it once the answer is
        accepted, so a wrong answer leaves it usable."""
        if not token:
            raise InvalidParameterError("Missing required parameter Session")
        wanted = (challenge,) if isinstance(challenge, str) else challenge
        record = self._sessions.get(token)
        if record is None and token in self._spent:
            raise NotAuthorizedError("Invalid session for the user, session can only be used once.")
        if (
            record is None
            or (client is not None and record.client_id != client.id)
            or record.challenge not in wanted
        ):
            raise NotAuthorizedError("Invalid session for the user.")
        if self._clock() >= record.expires_at:
            del self._sessions[token]
            raise NotAuthorizedError("Invalid session for the user, session is expired.")
        return record

    def newest_open(
        self, challenge: str, client: AppClient, **data: Any
    ) -> tuple[str, ChallengeSession] | None:
        """The newest unexpired session for ``challenge`` on ``client`` whose data has every
        item of ``data`` (for answers that may leave the Session out), with its token."""
        now = self._clock()
        for token, record in reversed(list(self._sessions.items())):
            if (
                record.challenge == challenge
                and record.client_id == client.id
                and all(record.data.get(k) == v for k, v in data.items())
                and now < record.expires_at
            ):
                return token, record
        return None

    def consume(self, token: str | None) -> None:
        """Spend a challenge session: presenting it again gets ``Invalid session for the user,
        session can only be used once.`` (until it would have expired)."""
        record = self._sessions.pop(token, None) if token else None
        if token and record is not None:
            self._spent[token] = record.expires_at

    def open_sessions(self) -> list[ChallengeSession]:
        """Every session not yet consumed or swept (for inspection)."""
        return list(self._sessions.values())

    # ------------------------------------------------------------------ SRP proofs

    def add_pending_srp(self, block: bytes, pending: PendingSrp) -> None:
        """Remember one SRP proof in progress under its SECRET_BLOCK."""
        self._sweep()
        self._pending_srp[block] = pending

    def take_pending_srp(self, block: bytes) -> PendingSrp | None:
        """The SRP proof in progress under ``block``, spent by this call whatever comes next."""
        return self._pending_srp.pop(block, None)

    def pending_srp_proofs(self) -> list[PendingSrp]:
        """Every SRP proof still waiting for its answer (for inspection)."""
        return list(self._pending_srp.values())

    # ------------------------------------------------------------------ housekeeping

    def _sweep(self) -> None:
        """Forget expired sessions and SRP proofs now and then, so memory stays bounded."""
        self._created_since_sweep += 1
        if self._created_since_sweep < _SWEEP_EVERY:
            return
        self._created_since_sweep = 0
        now = self._clock()
        for token in [t for t, r in self._sessions.items() if now >= r.expires_at]:
            del self._sessions[token]
        for token in [t for t, expiry in self._spent.items() if now >= expiry]:
            del self._spent[token]
        for block in [b for b, p in self._pending_srp.items() if now >= p.expires_at]:
            del self._pending_srp[block]

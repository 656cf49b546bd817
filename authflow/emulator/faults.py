"""Faults on demand for reliability tests: latency, throttling, 5xx, dropped connections.

A :class:`Faults` holds rules; the web app asks it, for every Cognito request, what to do to that
request before (and after) the operation runs. Rules are bounded and deterministic:

* every rule fires at most ``times`` times (default 1; ``None`` for no limit, explicitly) and is
  removed once spent; latency is capped at :data:`MAX_DELAY_SECONDS`;
* ``rate`` < 1 draws from a seeded :class:`random.Random`, so the same requests in the same
  order meet the same faults (``clear(seed=...)`` starts the sequence again).

Kinds:

``latency``
    wait ``delay`` seconds, then answer normally (all matching latency rules add up).
``throttle``
    HTTP 400 ``TooManyRequestsException: Rate exceeded``; the operation does not run.
``internal_error``
    HTTP 500 ``InternalErrorException``; the operation does not run.
``bad_gateway``
    a bare HTTP 502 with an HTML body and no ``__type``, as a load balancer sends.
``drop``
    close the connection without answering; the operation does not run.
``drop_after``
    run the operation, then close the connection: the change happened, the answer is lost.

Python::

    emu.faults.add("throttle", operation="InitiateAuth", times=2)
    emu.faults.add("latency", delay=0.2, rate=0.5, times=None)
    emu.faults.clear()

HTTP: ``POST /_emulator/faults`` with the same fields as JSON (``{"kind": "throttle",
"operation": "InitiateAuth", "times": 2}``) → 201 ``{"fault": {...}}``; ``GET /_emulator/faults``
→ rules and what was injected; ``DELETE /_emulator/faults[?seed=N]`` clears them;
``DELETE /_emulator/faults/{id}`` removes one.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["FAULT_KINDS", "MAX_DELAY_SECONDS", "FaultPlan", "FaultRule", "Faults"]

#: Every fault kind, in the order a request meets them (latency first).
FAULT_KINDS = ("latency", "throttle", "internal_error", "bad_gateway", "drop", "drop_after")
#: The longest delay one request can be given.
MAX_DELAY_SECONDS = 30.0


@attrs.frozen
class FaultRule:
    """One rule: inject ``kind`` into requests for ``operation`` (``None``: every operation)."""

    id: int
    kind: str
    operation: str | None
    times: int | None
    rate: float
    delay: float

    def to_json(self, remaining: int | None) -> dict[str, Any]:
        """The JSON form served at ``/_emulator/faults``."""
        return {
            "id": self.id,
            "kind": self.kind,
            "operation": self.operation,
            "times": self.times,
            "remaining": remaining,
            "rate": self.rate,
            "delay": self.delay,
        }


@attrs.frozen
class FaultPlan:
    """What to do to one request: wait ``delay`` seconds, then ``failure`` (or nothing)."""

    delay: float = 0.0
    failure: str | None = None


class Faults:
    """The fault rules of one emulator (thread-safe; rules are checked in the order added)."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._rng = random.Random(seed)  # noqa: S311 - reproducible test faults, not secrets
        self._ids = itertools.count(1)
        self._rules: list[FaultRule] = []
        self._remaining: dict[int, int | None] = {}
        #: ``(operation, kind)`` of every fault injected so far, in order.
        self.injected: list[tuple[str, str]] = []

    def add(
        self,
        kind: str,
        *,
        operation: str | None = None,
        times: int | None = 1,
        rate: float = 1.0,
        delay: float = 0.0,
    ) -> FaultRule:
        """Add a rule and return it. :class:`ValueError` for an unknown kind, ``times`` < 1,
        ``rate`` outside (0, 1], or a latency without a ``delay`` in (0, MAX_DELAY_SECONDS]."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        if times is not None and (isinstance(times, bool) or not isinstance(times, int)):
            raise ValueError("times must be an integer or None")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for no limit)")
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate <= 1:
            raise ValueError("rate must be in (0, 1]")
        if isinstance(delay, bool) or not isinstance(delay, int | float):
            raise ValueError("delay must be a number of seconds")
        if kind == "latency" and not 0 < delay <= MAX_DELAY_SECONDS:
            raise ValueError(f"a latency needs a delay in (0, {MAX_DELAY_SECONDS:g}] seconds")
        if kind != "latency" and delay:
            raise ValueError("only a latency fault takes a delay")
        if operation is not None and (not isinstance(operation, str) or not operation):
            raise ValueError("operation must be an operation name or None")
        with self._lock:
            rule = FaultRule(
                id=next(self._ids),
                kind=kind,
                operation=operation,
                times=times,
                rate=float(rate),
                delay=float(delay),
            )
            self._rules.append(rule)
            self._remaining[rule.id] = times
        return rule

    def add_json(self, spec: Mapping[str, Any]) -> FaultRule:
        """:meth:`add` from the JSON body of ``POST /_emulator/faults``."""
        unknown = set(spec) - {"kind", "operation", "times", "rate", "delay"}
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
        if "kind" not in spec:
            raise ValueError("kind is required")
        return self.add(
            spec["kind"],
            operation=spec.get("operation"),
            times=spec.get("times", 1),
            rate=spec.get("rate", 1.0),
            delay=spec.get("delay", 0.0),
        )

    def remove(self, rule_id: int) -> bool:
        """Remove one rule; whether it existed."""
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            self._remaining.pop(rule_id, None)
            return len(self._rules) != before

    def clear(self, *, seed: int | None = None) -> None:
        """Remove every rule, forget what was injected and restart the random sequence (from
        ``seed`` if given, else from the current seed)."""
        with self._lock:
            if seed is not None:
                self._seed = seed
            self._rng = random.Random(self._seed)  # noqa: S311 - reproducible, not secrets
            self._rules.clear()
            self._remaining.clear()
            self.injected.clear()

    @property
    def rules(self) -> list[FaultRule]:
        """The live rules, in order."""
        with self._lock:
            return list(self._rules)

    def to_json(self) -> dict[str, Any]:
        """The state served at ``GET /_emulator/faults``."""
        with self._lock:
            return {
                "seed": self._seed,
                "faults": [r.to_json(self._remaining.get(r.id)) for r in self._rules],
                "injected": [{"operation": op, "kind": kind} for op, kind in self.injected],
            }

    def plan(self, operation: str) -> FaultPlan:
        """Decide what happens to one request for ``operation`` (and count what fires)."""
        delay = 0.0
        failure: str | None = None
        with self._lock:
            if not self._rules:
                return FaultPlan()
            for rule in list(self._rules):
                if rule.operation is not None and rule.operation != operation:
                    continue
                if rule.kind != "latency" and failure is not None:
                    continue
                if rule.rate < 1.0 and self._rng.random() >= rule.rate:
                    continue
                if rule.kind == "latency":
                    delay += rule.delay
                else:
                    failure = rule.kind
                self.injected.append((operation, rule.kind))
                remaining = self._remaining.get(rule.id)
                if remaining is not None:
                    if remaining <= 1:
                        self._rules.remove(rule)
                        del self._remaining[rule.id]
                    else:
                        self._remaining[rule.id] = remaining - 1
        return FaultPlan(delay=min(delay, MAX_DELAY_SECONDS), failure=failure)

    def __repr__(self) -> str:
        return f"<Faults rules={len(self.rules)} seed={self._seed}>"

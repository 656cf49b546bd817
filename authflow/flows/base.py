"""What every flow shares: a transitions AsyncMachine declared as data, serialised public methods,
transition events, table linting and diagram export.

Rules this module enforces (docs/architecture.md, "Using transitions well"):

* states and transitions are plain data (``STATES``/``TRANSITIONS`` class attributes), built with
  ``auto_transitions=False`` and never a ``"*"`` source, so only the listed moves exist;
* the machine's model is a private plain object, so trigger names never shadow the flow's own
  public methods and nobody can call ``to_Authenticated()``;
* request I/O runs in ``before`` callbacks: when it raises, the state has not changed;
* every public method takes the flow's ``asyncio.Lock``: a second trigger can never cancel the
  first one's callbacks (AsyncMachine would otherwise do that silently);
* an invalid trigger raises :class:`~authflow.protocol.errors.InvalidStateError`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

import attrs
from transitions import MachineError
from transitions.extensions.asyncio import AsyncMachine

from authflow.protocol.errors import InvalidStateError

__all__ = [
    "DOT_START",
    "DOT_STYLE",
    "Flow",
    "TransitionEvent",
    "dot_diagram",
    "dot_quote",
    "lint_machine",
    "machine_edges",
    "mermaid_diagram",
]

log = logging.getLogger("authflow.flows")

_MACHINE_PREFIX = "authflow."


class _MachineRecordsAreDebugDetail(logging.Filter):
    """transitions logs at INFO a line per callback phase of every step ("Finished processing
    state ChallengePending exit callbacks.") and at ERROR every exception raised in a callback.
    For a flow the first is internal detail and the second an answer the caller receives (a
    wrong code, a refused password, a transient fault): it is re-raised to them. So records
    about authflow's machines never reach transitions' handlers: they are re-logged at DEBUG on
    ``authflow.flows.machine`` (seen when DEBUG logging is on) and nothing is logged at INFO.
    Records about other machines are untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not (isinstance(args, tuple) and args and str(args[0]).startswith(_MACHINE_PREFIX)):
            return True
        if machine_log.isEnabledFor(logging.DEBUG):
            machine_log.debug(record.getMessage(), exc_info=record.exc_info)
        return False


machine_log = logging.getLogger("authflow.flows.machine")
for _name in ("transitions.core", "transitions.extensions.asyncio"):
    logging.getLogger(_name).addFilter(_MachineRecordsAreDebugDetail())

TransitionSpec = Mapping[str, Any]


@attrs.frozen
class TransitionEvent:
    """One state transition of a flow, as reported to :meth:`Flow.on_transition` listeners."""

    flow: str
    trigger: str
    source: str
    dest: str
    challenge: str | None = None

    def __str__(self) -> str:
        challenge = f" ({self.challenge})" if self.challenge else ""
        return f"{self.flow}: {self.source} --{self.trigger}--> {self.dest}{challenge}"


class _Model:
    """The object transitions decorates: it holds ``state`` and the trigger methods, and hands
    callback look-ups (private names such as ``_send_answer``) to its flow. This is what lets one
    machine per flow *class* serve every flow: building a machine per flow cost about 0.15 ms and
    300 objects in a reference cycle, which the cyclic GC then had to collect in long pauses."""

    state: str

    def __init__(self, flow: object | None = None) -> None:
        # a weak reference: no flow <-> model cycle, so a dropped flow is freed at once
        self._flow = None if flow is None else weakref.ref(flow)

    def __getattr__(self, name: str) -> Any:
        # only reached for attributes the model does not have itself
        if name.startswith("_") and not name.startswith("__") and name != "_flow":
            ref = self.__dict__.get("_flow")
            flow = None if ref is None else ref()
            if flow is not None:
                return getattr(flow, name)
        raise AttributeError(name)


def _callback_names(spec: TransitionSpec) -> Iterable[tuple[str, str]]:
    for slot in ("prepare", "conditions", "unless", "before", "after"):
        value = spec.get(slot)
        if value is None:
            continue
        for name in [value] if isinstance(value, str) else value:
            yield slot, name


def lint_machine(
    states: Sequence[str],
    transitions: Sequence[TransitionSpec],
    initial: str,
    finals: Iterable[str],
) -> list[str]:
    """Check a machine's definition; return a list of problems (empty when sound).

    Problems: unknown or ``"*"`` sources/destinations, states unreachable from ``initial``, trap
    states (a non-final state from which no final state can be reached), final states with
    outgoing transitions, more than one callback in a slot (AsyncMachine would run them
    concurrently).
    """
    problems: list[str] = []
    known = set(states)
    final = set(finals)
    edges: dict[str, set[str]] = {s: set() for s in states}
    for spec in transitions:
        sources = spec["source"]
        sources = [sources] if isinstance(sources, str) else list(sources)
        dest = spec.get("dest")
        for src in sources:
            if src == "*" or src not in known:
                problems.append(f"transition {spec['trigger']!r} has bad source {src!r}")
                continue
            if src in final:
                problems.append(f"final state {src!r} has outgoing transition {spec['trigger']!r}")
            target = src if dest is None else dest
            if target not in known:
                problems.append(f"transition {spec['trigger']!r} has bad dest {target!r}")
                continue
            edges[src].add(target)
        for slot, value in ((s, spec.get(s)) for s in ("before", "after", "prepare")):
            if value is not None and not isinstance(value, str) and len(value) > 1:
                problems.append(f"transition {spec['trigger']!r} has several {slot} callbacks")
    if initial not in known:
        problems.append(f"initial state {initial!r} is not a state")
        return problems
    reached = {initial}
    frontier = [initial]
    while frontier:
        for nxt in edges[frontier.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    problems += [f"state {s!r} is unreachable" for s in states if s not in reached]
    for state in states:
        if state in final:
            continue
        seen = {state}
        frontier = [state]
        while frontier:
            for nxt in edges[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        if not seen & final:
            problems.append(f"state {state!r} is a trap: no final state is reachable from it")
    return problems


def mermaid_diagram(
    name: str, states: Sequence[str], transitions: Sequence[TransitionSpec], initial: str
) -> str:
    """Mermaid ``stateDiagram-v2`` source for a machine, from its tables (no graphviz needed).

    Built on a fresh machine so no live flow's current state is styled into it.
    """
    from transitions.extensions import GraphMachine

    bare = [
        {k: v for k, v in spec.items() if k in ("trigger", "source", "dest")}
        for spec in transitions
    ]
    model = _Model()
    GraphMachine(
        model=model,
        states=list(states),
        transitions=bare,
        initial=initial,
        auto_transitions=False,
        graph_engine="mermaid",
        title=name,
        show_conditions=False,
    )
    source: str = model.get_graph().draw(None)
    return source


def machine_edges(transitions: Sequence[TransitionSpec]) -> dict[tuple[str, str], list[str]]:
    """The table's moves as drawn: ``{(source, dest): [trigger, ...]}`` in table order, one entry
    per pair of states. An internal transition (``dest`` None: its ``before`` callback does the
    request, the state does not change) is a loop labelled ``"trigger [internal]"``."""
    edges: dict[tuple[str, str], list[str]] = {}
    for spec in transitions:
        sources = spec["source"]
        dest = spec.get("dest")
        for src in [sources] if isinstance(sources, str) else sources:
            label = spec["trigger"] if dest is not None else f"{spec['trigger']} [internal]"
            edges.setdefault((src, dest if dest is not None else src), []).append(label)
    return edges


def dot_quote(text: str) -> str:
    """``text`` as a double-quoted DOT string (its ``\\n`` escapes are kept: line breaks)."""
    return '"' + text.replace('"', '\\"') + '"'


#: Graph, node and edge defaults of every DOT diagram (legible at the README's width).
DOT_STYLE = (
    '  graph [fontname="Helvetica", fontsize=13, labelloc=t, nodesep=0.35, ranksep=0.5];\n'
    '  node [shape=box, style="rounded,filled", fillcolor="#f5f7fa", color="#4a5568", '
    'fontname="Helvetica", fontsize=12];\n'
    '  edge [fontname="Helvetica", fontsize=10, color="#4a5568", arrowsize=0.7];\n'
)
#: The entry dot every DOT diagram draws an arrow from into the initial state.
DOT_START = '  "__start" [shape=point, width=0.12, style=filled, fillcolor="#4a5568", label=""];'


def dot_diagram(
    name: str,
    states: Sequence[str],
    transitions: Sequence[TransitionSpec],
    initial: str,
    finals: Iterable[str] = (),
) -> str:
    """Graphviz DOT source for a machine, from its tables (``dot -Tsvg`` renders it).

    One edge per pair of states carrying every trigger between them (internal transitions are
    loops marked ``[internal]``); the initial state has an entry arrow, final states a double
    border. No live flow's current state is drawn into it.
    """
    final = set(finals)
    lines = [f"digraph {dot_quote(name)} {{", f"  label={dot_quote(name)};", "  rankdir=LR;"]
    lines.append(DOT_STYLE.rstrip("\n"))
    lines.append(DOT_START)
    for state in states:
        extra = ", peripheries=2" if state in final else ""
        lines.append(f"  {dot_quote(state)} [label={dot_quote(state)}{extra}];")
    lines.append(f'  "__start" -> {dot_quote(initial)};')
    for (src, dst), triggers in machine_edges(transitions).items():
        label = "\\n".join(triggers)
        lines.append(f"  {dot_quote(src)} -> {dot_quote(dst)} [label={dot_quote(label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


class Flow:
    """Base class of every flow. Subclasses declare ``NAME``, ``STATES``, ``TRANSITIONS``,
    ``INITIAL`` and ``FINALS``; callbacks in the table name methods of the subclass."""

    NAME: ClassVar[str] = "flow"
    STATES: ClassVar[Sequence[str]] = ()
    TRANSITIONS: ClassVar[Sequence[TransitionSpec]] = ()
    INITIAL: ClassVar[str] = ""
    FINALS: ClassVar[frozenset[str]] = frozenset()
    _machine_for_class: ClassVar[AsyncMachine | None] = None

    def __init__(self, *, initial: str | None = None) -> None:
        self._lock = asyncio.Lock()
        self._listeners: list[Callable[[TransitionEvent], Any]] = []
        self._machine = type(self)._shared_machine()
        # The model is never added to the machine: events are fired on it explicitly (see
        # _fire), so the machine keeps no reference to it and binds no per-model triggers; a
        # flow the caller drops is freed like any other object.
        self._model = _Model(self)
        self._model.state = initial or self.INITIAL

    @classmethod
    def _shared_machine(cls) -> AsyncMachine:
        machine: AsyncMachine | None = cls.__dict__.get("_machine_for_class")
        if machine is None:
            machine = AsyncMachine(
                model=None,
                name=_MACHINE_PREFIX + cls.NAME,
                states=list(cls.STATES),
                transitions=[dict(spec) for spec in cls.TRANSITIONS],
                initial=cls.INITIAL,
                auto_transitions=False,
                send_event=True,
                after_state_change="_after_state_change",
            )
            cls._machine_for_class = machine
        return machine

    @property
    def state(self) -> str:
        """The current top-level state name."""
        return self._model.state

    @property
    def finished(self) -> bool:
        """Whether the flow reached a final state."""
        return self.state in self.FINALS

    def on_transition(self, listener: Callable[[TransitionEvent], Any]) -> None:
        """Call ``listener(event)`` after every state change (and every internal engine step).

        Listeners must not raise; an exception is logged and ignored.
        """
        self._listeners.append(listener)

    def _current_challenge(self) -> str | None:
        return None

    async def _after_state_change(self, event: Any) -> None:
        transition = event.transition
        report = TransitionEvent(
            flow=self.NAME,
            trigger=event.event.name,
            source=transition.source,
            dest=transition.dest or transition.source,
            challenge=self._current_challenge(),
        )
        for listener in list(self._listeners):
            try:
                result = listener(report)
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                log.exception("transition listener failed")

    async def _fire(self, trigger: str, **kwargs: Any) -> None:
        """Fire ``trigger`` on the machine; map misuse to InvalidStateError."""
        event = self._machine.events.get(trigger)
        if event is None:
            raise InvalidStateError(f"{self.NAME}: no such trigger {trigger!r}", state=self.state)
        try:
            ok = await event.trigger(self._model, **kwargs)
        except MachineError as exc:
            raise InvalidStateError(
                f"{self.NAME}: cannot {trigger} while {self.state}",
                state=self.state,
                trigger=trigger,
            ) from exc
        if ok is False:  # cancelled or refused by a condition
            raise InvalidStateError(
                f"{self.NAME}: {trigger} did not happen while {self.state}",
                state=self.state,
                trigger=trigger,
            )

    @classmethod
    def lint(cls) -> list[str]:
        """Problems in this flow's machine definition (see :func:`lint_machine`)."""
        problems = lint_machine(cls.STATES, cls.TRANSITIONS, cls.INITIAL, cls.FINALS)
        for spec in cls.TRANSITIONS:
            for _slot, name in _callback_names(spec):
                if not callable(getattr(cls, name, None)):
                    problems.append(f"transition {spec['trigger']!r} names missing {name!r}")
        return problems

    @classmethod
    def diagram(cls) -> str:
        """Mermaid source of this flow's machine."""
        return mermaid_diagram(cls.NAME, cls.STATES, cls.TRANSITIONS, cls.INITIAL)

    @classmethod
    def dot(cls) -> str:
        """Graphviz DOT source of this flow's machine (the same table as :meth:`diagram`)."""
        return dot_diagram(cls.NAME, cls.STATES, cls.TRANSITIONS, cls.INITIAL, cls.FINALS)

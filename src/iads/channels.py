"""How messages travel: a publish/subscribe ``Bus`` of topics, and ``Channel`` links.

A stage publishes a batch (``iads.messages``) on a topic (``"plots/3"``, ``"tracks/0"``...);
every subscriber of the topic gets it at once: a ``Channel`` (which delivers it to the
receiving stage after its latency, at its period, within its capacity, with its loss), or a
recorder (the event log, the scoring of tracks against truth, a DIS stream). Receiving stages
read their channels; nothing else is shared between stages.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Sink = Callable[[float, Any], None]
"""A subscriber: ``sink(t_s, batch)``."""

EPS_S = 1e-9


class Bus:
    """Topics and their subscribers, called in subscription order (deterministic)."""

    def __init__(self) -> None:
        self._subs: dict[str, list[Sink]] = defaultdict(list)

    def subscribe(self, topic: str, sink: Sink) -> None:
        """Call ``sink(t_s, batch)`` for every batch published on ``topic``."""
        self._subs[topic].append(sink)

    def publish(self, topic: str, t_s: float, batch: Any) -> None:
        """Hand ``batch`` (sent at ``t_s``, s) to every subscriber of ``topic``."""
        for sink in self._subs.get(topic, ()):
            sink(t_s, batch)

    def subscribers(self, topic: str) -> int:
        """How many sinks listen on ``topic``."""
        return len(self._subs.get(topic, ()))


@dataclass
class Channel:
    """A one-way link carrying batches with ``latency_s`` (s, >= 0).

    ``period_s`` > 0: the link transmits at most once per period (t = 0, period, 2 period...):
    batches sent in between wait for the next transmission, and a newer batch replaces an
    older one still waiting (``replace_pending``: the right behaviour for periodic pictures;
    off for event messages, which queue). ``capacity``: at most this many rows per
    transmission, the first rows kept (senders put the most important first).
    ``loss_probability``: each row is lost independently with this probability, drawn from
    ``rng``. ``up`` False drops everything sent (a lost link). Sent rows are counted in
    ``rows_sent``, lost ones in ``rows_lost``.
    """

    name: str
    latency_s: float = 0.0
    period_s: float = 0.0
    capacity: int | None = None
    loss_probability: float = 0.0
    rng: np.random.Generator | None = None
    replace_pending: bool = True
    up: bool = True
    rows_sent: int = 0
    rows_lost: int = 0
    _queue: deque = field(default_factory=deque, repr=False)
    _pending: list = field(default_factory=list, repr=False)
    _next_tx_s: float = 0.0

    def __post_init__(self) -> None:
        if not self.latency_s >= 0:
            raise ValueError(f"channel {self.name}: latency_s must be >= 0")
        if not 0.0 <= self.loss_probability <= 1.0:
            raise ValueError(f"channel {self.name}: loss_probability must be in [0, 1]")
        if self.loss_probability > 0 and self.rng is None:
            raise ValueError(f"channel {self.name}: a lossy channel needs an rng")

    def send(self, t_s: float, batch: Any) -> None:
        """Offer ``batch`` at ``t_s`` (s): transmitted now or at the next period."""
        if not self.up:
            self.rows_lost += len(batch)
            return
        if self.period_s > 0 and t_s + EPS_S < self._next_tx_s:
            if self.replace_pending:
                self._pending = [batch]
            else:
                self._pending.append(batch)
            return
        self._transmit(t_s, [*self._pending, batch] if not self.replace_pending else [batch])
        self._pending = []

    def _transmit(self, t_s: float, batches: list[Any]) -> None:
        if self.period_s > 0:
            self._next_tx_s = (np.floor(t_s / self.period_s + EPS_S) + 1.0) * self.period_s
        budget = self.capacity
        for batch in batches:
            n = len(batch)
            if budget is not None:
                if n > budget:
                    self.rows_lost += n - budget
                    batch = batch.select(slice(0, budget))
                    n = budget
                budget -= n
            if self.loss_probability > 0 and n:
                keep = self.rng.random(n) >= self.loss_probability
                self.rows_lost += int(n - keep.sum())
                batch = batch.select(keep)
                n = len(batch)
            self.rows_sent += n
            self._queue.append((t_s + self.latency_s, batch))

    def next_delivery_s(self) -> float:
        """When ``receive`` next has something to do (s): the first queued batch's delivery
        time, or the next transmission of batches waiting for the period (inf: nothing)."""
        t = self._queue[0][0] if self._queue else np.inf
        if self._pending and self.up:
            t = min(t, self._next_tx_s)
        return float(t)

    def receive(self, t_s: float) -> list[Any]:
        """Batches delivered by ``t_s`` (s), in the order sent (removed from the link).
        A periodic link also transmits what waited for its period."""
        if self._pending and self.up and t_s + EPS_S >= self._next_tx_s:
            pending, self._pending = self._pending, []
            self._transmit(self._next_tx_s, pending)
        out = []
        while self._queue and self._queue[0][0] <= t_s + EPS_S:
            out.append(self._queue.popleft()[1])
        return out


__all__ = ["Bus", "Channel", "Sink"]

"""Channels: latency, period, capacity and loss, against counts worked by hand."""

import numpy as np
import pytest

from iads.channels import Bus, Channel
from iads.messages import Looks


def _batch(n: int, t: float = 0.0) -> Looks:
    return Looks(
        time_s=np.full(n, t),
        duration_s=np.ones(n),
        sensor_id=np.arange(n),
        start_rad=np.zeros(n),
        sweep_rad=np.ones(n),
    )


def test_latency_delivers_no_earlier():
    ch = Channel("c", latency_s=2.0)
    ch.send(1.0, _batch(3))
    assert ch.receive(2.9) == []
    (got,) = ch.receive(3.0)
    assert len(got) == 3 and ch.receive(10.0) == []


def test_period_keeps_the_newest_pending_and_capacity_the_first_rows():
    ch = Channel("c", latency_s=0.5, period_s=2.0, capacity=2)
    ch.send(0.0, _batch(3, 0.0))  # transmitted now, cut to 2 rows
    ch.send(1.0, _batch(1, 1.0))  # waits for t = 2
    ch.send(1.5, _batch(1, 1.5))  # replaces it
    (first,) = ch.receive(0.5)
    assert first.sensor_id.tolist() == [0, 1]
    assert ch.receive(2.4) == []  # transmitted at 2 s (on this read), arrives at 2.5 s
    (second,) = ch.receive(2.5)
    assert second.time_s.tolist() == [1.5]
    assert ch.rows_sent == 3 and ch.rows_lost == 1


def test_loss_rate_and_a_lost_link():
    rng = np.random.default_rng(np.random.SeedSequence(5))
    ch = Channel("c", loss_probability=0.25, rng=rng, replace_pending=False)
    for k in range(400):
        ch.send(float(k), _batch(10, float(k)))
    n = 4_000
    # binomial: mean 1000, sd sqrt(4000 * 0.25 * 0.75) = 27.4; 4 sd either side
    assert abs(ch.rows_lost - 0.25 * n) < 4 * np.sqrt(n * 0.25 * 0.75)
    assert ch.rows_sent + ch.rows_lost == n
    ch.up = False
    ch.send(500.0, _batch(5))
    assert ch.receive(1e9)[-1].time_s[0] == 399.0  # nothing after the link went down
    assert ch.rows_lost > 0


def test_bad_settings_and_bus_order():
    with pytest.raises(ValueError):
        Channel("c", latency_s=-1.0)
    with pytest.raises(ValueError):
        Channel("c", loss_probability=0.5)  # no rng
    bus, seen = Bus(), []
    bus.subscribe("t", lambda t, b: seen.append(("a", t)))
    bus.subscribe("t", lambda t, b: seen.append(("b", t)))
    bus.publish("t", 1.0, _batch(1))
    assert seen == [("a", 1.0), ("b", 1.0)] and bus.subscribers("t") == 2

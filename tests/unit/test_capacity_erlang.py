"""Erlang B, C and A, and the FTE arithmetic, against answers worked out by hand or by an
independent method (exact factorial sums for small loads, log-space sums for large ones)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from opsgov.capacity.erlang import (
    erlang_a_required,
    erlang_a_result,
    erlang_b,
    erlang_c,
    erlang_c_required,
    erlang_c_result,
)
from opsgov.capacity.fte import deferrable, realtime, scheduled, shrunk
from opsgov.models.capacity import IntervalProfile, QueueCapacity, ServiceTarget

# 100 contacts per 30 minutes, AHT 180 s: 100 / 1800 per second, load 10 Erlangs.
RATE, AHT = 100 / 1800, 180.0


def exact_b(load: int, agents: int) -> float:
    """Erlang B from its definition, in exact rational arithmetic."""
    terms = [Fraction(load**k, math.factorial(k)) for k in range(agents + 1)]
    return float(terms[-1] / sum(terms))


def log_space_b(load: float, agents: int) -> float:
    """Erlang B from log-terms k log A - log k!, summed with a shifted exponent."""
    logs = [k * math.log(load) - math.lgamma(k + 1) for k in range(agents + 1)]
    top = max(logs)
    return math.exp(logs[-1] - top) / sum(math.exp(v - top) for v in logs)


@pytest.mark.parametrize(
    ("load", "agents", "table"),
    [(1, 1, 0.5), (2, 2, 0.4), (10, 10, 0.2146), (10, 15, 0.0365), (5, 10, 0.0184)],
)
def test_erlang_b_matches_table_values(load: int, agents: int, table: float) -> None:
    # 1 and 2 by hand: B(1,1) = 1/(1+1); B(2,2) = 2 / (1 + 2 + 2) = 0.4.
    assert erlang_b(load, agents) == pytest.approx(table, abs=5e-5)
    assert erlang_b(load, agents) == pytest.approx(exact_b(load, agents), rel=1e-12)


def test_thousands_of_erlangs_do_not_overflow() -> None:
    # A**k / k! overflows a float near k = 171; the recursion never forms either.
    for load, agents in [(2000.0, 2000), (5000.0, 5100), (9000.0, 8800)]:
        b = erlang_b(load, agents)
        assert math.isfinite(b)
        assert b == pytest.approx(log_space_b(load, agents), rel=1e-9)
    # 5,000 / 18 contacts a second x 18 s = 5,000 Erlangs: the answer sits just above the load
    result = erlang_c_required(5000 / 18, 18.0, 20.0, 0.8, 1.0)
    assert result.load == pytest.approx(5000.0)
    assert 5000 < result.agents < 5100
    assert result.service_level >= 0.8
    assert erlang_c_result(result.load / 18.0, 18.0, result.agents - 1, 20.0).service_level < 0.8


def test_worked_example_needs_14_agents_and_20_scheduled() -> None:
    # domain worked example: A = 10, 80 % within 20 s, max occupancy 85 %, shrinkage 30 %.
    result = erlang_c_required(RATE, AHT, 20.0, 0.8, 0.85)
    assert result.agents == 14
    assert result.service_level == pytest.approx(0.888, abs=5e-4)
    assert result.asa == pytest.approx(7.8, abs=0.05)
    assert result.occupancy == pytest.approx(10 / 14)
    assert result.p_wait == pytest.approx(0.174, abs=5e-4)
    assert result.p_abandon == 0
    # shrinkage divides: 14 / (1 - 0.3) = 20, where multiplying would give 18.2
    assert shrunk(result.agents, 0.3) == pytest.approx(20.0)
    assert scheduled(shrunk(result.agents, 0.3)) == 20


@pytest.mark.parametrize(
    ("agents", "p_wait", "sl", "asa"),
    [(12, 0.449, 0.640, 40.4), (13, 0.285, 0.796, 17.1), (15, 0.102, 0.941, 3.7)],
)
def test_erlang_c_table_rows(agents: int, p_wait: float, sl: float, asa: float) -> None:
    result = erlang_c_result(RATE, AHT, agents, 20.0)
    assert result.p_wait == pytest.approx(p_wait, abs=5e-4)
    assert result.service_level == pytest.approx(sl, abs=5e-4)
    assert result.asa == pytest.approx(asa, abs=0.05)
    assert erlang_c(10.0, agents) == pytest.approx(result.p_wait)


def test_a_lower_occupancy_cap_needs_15() -> None:
    result = erlang_c_required(RATE, AHT, 20.0, 0.8, 0.7)
    assert result.agents == 15
    assert scheduled(shrunk(result.agents, 0.3)) == 22


def test_erlang_a_with_five_minutes_patience() -> None:
    # the published M/M/n+M reference values for this scenario, 14 agents
    result = erlang_a_result(RATE, AHT, 300.0, 14, 20.0)
    assert result.p_wait == pytest.approx(0.14526, abs=1e-5)
    assert result.p_abandon == pytest.approx(0.013984, abs=1e-6)
    assert result.occupancy == pytest.approx(0.704297, abs=1e-6)
    assert result.service_level == pytest.approx(0.916792, abs=1e-6)
    # flow balance: agents busy = answered contacts x handle time
    assert result.occupancy * 14 == pytest.approx(10 * (1 - result.p_abandon), rel=1e-9)


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    c = erlang_c_result(RATE, AHT, 14, 20.0)
    a = erlang_a_result(RATE, AHT, 1e9, 14, 20.0)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-5)
    assert a.asa == pytest.approx(c.asa, rel=1e-4)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-5)


def test_erlang_a_answers_an_overloaded_queue() -> None:
    # 10 Erlangs on 8 agents: Erlang C has no steady state; with abandonment at least
    # 1 - 8/10 of contacts must abandon, since 8 agents answer at most 8/180 per second.
    assert erlang_c_result(RATE, AHT, 8, 20.0).service_level == 0
    result = erlang_a_result(RATE, AHT, 120.0, 8, 20.0)
    assert 0.2 <= result.p_abandon < 1
    assert result.occupancy <= 1
    assert 0 < result.service_level < 0.5
    assert result.occupancy * 8 == pytest.approx(10 * (1 - result.p_abandon), rel=1e-9)


def test_erlang_a_at_thousands_of_erlangs() -> None:
    rate = 20_000 / 1800  # 2,000 Erlangs at 180 s
    result = erlang_a_result(rate, AHT, 300.0, 2000, 20.0)
    assert all(math.isfinite(v) for v in (result.service_level, result.asa, result.p_abandon))
    assert result.occupancy * 2000 == pytest.approx(2000 * (1 - result.p_abandon), rel=1e-9)
    need = erlang_a_required(rate, AHT, 300.0, 20.0, 0.8)
    assert need.service_level >= 0.8
    assert erlang_a_result(rate, AHT, 300.0, need.agents - 1, 20.0).service_level < 0.8


def test_deferrable_fte_worked_examples() -> None:
    # 50,000 items x 12 min = 10,000 h; 10,000 / (160 x 0.85) / 0.7 = 105.04
    r = deferrable(50_000, 720, 160, 0.85, 0.3)
    assert r.workload_hours == pytest.approx(10_000)
    assert r.fte == pytest.approx(10_000 / (160 * 0.85) / 0.7)
    assert r.fte == pytest.approx(105.04, abs=0.005)
    # 1,000 x 300 s in an 8 h day, 85 % occupancy, 25 % shrinkage: 16.34
    assert deferrable(1000, 300, 8, 0.85, 0.25).fte == pytest.approx(16.34, abs=0.005)


def test_realtime_month_sums_interval_hours_before_rounding() -> None:
    # one 30-minute interval a day, November (30 days), 100 contacts an interval:
    # 14 agents x 0.5 h x 30 days = 210 h; 210 / 160 / 0.7 = 1.875 FTE -> 2 scheduled
    queue = QueueCapacity(channel="voice", service_level=ServiceTarget(share=0.8, seconds=20))
    profile = IntervalProfile(minutes=30, open_hours=0.5)
    r = realtime("2026-11", 3000, AHT, queue, profile, 160, 0.85, 0.3)
    assert [i.agents for i in r.intervals] == [14]
    assert r.workload_hours == pytest.approx(210)
    assert r.fte == pytest.approx(1.875)
    assert scheduled(r.fte) == 2
    assert r.day_average("service_level") == pytest.approx(0.888, abs=5e-4)


def test_chat_concurrency_shortens_handle_time() -> None:
    # two chats at once: 306 s / 1.7 = 180 s effective, the voice example again
    chat = QueueCapacity(
        channel="chat", concurrency=2, service_level=ServiceTarget(share=0.8, seconds=20)
    )
    profile = IntervalProfile(minutes=30, open_hours=0.5)
    r = realtime("2026-11", 3000, 306, chat, profile, 160, 0.85, 0.3)
    assert [i.agents for i in r.intervals] == [14]


@pytest.mark.parametrize("load", [0.3, 5.0, 10.0, 60.0])
@pytest.mark.parametrize("patience", [30.0, 300.0])
@pytest.mark.parametrize(("share", "occupancy", "abandon"), [(0.8, 0.85, 1.0), (0.95, 1.0, 0.02)])
def test_erlang_a_required_is_the_fewest_that_meet_every_cap(
    load: float, patience: float, share: float, occupancy: float, abandon: float
) -> None:
    # counted up from zero agents, one at a time, with the same caps
    rate = load / AHT
    fewest = 0
    while True:
        r = erlang_a_result(rate, AHT, patience, fewest, 20.0)
        if r.service_level >= share and r.occupancy <= occupancy + 1e-12 and r.p_abandon <= abandon:
            break
        fewest += 1
    found = erlang_a_required(rate, AHT, patience, 20.0, share, occupancy, abandon)
    assert found.agents == fewest

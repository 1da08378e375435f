"""Queueing models for real-time channels: Erlang B, Erlang C and Erlang A (M/M/n+M).

Every model here works in one time unit of the caller's choosing (seconds in opsgov): arrival
rate, handle time, patience and answer-time target must agree. Nothing uses factorials or
powers of the load, so loads of thousands of Erlangs neither overflow nor lose precision:

- Erlang B by its recursion `B(0) = 1`, `B(k) = A B(k-1) / (k + A B(k-1))`;
- Erlang C from it, `C = n B / (n - A (1 - B))`; service level
  `SL(t) = 1 - C exp(-(n - A) t / AHT)`; `ASA = C AHT / (n - A)`;
- Erlang A (Garnett, Mandelbaum and Reiman, 2002) as the birth-death chain with death rate
  `min(k, n) mu + max(k - n, 0) theta`, built in ratios and cut off where its tail is below
  1e-16, and the waiting-time distribution of an arriving contact by uniformisation (a sum of
  Poisson-weighted steps of a bidiagonal chain, stable however long the patience).

Erlang C has no answer when the load reaches the agents (`n <= A`: the queue grows without
bound); Erlang A always has one, which is what an overloaded queue after a site loss needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

TAIL = 1e-16
"""Probability mass below which the birth-death chain is cut off."""


@dataclass(frozen=True)
class QueueResult:
    """What a whole number of agents achieves on one interval's offered load."""

    model: str
    """`erlang_c` or `erlang_a`."""
    load: float
    """Offered load in Erlangs (arrival rate x handle time)."""
    agents: int
    service_level: float
    """Share of all offered contacts answered within the target time."""
    asa: float
    """Average speed of answer of the answered contacts, in the caller's time unit."""
    occupancy: float
    """Share of agents' time spent handling contacts."""
    p_wait: float
    """Probability an arriving contact waits (finds every agent busy)."""
    p_abandon: float
    """Probability an arriving contact abandons before it is answered (0 in Erlang C)."""


def erlang_b(load: float, agents: int) -> float:
    """Blocking probability of an M/M/n/n system (Erlang B), by the stable recursion.

    Args:
        load: Offered load A in Erlangs (>= 0).
        agents: Number of servers n (>= 0).

    Returns:
        B(n, A), the share of arrivals that find every server busy.
    """
    if load < 0 or agents < 0:
        raise ValueError("load and agents must not be negative")
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(load: float, agents: int) -> float:
    """Probability of waiting in an M/M/n queue (Erlang C); 1.0 when `agents <= load`."""
    if agents <= load:
        return 1.0
    b = erlang_b(load, agents)
    return agents * b / (agents - load * (1.0 - b))


def _c_metrics(load: float, agents: int, b: float, aht: float, target: float) -> QueueResult:
    """Erlang C figures for `agents` given B(agents, load) already computed."""
    if agents <= load:
        return QueueResult("erlang_c", load, agents, 0.0, math.inf, 1.0, 1.0, 0.0)
    c = agents * b / (agents - load * (1.0 - b))
    sl = 1.0 - c * math.exp(-(agents - load) * target / aht)
    asa = c * aht / (agents - load)
    return QueueResult("erlang_c", load, agents, sl, asa, load / agents, c, 0.0)


def erlang_c_result(rate: float, aht: float, agents: int, target: float) -> QueueResult:
    """Erlang C service level, ASA, occupancy and P(wait) for a given number of agents.

    Args:
        rate: Arrivals per time unit.
        aht: Mean handle time, same unit.
        agents: Agents on the interval.
        target: Answer-time target of the service level, same unit.
    """
    load = rate * aht
    return _c_metrics(load, agents, erlang_b(load, agents), aht, target)


def erlang_c_required(
    rate: float,
    aht: float,
    target: float,
    service_level: float,
    max_occupancy: float = 1.0,
) -> QueueResult:
    """The fewest agents that answer `service_level` of contacts within `target` (Erlang C).

    Starts at the smallest integer above the load and adds agents until the service level is
    met, then raises the count until occupancy is at most `max_occupancy`. The Erlang B value
    is carried from one count to the next, so the search costs one recursion in all.
    """
    if rate < 0 or aht <= 0 or target < 0 or not 0 < service_level < 1:
        raise ValueError("rate >= 0, aht > 0, target >= 0 and 0 < service_level < 1 required")
    if not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must be in (0, 1]")
    load = rate * aht
    if load == 0:
        return QueueResult("erlang_c", 0.0, 0, 1.0, 0.0, 0.0, 0.0, 0.0)
    n = math.floor(load) + 1
    b = erlang_b(load, n)
    result = _c_metrics(load, n, b, aht, target)
    while result.service_level < service_level or result.occupancy > max_occupancy + 1e-12:
        n += 1
        b = load * b / (n + load * b)
        result = _c_metrics(load, n, b, aht, target)
    return result


def _stationary(rate: float, mu: float, theta: float, agents: int) -> Floats:
    """Stationary distribution of the M/M/n+M birth-death chain, cut off at a tiny tail."""
    # log pi_k - log pi_0, built from the ratios rate / death_k; stop once past the agents the
    # ratio is below one and the mass has fallen under TAIL of the peak.
    logs = [0.0]
    peak = 0.0
    k = 0
    log_rate = math.log(rate)
    while True:
        k += 1
        death = min(k, agents) * mu + max(k - agents, 0) * theta
        value = logs[-1] + log_rate - math.log(death)
        logs.append(value)
        peak = max(peak, value)
        if k > agents and rate < death and value - peak < math.log(TAIL):
            break
        if k > agents + 10_000_000:
            raise ValueError("the queue does not settle: patience must be finite")
    pi: Floats = np.exp(np.asarray(logs, dtype=float) - peak)
    return pi / float(pi.sum())


def _poisson_weights(mean: float) -> Floats:
    """Poisson(mean) probabilities for 0..M, M far enough that the rest is below 1e-16."""
    if mean == 0:
        return np.ones(1)
    top = int(mean + 12 * math.sqrt(mean) + 40)
    k = np.arange(top + 1, dtype=float)
    lgamma = np.array([math.lgamma(x + 1) for x in k])
    weights: Floats = np.exp(k * math.log(mean) - mean - lgamma)
    return weights


def _served_within(places: int, agents: int, mu: float, theta: float, target: float) -> Floats:
    """P(answered within `target`) for a contact that joins the queue at place 1..places.

    The place moves forward at rate n mu + (p - 1) theta (a service ends, or someone ahead
    abandons); the contact itself abandons at rate theta. Uniformised at the largest total
    rate, so each step is a bidiagonal product, summed with Poisson weights.
    """
    p = np.arange(1, places + 1, dtype=float)
    forward = agents * mu + (p - 1) * theta
    uniform = float(forward[-1] + theta)
    if uniform == 0 or target == 0:
        return np.zeros(places)
    move = forward / uniform
    stay = 1.0 - move - theta / uniform
    weights = _poisson_weights(uniform * target)
    # v[p] = P(answered within m steps | place p); being answered is absorbing, so
    # P(answered by t) = sum_m Poisson(m; uniform t) v_m. Weights past the last carry < 1e-16.
    v = np.zeros(places)
    total = np.zeros(places)
    for w in weights[1:]:
        ahead = np.concatenate(([1.0], v[:-1]))
        v = move * ahead + stay * v
        total += w * v
    return total


def _served_chance_and_wait(
    places: int, agents: int, mu: float, theta: float
) -> tuple[Floats, Floats]:
    """For each place 1..places: P(answered) and E[wait x 1{answered}]."""
    served = np.empty(places)
    wait = np.empty(places)
    s_prev, t_prev = 1.0, 0.0
    for i in range(places):
        forward = agents * mu + i * theta
        out = forward + theta
        go = forward / out
        s = go * s_prev
        t = go * (t_prev + s_prev / out)
        served[i], wait[i] = s, t
        s_prev, t_prev = s, t
    return served, wait


def erlang_a_result(
    rate: float, aht: float, patience: float, agents: int, target: float
) -> QueueResult:
    """Erlang A (M/M/n+M) figures for a given number of agents.

    Args:
        rate: Arrivals per time unit.
        aht: Mean handle time, same unit.
        patience: Mean time a contact waits before abandoning (exponential), same unit.
        agents: Agents on the interval (may be fewer than the load: the queue is then held by
            abandonment).
        target: Answer-time target, same unit.

    Returns:
        The figures; service level is the share of all offered contacts answered within
        `target` (abandoned contacts count as not answered in time), ASA the mean wait of the
        answered ones.
    """
    if rate < 0 or aht <= 0 or patience <= 0 or agents < 0 or target < 0:
        raise ValueError("rate >= 0, aht > 0, patience > 0, agents >= 0, target >= 0 required")
    load = rate * aht
    if rate == 0:
        return QueueResult("erlang_a", 0.0, agents, 1.0, 0.0, 0.0, 0.0, 0.0)
    mu, theta = 1.0 / aht, 1.0 / patience
    pi = _stationary(rate, mu, theta, agents)
    k = np.arange(pi.size)
    queued = pi[agents:]
    places = queued.size
    p_wait = float(queued.sum())
    busy = float((np.minimum(k, agents) * pi).sum())
    occupancy = busy / agents if agents else 0.0
    waiting = float(((k[agents:] - agents) * queued).sum())
    p_abandon = theta * waiting / rate
    served, wait = _served_chance_and_wait(places, agents, mu, theta)
    within = _served_within(places, agents, mu, theta, target)
    no_wait = float(pi[:agents].sum())
    answered = no_wait + float((queued * served).sum())
    sl = no_wait + float((queued * within).sum())
    asa = float((queued * wait).sum()) / answered if answered > 0 else math.inf
    return QueueResult("erlang_a", load, agents, sl, asa, occupancy, p_wait, p_abandon)


def erlang_a_required(
    rate: float,
    aht: float,
    patience: float,
    target: float,
    service_level: float,
    max_occupancy: float = 1.0,
    max_abandon: float = 1.0,
) -> QueueResult:
    """The fewest agents meeting the service level, occupancy and abandonment caps (Erlang A).

    Service level, occupancy and abandonment all improve as agents are added, so the count is
    found by a search that starts from the Erlang C answer (usually a few agents away), widens
    its steps until it brackets the answer and then bisects.
    """
    if not 0 < service_level < 1 or not 0 < max_occupancy <= 1 or not 0 < max_abandon <= 1:
        raise ValueError("service_level in (0, 1), max_occupancy and max_abandon in (0, 1]")
    if rate == 0:
        return erlang_a_result(rate, aht, patience, 0, target)

    def trial(agents: int) -> QueueResult:
        return erlang_a_result(rate, aht, patience, agents, target)

    def meets(result: QueueResult) -> bool:
        return (
            result.service_level >= service_level
            and result.occupancy <= max_occupancy + 1e-12
            and result.p_abandon <= max_abandon
        )

    guess = erlang_c_required(rate, aht, target, service_level, max_occupancy).agents
    found = trial(guess)
    step = 1
    if meets(found):  # look below: `high` meets, `low` does not (or is -1)
        high, low = guess, guess - 1
        while low >= 0 and meets(below := trial(low)):
            high, found = low, below
            step *= 2
            low = max(high - step, -1)
    else:  # look above
        low, high = guess, guess + 1
        found = trial(high)
        while not meets(found):
            low = high
            step *= 2
            high = low + step
            found = trial(high)
    while high - low > 1:
        mid = (low + high) // 2
        result = trial(mid)
        if meets(result):
            high, found = mid, result
        else:
            low = mid
    return found

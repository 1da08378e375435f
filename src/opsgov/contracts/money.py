"""Exact money: rounding to cents, and sharing a binding cap across the failed service levels."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    """Rounded to the cent, half up (as an invoice rounds)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def cents_down(value: Decimal) -> Decimal:
    """Rounded down to the cent (never more than the exact amount)."""
    return value.quantize(CENT, rounding=ROUND_DOWN)


def money_text(value: Decimal | None, currency: str = "") -> str:
    """`12,345.67 USD`."""
    if value is None:
        return "\u2014"
    return f"{value:,.2f}" + (f" {currency}" if currency else "")


def split_cap(credits: Sequence[Decimal], cap: Decimal, rule: str) -> list[Decimal]:
    """Share `cap` across credits that exceed it; the shares sum to the cap exactly.

    pro_rata scales every credit by cap / total (cents by largest remainder); in_order fills
    the credits in order until the cap is used up; equal gives equal shares, none above its own
    credit, the rest shared again among the others. No share ever exceeds its credit.
    """
    total = sum(credits, ZERO)
    if total <= cap:
        return list(credits)
    if rule == "in_order":
        out, left = [], cap
        for credit in credits:
            take = min(credit, left)
            out.append(take)
            left -= take
        return out
    if rule == "equal":
        exact = _equal_shares(credits, cap)
    else:
        exact = [credit * cap / total for credit in credits]
    return _largest_remainder(exact, cap, credits)


def _equal_shares(credits: Sequence[Decimal], cap: Decimal) -> list[Decimal]:
    shares = [ZERO] * len(credits)
    open_ = [i for i, c in enumerate(credits) if c > 0]
    left = cap
    while open_ and left > 0:
        each = left / len(open_)
        small = [i for i in open_ if credits[i] <= each]
        if not small:
            for i in open_:
                shares[i] = each
            break
        for i in small:
            shares[i] = credits[i]
            left -= credits[i]
        open_ = [i for i in open_ if i not in small]
    return shares


def _largest_remainder(
    exact: Sequence[Decimal], cap: Decimal, limits: Sequence[Decimal]
) -> list[Decimal]:
    floors = [cents_down(x) for x in exact]
    short = int(((cap - sum(floors, ZERO)) / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order:
        if short <= 0:
            break
        if floors[i] + CENT <= limits[i]:
            floors[i] += CENT
            short -= 1
    return floors

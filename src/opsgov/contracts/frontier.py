"""The cost-quality chart: each vendor by cost per quality-adjusted item and accuracy.

Drawn as inline SVG (no script, nothing fetched), with a title and a text alternative; every
vendor string is escaped. The frontier joins the vendors no other beats on both axes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from opsgov.models.credits import VendorEconomics

W, H, PAD = 640, 360, 56


def _scale(
    lo: float, hi: float, size: float, flip: bool
) -> tuple[float, float, Callable[[float], float]]:
    span = (hi - lo) or abs(hi) or 1.0
    lo, hi = lo - 0.08 * span, hi + 0.08 * span

    def at(v: float) -> float:
        share = (v - lo) / (hi - lo)
        return PAD + (1 - share if flip else share) * (size - 2 * PAD)

    return lo, hi, at


def frontier_svg(rows: Sequence[VendorEconomics], currency: str) -> Markup | None:
    """The chart, or None when fewer than one vendor has both figures."""
    placed = [r for r in rows if r.cost_per_quality_item is not None and r.accuracy is not None]
    if not placed:
        return None
    xs = [float(r.cost_per_quality_item or 0) for r in placed]
    ys = [float(r.accuracy or 0) for r in placed]
    x_lo, x_hi, fx = _scale(min(xs), max(xs), W, False)
    y_lo, y_hi, fy = _scale(min(ys), max(ys), H, True)
    desc = "; ".join(
        f"{r.vendor}: {r.cost_per_quality_item:,.2f} {currency} per quality-adjusted item, "
        f"accuracy {r.accuracy:.2%}{', on the frontier' if r.on_frontier else ''}"
        for r in placed
    )
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" '
        'role="img" aria-labelledby="frontier-title frontier-desc">',
        '<title id="frontier-title">Cost and quality by vendor</title>',
        f'<desc id="frontier-desc">{escape(desc)}</desc>',
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#59636e"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{H - PAD}" stroke="#59636e"/>',
        f'<text x="{W / 2}" y="{H - 14}" text-anchor="middle" font-size="12">Cost per '
        f"quality-adjusted item ({escape(currency)}), lower is better</text>",
        f'<text x="16" y="{H / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 16 {H / 2})">Accuracy, higher is better</text>',
    ]
    for k in range(5):
        xv = x_lo + (x_hi - x_lo) * k / 4
        yv = y_lo + (y_hi - y_lo) * k / 4
        parts.append(
            f'<text x="{fx(xv):.1f}" y="{H - PAD + 16}" text-anchor="middle" font-size="10">'
            f"{xv:,.2f}</text>"
        )
        parts.append(
            f'<text x="{PAD - 6}" y="{fy(yv) + 3:.1f}" text-anchor="end" font-size="10">'
            f"{yv:.1%}</text>"
        )
    line = sorted((r for r in placed if r.on_frontier), key=lambda r: r.cost_per_quality_item or 0)
    if len(line) > 1:
        points = " ".join(
            f"{fx(float(r.cost_per_quality_item or 0)):.1f},{fy(float(r.accuracy or 0)):.1f}"
            for r in line
        )
        parts.append(f'<polyline points="{points}" fill="none" stroke="#0a3069" '
                     'stroke-dasharray="4 3"/>')  # fmt: skip
    for k, (r, x, y) in enumerate(zip(placed, xs, ys, strict=True)):
        colour = "#0a3069" if r.on_frontier else "#a40e26"
        left = fx(x) > 0.6 * W  # labels of points on the right run leftwards, inside the chart
        dx, anchor = (-8, "end") if left else (8, "start")
        dy = -8 if k % 2 == 0 else 16  # neighbours' labels above and below their points
        parts.append(
            f'<circle cx="{fx(x):.1f}" cy="{fy(y):.1f}" r="5" fill="{colour}"/>'
            f'<text x="{fx(x) + dx:.1f}" y="{fy(y) + dy:.1f}" font-size="11" '
            f'text-anchor="{anchor}">{escape(r.name)}</text>'
        )
    parts.append("</svg>")
    return Markup("\n".join(parts))

"""Charts for the reports, drawn by matplotlib as inline SVG: XmR charts and sparklines.

Each chart is one `<svg role="img">` element with a `<title>` and a `<desc>` (its text
alternative) that the page references through `aria-labelledby`. Text is drawn as paths in
matplotlib's bundled DejaVu Sans, so no font is fetched or needed; nothing else is referenced.
Output is deterministic: the hash salt of the element ids is fixed and no date is written.
Every id is prefixed with the chart's own id, so many charts can share one page. Chart text
never contains data from vendors: names go in the title and description, which are escaped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib
from markupsafe import Markup, escape
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from opsgov.history.spc import Limits, Signal
from opsgov.models.results import Target

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "path",
    "svg.hashsalt": "opsgov",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": "#8c959f",
    "axes.linewidth": 0.6,
    "xtick.color": "#59636e",
    "ytick.color": "#59636e",
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "path.simplify": False,
}
INK = "#0a3069"
LIMIT = "#8c959f"
CENTRE = "#57606a"
GOOD = "#1a7f37"
BAD = "#cf222e"
NEUTRAL = "#bf8700"
TARGET = "#1a7f37"
BANDS = {"green": "#dafbe1", "amber": "#fff8c5", "red": "#ffebe9"}

_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'xlink:href="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")
_ROOT = re.compile(r"<svg\b[^>]*>")
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')
_CHART_ID = re.compile(r"[a-z][a-z0-9-]*")


def _svg(fig: Figure, chart_id: str, title: str, description: str) -> Markup:
    """The figure as one inline `<svg>` element with its title and description."""
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart ids are opsgov's own: {chart_id!r}")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'\s*<defs>\s*<style type="text/css">[^<]*</style>\s*</defs>', "", text)
    text = _ID.sub(lambda m: f'id="{chart_id}-{m.group(1)}"', text)
    text = _HREF.sub(lambda m: f'xlink:href="#{chart_id}-{m.group(1)}"', text)
    text = _URL.sub(lambda m: f"url(#{chart_id}-{m.group(1)})", text)
    root = _ROOT.search(text)
    assert root is not None
    box = _VIEWBOX.search(root.group(0))
    assert box is not None
    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="{box.group(1)}" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    # Safe: matplotlib escapes what it writes; the title and description are escaped above.
    return Markup(head + text[root.end() :].strip() + "\n")


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=72)
    FigureCanvasSVG(fig)
    return fig


def y_span(
    values: Sequence[float], target: Target | None, limits: Limits | None = None
) -> tuple[float, float]:
    """The y range of a chart: the data, its limits and its target lines.

    Never narrower than twice the KPI's amber band (or 5 % of the largest value without
    thresholds), so that routine noise is not drawn as a cliff.
    """
    shown = [*values]
    if limits is not None:
        shown += [limits.lnpl, limits.unpl]
    width = 0.0
    if target is not None:
        lines = [v for v in (target.target, target.green, target.amber) if v is not None]
        if target.band_amber is not None:
            lines += list(target.band_amber)
        shown += lines
        if target.green is not None and target.amber is not None:
            width = abs(target.green - target.amber)
        elif target.band_green is not None:
            width = target.band_green[1] - target.band_green[0]
    low, high = min(shown), max(shown)
    least = max(2 * width, abs(high) * 0.05, 1e-9)
    if high - low < least:
        middle = (high + low) / 2
        low, high = middle - least / 2, middle + least / 2
    pad = (high - low) * 0.08
    return low - pad, high + pad


def bands(direction: str, target: Target | None) -> list[tuple[float, float, str]]:
    """The RAG zones of a KPI as (low, high, status) spans of the y axis (inf for open ends)."""
    inf = float("inf")
    if target is None:
        return []
    if target.band_green is not None and target.band_amber is not None:
        (gl, gh), (al, ah) = target.band_green, target.band_amber
        return [
            (-inf, al, "red"),
            (al, gl, "amber"),
            (gl, gh, "green"),
            (gh, ah, "amber"),
            (ah, inf, "red"),
        ]
    if target.green is None or target.amber is None:
        return []
    g, a = target.green, target.amber
    if direction == "lower_is_better":
        return [(-inf, g, "green"), (g, a, "amber"), (a, inf, "red")]
    if direction == "higher_is_better":
        return [(-inf, a, "red"), (a, g, "amber"), (g, inf, "green")]
    return []


def distinct_ticks(low: float, high: float, label: Callable[[float], str]) -> list[float]:
    """Round tick positions in [low, high] whose labels differ at the precision shown."""
    located = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    ticks = [float(t) for t in located if low <= t <= high]
    seen: dict[str, float] = {}
    for t in ticks:
        seen.setdefault(label(t), t)
    return sorted(seen.values())


def _decorate(
    ax: Any,
    low: float,
    high: float,
    direction: str,
    target: Target | None,
    axis: Callable[[float], str],
) -> None:
    """RAG bands behind the data, the target as a line, and distinct y ticks."""
    for start, end, status in bands(direction, target):
        lo, hi = max(start, low), min(end, high)
        if hi > lo:
            ax.axhspan(lo, hi, color=BANDS[status], linewidth=0, zorder=0)
    if target is not None and target.target is not None and low <= target.target <= high:
        ax.axhline(target.target, color=TARGET, linestyle=":", linewidth=1.1, zorder=2)
        ax.annotate(
            f"target {axis(target.target)}",
            xy=(0.0, target.target),
            xycoords=("axes fraction", "data"),
            xytext=(3, 2),
            textcoords="offset points",
            fontsize=6.5,
            color=TARGET,
        )
    ax.set_ylim(low, high)
    ax.yaxis.set_major_locator(FixedLocator(distinct_ticks(low, high, axis)))


def _ticks(periods: Sequence[str], most: int = 8) -> list[int]:
    step = max(1, -(-len(periods) // most))
    last = len(periods) - 1
    picked = list(range(last, -1, -step))[::-1]
    return picked


def _xmr_figure(
    periods: Sequence[str],
    values: Sequence[float],
    limits: Limits | None,
    signals: Sequence[Signal],
    *,
    axis: Callable[[float], str],
    good: Callable[[Signal], bool | None],
    target: Target | None,
    direction: str,
    width: float,
    height: float,
) -> Figure:
    """The XmR chart as a figure (call inside `matplotlib.rc_context(_RC)`)."""
    fig = _figure(width, height)
    ax = fig.add_axes((0.1, 0.14, 0.76, 0.8))
    xs = list(range(len(values)))
    ax.plot(xs, values, color=INK, linewidth=1.2, marker="o", markersize=3, zorder=3)
    if limits is not None:
        for y, style, colour, label in (
            (limits.centre, "-", CENTRE, "CL"),
            (limits.unpl, "--", LIMIT, "UNPL"),
            (limits.lnpl, "--", LIMIT, "LNPL"),
        ):
            ax.axhline(y, linestyle=style, color=colour, linewidth=0.9, zorder=2)
            ax.annotate(
                f"{label} {axis(y)}",
                xy=(1.0, y),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color=colour,
            )
    for signal in signals:
        verdict = good(signal)
        colour = NEUTRAL if verdict is None else (GOOD if verdict else BAD)
        span = xs[signal.start : signal.end + 1]
        ax.plot(
            span,
            values[signal.start : signal.end + 1],
            linestyle="none",
            marker="o",
            markersize=6,
            markerfacecolor="none",
            markeredgecolor=colour,
            markeredgewidth=1.4,
            zorder=4,
        )
    ticks = _ticks(periods)
    ax.set_xticks(ticks, [periods[i] for i in ticks])
    _decorate(ax, *y_span(values, target, limits), direction, target, axis)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: axis(y)))
    ax.set_xlim(-0.5, max(len(values) - 0.5, 0.5))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#eaeef2", linewidth=0.6, zorder=1)
    return fig


def xmr_svg(
    chart_id: str,
    title: str,
    description: str,
    periods: Sequence[str],
    values: Sequence[float],
    limits: Limits | None,
    signals: Sequence[Signal],
    *,
    axis: Callable[[float], str],
    good: Callable[[Signal], bool | None] = lambda s: None,
    target: Target | None = None,
    direction: str = "higher_is_better",
    width: float = 6.4,
    height: float = 2.3,
) -> Markup:
    """An individuals chart: the values, the centre line, the natural process limits, signals.

    Args:
        chart_id: The chart's id in the page (lower-case letters, digits and dashes).
        title: The chart's title (its accessible name).
        description: Its text alternative: what it shows, in words.
        periods: The x axis, one per value.
        values: The values.
        limits: The XmR limits, or None when there are too few values.
        signals: Signals to mark (indexes into `values`).
        axis: How a value is written on the y axis.
        good: Whether a signal is favourable (green), unfavourable (red) or neither.
        target: The KPI's target and thresholds: a target line and RAG bands are drawn, and
            the y range is never narrower than twice the amber band.
        direction: The KPI's direction (which side of the thresholds is green).
        width: Width in inches (the page scales it).
        height: Height in inches.

    Returns:
        The `<svg>` element.
    """
    with matplotlib.rc_context(_RC):
        fig = _xmr_figure(
            periods,
            values,
            limits,
            signals,
            axis=axis,
            good=good,
            target=target,
            direction=direction,
            width=width,
            height=height,
        )
        return _svg(fig, chart_id, title, description)


def sparkline_svg(
    chart_id: str,
    title: str,
    description: str,
    values: Sequence[float | None],
    *,
    colour: str = INK,
    target: Target | None = None,
    width: float = 1.4,
    height: float = 0.32,
) -> Markup:
    """A small line without axes: the shape of a series, its last value marked.

    The y range is never narrower than twice the KPI's amber band (`y_span`), so a flat
    series is drawn flat, and the target is a dotted line where it falls in the range.
    """
    with matplotlib.rc_context(_RC):
        fig = _figure(width, height)
        ax = fig.add_axes((0.02, 0.1, 0.96, 0.8))
        ax.set_axis_off()
        xs = [i for i, v in enumerate(values) if v is not None]
        ys = [v for v in values if v is not None]
        if ys:
            low, high = y_span(ys, target)
            ax.set_ylim(low, high)
            if target is not None and target.target is not None and low <= target.target <= high:
                ax.axhline(target.target, color=TARGET, linestyle=":", linewidth=0.8)
            ax.plot(xs, ys, color=colour, linewidth=1.1)
            ax.plot(xs[-1:], ys[-1:], marker="o", markersize=2.6, color=colour)
        ax.set_xlim(-0.5, max(len(values) - 0.5, 0.5))
        return _svg(fig, chart_id, title, description)


def xmr_png(
    periods: Sequence[str],
    values: Sequence[float],
    limits: Limits | None,
    signals: Sequence[Signal],
    *,
    axis: Callable[[float], str],
    good: Callable[[Signal], bool | None] = lambda s: None,
    target: Target | None = None,
    direction: str = "higher_is_better",
    width: float = 6.4,
    height: float = 2.3,
    dpi: int = 200,
) -> bytes:
    """The same XmR chart as `xmr_svg`, as a PNG picture (for PDF pages)."""
    with matplotlib.rc_context(_RC):
        fig = _xmr_figure(
            periods,
            values,
            limits,
            signals,
            axis=axis,
            good=good,
            target=target,
            direction=direction,
            width=width,
            height=height,
        )
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        return buffer.getvalue()

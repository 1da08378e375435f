"""Report charts: a y range that does not magnify noise, distinct tick labels, RAG bands."""

from __future__ import annotations

import re

from opsgov.history.reports.charts import bands, distinct_ticks, sparkline_svg, xmr_svg, y_span
from opsgov.history.reports.common import SPARK_CHARS, unicode_spark
from opsgov.models.results import Target

SLA = Target(
    target=0.95,
    green=0.95,
    amber=0.90,
    band_green=None,
    band_amber=None,
    floor=None,
    min_sample=None,
    source="framework",
)


def percent(y: float) -> str:
    return f"{y * 100:.1f} %"


def test_a_tenth_of_a_point_is_not_drawn_as_a_cliff() -> None:
    # SLA attainment moving 89.5 % -> 89.4 %: the range spans the thresholds, not 0.1 pp.
    low, high = y_span([0.895, 0.895, 0.894], SLA)
    assert low < 0.894 and high > 0.95
    assert high - low >= 2 * (0.95 - 0.90)


def test_tick_labels_are_distinct_at_the_precision_shown() -> None:
    for values in ([0.8941, 0.8943, 0.8946], [0.946, 0.9461], [12.0, 12.0]):
        low, high = y_span(values, SLA if values[0] < 1 else None)
        labels = [percent(t) for t in distinct_ticks(low, high, percent)]
        assert len(labels) >= 2
        assert len(labels) == len(set(labels)), labels
    # Even when asked for ticks closer than the labels' precision, no label repeats.
    labels = [percent(t) for t in distinct_ticks(0.8940, 0.8946, percent)]
    assert len(labels) == len(set(labels)), labels


def test_rag_bands_follow_the_direction() -> None:
    assert bands("higher_is_better", SLA) == [
        (float("-inf"), 0.90, "red"),
        (0.90, 0.95, "amber"),
        (0.95, float("inf"), "green"),
    ]
    assert [b[2] for b in bands("lower_is_better", SLA)] == ["green", "amber", "red"]
    assert bands("higher_is_better", None) == []


def test_charts_draw_the_target_and_bands() -> None:
    plain = xmr_svg("c1", "t", "d", ["2026-09", "2026-10"], [0.895, 0.894], None, [], axis=percent)
    drawn = xmr_svg(
        "c2", "t", "d", ["2026-09", "2026-10"], [0.895, 0.894], None, [], axis=percent, target=SLA
    )
    fills = set(re.findall(r"fill: ?(#[0-9a-f]{6})", drawn))
    assert {"#dafbe1", "#fff8c5", "#ffebe9"} <= fills  # green, amber and red bands
    assert not {"#dafbe1", "#fff8c5", "#ffebe9"} & set(re.findall(r"fill: ?(#[0-9a-f]{6})", plain))
    assert "stroke-dasharray" in drawn  # the dotted target line
    spark = sparkline_svg("c3", "t", "d", [0.895, 0.894], target=SLA)
    assert spark.startswith("<svg")


def test_block_sparkline_of_a_flat_series_is_flat() -> None:
    levels = [SPARK_CHARS.index(c) for c in unicode_spark([0.895, 0.894, 0.895, 0.894], 0.05)]
    assert max(levels) - min(levels) <= 1  # without the band: the full height, 0 and 7
    assert unicode_spark([0.1, 0.9]) == "\u2581\u2588"

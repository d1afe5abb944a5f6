"""Chart geometry for server-drawn SVG charts: no JavaScript, and every chart has its table beside
it on the page (the SVG is decorative for assistive technology). No database access."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 720
ROW = 48  # a label line above each bar
BAR = 20
LABEL_GAP = 6
VALUE_SPACE = 110
COLUMN_HEIGHT = 200
COLUMN_TOP = 24
COLUMN_LEFT = 48
COLUMN_LABELS = 28
COLUMN_RIGHT = 28  # room for the last label


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    text_x: float
    text_y: float
    highlight: bool = False


@dataclass(frozen=True)
class Reference:
    label: str
    x1: float
    y1: float
    x2: float
    y2: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    reference: Reference | None = None
    axis_top: str = ""
    axis_bottom: str = ""
    axis_y_top: float = 0
    axis_y_bottom: float = 0
    axis_x: float = 0


def _scale(values: Sequence[float], reference: float | None) -> float:
    top = max([*values, reference or 0, 0])
    return top or 1


def bar_chart(
    items: Sequence[tuple[str, float, str]],
    *,
    reference: float | None = None,
    reference_label: str = "",
    highlight_above: float | None = None,
) -> Chart:
    """Horizontal bars, one per (label, value, text), with the label above each bar and the text
    after it; an optional vertical reference line (a limit)."""
    plot = WIDTH - VALUE_SPACE
    top = max(_scale([v for _, v, _ in items], reference), 0)
    bars = []
    for index, (label, value, text) in enumerate(items):
        y = index * ROW + 22
        width = plot * max(value, 0) / top
        bars.append(
            Bar(
                label=label,
                text=text,
                x=0,
                y=y,
                width=round(width, 1),
                height=BAR,
                label_x=0,
                label_y=y - LABEL_GAP,
                text_x=round(width + 8, 1),
                text_y=y + BAR - 5,
                highlight=highlight_above is not None and value > highlight_above,
            )
        )
    height = max(len(items), 1) * ROW + 8
    line = None
    if reference is not None:
        x = round(plot * reference / top, 1)
        line = Reference(reference_label, x, 4, x, height - 4, min(x + 4, WIDTH - 150), 14)
        height += 4
    return Chart(width=WIDTH, height=height, bars=bars, reference=line)


def column_chart(
    items: Sequence[tuple[str, float, str]],
    *,
    reference: float | None = None,
    reference_label: str = "",
    label_every: int = 3,
) -> Chart:
    """Vertical columns for a series (months), labelled every `label_every` items and at the end."""
    top = _scale([v for _, v, _ in items], reference)
    count = max(len(items), 1)
    slot = (WIDTH - COLUMN_LEFT - COLUMN_RIGHT) / count
    bottom = COLUMN_TOP + COLUMN_HEIGHT
    bars = []
    for index, (label, value, text) in enumerate(items):
        height = COLUMN_HEIGHT * max(value, 0) / top
        x = COLUMN_LEFT + index * slot + slot * 0.15
        show_label = index % label_every == 0 or index == count - 1
        bars.append(
            Bar(
                label=label if show_label else "",
                text=text,
                x=round(x, 1),
                y=round(bottom - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label_x=round(x + slot * 0.35, 1),
                label_y=bottom + 18,
                text_x=0,
                text_y=0,
            )
        )
    line = None
    if reference is not None:
        y = round(bottom - COLUMN_HEIGHT * reference / top, 1)
        line = Reference(reference_label, COLUMN_LEFT, y, WIDTH - COLUMN_RIGHT, y, WIDTH - COLUMN_RIGHT, y - 6)
    return Chart(
        width=WIDTH,
        height=bottom + COLUMN_LABELS,
        bars=bars,
        reference=line,
        axis_top=f"{top:g}",
        axis_bottom="0",
        axis_y_top=COLUMN_TOP + 4,
        axis_y_bottom=bottom,
        axis_x=COLUMN_LEFT - 8,
    )

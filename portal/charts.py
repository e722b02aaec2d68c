"""Server-rendered bar charts: the geometry of a horizontal bar chart, for the SVG in
``templates/portal/includes/bar_chart.html``.

No JavaScript and no inline styles (the CSP allows neither): positions are SVG
attributes, colours come from the stylesheet's classes (which also cover print and
forced colours). Every bar carries its label and its value as text, a target as a dashed
line and words, so colour never carries meaning alone; the page shows the same figures
in a table beside the chart.
"""

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 150
ROW_HEIGHT = 30
BAR_HEIGHT = 18
TOP = 8
LABEL_CHARS = 34


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str = ""  # the value as the chart writes it; the number itself if blank
    target: float | None = None


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def bar_chart(*, id: str, title: str, description: str, bars: list[Bar]) -> dict:
    """What the bar chart template draws: the viewBox, and per bar its label, its
    rectangle, its value text and, if it has one, its target line."""
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    top = max([bar.value for bar in bars] + [bar.target or 0 for bar in bars] + [0])
    scale = area / top if top > 0 else 0
    drawn = []
    for index, bar in enumerate(bars):
        y = TOP + index * ROW_HEIGHT
        width = max(bar.value, 0) * scale
        text = bar.text or _number(bar.value)
        entry = {
            "label": _short(bar.label),
            "full_label": str(bar.label),
            "text": text,
            "label_x": LABEL_WIDTH - 8,
            "text_y": _number(y + BAR_HEIGHT - 4),
            "bar_x": LABEL_WIDTH,
            "bar_y": y,
            "bar_width": _number(width),
            "bar_height": BAR_HEIGHT,
            "value_x": _number(LABEL_WIDTH + width + 6),
            "series": index % 2,
            "target_x": None,
        }
        if bar.target:
            entry.update(
                target_x=_number(LABEL_WIDTH + bar.target * scale),
                target_y1=y - 3,
                target_y2=y + BAR_HEIGHT + 3,
            )
        drawn.append(entry)
    height = TOP * 2 + max(len(bars), 1) * ROW_HEIGHT
    return {
        "id": id,
        "title": title,
        "description": description,
        "bars": drawn,
        "width": WIDTH,
        "height": height,
        "axis_x": LABEL_WIDTH,
        "axis_y2": height - TOP,
        "has_target": any(bar.target for bar in bars),
    }

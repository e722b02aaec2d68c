"""The Gantt-style timeline's layout: pure arithmetic, no queries, no HTML.

``layout(rows, today=...)`` turns milestones that a selector has already limited to what
the viewer may see into the numbers the template draws as SVG: a date scale, month
ticks, one row per milestone (its bar from start to due date, a thin baseline bar, its
RAG and whether it is overdue), arrows for the dependencies between rows of the chart,
and the line for today. The template turns them into ``<rect>``, ``<line>`` and
``<path>`` elements styled by classes: nothing here is a style, so the strict CSP holds.

Where a bar starts:

1. the milestone's own start date, when set;
2. otherwise the latest due date among its dependencies that the viewer may see, when
   that is before its own due date (work starts when what it waits for is done);
3. otherwise it has no bar: a diamond marks its due date (a "point" milestone).
"""

import datetime
from dataclasses import dataclass, field

from .models import OPEN_MILESTONE_STATUSES

# The drawing's user units (the SVG scales to its container with its viewBox).
LABEL_WIDTH = 250
PLOT_WIDTH = 640
RIGHT_MARGIN = 120
HEADER_HEIGHT = 40
ROW_HEIGHT = 34
BOTTOM_MARGIN = 10
BAR_TOP = 9  # from the row's top
BAR_HEIGHT = 12
BASELINE_TOP = 25
BASELINE_HEIGHT = 3
LABEL_CHARS = 34
WIDTH = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN

# Month ticks: the step (in months) is the smallest that keeps the labels apart.
TICK_STEPS = ((12, 1), (24, 2), (36, 3), (72, 6))
LONG_TICK_STEP = 12

RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green"}


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Row:
    milestone: object
    index: int
    y: float
    label: str
    start: datetime.date | None
    start_source: str  # "start date", "dependency" or "" (no bar: a diamond)
    x_start: float
    x_due: float
    x_baseline: float
    rag: str
    overdue: bool
    status_text: str
    tooltip: str
    dependencies: list = field(default_factory=list)  # visible: (pk, title)
    hidden_dependencies: int = 0

    @property
    def is_point(self) -> bool:
        return not self.start_source

    @property
    def bar_width(self) -> float:
        return max(round(self.x_due - self.x_start, 1), 2.0)

    @property
    def bar_y(self) -> float:
        return self.y + BAR_TOP

    @property
    def mid_y(self) -> float:
        return self.y + BAR_TOP + BAR_HEIGHT / 2

    @property
    def text_y(self) -> float:
        return self.y + BAR_TOP + BAR_HEIGHT - 1

    @property
    def baseline_y(self) -> float:
        return self.y + BASELINE_TOP

    @property
    def baseline_x(self) -> float:
        """Where the thin baseline bar starts: the bar's start, or the baseline itself."""
        return min(self.x_start, self.x_baseline) if not self.is_point else self.x_baseline

    @property
    def baseline_width(self) -> float:
        if self.is_point:
            return 2.0
        return max(round(self.x_baseline - self.baseline_x, 1), 2.0)

    @property
    def diamond(self) -> str:
        """The points of the diamond that marks a milestone with no bar."""
        x, y, r = self.x_due, self.mid_y, BAR_HEIGHT / 2 + 1
        return f"{x},{y - r} {x + r},{y} {x},{y + r} {x - r},{y}"

    @property
    def status_x(self) -> float:
        return round(max(self.x_due, self.x_baseline) + (10 if self.is_point else 6), 1)


@dataclass
class Arrow:
    path: str
    label: str


@dataclass
class Chart:
    start: datetime.date
    end: datetime.date
    today: datetime.date
    today_x: float
    ticks: list[Tick]
    rows: list[Row]
    arrows: list[Arrow]
    width: int = WIDTH
    height: float = 0
    label_width: int = LABEL_WIDTH
    plot_right: int = LABEL_WIDTH + PLOT_WIDTH
    header_height: int = HEADER_HEIGHT

    @property
    def today_label_x(self) -> float:
        return round(min(self.today_x + 4, self.plot_right - 60), 1)

    @property
    def bottom(self) -> float:
        return self.height - BOTTOM_MARGIN


def month_floor(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from the first of ``start``'s month to the first of ``end``'s."""
    return (end.year - start.year) * 12 + end.month - start.month


def window(dates, *, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The chart's span: from the first of the earliest month to the first of the month
    after the latest, always including today; at least one month."""
    days = [today, *dates]
    return month_floor(min(days)), next_month(max(days))


class Scale:
    """Dates to x positions across the plot, linearly by day."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start = start
        self.days = max((end - start).days, 1)

    def __call__(self, day: datetime.date) -> float:
        return round(LABEL_WIDTH + (day - self.start).days / self.days * PLOT_WIDTH, 1)


def tick_step(months: int) -> int:
    for most, step in TICK_STEPS:
        if months <= most:
            return step
    return LONG_TICK_STEP


def month_ticks(start: datetime.date, end: datetime.date, scale: Scale) -> list[Tick]:
    """A tick at the first of every ``tick_step`` months (quarters at January, April...)."""
    step = tick_step(months_between(start, end))
    ticks = []
    day = start
    while day < end:
        if (day.month - 1) % step == 0:
            label = str(day.year) if step == LONG_TICK_STEP else day.strftime("%b %Y")
            ticks.append(Tick(x=scale(day), label=label))
        day = next_month(day)
    return ticks


def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_start(milestone, dependency_dues: list[datetime.date]) -> tuple[datetime.date | None, str]:
    """Where the bar starts and why (see the module's docstring)."""
    if milestone.start_date:
        return milestone.start_date, "start date"
    earlier = [due for due in dependency_dues if due < milestone.due_date]
    if earlier:
        return max(earlier), "dependency"
    return None, ""


def is_overdue(milestone, *, today: datetime.date) -> bool:
    return milestone.status in OPEN_MILESTONE_STATUSES and milestone.due_date < today


def layout(
    milestones, *, today: datetime.date, dependencies=None, show_project: bool = False
) -> Chart:
    """The chart for ``milestones`` (each with ``rag``, in the order to draw them).

    ``dependencies`` maps a milestone's id to its dependencies as ``(pk, title, due,
    visible)``; only visible ones are named, drawn or used for a bar's start.
    ``show_project`` starts each row's label with its project's code.
    """
    dependencies = dependencies or {}
    milestones = list(milestones)
    starts = {}
    for milestone in milestones:
        deps = dependencies.get(milestone.pk, [])
        starts[milestone.pk] = bar_start(milestone, [due for _, _, due, seen in deps if seen])
    dates = []
    for milestone in milestones:
        dates += [milestone.due_date, milestone.baseline_due_date]
        if starts[milestone.pk][0]:
            dates.append(starts[milestone.pk][0])
    start, end = window(dates, today=today)
    scale = Scale(start, end)
    rows = []
    for index, milestone in enumerate(milestones):
        begin, source = starts[milestone.pk]
        deps = dependencies.get(milestone.pk, [])
        overdue = is_overdue(milestone, today=today)
        rag = getattr(milestone, "rag", "") or "green"
        status_text = RAG_WORDS.get(rag, rag.capitalize())
        if overdue:
            status_text += ", overdue"
        tooltip = f"{milestone.title}: "
        tooltip += f"{begin:%-d %b %Y} to " if begin else ""
        tooltip += f"due {milestone.due_date:%-d %b %Y}"
        if milestone.baseline_due_date != milestone.due_date:
            tooltip += f" (baseline {milestone.baseline_due_date:%-d %b %Y})"
        tooltip += f"; {milestone.get_status_display()}; RAG {status_text}"
        x_due = scale(milestone.due_date)
        rows.append(
            Row(
                milestone=milestone,
                index=index,
                y=HEADER_HEIGHT + index * ROW_HEIGHT,
                label=short_label(
                    f"{milestone.project.code}: {milestone.title}"
                    if show_project
                    else milestone.title
                ),
                start=begin,
                start_source=source,
                x_start=scale(begin) if begin else x_due,
                x_due=x_due,
                x_baseline=scale(milestone.baseline_due_date),
                rag=rag,
                overdue=overdue,
                status_text=status_text,
                tooltip=tooltip,
                dependencies=[(pk, title) for pk, title, _, seen in deps if seen],
                hidden_dependencies=sum(1 for *_, seen in deps if not seen),
            )
        )
    return Chart(
        start=start,
        end=end,
        today=today,
        today_x=scale(today),
        ticks=month_ticks(start, end, scale),
        rows=rows,
        arrows=dependency_arrows(rows),
        height=HEADER_HEIGHT + len(rows) * ROW_HEIGHT + BOTTOM_MARGIN,
    )


def dependency_arrows(rows: list[Row]) -> list[Arrow]:
    """An arrow from the end of each dependency's bar to the start of its dependent's,
    for dependencies that are both rows of this chart (visible, on this page)."""
    by_pk = {row.milestone.pk: row for row in rows}
    arrows = []
    for row in rows:
        for pk, title in row.dependencies:
            source = by_pk.get(pk)
            if source is None:
                continue
            x1, y1 = source.x_due + (7 if source.is_point else 0), source.mid_y
            x2, y2 = row.x_start - (9 if row.is_point else 2), row.mid_y
            bend = round(x1 + 6, 1)
            arrows.append(
                Arrow(
                    path=f"M{x1},{y1} H{bend} V{y2} H{x2}",
                    label=f"{row.milestone.title} depends on {title}",
                )
            )
    return arrows

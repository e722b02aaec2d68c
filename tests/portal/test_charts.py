"""The server-rendered bar chart: geometry from the figures, labels kept short, targets
drawn, text escaped, no inline style."""

from django.template.loader import render_to_string

from portal.charts import LABEL_WIDTH, VALUE_WIDTH, WIDTH, Bar, bar_chart


def test_the_longest_bar_or_target_fills_the_plot_area():
    chart = bar_chart(
        id="c",
        title="T",
        description="D",
        bars=[Bar("A", 5), Bar("B", 10, target=20), Bar("C", 0)],
    )
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    widths = [float(bar["bar_width"]) for bar in chart["bars"]]
    assert widths == [area / 4, area / 2, 0]
    assert float(chart["bars"][1]["target_x"]) == LABEL_WIDTH + area
    assert chart["bars"][0]["target_x"] is None and chart["has_target"]
    assert [bar["text"] for bar in chart["bars"]] == ["5", "10", "0"]


def test_long_labels_are_shortened_and_everything_is_escaped():
    chart = bar_chart(
        id="c",
        title="<b>Title</b>",
        description="a & b",
        bars=[Bar("<script>alert(1)</script> and a very long label indeed", 3)],
    )
    assert chart["bars"][0]["label"].endswith("…")
    svg = render_to_string("portal/includes/bar_chart.html", {"chart": chart})
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert '<title id="c-title">&lt;b&gt;Title&lt;/b&gt;</title>' in svg
    assert 'role="img"' in svg and "style=" not in svg


def test_an_empty_chart_says_so():
    chart = bar_chart(id="c", title="T", description="D", bars=[])
    html = render_to_string("portal/includes/bar_chart.html", {"chart": chart})
    assert "<svg" not in html and "Nothing to chart" in html

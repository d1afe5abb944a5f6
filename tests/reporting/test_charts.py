"""Chart geometry (reporting.charts): bars scale to the largest value or the limit line."""

from reporting import charts


def test_bars_scale_to_the_largest_value_and_highlight_over_the_limit():
    chart = charts.bar_chart([("A", 5, "5"), ("B", 10, "10"), ("C", 0, "0")], reference=8, highlight_above=8)
    plot = charts.WIDTH - charts.VALUE_SPACE
    assert [bar.width for bar in chart.bars] == [plot / 2, plot, 0]
    assert [bar.highlight for bar in chart.bars] == [False, True, False]
    assert chart.reference.x1 == round(plot * 0.8, 1)
    assert [bar.label_y < bar.y for bar in chart.bars] == [True] * 3  # the label sits above its bar
    assert chart.height >= 3 * charts.ROW


def test_a_limit_above_every_value_sets_the_scale():
    chart = charts.bar_chart([("A", 5, "5")], reference=10)
    assert chart.bars[0].width == (charts.WIDTH - charts.VALUE_SPACE) / 2


def test_an_empty_or_all_zero_chart_does_not_divide_by_zero():
    assert charts.bar_chart([]).bars == []
    assert charts.column_chart([("Jan", 0, "0")]).bars[0].height == 0


def test_columns_fit_the_width_and_label_every_third_and_the_last():
    items = [(f"M{n}", n, str(n)) for n in range(24)]
    chart = charts.column_chart(items, reference=30)
    last = chart.bars[-1]
    assert last.x + last.width <= chart.width - charts.COLUMN_RIGHT
    assert [bar.label for bar in chart.bars if bar.label] == ["M0", "M3", "M6", "M9", "M12", "M15", "M18", "M21", "M23"]
    assert chart.axis_top == "30" and chart.reference.y1 == charts.COLUMN_TOP
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.label == "M23" and tallest.height == round(charts.COLUMN_HEIGHT * 23 / 30, 1)

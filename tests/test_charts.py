"""Line charts leave a gap for a month with no data, rather than drawing a line across it."""

from pathlib import Path

STATIC_JS = Path(__file__).resolve().parents[1] / "static" / "js"


def test_no_line_chart_spans_a_month_without_data():
    for script in STATIC_JS.glob("*.js"):
        assert "spanGaps: true" not in script.read_text(), script.name


def test_the_compliance_chart_breaks_its_lines_at_empty_months():
    assert (STATIC_JS / "support_overview.js").read_text().count("spanGaps: false") == 2

"""One date format on every page: 2020年6月9日 09:30 in Chinese, 9 Jun 2020, 09:30 in English."""

import datetime
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

from portal.dates import date_display

MOMENT = datetime.datetime(2020, 6, 9, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Beijing


def render(text: str, **context) -> str:
    return Template("{% load portal_tags %}" + text).render(Context(context))


def test_chinese_dates_and_moments():
    with translation.override("zh-hans"):
        assert date_display(datetime.date(2020, 6, 9)) == "2020年6月9日"
        assert date_display(MOMENT) == "2020年6月9日 09:30"
        assert date_display(MOMENT, part="date") == "2020年6月9日"
        assert date_display(MOMENT, part="month") == "2020年6月"
        assert date_display(MOMENT, part="time") == "09:30"
        assert render("{{ d|when }} · {{ m|when }}", d=datetime.date(2027, 2, 18), m=MOMENT) == (
            "2027年2月18日 · 2020年6月9日 09:30"
        )


def test_english_dates_and_moments():
    with translation.override("en"):
        assert date_display(datetime.date(2020, 6, 9)) == "9 Jun 2020"
        assert date_display(MOMENT) == "9 Jun 2020, 09:30"


def test_nothing_is_written_for_no_date():
    assert date_display(None) == ""
    assert render("{{ d|when|default:'—' }}", d=None) == "—"


def test_a_materials_date_span_is_written_the_one_way():
    from materials.models import Material

    with translation.override("zh-hans"):
        span = Material(date_from=datetime.date(2020, 6, 9), date_to=datetime.date(2020, 6, 30))
        assert span.date_display == "2020年6月9日 – 2020年6月30日"
        assert Material(date_to=datetime.date(2020, 6, 9)).date_display == "2020年6月9日"
        assert Material().date_display == ""


ROOT = Path(__file__).resolve().parents[2]
# A moment or a date printed as it comes: {{ x.created_at }}, {{ lock.until }}, {{ issue.date }}, or
# through filters none of which is the one rule (|when).
DATE_OUTPUT = re.compile(r"{{\s*([\w.]+?(?:_at|\.until|date))\s*(\|[^}]*)?}}")
# Django's own date formats; a machine-readable <time datetime="…"> attribute may use them.
OWN_FORMAT = re.compile(r"(?<!datetime=\")({{\s*[\w.]+\|(?:date|time):[^}]*}})")
# Short and explained: what may use |date: though it writes no date.
ALLOWED = {
    ("events/includes/month_grid.html", '{{ day.date|date:"D" }}'),  # a weekday's name heading a column
}


def _templates():
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        app = path.relative_to(ROOT).parts[0]
        yield path.relative_to(ROOT / app / "templates").as_posix(), path


def test_every_template_writes_dates_through_the_one_filter():
    """Issue 17: no template prints a date or moment raw or with its own |date: format, so every
    page says 2020年6月9日 09:30 (|when); only datetime="…" attributes and ALLOWED differ."""
    found = []
    for name, path in _templates():
        text = path.read_text(encoding="utf-8")
        for match in DATE_OUTPUT.finditer(text):
            filters = match.group(2) or ""
            if "|when" not in filters and not re.match(r"\|(?:date|time):", filters):
                found.append(f"{name}: {match.group(0)}")
        for match in OWN_FORMAT.finditer(text):
            if (name, match.group(1)) not in ALLOWED:
                found.append(f"{name}: {match.group(1)}")
    assert found == []

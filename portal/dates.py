"""One way to write a date or a time on every page, export and PDF, in the reader's language."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

FORMATS = {"": None, "date": "DATE_FORMAT", "month": "YEAR_MONTH_FORMAT", "time": "TIME_FORMAT"}


def date_display(value: datetime.date | datetime.datetime | None, *, part: str = "") -> str:
    """2020年6月9日 for a date, 2020年6月9日 09:30 for a moment (in the site's time zone).

    part narrows a moment to its "date", "month" or "time".
    """
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, FORMATS[part] or "DATETIME_FORMAT")
    return date_format(value, FORMATS[part] or "DATE_FORMAT")

"""What a write costs the sync feed: the ChangeLog rows it adds and the writers' locks it takes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def logged_and_locked(write):
    """Run ``write``; its result, the ChangeLog rows it added and the writers' locks it took."""
    from sync.models import ChangeLog

    logged_before = ChangeLog.objects.count()
    with CaptureQueriesContext(connection) as captured:
        result = write()
    locks = sum("pg_advisory_xact_lock" in query["sql"] for query in captured.captured_queries)
    return result, ChangeLog.objects.count() - logged_before, locks

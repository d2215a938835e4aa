"""Wagtail's SQLite search backend (the embedded ``make run``), for records indexed by two processes at once.

The stock index reads which entries exist, then inserts the others. When the extraction worker and
the default worker index one record at the same moment, the second insert is refused (one entry per
content type and object) and its task fails. Here the refused write runs again and finds the entry
to update. PostgreSQL's backend inserts with ON CONFLICT and needs none of this.
"""

from modelsearch.backends import database
from modelsearch.backends.database.sqlite.sqlite import SQLiteIndex, SQLiteSearchBackend

from django.db import IntegrityError, transaction


class PortalSQLiteIndex(SQLiteIndex):
    def add_items(self, model, objs):
        try:
            with transaction.atomic(using=self.write_connection.alias):
                super().add_items(model, objs)
        except IntegrityError:
            super().add_items(model, objs)  # the entry another process inserted meanwhile is updated


class PortalSQLiteSearchBackend(SQLiteSearchBackend):
    index_class = PortalSQLiteIndex


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    """The stock choice for the database (FTS5, or the plain fallback without it), with the index above."""
    backend = database.SearchBackend(params)
    return PortalSQLiteSearchBackend(params) if type(backend) is SQLiteSearchBackend else backend

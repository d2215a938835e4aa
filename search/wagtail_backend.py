"""Wagtail's PostgreSQL search backend, without two scans of the whole index on every save.

The stock index recomputes the average title length over every entry, then rewrites every entry
still at the default norm, after each save: the cost of a save grows with the site. Here a save
sets the norm of its own entries from an average kept in the cache for an hour; a rebuild still
refreshes every entry from the exact average.
"""

from modelsearch.backends.database.postgres.postgres import PostgresIndex, PostgresSearchBackend
from modelsearch.utils import get_content_type_pk

from django.core.cache import cache
from django.db.models import Avg, F
from django.db.models.functions import Length

AVERAGE_KEY = "search:title-length-average"
AVERAGE_SECONDS = 3600


class PortalPostgresIndex(PostgresIndex):
    _added = None

    def add_items(self, model, objs):
        self._added = (model, [obj.pk for obj in objs])
        try:
            super().add_items(model, objs)
        finally:
            self._added = None

    def _refresh_title_norms(self, full=False):
        if full or self._added is None:
            cache.delete(AVERAGE_KEY)
            return super()._refresh_title_norms(full=full)
        model, pks = self._added
        average = cache.get(AVERAGE_KEY)
        if average is None:
            average = (
                self.entries.annotate(title_length=Length("title"))
                .filter(title_length__gt=0)
                .aggregate(Avg("title_length"))["title_length__avg"]
            )
            if average is None:
                return
            cache.set(AVERAGE_KEY, average, AVERAGE_SECONDS)
        self.entries.filter(
            content_type_id=get_content_type_pk(model), object_id__in=[str(pk) for pk in pks]
        ).annotate(title_length=Length("title")).filter(title_length__gt=0).update(
            title_norm=average / F("title_length")
        )


class PortalPostgresSearchBackend(PostgresSearchBackend):
    index_class = PortalPostgresIndex


SearchBackend = PortalPostgresSearchBackend

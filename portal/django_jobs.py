"""Wagtail's background jobs of one transaction, run together (portal.tasks.run_django_tasks).

A sync batch saves a hundred records in one transaction, and every save queues the same jobs of
Wagtail's: index the record for the admin's search, update the reference index. Run one by one,
each index job is a lookup, an existence check and an insert per record; here the index jobs of
one model are one query and one bulk insert per search backend, and a job queued twice runs once.
"""

import json
from collections import defaultdict

from modelsearch.backends import get_search_backends_with_name

from django.apps import apps

SEARCH_INDEX_JOB = "modelsearch.tasks.insert_or_update_object_task"
# Jobs that read a record's committed state by its id: a transaction's go in one message, whatever
# savepoint queued them, and one for a record a rolled-back savepoint never kept finds nothing to do.
COMMITTED_STATE_JOBS = frozenset({SEARCH_INDEX_JOB, "wagtail.tasks.update_reference_index_task"})


def jobs_distinct(jobs: list[list]) -> list[list]:
    """The jobs in their order, each once (a record saved twice in a transaction is indexed once)."""
    seen: dict[str, list] = {}
    for job in jobs:
        seen.setdefault(json.dumps(job, sort_keys=True, default=str), job)
    return list(seen.values())


def search_index_bulk(*, items: list[list]) -> int:
    """Index records for Wagtail's search as ``insert_or_update_object_task`` does one: each item is
    its arguments (app label, model name, primary key). A record deleted since is skipped.
    Returns the number of records written."""
    by_model: dict[tuple[str, str], list[str]] = defaultdict(list)
    for app_label, model_name, pk in items:
        by_model[(app_label, model_name)].append(pk)
    written = 0
    for (app_label, model_name), pks in by_model.items():
        model = apps.get_model(app_label, model_name)
        by_class = defaultdict(list)
        # The model's indexed objects: only those still indexed, with what their documents read.
        for instance in model.get_indexed_objects().filter(pk__in=pks):
            indexed = instance.get_indexed_instance()
            if indexed is not None:
                by_class[type(indexed)].append(indexed)
        for indexed_class, instances in by_class.items():
            if indexed_class is not model:  # a page indexed as its specific type
                kept = set(
                    indexed_class.get_indexed_objects()
                    .filter(pk__in=[instance.pk for instance in instances])
                    .values_list("pk", flat=True)
                )
                instances = [instance for instance in instances if instance.pk in kept]
            if not instances:
                continue
            for _name, backend in get_search_backends_with_name(with_auto_update=True):
                backend.add_bulk(indexed_class, instances)
            written += len(instances)
    return written

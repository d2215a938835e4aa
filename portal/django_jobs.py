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
BULK_RECORDS = 100  # held and written at once: a transaction may save thousands, each with its text
# Jobs that read a record's committed state by its id: a transaction's go in one message, whatever
# savepoint queued them, and one for a record a rolled-back savepoint never kept finds nothing to do.
COMMITTED_STATE_JOBS = frozenset({SEARCH_INDEX_JOB, "wagtail.tasks.update_reference_index_task"})


def jobs_distinct(jobs: list[list]) -> list[list]:
    """The jobs in their order, each once (a record saved twice in a transaction is indexed once)."""
    seen: dict[str, list] = {}
    for job in jobs:
        seen.setdefault(json.dumps(job, sort_keys=True, default=str), job)
    return list(seen.values())


def search_index_bulk(*, items: list[list]) -> set[tuple[str, str, str]]:
    """Index records for Wagtail's search as ``insert_or_update_object_task`` does one: each item is
    its arguments (app label, model name, primary key). Returns the items done; any other (a record
    gone, or not among its model's indexed objects, such as a page saved as its base type) is left
    to the task itself, one by one."""
    by_model: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
    for app_label, model_name, pk in items:
        by_model[(app_label, model_name)][str(pk)] = None
    done = set()
    for (app_label, model_name), pks in by_model.items():
        model = apps.get_model(app_label, model_name)
        pks = list(pks)
        for start in range(0, len(pks), BULK_RECORDS):
            for instance in _indexed_write(model, pks[start : start + BULK_RECORDS]):
                done.add((app_label, model_name, str(instance.pk)))
    return done


def _indexed_write(model, pks: list[str]) -> list:
    """Write the model's indexed objects among ``pks`` to every search backend; returns those read."""
    found = list(model.get_indexed_objects().filter(pk__in=pks))
    by_class = defaultdict(list)
    for instance in found:
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
        if instances:
            for _name, backend in get_search_backends_with_name(with_auto_update=True):
                backend.add_bulk(indexed_class, instances)
    return found

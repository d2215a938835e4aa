"""Wagtail's jobs of one transaction run together: the search index jobs in bulk, each job once."""

import pytest

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wagtail.search.models import IndexEntry

from materials.models import Material
from portal import tasks
from portal.django_jobs import SEARCH_INDEX_JOB
from portal.task_backends import _CommitBatch
from tests.search.factories import material, organisation

pytestmark = pytest.mark.django_db


def _saved_unindexed(count: int, org, prefix: str) -> list[Material]:
    records = [material(f"{prefix}史料{n}", org) for n in range(count)]
    IndexEntry.objects.filter(object_id__in=[str(r.pk) for r in records]).delete()
    return records


def _index_jobs(records) -> list[list]:
    return [[SEARCH_INDEX_JOB, ["materials", "material", str(r.pk)], {}] for r in records]


def _indexed(records) -> set[int]:
    content_type = ContentType.objects.get_for_model(Material)
    entries = IndexEntry.objects.filter(content_type=content_type, object_id__in=[str(r.pk) for r in records])
    return {int(pk) for pk in entries.values_list("object_id", flat=True)}


def test_a_transactions_index_jobs_are_written_in_bulk_whatever_their_number():
    org = organisation("sc-jobs-bulk", name="泸州市委党史研究室", region="sichuan")
    few, many = _saved_unindexed(3, org, "泸州"), _saved_unindexed(12, org, "古蔺")
    with CaptureQueriesContext(connection) as for_few:
        tasks.run_django_tasks(_index_jobs(few))
    with CaptureQueriesContext(connection) as for_many:
        tasks.run_django_tasks(_index_jobs(many))
    assert _indexed(few + many) == {r.pk for r in few + many}
    # One by one, twelve records took four times the queries of three.
    assert len(for_many.captured_queries) == len(for_few.captured_queries)


def test_a_job_queued_twice_runs_once_and_a_record_deleted_since_is_skipped(caplog):
    org = organisation("sc-jobs-twice", name="叙永县委党史研究室", region="sichuan")
    kept, gone = _saved_unindexed(2, org, "叙永")
    references = ["wagtail.tasks.update_reference_index_task", ["materials", "material", str(gone.pk)], {}]
    jobs = [*_index_jobs([kept, gone, kept]), references]
    gone_pk = gone.pk
    gone.delete()
    with CaptureQueriesContext(connection) as captured:
        tasks.run_django_tasks(jobs)
    assert _indexed([kept]) == {kept.pk}
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1 and f"'{gone_pk}'" not in inserts[0]
    assert "failed" not in caplog.text


def test_the_wagtail_jobs_of_all_a_transactions_savepoints_leave_as_one_message(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "portal.task_backends.CeleryTaskBackend"}}
    saved = []
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        org = organisation("sc-jobs-savepoints", name="纳溪区委党史研究室", region="sichuan")
        for n in range(3):
            with transaction.atomic():  # as a sync batch applies each change
                saved.append(material(f"纳溪史料{n}", org))
        try:
            with transaction.atomic():
                saved.append(material("纳溪撤回", org))
                raise RuntimeError("the savepoint is rolled back")
        except RuntimeError:
            pass
    messages = [callback for callback in callbacks if isinstance(callback, _CommitBatch) and callback.jobs]
    assert len(messages) == 1
    jobs = messages[0].jobs
    indexed = {args[2] for path, args, _kw in jobs if path == SEARCH_INDEX_JOB and args[1] == "material"}
    # The rolled-back record's job goes too: it reads the committed state and finds nothing.
    assert indexed == {str(record.pk) for record in saved}


def test_when_the_bulk_fails_each_record_is_indexed_on_its_own(monkeypatch, caplog):
    org = organisation("sc-jobs-fallback", name="合江县委党史研究室", region="sichuan")
    records = _saved_unindexed(3, org, "合江")

    def refuse(*, items):
        raise ValueError("a record the bulk could not take")

    monkeypatch.setattr(tasks, "search_index_bulk", refuse)
    tasks.run_django_tasks(_index_jobs(records))
    assert _indexed(records) == {r.pk for r in records}
    assert "indexing 3 records in bulk failed; one by one" in caplog.text


def test_a_page_saved_as_its_base_type_is_indexed_as_its_own_type(site_home):
    from portal.models import StandardPage

    page = site_home.add_child(instance=StandardPage(title="重庆党史陈列馆参观须知", slug="visit"))
    IndexEntry.objects.filter(object_id=str(page.pk)).delete()
    # Moving a page in the admin saves it as a plain Page: the job names the base model.
    tasks.run_django_tasks([[SEARCH_INDEX_JOB, ["wagtailcore", "page", str(page.pk)], {}]])
    assert IndexEntry.objects.filter(object_id=str(page.pk)).exists()


def test_a_large_transactions_records_are_read_and_written_a_chunk_at_a_time(monkeypatch):
    from portal import django_jobs

    org = organisation("sc-jobs-chunks", name="江安县委党史研究室", region="sichuan")
    records = _saved_unindexed(5, org, "江安")
    monkeypatch.setattr(django_jobs, "BULK_RECORDS", 2)
    with CaptureQueriesContext(connection) as captured:
        tasks.run_django_tasks(_index_jobs(records))
    inserts = [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 3
    assert _indexed(records) == {r.pk for r in records}

import logging

from celery import shared_task

from django.core.exceptions import ObjectDoesNotExist
from django.db import close_old_connections, transaction
from django.utils.module_loading import import_string

from .django_jobs import COMMITTED_STATE_JOBS, SEARCH_INDEX_JOB, jobs_distinct, search_index_bulk

logger = logging.getLogger(__name__)


@shared_task(
    name="portal.run_django_task",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def run_django_task(module_path: str, args: list, kwargs: dict):
    """Run a django-tasks task (Wagtail's own background jobs) on this worker."""
    return import_string(module_path).call(*args, **kwargs)


@shared_task(name="portal.run_django_tasks")
def run_django_tasks(jobs: list[list]) -> None:
    """The jobs one transaction queued (portal.task_backends), each once: one failing stops no other.
    Wagtail's search index jobs go in bulk (portal.django_jobs), or one by one when the bulk fails.
    A job a service was down for is queued again on its own, with run_django_task's retries."""
    jobs = jobs_distinct(jobs)
    indexing = [args for module_path, args, kwargs in jobs if module_path == SEARCH_INDEX_JOB and not kwargs]
    if indexing:
        try:
            with transaction.atomic():
                done = search_index_bulk(items=indexing)
        except Exception:  # the atomic block has left the connection usable for the jobs one by one
            logger.warning("indexing %d records in bulk failed; one by one", len(indexing), exc_info=True)
        else:
            jobs = [job for job in jobs if not (job[0] == SEARCH_INDEX_JOB and tuple(job[1]) in done)]
    for module_path, args, kwargs in jobs:
        try:
            import_string(module_path).call(*args, **kwargs)
        except ObjectDoesNotExist as error:
            if module_path not in COMMITTED_STATE_JOBS:
                logger.exception("django task %s failed", module_path)
            else:  # most often a record a rolled-back savepoint never kept
                logger.info("django task %s%r found nothing: %s", module_path, args, error)
        except Exception as error:
            # A job that lost the database must not leave the next ones a broken connection.
            close_old_connections()
            if not isinstance(error, ConnectionError):
                logger.exception("django task %s failed", module_path)
                continue
            try:
                run_django_task.apply_async(args=[module_path, args, kwargs], countdown=5)
            except Exception:
                logger.exception("django task %s failed and could not be queued again", module_path)


@shared_task(name="portal.ping", ignore_result=False)
def ping(payload: str) -> dict:
    """Round trip through broker, worker and result backend, used by health checks."""
    from django.conf import settings

    return {"region": settings.PORTAL_REGION, "echo": payload}

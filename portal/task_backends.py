"""A django-tasks backend that runs Wagtail's background jobs on Celery.

One worker fleet serves both kinds of work, so the deployment has no second
queue to run or watch.
"""

import logging

from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id, normalize_json

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


class CeleryTaskBackend(BaseTaskBackend):
    supports_async_task = True
    supports_defer = True

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        from .tasks import run_django_task

        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=normalize_json(args),
            kwargs=normalize_json(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        options = {"task_id": result.id}
        if task.run_after is not None:
            options["eta"] = task.run_after

        def send():
            try:
                run_django_task.apply_async(args=[task.module_path, result.args, result.kwargs], **options)
            except Exception:
                # The editor's save has committed; a broker outage must not turn
                # it into an error page. Wagtail's jobs can be re-run by command.
                logger.exception("could not queue %s on Celery", task.module_path)

        transaction.on_commit(send)
        return result

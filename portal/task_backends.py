"""A django-tasks backend that runs Wagtail's background jobs on Celery.

One worker fleet serves both kinds of work, so the deployment has no second
queue to run or watch.
"""

import logging
from collections.abc import Callable
from functools import partial

from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id, normalize_json

from django.db import transaction
from django.utils import timezone

from .django_jobs import COMMITTED_STATE_JOBS

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
        job = [task.module_path, result.args, result.kwargs]
        connection = transaction.get_connection()
        if task.run_after is None and connection.in_atomic_block:
            outermost = task.module_path in COMMITTED_STATE_JOBS
            _commit_batch(connection, outermost=outermost).jobs.append(job)
            return result
        options = {"task_id": result.id}
        if task.run_after is not None:
            options["eta"] = task.run_after

        def send():
            try:
                run_django_task.apply_async(args=job, **options)
            except Exception:
                # The editor's save has committed; a broker outage must not turn
                # it into an error page. Wagtail's jobs can be re-run by command.
                logger.exception("could not queue %s on Celery", task.module_path)

        transaction.on_commit(send)
        return result


class _CommitBatch:
    """The messages queued at one savepoint level of a transaction, sent together on commit.

    A save queues two or three of Wagtail's jobs (search index, reference index): they travel as
    one message. The modules' own tasks (task_send_on_commit) go as messages of their own, to their
    own queues, but through one producer in one batch: on Redis, one round trip for all of them.
    A savepoint rolled back drops its batch with it, as it drops any other on_commit callback
    registered inside it. Items collected for one task (task_collect_on_commit), and the jobs that
    read committed state (portal.django_jobs), are kept by the transaction's outermost batch: one
    message for a sync batch's hundred savepoints.
    """

    def __init__(self):
        self.jobs: list[list] = []
        self.sends: list[tuple] = []  # (task, args, what to do when it could not be sent)
        self.collected: dict = {}  # task -> ({item: None}, what to do with the items when not sent)
        self.sent = False  # a test's captureOnCommitCallbacks runs callbacks it then leaves in place

    def __call__(self):
        from .tasks import run_django_tasks

        self.sent = True
        sends = list(self.sends)
        if self.jobs:
            sends.insert(0, (run_django_tasks, (self.jobs,), None))
        for task, (items, failed) in self.collected.items():
            items = [list(item) for item in items]
            sends.append((task, (items,), partial(failed, items) if failed else None))
        try:
            _send_batch(sends)
        except Exception:
            # The transaction has committed: a broker outage must not turn it into an error. The
            # batch may have sent none of its messages; each sender's fallback runs.
            for task, args, failed in sends:
                if failed is None:
                    logger.exception("could not queue %s%r on Celery", task.name, args)
                    continue
                try:
                    failed()
                except Exception:
                    logger.exception("could not queue %s%r, nor fall back", task.name, args)


def _send_batch(sends: list[tuple]) -> None:
    app = sends[0][0].app
    if app.conf.task_always_eager:
        for task, args, _failed in sends:
            task.apply_async(args=args)
        return
    with app.producer_or_acquire() as producer, producer.batch():
        for task, args, _failed in sends:
            task.apply_async(args=args, producer=producer)


def task_send_on_commit(task, args=(), *, failed: Callable[[], None] | None = None) -> None:
    """Queue a Celery task once the transaction commits (now outside one); never raises for the broker.

    The messages of one transaction go in one batch (one Redis round trip); the same task with the
    same arguments twice is sent once. ``failed`` runs when the message could not be sent.
    """
    send = (task, tuple(args), failed)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        batch = _CommitBatch()
        batch.sends.append(send)
        batch()
        return
    batch = _commit_batch(connection)
    if not any(task is other and send[1] == args for other, args, _failed in batch.sends):
        batch.sends.append(send)


def task_collect_on_commit(task, item: tuple, *, failed: Callable[[list], None] | None = None) -> None:
    """Add ``item`` to the list ``task`` gets once the transaction commits: one message for all of them.

    For a task that reads the committed state of what it is given (indexing a record as it is now):
    an item added in a savepoint later rolled back is still sent, and finds the record as it is.
    ``failed`` gets the items when the message could not be sent.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        batch = _CommitBatch()
        batch.collected[task] = ({item: None}, failed)
        batch()
        return
    items, _failed = _commit_batch(connection, outermost=True).collected.setdefault(task, ({}, failed))
    items[item] = None


def _commit_batch(connection, *, outermost: bool = False) -> _CommitBatch:
    # An atomic block without a savepoint (None) cannot be rolled back on its own: it is its parent's level.
    level = set() if outermost else set(connection.savepoint_ids) - {None}
    for savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _CommitBatch) and not callback.sent and savepoints - {None} == level:
            return callback
    batch = _CommitBatch()
    if outermost:
        # Registered as by the outermost block: no savepoint's rollback drops it, the transaction's does.
        connection.run_on_commit.append((set(), batch, False))
    else:
        transaction.on_commit(batch)
    return batch

"""Keep the search index in step with every module's records.

Sync applies partner changes as ordinary saves, so these handlers cover
replicated records too. Work is queued only once the transaction commits:
a rolled-back change must not reach the index, and the task reads the
committed row.
"""

import logging
from functools import partial

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.task_backends import task_collect_on_commit, task_send_on_commit

from .sources import document_id, source_for

logger = logging.getLogger(__name__)


def _index_here(task, *args) -> None:
    logger.warning("could not queue %s%r; indexing in this process instead", task.name, args)
    try:
        task(*args)
    except Exception:
        # The index can still be rebuilt with search_rebuild.
        logger.exception("could not index %s%r", task.name, args)


def _queue(task, *args) -> None:
    # Sent at commit with the transaction's other messages: a rolled-back change must not reach the index.
    if getattr(settings, "SEARCH_QUEUE_ON_COMMIT", True):
        task_send_on_commit(task, args, failed=partial(_index_here, task, *args))
        return
    # Tests that run inside one rolled-back transaction index straight away instead.
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - a broker that is down must not break the save
        _index_here(task, *args)


def queue_index(*, label: str, pk: int) -> None:
    if not settings.ELASTICSEARCH_URL:
        return
    from .tasks import index_records

    if not getattr(settings, "SEARCH_QUEUE_ON_COMMIT", True):
        _queue(index_records, [[label, pk]])
        return
    # The records a transaction saved are indexed together: one message, one bulk request.
    task_collect_on_commit(index_records, (label, pk), failed=partial(_index_here, index_records))


def queue_remove(*, doc_id: str) -> None:
    if not settings.ELASTICSEARCH_URL:
        return
    from .tasks import remove_record

    _queue(remove_record, doc_id)


# The handlers listen to every model and act on those a source indexes: the modules register
# their sources after this app is ready (portal.modules), so there is no list to connect to here.


def on_save(sender, instance, raw=False, **kwargs):
    if raw or source_for(sender._meta.label) is None:
        return
    queue_index(label=sender._meta.label, pk=instance.pk)


def on_delete(sender, instance, **kwargs):
    if source_for(sender._meta.label) is not None:
        queue_remove(doc_id=document_id(instance))


def _topics_through(model):
    source = source_for(model._meta.label)
    if source is None or not source.topics_field:
        return None
    return getattr(model, source.topics_field).through


def on_topics_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        if _topics_through(type(instance)) is sender:
            queue_index(label=instance._meta.label, pk=instance.pk)
    elif pk_set and _topics_through(model) is sender:
        # A topic's records changed from the topic's side.
        for pk in pk_set:
            queue_index(label=model._meta.label, pk=pk)


def on_page_unpublished(sender, instance, **kwargs):
    label = instance.specific_class._meta.label
    if source_for(label) is not None:
        queue_index(label=label, pk=instance.pk)


def connect():
    from wagtail.signals import page_unpublished

    post_save.connect(on_save, dispatch_uid="search-save")
    post_delete.connect(on_delete, dispatch_uid="search-delete")
    m2m_changed.connect(on_topics_changed, dispatch_uid="search-topics")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="search-unpublished")

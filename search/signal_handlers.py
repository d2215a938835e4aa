"""Keep the search index in step with every module's records.

Sync applies partner changes as ordinary saves, so these handlers cover
replicated records too. Work is queued only once the transaction commits:
a rolled-back change must not reach the index, and the task reads the
committed row.
"""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .sources import document_id, installed_sources

logger = logging.getLogger(__name__)


def _enqueue(task, *args):
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - a broker that is down must not break the save
        logger.warning("could not queue %s%r; indexing in this process instead", task.name, args)
        try:
            task(*args)
        except Exception:
            # The index can still be rebuilt with search_rebuild.
            logger.exception("could not index %s%r", task.name, args)


def _after_commit(callback) -> None:
    # Tests that run inside one rolled-back transaction index straight away instead.
    if getattr(settings, "SEARCH_QUEUE_ON_COMMIT", True):
        transaction.on_commit(callback)
    else:
        callback()


def queue_index(*, label: str, pk: int) -> None:
    if not settings.ELASTICSEARCH_URL:
        return
    from .tasks import index_record

    _after_commit(partial(_enqueue, index_record, label, pk))


def queue_remove(*, doc_id: str) -> None:
    if not settings.ELASTICSEARCH_URL:
        return
    from .tasks import remove_record

    _after_commit(partial(_enqueue, remove_record, doc_id))


def on_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    queue_index(label=sender._meta.label, pk=instance.pk)


def on_delete(sender, instance, **kwargs):
    queue_remove(doc_id=document_id(instance))


def on_topics_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        queue_index(label=instance._meta.label, pk=instance.pk)
    elif pk_set:
        # A topic's records changed from the topic's side.
        for pk in pk_set:
            queue_index(label=model._meta.label, pk=pk)


def on_page_unpublished(sender, instance, **kwargs):
    queue_index(label=instance.specific_class._meta.label, pk=instance.pk)


def connect():
    from wagtail.signals import page_unpublished

    for source in installed_sources():
        model = source.model
        uid = f"search-{source.label.lower()}"
        post_save.connect(on_save, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(on_delete, sender=model, dispatch_uid=f"{uid}-delete")
        if source.topics_field:
            through = getattr(model, source.topics_field).through
            m2m_changed.connect(on_topics_changed, sender=through, dispatch_uid=f"{uid}-topics")
        if hasattr(model, "live"):
            page_unpublished.connect(on_page_unpublished, sender=model, dispatch_uid=f"{uid}-unpublished")

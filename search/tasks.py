from celery import shared_task
from elasticsearch import ApiError, TransportError

from django.db import OperationalError

from . import services


class Retryable(Exception):
    """Elasticsearch or the database down, overloaded or failing: worth another try, unlike a bad document."""


def _retry_transient(work):
    try:
        return work()
    except (TransportError, OperationalError) as error:
        raise Retryable(str(error)) from error
    except ApiError as error:
        if error.meta.status == 429 or error.meta.status >= 500:
            raise Retryable(str(error)) from error
        raise


RETRY = {
    "autoretry_for": (Retryable,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
    "acks_late": True,
}


@shared_task(name="search.index_record", **RETRY)
def index_record(label: str, pk: int) -> bool:
    return _retry_transient(lambda: services.record_index(label=label, pk=pk))


@shared_task(name="search.index_records", **RETRY)
def index_records(items: list[list]) -> int:
    return _retry_transient(lambda: services.records_index(items=[(label, pk) for label, pk in items]))


@shared_task(name="search.remove_record", **RETRY)
def remove_record(doc_id: str) -> None:
    _retry_transient(lambda: services.record_remove(doc_id=doc_id))

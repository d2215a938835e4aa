from celery import shared_task
from elasticsearch import ApiError, TransportError

from . import services

# Elasticsearch being down or overloaded is worth retrying; a bad document is not.
RETRY = {
    "autoretry_for": (TransportError, ApiError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
    "acks_late": True,
}


@shared_task(name="search.index_record", **RETRY)
def index_record(label: str, pk: int) -> bool:
    return services.record_index(label=label, pk=pk)


@shared_task(name="search.remove_record", **RETRY)
def remove_record(doc_id: str) -> None:
    services.record_remove(doc_id=doc_id)

"""Thin Celery tasks; the work is in services."""

import requests
from celery import shared_task

from sync.services import SyncError

from . import services


@shared_task(
    name="training.send_enrolment_request",
    autoretry_for=(requests.RequestException, SyncError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=12,
)
def send_enrolment_request(enrolment_id: int) -> dict | None:
    # The owner handles the command idempotently (by the enrolment's global id), so retries are safe.
    return services.enrolment_request_send(enrolment_id=enrolment_id)

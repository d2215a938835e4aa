"""Thin Celery tasks; the work is in services. Queues are routed by the ``sync.`` prefix."""

import requests
from celery import shared_task

from . import services


@shared_task(
    name="sync.pull_partner",
    autoretry_for=(requests.RequestException, services.SyncError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=10,
)
def pull_partner(region: str) -> dict:
    result = services.partner_pull(partner_region=region)
    return {"applied": result.applied, "ignored": result.ignored, "conflicts": result.conflicts}


@shared_task(
    name="sync.nudge_partner",
    autoretry_for=(requests.RequestException, services.SyncError),
    retry_backoff=1,
    retry_backoff_max=30,
    max_retries=5,
)
def nudge_partner(region: str) -> None:
    # Only a hint: if it never arrives, the partner's beat pull still finds the change.
    services.partner_nudge(partner_region=region)

"""Thin Celery tasks; the work is in services. Queues are routed by the ``sync.`` prefix."""

import requests
from celery import shared_task

from django.db import OperationalError

from . import services


@shared_task(name="sync.pull_partner", max_retries=0)
def pull_partner(region: str) -> dict:
    # Not retried here: beat runs it every 5 s. A partner that is down is no task error:
    # the service logs it and keeps it in the partner's status.
    try:
        result = services.partner_pull(partner_region=region)
    except (requests.RequestException, services.SyncError) as error:
        return {"error": str(error)}
    return {"applied": result.applied, "ignored": result.ignored, "conflicts": result.conflicts}


@shared_task(name="sync.prune_refused", ignore_result=True)
def prune_refused() -> int:
    return services.refused_requests_prune()


@shared_task(name="sync.nudge_partner", max_retries=0, ignore_result=True)
def nudge_partner(region: str) -> bool:
    # Only a hint, never retried: if it does not arrive, the partner's scheduled pull finds the change.
    return services.partner_nudge(partner_region=region)


@shared_task(
    name="sync.send_commands",
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=3,
)
def send_commands(region: str) -> int:
    # Delivery failures are not retried here: the commands stay pending and the schedule sends them again.
    return services.partner_commands_send(partner_region=region)

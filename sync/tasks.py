"""Thin Celery tasks; the work is in services. Queues are routed by the ``sync.`` prefix.

Services that queue these (``services.feed``, ``services.commands``) are not imported here.
"""

import requests
from celery import shared_task

from django.db import OperationalError

from .errors import SyncError
from .services.delivery import partner_commands_send, partner_nudge
from .services.pull import partner_pull
from .services.refusals import refused_requests_prune


@shared_task(name="sync.pull_partner", max_retries=0)
def pull_partner(region: str) -> dict:
    # Not retried here: beat runs it every 5 s. A partner that is down is no task error:
    # the service logs it and keeps it in the partner's status.
    try:
        result = partner_pull(partner_region=region)
    except (requests.RequestException, SyncError) as error:
        return {"error": str(error)}
    return {"applied": result.applied, "ignored": result.ignored, "conflicts": result.conflicts}


@shared_task(name="sync.prune_refused", ignore_result=True)
def prune_refused() -> int:
    return refused_requests_prune()


@shared_task(name="sync.nudge_partner", max_retries=0, ignore_result=True)
def nudge_partner(region: str) -> bool:
    # Only a hint, never retried: if it does not arrive, the partner's scheduled pull finds the change.
    return partner_nudge(partner_region=region)


@shared_task(
    name="sync.send_commands",
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=3,
)
def send_commands(region: str) -> int:
    # Delivery failures are not retried here: the commands stay pending and the schedule sends them again.
    return partner_commands_send(partner_region=region)

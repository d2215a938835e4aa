"""What this region sends the partner unasked: its pending commands, and nudges to pull.

Tasks call these; ``commands.command_enqueue`` and ``feed`` queue the tasks.
"""

import logging

import requests

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import client, registry
from ..errors import SyncError
from ..models import OutgoingCommand
from ..signing import partner_for_region
from .locks import partner_exclusive

logger = logging.getLogger("sync")


def partner_nudge(*, partner_region: str) -> bool:
    """Tell the partner there is something to pull; only a hint, so a partner that is down is no error."""
    partner = partner_for_region(partner_region)
    try:
        status, _answer, _text = client.post_json(
            partner, "/sync/nudge", {"region": settings.PORTAL_REGION}
        )
    except (requests.RequestException, SyncError) as error:
        logger.info("sync: no nudge to %s (%s); its scheduled pull will catch up", partner_region, error)
        return False
    if status != 202:
        logger.warning("sync: %s refused the nudge: %s", partner_region, status)
        return False
    return True


def partner_commands_send(*, partner_region: str) -> int:
    """Send the pending requests for a partner, oldest first; stop at the first that cannot be delivered.

    A request the owner answered is marked delivered and its reply applied here; one the
    owner cannot understand (HTTP 400) is marked refused; anything else is tried again later.
    """
    partner = partner_for_region(partner_region)
    if partner is None:
        raise SyncError(f"{partner_region} is not a configured partner")
    with partner_exclusive(job="send", partner_region=partner_region) as mine:
        return _send(partner) if mine else 0


def _send(partner) -> int:
    partner_region = partner.region
    delivered = 0
    while True:
        with transaction.atomic():
            command = (
                OutgoingCommand.objects.select_for_update()
                .filter(partner_region=partner_region, state=OutgoingCommand.State.PENDING)
                .order_by("pk")
                .first()
            )
            if command is None:
                return delivered
            command.attempts += 1
            command.last_attempt_at = timezone.now()
            try:
                status, answer, text = client.post_json(
                    partner, "/sync/commands", {"command": command.name, "payload": command.payload}
                )
            except (requests.RequestException, SyncError) as error:
                command.last_error = f"{type(error).__name__}: {error}"[:2000]
                command.save()
                logger.info("sync: %s not reachable for %s; will retry", partner_region, command.name)
                return delivered
            if status == 200 and isinstance(answer, dict):
                command.state, command.reply = OutgoingCommand.State.DELIVERED, answer
                command.delivered_at, command.last_error = timezone.now(), ""
            elif status == 400:
                command.state = OutgoingCommand.State.REFUSED
                command.last_error = text[:2000]
                command.reply = {"state": "refused", "reason": text[:500]}
                logger.warning("sync: %s refused %s: %s", partner_region, command.name, text[:200])
            else:
                command.last_error = f"HTTP {status}: {text[:500]}"
                command.save()
                return delivered
            handler = registry.command(command.name)
            if handler is not None and handler.on_reply is not None:
                handler.on_reply(command.payload, command.reply)
            command.save()
            delivered += 1

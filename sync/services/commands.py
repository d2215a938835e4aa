"""Requests owned by the partner (outgoing commands): kept in the transaction, sent after commit.

The ``sync.send_commands`` task sends them with ``delivery.partner_commands_send``; neither imports
this module, so queueing the task here makes no import cycle.
"""

import logging

from django.db import transaction

from ..models import OutgoingCommand
from ..signing import partner_for_region
from ..tasks import send_commands

logger = logging.getLogger("sync")


def command_enqueue(*, partner_region: str, name: str, payload: dict) -> OutgoingCommand:
    """Keep a request for the partner region in this transaction; it is sent after commit, and retried.

    Kept even while the partner is not configured here: it goes once PORTAL_PARTNERS names it.
    """
    command = OutgoingCommand.objects.create(partner_region=partner_region, name=name, payload=payload)
    if partner_for_region(partner_region) is None:
        logger.warning("sync: %s is not a configured partner; %s waits until it is", partner_region, name)
        return command

    def send():
        try:
            send_commands.delay(partner_region)
        except Exception:  # noqa: BLE001 - the broker being down must not fail the request; beat resends
            logger.warning("sync: commands to %s not queued; the schedule sends them", partner_region)

    transaction.on_commit(send)
    return command

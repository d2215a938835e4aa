from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sync.errors import SyncError
from sync.services.pull import partner_pull


class Command(BaseCommand):
    help = "Pull the change feed of every partner region now (or of --region)."

    def add_arguments(self, parser):
        parser.add_argument("--region", default=None)

    def handle(self, *args, region, **options):
        partners = [p for p in settings.PORTAL_PARTNERS if region in (None, p.region)]
        if not partners:
            raise CommandError(
                "no partner configured (PORTAL_PARTNERS)" if region is None else f"{region} is not a partner"
            )
        failed = False
        for partner in partners:
            try:
                result = partner_pull(partner_region=partner.region)
            except (SyncError, OSError) as error:
                failed = True
                self.stderr.write(f"sync_pull: {partner.region}: {error}")
                continue
            self.stdout.write(
                f"sync_pull: {partner.region}: {result.applied} applied, {result.removed} removed, "
                f"{result.ignored} already present, {result.conflicts} conflicts, "
                f"{result.refused} refused (quarantined)"
            )
        if failed:
            raise CommandError("sync_pull: at least one partner failed")

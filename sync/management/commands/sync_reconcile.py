import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from sync.services.reconcile import partner_reconcile


class Command(BaseCommand):
    help = (
        "Compare each partner's manifest (global id, version, sha256) with the local copies and repair drift."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", default=None)

    def handle(self, *args, region, **options):
        for partner in settings.PORTAL_PARTNERS:
            if region not in (None, partner.region):
                continue

            def progress(done, total, _region=partner.region):
                width = 30
                filled = int(width * done / total) if total else width
                self.stderr.write(
                    f"\r{_region} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=""
                )
                sys.stderr.flush()

            report = partner_reconcile(partner_region=partner.region, progress=progress)
            self.stderr.write("")
            self.stdout.write(
                f"sync_reconcile: {partner.region}: {report['checked']} checked, "
                f"{report['in_step']} in step, {report['repaired']} repaired, {report['removed']} removed"
            )

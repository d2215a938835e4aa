from django.core.management.base import BaseCommand, CommandError

from sync.errors import SyncError
from sync.models import QuarantinedChange
from sync.services.conflicts import quarantine_retry


class Command(BaseCommand):
    help = "List the partners' changes refused by validation, or --retry ID (fetched and checked again)."

    def add_arguments(self, parser):
        parser.add_argument("--retry", type=int, default=None)

    def handle(self, *args, retry, **options):
        if retry is None:
            for entry in QuarantinedChange.objects.filter(resolved_at=None).order_by("pk"):
                self.stdout.write(
                    f"#{entry.pk} {entry.partner_region} change {entry.seq} {entry.model_label} "
                    f"{entry.global_id} v{entry.version}: {entry.reason} ({entry.detail})"
                )
            return
        try:
            entry = quarantine_retry(entry_id=retry)
        except QuarantinedChange.DoesNotExist:
            raise CommandError(f"no quarantined change #{retry}") from None
        except (SyncError, OSError) as error:
            raise CommandError(f"sync_quarantine: {error}") from None
        if entry.resolved_at is None:
            raise CommandError(f"#{entry.pk} still refused: {entry.reason} ({entry.detail})")
        self.stdout.write(f"#{entry.pk}: {entry.get_resolution_display()}")

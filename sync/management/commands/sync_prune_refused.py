from django.core.management.base import BaseCommand

from sync.services.refusals import refused_requests_prune


class Command(BaseCommand):
    help = (
        "Forget refused requests to /sync/ not seen for --days (SYNC_REFUSED_KEEP_DAYS); beat runs it hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        self.stdout.write(f"sync_prune_refused: {refused_requests_prune(days=days)} removed")

from django.core.management.base import BaseCommand, CommandError

from audit.models import RETENTION_DAYS, AuditLogImmutable
from audit.services import audit_prune


class Command(BaseCommand):
    help = f"Remove security audit entries older than --days (at least {RETENTION_DAYS})."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=RETENTION_DAYS)

    def handle(self, *args, days, **options):
        try:
            removed = audit_prune(days=days)
        except AuditLogImmutable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"audit_prune: removed {removed} entries older than {days} days")

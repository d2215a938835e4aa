from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up this region: a pg_dump custom-format dump, its files, and a manifest of sha256 sums."

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="folder that receives portal-<region>-<time>/")

    def handle(self, *args, destination, **options):
        try:
            folder = backup_create(destination=destination)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(folder))

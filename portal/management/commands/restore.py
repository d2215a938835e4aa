from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restore this region from a backup folder; refuses one whose sha256 sums do not match."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--check", action="store_true", help="only verify the sums")
        parser.add_argument("--yes", action="store_true", help="replace the database and files")

    def handle(self, *args, folder, check, yes, **options):
        try:
            if check:
                backup_verify(folder=folder)
                self.stdout.write(f"{folder}: sums match")
                return
            if not yes:
                raise CommandError("restore replaces this region's database and files: add --yes")
            manifest = backup_restore(folder=folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored {manifest['region']} from {folder} ({manifest['created_at']})")

from django.core.management.base import BaseCommand, CommandError

from portal.models import AccessLevel, Region
from publicity.services import bulletin_import_file


class Command(BaseCommand):
    help = "Import a work bulletin (plain-text layout of 重庆党史工作) as stories; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--region", choices=Region.values, default="", help="default: from the title")
        parser.add_argument("--access-level", choices=AccessLevel.values, default=AccessLevel.PUBLIC)
        parser.add_argument("--draft", action="store_true", help="save revisions without publishing")

    def handle(self, *args, path, region, access_level, draft, **options):
        try:
            report = bulletin_import_file(
                path=path, region=region, access_level=access_level, publish=not draft
            )
        except OSError as error:
            raise CommandError(f"import_bulletin: cannot read {path}: {error}") from error
        if report.issue is None:
            raise CommandError("import_bulletin: " + "; ".join(report.problems))
        self.stdout.write(
            f"import_bulletin: {report.issue}: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.organisations_created)} organisations created"
        )
        for name in report.organisations_created:
            self.stdout.write(f"  new organisation: {name}")
        if report.problems:
            self.stdout.write(self.style.WARNING(f"import_bulletin: {len(report.problems)} problem(s):"))
            for problem in report.problems:
                self.stdout.write(f"  {problem}")
        else:
            self.stdout.write(self.style.SUCCESS("import_bulletin: every part of the file was read"))

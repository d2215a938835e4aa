from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from materials.selectors import material_files_to_extract
from materials.services.extraction import material_file_extract, material_file_extract_queue

from .materials_import import progress_bar


class Command(BaseCommand):
    help = (
        "Read the text of materials' file versions (text layers, OCR) for search: those never read "
        "(--missing, the default) or every one (--all). Runs here, one file after another, unless --queue."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--missing", action="store_true", help="versions whose text was never read (default)"
        )
        which.add_argument("--all", action="store_true", help="every version, read again")
        parser.add_argument(
            "--queue", action="store_true", help="hand the versions to the workers' extract queue instead"
        )

    def handle(self, *args, all=False, queue=False, **options):
        files = list(material_files_to_extract(everything=all))
        total = len(files)
        if not total:
            self.stdout.write(_("没有需要识别的文件。"))
            return
        for done, record in enumerate(files, start=1):
            extraction = material_file_extract_queue(material_file=record, send=queue)
            if not queue:
                extraction = material_file_extract(file_id=record.pk, attempt=extraction.attempt)
            self.stdout.write(
                f"{progress_bar(done, total)} {record.material.title} · {record.original_name} "
                f"v{record.version}：{extraction.status_display}"
            )
            self.stdout.flush()

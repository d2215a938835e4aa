from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from materials.services.imports import import_csv_rows, materials_import
from portal.models import Organisation

BAR_WIDTH = 30


def progress_bar(done: int, total: int) -> str:
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}"


class Command(BaseCommand):
    help = "Import a folder of files with a CSV of metadata (filename,title,type,period,...)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="folder holding the files named in the CSV")
        parser.add_argument("csv", help="UTF-8 CSV: " + ",".join(["filename", "title", "type", "..."]))
        parser.add_argument("--organisation", required=True, help="code of the owning organisation")
        parser.add_argument("--user", default=None, help="username recorded as depositor")

    def handle(self, *args, folder, csv, organisation, user, **options):
        folder_path = Path(folder).resolve()
        if not folder_path.is_dir():
            raise CommandError(_("文件夹不存在：%(path)s") % {"path": folder})
        owner = Organisation.objects.filter(code=organisation).first()
        if owner is None:
            raise CommandError(_("未知的单位代码：%(code)s") % {"code": organisation})
        depositor = None
        if user:
            depositor = get_user_model().objects.filter(username=user).first()
            if depositor is None:
                raise CommandError(_("未知的用户：%(user)s") % {"user": user})
        try:
            rows = import_csv_rows(Path(csv).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(_("无法读取 CSV：%(error)s") % {"error": error}) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        def open_file(name: str):
            path = (folder_path / name).resolve()
            # Only files inside the folder: a CSV cannot reach elsewhere on disk.
            if folder_path not in path.parents or not path.is_file():
                return None
            return File(path.open("rb"), name=path.name)

        def progress(done, total, result):
            status = _("已导入") if result.imported else _("未导入")
            line = _("第 %(line)s 行") % {"line": result.line}
            self.stdout.write(
                f"{progress_bar(done, total)} {line} {result.filename}：{status} — {result.message}"
            )

        results = materials_import(
            rows=rows, open_file=open_file, organisation=owner, user=depositor, progress=progress
        )
        imported = sum(r.imported for r in results)
        summary = _("共 %(total)s 行：导入 %(imported)s 行，未导入 %(failed)s 行。") % {
            "total": len(results),
            "imported": imported,
            "failed": len(results) - imported,
        }
        style = self.style.SUCCESS if imported == len(results) else self.style.WARNING
        self.stdout.write(style(summary))

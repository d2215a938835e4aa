import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search import services


class ProgressBar:
    """A one-line bar on a terminal; plain periodic lines otherwise (logs, CI)."""

    def __init__(self, stdout, total: int, width: int = 40):
        self.stdout, self.total, self.width = stdout, max(total, 1), width
        self.started = time.monotonic()
        self.tty = stdout.isatty()
        self.last_line = -1

    def __call__(self, done: int):
        fraction = min(done / self.total, 1.0)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        filled = int(self.width * fraction)
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} {fraction:4.0%} {rate:,.0f}/s"
        )
        if self.tty:
            self.stdout.write("\r" + line, ending="")
            self.stdout.flush()
        elif int(fraction * 10) != self.last_line or done == self.total:
            self.last_line = int(fraction * 10)
            self.stdout.write(line)


class Command(BaseCommand):
    help = "Rebuild the search index into a new index and swap the alias when done."

    def handle(self, *args, **options):
        if not settings.ELASTICSEARCH_URL:
            raise CommandError("ELASTICSEARCH_URL is not set: the database search needs no rebuild.")
        total = services.records_count()
        self.stdout.write(f"Indexing up to {total} records into a new index…")
        bar = ProgressBar(self.stdout, total)
        started = time.monotonic()
        name, written = services.index_rebuild(progress=bar)
        if bar.tty:
            self.stdout.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{written} documents in {name} ({elapsed:.1f}s); "
                f"alias {services.alias_name()} now points to it."
            )
        )

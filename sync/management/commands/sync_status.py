import json

from django.core.management.base import BaseCommand

from sync.selectors import sync_status


class Command(BaseCommand):
    help = "Per partner: cursor, backlog, lag, last success and last error."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        rows = sync_status()
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("sync_status: no partner configured (PORTAL_PARTNERS)")
        for row in rows:
            lag = "-" if row["lag_seconds"] is None else f"{row['lag_seconds']:.1f}s"
            self.stdout.write(
                f"{row['region']}: cursor {row['cursor']} of {row['partner_head']}, "
                f"backlog {row['backlog']}, lag {lag}, last success {row['last_success'] or '-'}, "
                f"last error {row['last_error'] or '-'}, open conflicts {row['open_conflicts']}, "
                f"quarantined changes {row['quarantined']}, "
                f"requests waiting to be sent {row['commands_pending']}"
                + (
                    f" (oldest {row['commands_oldest_pending_seconds']:.0f}s)"
                    if row["commands_pending"]
                    else ""
                )
            )
            for entry in row["quarantine"]:
                self.stdout.write(
                    f"  quarantined #{entry['id']}: change {entry['seq']} {entry['model']} "
                    f"{entry['global_id']} "
                    f"v{entry['version']}: {entry['reason']} ({entry['detail']})"
                )

"""Apply feed entries from Sichuan again; print each outcome as [applied, ignored, conflicts]."""

import json

from sync.services.apply import change_apply


def main(*, entries: list):
    results = [change_apply(change=entry, partner_region="sichuan") for entry in entries]
    print(json.dumps([[r.applied, r.ignored, r.conflicts] for r in results]))

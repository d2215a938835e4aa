"""Print Sichuan's current record of a material, as sync fetches it, in JSON."""

import json

from sync.services.pull import partner_record_fetch


def main(*, global_id: str):
    record = partner_record_fetch(partner_region="sichuan", label="materials.material", global_id=global_id)
    print(json.dumps(record))

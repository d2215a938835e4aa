"""The backlog bench/sync.py --backlog leaves at Sichuan while Chongqing is offline (runs in-region).

    manage.py shell -c "from bench.backlog_create import main; main(changes=10000, prefix='…')"

Through the editors' own services, one transaction each, so every change is logged as it would be:
mostly new materials with a small file, some edits of records made earlier (a few edited again),
some withdrawals (made internal). Prints the change log's growth and the seconds it took.
"""

import json
import random
import time

from django.core.files.base import ContentFile

# Out of every 20 changes: 17 new materials, 2 edits, 1 withdrawal.
MIX = ("create",) * 17 + ("edit",) * 2 + ("withdraw",)


def main(*, changes: int, prefix: str, seed: int = 18):
    from materials.models import Material
    from materials.services import material_create, material_save
    from portal.models import Organisation
    from sync.models import ChangeLog

    organisations = list(Organisation.objects.filter(code__in=["sc-chengdu", "sc-province"]))
    rng = random.Random(seed)
    before = ChangeLog.objects.count()
    live: list[Material] = []  # created and still shared, to edit or withdraw
    done = {"create": 0, "edit": 0, "withdraw": 0}
    started = time.time()
    for n in range(changes):
        kind = MIX[n % len(MIX)] if len(live) >= 20 else "create"
        if kind == "create":
            material = material_create(
                organisation=organisations[n % len(organisations)],
                title=f"{prefix}{n}",
                material_type="archive",
                description="川渝党史资料积压同步基准：长时间离线后的追赶",
                uploaded_file=ContentFile(f"积压基准文件 {n} ".encode() * 20, name=f"backlog-{n}.txt"),
            )
            live.append(material)
        elif kind == "edit":
            # Recent records are the likeliest edited, and some more than once.
            material = live[max(0, len(live) - 1 - int(rng.expovariate(1 / 300)))]
            material.title = f"{prefix}{n} 修订"
            material.description = f"第 {n} 次修改"
            material_save(material=material)
        else:
            material = live.pop(rng.randrange(len(live)))
            material.access_level = "internal"
            material_save(material=material)
        done[kind] += 1
    elapsed = time.time() - started
    logged = ChangeLog.objects.count() - before
    print("BACKLOG", json.dumps({"seconds": elapsed, "logged": logged, **done}), flush=True)

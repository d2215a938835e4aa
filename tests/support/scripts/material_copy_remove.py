"""Remove a synced copy and what sync knows of it behind sync's back, as a faulty restore would."""

from materials.models import Material
from sync.context import apply_context
from sync.models import SyncedCopy


def main(*, global_id: str):
    with apply_context():
        Material.objects.get(global_id=global_id).delete()
    SyncedCopy.objects.filter(global_id=global_id).delete()

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import MaterialFile


@receiver(post_delete, sender=MaterialFile, dispatch_uid="materials_delete_stored_file")
def delete_stored_file(sender, instance, **kwargs):
    # Only once the deletion is committed: a rolled-back delete must keep its file.
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import MaterialFile, TextExtraction


@receiver(post_delete, sender=MaterialFile, dispatch_uid="materials_delete_stored_file")
def delete_stored_file(sender, instance, **kwargs):
    # Only once the deletion is committed: a rolled-back delete must keep its file.
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_save, sender=MaterialFile, dispatch_uid="materials_extract_text")
def extract_text(sender, instance, created=False, raw=False, **kwargs):
    """Every stored version has its text read, uploads and replicated copies alike (sync saves rows too)."""
    if raw or not instance.file:
        return
    if not created and TextExtraction.objects.filter(file=instance, sha256=instance.sha256).exists():
        return
    from .services.extraction import material_file_extract_queue

    material_file_extract_queue(material_file=instance, new_file=created)

"""Where material files live: outside any public URL, served only by the download view."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible
class PrivateMaterialStorage(FileSystemStorage):
    """MEDIA_ROOT/private (or MATERIALS_PRIVATE_ROOT); it has no URL of its own."""

    def __init__(self):
        super().__init__()

    @cached_property
    def base_location(self):
        configured = getattr(settings, "MATERIALS_PRIVATE_ROOT", None)
        return str(configured or os.path.join(settings.MEDIA_ROOT, "private"))

    def url(self, name):
        raise ValueError("material files have no public URL; use the download view")


def private_storage():
    return _storage


_storage = PrivateMaterialStorage()

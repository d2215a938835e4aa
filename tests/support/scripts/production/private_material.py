"""An internal material uploaded by a Chengdu editor; print its global id and its stored file's name."""

from django.core.files.base import ContentFile

from materials.services import material_create
from portal.models import Organisation
from portal.services import staff_user_create_or_update


def main():
    org = Organisation.objects.get(code="sc-chengdu")
    editor = staff_user_create_or_update(
        username="smoke_owner", organisation=org, roles=["editor"], password="pass-word-123"
    )
    material = material_create(
        organisation=org,
        title="内部档案",
        material_type="archive",
        access_level="internal",
        uploaded_file=ContentFile(b"%PDF-1.4\n" + "内部资料".encode(), name="内部.pdf"),
        user=editor,
    )
    print(material.global_id)
    print(material.files.get().file.name)

"""Publish ``count`` materials of an organisation, each with a small file; print their global ids."""

from django.core.files.base import ContentFile

from materials.services import material_create
from portal.models import Organisation


def main(*, org: str, count: int, prefix: str, access: str, content: str):
    organisation = Organisation.objects.get(code=org)
    for n in range(count):
        material = material_create(
            organisation=organisation,
            title=f"{prefix}{n}",
            material_type="archive",
            access_level=access,
            description="两地同步测试",
            uploaded_file=ContentFile(content.encode() + str(n).encode(), name=f"{prefix}{n}.txt"),
        )
        print(material.global_id)

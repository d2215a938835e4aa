"""Publish ``count`` materials of an organisation, each with a small file; print their global ids.

``topics``: [kind, name] pairs each material is tagged with.
"""

from django.core.files.base import ContentFile

from materials.services import material_create
from portal.models import Organisation
from portal.services import topic_get_or_create


def main(*, org: str, count: int, prefix: str, access: str, content: str, topics: list | None = None):
    organisation = Organisation.objects.get(code=org)
    tags = [topic_get_or_create(kind=kind, name=name) for kind, name in topics or []]
    for n in range(count):
        material = material_create(
            organisation=organisation,
            title=f"{prefix}{n}",
            material_type="archive",
            access_level=access,
            description="两地同步测试",
            uploaded_file=ContentFile(content.encode() + str(n).encode(), name=f"{prefix}{n}.txt"),
            topics=tags,
        )
        print(material.global_id)

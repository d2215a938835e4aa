"""Change a material as an editor would: its title or its access level."""

from materials.models import Material


def main(*, global_id: str, title: str | None = None, access_level: str | None = None):
    material = Material.objects.get(global_id=global_id)
    if title is not None:
        material.title = title
    if access_level is not None:
        material.access_level = access_level
    material.save()

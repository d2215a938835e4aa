"""Print the global id and stored file name of the internal material ``private_material`` made."""

from materials.models import Material


def main():
    material = Material.objects.get(title="内部档案")
    print(material.global_id)
    print(material.files.get().file.name)

# Model permissions each role holds in this module, as "app_label.codename".
ROLE_MODEL_PERMISSIONS: dict[str, list[str]] = {
    "editor": ["materials.add_material", "materials.change_material", "materials.view_material"],
    "reviewer": ["materials.change_material", "materials.view_material"],
    "researcher": ["materials.add_material", "materials.view_material"],
    "administrator": [
        "materials.add_material",
        "materials.change_material",
        "materials.delete_material",
        "materials.view_material",
        "materials.view_downloadlog",
    ],
}

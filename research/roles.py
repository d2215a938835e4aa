# Model permissions each role holds in this module, as "app_label.codename".
_PROJECT_EDIT = [
    "research.add_project",
    "research.change_project",
    "research.add_milestone",
    "research.change_milestone",
    "research.add_projectoutput",
    "research.change_projectoutput",
    "research.add_projectmember",
    "research.change_projectmember",
    "research.view_expert",
]

ROLE_MODEL_PERMISSIONS: dict[str, list[str]] = {
    "researcher": _PROJECT_EDIT,
    "editor": ["research.view_project", "research.view_expert"],
    "reviewer": ["research.view_project", "research.view_expert"],
    "administrator": [
        *_PROJECT_EDIT,
        "research.delete_project",
        "research.delete_milestone",
        "research.delete_projectoutput",
        "research.delete_projectmember",
        "research.add_expert",
        "research.change_expert",
        "research.delete_expert",
    ],
}

# Model permissions each role holds in this module, as "app_label.codename".
ROLE_MODEL_PERMISSIONS: dict[str, list[str]] = {
    "editor": ["events.add_event", "events.change_event"],
    "reviewer": ["events.change_event"],
    "administrator": ["events.add_event", "events.change_event", "events.delete_event"],
}

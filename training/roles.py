# Model permissions each role holds in this module, as "app_label.codename".
ROLE_MODEL_PERMISSIONS: dict[str, list[str]] = {}

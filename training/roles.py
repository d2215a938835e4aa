# Model permissions each role holds in this module, as "app_label.codename".
# Trainers and administrators run their own organisation's courses (the admin
# views restrict them to it); enrolment and attendance go through the site.
_ORGANISER = [
    "training.add_course",
    "training.change_course",
    "training.delete_course",
    "training.view_course",
    "training.add_session",
    "training.change_session",
    "training.delete_session",
    "training.view_session",
]

ROLE_MODEL_PERMISSIONS: dict[str, list[str]] = {
    "trainer": _ORGANISER,
    "administrator": _ORGANISER,
}

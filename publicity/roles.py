# Model permissions each role holds in this module, as "app_label.codename".
# Page rights on the story list are granted by services.submission_workflow_ensure.
ROLE_MODEL_PERMISSIONS: dict[str, list[str]] = {
    "reviewer": [
        "publicity.view_submissionevent",
        "publicity.view_bulletinissue",
        "publicity.add_bulletinissue",
        "publicity.change_bulletinissue",
    ],
    "administrator": [
        "publicity.view_submissionevent",
        "publicity.view_bulletinissue",
        "publicity.add_bulletinissue",
        "publicity.change_bulletinissue",
        "publicity.add_section",
        "publicity.change_section",
    ],
}

"""Staff roles. Each organisation has one Wagtail group per role."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .modules import modules


class Role(models.TextChoices):
    EDITOR = "editor", _("编辑")
    REVIEWER = "reviewer", _("审核员")
    RESEARCHER = "researcher", _("研究人员")
    TRAINER = "trainer", _("培训管理员")
    ADMINISTRATOR = "administrator", _("单位管理员")


# Model permissions each role carries, as "app_label.codename". Modules add theirs
# when they register (portal.modules); page permissions are granted on the
# organisation's own section of the page tree (see services.organisation_groups_ensure).
ROLE_MODEL_PERMISSIONS: dict[str, list[str]] = {
    Role.EDITOR: [
        "wagtailadmin.access_admin",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
    ],
    Role.REVIEWER: [
        "wagtailadmin.access_admin",
        "wagtaildocs.change_document",
        "wagtailimages.change_image",
    ],
    Role.RESEARCHER: ["wagtailadmin.access_admin", "wagtaildocs.add_document"],
    Role.TRAINER: ["wagtailadmin.access_admin"],
    Role.ADMINISTRATOR: [
        "wagtailadmin.access_admin",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "portal.change_organisation",
    ],
}

# Page permissions on the organisation's section, per role.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    Role.EDITOR: ["add_page", "change_page"],
    Role.REVIEWER: ["change_page", "publish_page"],
    Role.RESEARCHER: [],
    Role.TRAINER: [],
    Role.ADMINISTRATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


def role_model_permissions(role: str) -> list[str]:
    """The core permissions of a role plus those each registered module gives it."""
    permissions = list(ROLE_MODEL_PERMISSIONS[role])
    for module in modules():
        permissions.extend(module.role_permissions.get(role, []))
    return permissions

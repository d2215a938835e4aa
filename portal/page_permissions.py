"""Wagtail's page permissions, bounded by the access rule.

Page rights are granted on sections of the tree (every editor has change rights on the story
index), so on their own they would let an editor see another organisation's internal story in
the explorer, admin search, the admin API, revisions and previews. Here every page action and
every listing of pages for a user is limited to the pages that user may read.
"""

from wagtail.models import Page, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy

from .access import page_readable, pages_visible_to


class ReadablePagePermissionTester(PagePermissionTester):
    def __init__(self, user, page):
        super().__init__(user, page)
        self.readable = page_readable(user, page)


def _refused_unless_readable(name):
    allowed = getattr(PagePermissionTester, name)

    def check(self, *args, **kwargs):
        return self.readable and allowed(self, *args, **kwargs)

    check.__name__ = name
    return check


for _name in dir(PagePermissionTester):
    if _name.startswith("can_"):
        setattr(ReadablePagePermissionTester, _name, _refused_unless_readable(_name))


class ReadablePagePermissionPolicy(PagePermissionPolicy):
    def user_has_any_permission_for_instance(self, user, actions, instance):
        return page_readable(user, instance) and super().user_has_any_permission_for_instance(
            user, actions, instance
        )

    def instances_user_has_any_permission_for(self, user, actions):
        return pages_visible_to(user, super().instances_user_has_any_permission_for(user, actions))

    def explorable_instances(self, user):
        return pages_visible_to(user, super().explorable_instances(user))


def register_page_policy():
    from wagtail.permissions import register_permission_policy

    register_permission_policy(Page, ReadablePagePermissionPolicy(Page))

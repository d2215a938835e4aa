"""Names in Chinese order (曾编辑, not "编辑 曾") wherever Django or Wagtail print a user's name.

Django's User.get_full_name() puts the given name first with a space; Wagtail prints it on
page owners, revisions, workflow history, the user listing and its notifications, shows the
given name alone in the user menu, and the username wherever a user is printed as it is (the
locked-pages and workflow reports). Replacing these methods, rather than the user model, keeps
the auth tables and every caller as they are.
"""

from django.contrib.auth import get_user_model

from wagtail.admin.ui import sidebar

from portal.names import staff_display_name, staff_full_name


def chinese_name_order() -> None:
    user_model = get_user_model()
    user_model.get_full_name = staff_full_name
    user_model.__str__ = staff_display_name
    menu_arguments = sidebar.MainMenuModule.js_args
    if getattr(menu_arguments, "chinese_name_order", False):
        return

    def js_args(module):
        arguments = menu_arguments(module)
        arguments[2]["name"] = staff_display_name(module.user)
        return arguments

    js_args.chinese_name_order = True
    sidebar.MainMenuModule.js_args = js_args

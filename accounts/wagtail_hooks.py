from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls


@hooks.register("register_admin_urls")
def register_accounts_urls():
    return [path("", include(urls))]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("accounts_two_factor"),
        "label": _("两步验证"),
        "help_text": _("使用手机验证器应用生成的动态验证码登录，并保管恢复码。"),
    }


@hooks.register("register_account_menu_item")
def sessions_menu_item(request):
    return {
        "url": reverse("accounts_sessions"),
        "label": _("登录会话"),
        "help_text": _("查看您已登录的会话，并可一次退出全部会话。"),
    }


class SignInLocksMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("accounts.unlock_signinlock")


@hooks.register("register_settings_menu_item")
def sign_in_locks_menu_item():
    return SignInLocksMenuItem(_("登录锁定"), reverse("accounts_sign_in_locks"), icon_name="lock", order=900)

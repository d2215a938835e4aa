from django.urls import path

from . import views

# Mounted under /admin/ by wagtail_hooks (register_admin_urls).
urlpatterns = [
    path("two-factor/verify/", views.two_factor_verify, name="accounts_two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="accounts_two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="accounts_recovery_codes"),
    path("two-factor/disable/", views.two_factor_disable, name="accounts_two_factor_disable"),
    path("account/two-factor/", views.two_factor_manage, name="accounts_two_factor"),
    path("account/sessions/", views.sessions, name="accounts_sessions"),
    path("sign-in-locks/", views.sign_in_locks, name="accounts_sign_in_locks"),
]

from django.contrib.auth import get_user_model, user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save

from audit.context import current_request


def sign_in_failed(sender, credentials, request=None, **kwargs):
    from .services import sign_in_failure_record

    ip_address = request.META.get("REMOTE_ADDR") if request is not None else None
    sign_in_failure_record(username=credentials.get("username", ""), ip_address=ip_address, request=request)


def signed_in(sender, request, user, **kwargs):
    from .services import staff_session_register

    if request is not None and hasattr(request, "session"):
        staff_session_register(request=request, user=user)


def password_pre_save(sender, instance, **kwargs):
    if instance.pk:
        stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
        instance._password_changed = stored is not None and stored != instance.password


def password_post_save(sender, instance, created, **kwargs):
    """A new password ends the user's other sessions; the one that changed it stays."""
    if created or not getattr(instance, "_password_changed", False):
        return
    from .services import staff_sessions_end

    request = current_request.get()
    keep = None
    if request is not None and getattr(request, "user", None) is not None and request.user.pk == instance.pk:
        keep = request.session.session_key
    staff_sessions_end(user=instance, keep=keep)


def register_signal_handlers():
    user_model = get_user_model()
    user_login_failed.connect(sign_in_failed, dispatch_uid="accounts_sign_in_failed")
    user_logged_in.connect(signed_in, dispatch_uid="accounts_signed_in")
    pre_save.connect(password_pre_save, sender=user_model, dispatch_uid="accounts_password_pre")
    post_save.connect(password_post_save, sender=user_model, dispatch_uid="accounts_password")

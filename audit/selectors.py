from django.contrib.auth.models import Permission

from .models import AuditEntry

AUDITOR_GROUP = "安全审计员"


def audit_reader(*, user) -> bool:
    """Security auditors read the log; the permission must come through a group, so that
    superusers (system administrators) do not read it by default (separation of duties)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Permission.objects.filter(
        group__user=user, content_type__app_label="audit", codename="view_auditentry"
    ).exists()


def audit_entry_list():
    return AuditEntry.objects.select_related("actor")

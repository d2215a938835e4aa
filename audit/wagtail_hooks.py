import django_filters

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.names import staff_full_name

from .models import AuditEntry, Event, Outcome
from .selectors import audit_entry_list, audit_reader
from .services import formula_safe


class AuditPermissionPolicy(ModelPermissionPolicy):
    """Auditors read; nobody adds, changes or deletes through the site, superusers included."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and audit_reader(user=user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        if not set(actions) & {"view", "inspect"}:
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(
                is_active=True,
                groups__permissions__content_type__app_label="audit",
                groups__permissions__codename="view_auditentry",
            )
            .distinct()
        )


class AuditEntryFilterSet(WagtailFilterSet):
    at = django_filters.DateFromToRangeFilter(label=_("时间"), widget=DateRangePickerWidget)
    event = django_filters.MultipleChoiceFilter(label=_("事件"), choices=Event.choices)
    outcome = django_filters.ChoiceFilter(label=_("结果"), choices=Outcome.choices)
    username = django_filters.CharFilter(label=_("用户名"), lookup_expr="icontains")
    ip_address = django_filters.CharFilter(label=_("来源地址"), lookup_expr="startswith")

    class Meta:
        model = AuditEntry
        fields = ["at", "event", "outcome", "username", "ip_address"]


class AuditEntryIndexView(IndexView):
    def get_base_queryset(self):
        return audit_entry_list()

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: formula_safe(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )


def actor_name(entry) -> str:
    """The account holder's name as Chinese names are written (曾编辑); the username stays as typed."""
    return staff_full_name(entry.actor) if entry.actor else ""


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "list-ul"
    menu_label = _("安全审计")
    add_to_settings_menu = True
    index_view_class = AuditEntryIndexView
    form_fields = []
    list_display = [
        "at",
        "event",
        "outcome",
        "username",
        Column("actor", label=_("姓名"), accessor=actor_name),
        "ip_address",
        "path",
        "target",
    ]
    list_export = ["at", "event", "outcome", "username", "ip_address", "path", "target", "details"]
    export_filename = "audit-log"
    filterset_class = AuditEntryFilterSet
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50


register_permission_policy(AuditEntry, AuditPermissionPolicy(AuditEntry))


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEntryViewSet("audit")

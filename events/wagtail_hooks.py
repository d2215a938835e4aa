from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet

from portal.viewsets import OrganisationSnippetViewSet

from .models import Event


class EventViewSet(OrganisationSnippetViewSet):
    model = Event
    icon = "date"
    menu_label = _("联席会议日历")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "event_type", "starts_at", "origin_organisation", "access_level", "status"]
    list_filter = ["event_type", "status", "access_level"]
    search_fields = ["title"]
    ordering = ["-starts_at"]

    def get_queryset(self, request):
        # Staff edit their own organisation's events; partners' events are theirs to change.
        return super().get_queryset(request).select_related("origin_organisation")


register_snippet(EventViewSet)

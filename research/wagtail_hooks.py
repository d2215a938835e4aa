from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from portal.viewsets import OrganisationSnippetViewSet

from .models import Expert, Milestone, Project, ProjectMember, ProjectOutput


class ProjectViewSet(OrganisationSnippetViewSet):
    model = Project
    icon = "doc-full"
    menu_label = _("课题")
    list_display = ["title", "status", "start_date", "planned_end", "access_level", "origin_organisation"]
    list_filter = ["status", "access_level", "lead_organisations__region"]
    search_fields = ["title", "summary"]
    ordering = ["-start_date", "title"]


class ProjectMemberViewSet(OrganisationSnippetViewSet):
    organisation_field = "project__origin_organisation"
    model = ProjectMember
    icon = "user"
    menu_label = _("课题组成员")
    list_display = ["project", "display_name", "organisation", "role"]
    list_filter = ["role", "project"]


class MilestoneViewSet(OrganisationSnippetViewSet):
    organisation_field = "project__origin_organisation"
    model = Milestone
    icon = "date"
    menu_label = _("课题节点")
    list_display = ["title", "project", "due_date", "state"]
    list_filter = ["state", "project"]
    search_fields = ["title"]
    ordering = ["due_date"]


class ProjectOutputViewSet(OrganisationSnippetViewSet):
    organisation_field = "project__origin_organisation"
    model = ProjectOutput
    icon = "doc-full-inverse"
    menu_label = _("课题成果")
    list_display = ["title", "project", "kind", "added_at"]
    list_filter = ["kind", "project"]
    search_fields = ["title"]


class ExpertViewSet(OrganisationSnippetViewSet):
    model = Expert
    icon = "user"
    menu_label = _("专家库")
    list_display = ["name", "title", "workplace", "access_level"]
    list_filter = ["fields", "access_level"]
    search_fields = ["name", "title", "affiliation", "bio"]


class ResearchViewSetGroup(SnippetViewSetGroup):
    items = (ProjectViewSet, MilestoneViewSet, ProjectOutputViewSet, ProjectMemberViewSet, ExpertViewSet)
    menu_icon = "doc-full"
    menu_label = _("联合研究")
    menu_order = 320


register_snippet(ResearchViewSetGroup)

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.pagination import keyset_page

from . import selectors, services
from .filters import ExpertFilters, ProjectFilters
from .forms import MemberForm, MilestoneForm, OutputForm
from .models import Milestone

WORKSPACE_DUE_DAYS = 30
PAGE_SIZE = 20


def _login(request):
    return redirect_to_login(request.get_full_path(), login_url=reverse("wagtailadmin_login"))


def project_index(request):
    filters = ProjectFilters(request.GET or None, user=request.user)
    projects = selectors.project_list(user=request.user, filters=filters)
    query = filters.query_string()
    page = keyset_page(request, projects, page_size=PAGE_SIZE, query=query)
    return render(
        request,
        "research/project_index.html",
        {"filter_bar": filters.bar(), "page_obj": page, "projects": page.object_list, "query": query},
    )


def project_detail(request, global_id):
    project = selectors.project_get(user=request.user, global_id=global_id)
    if project is None:
        raise Http404
    membership = selectors.project_membership(project=project, user=request.user)
    return render(
        request,
        "research/project_detail.html",
        {
            "project": project,
            "breadcrumb_title": project.title,
            "membership": membership,
            "members": selectors.project_members(project=project),
            "outputs": selectors.project_outputs(project=project),
        },
    )


def _workspace_project(request, global_id):
    project = selectors.project_get(user=request.user, global_id=global_id)
    if project is None:
        raise Http404
    return project, selectors.project_membership(project=project, user=request.user)


def _forbidden(request, message):
    return render(request, "research/forbidden.html", {"message": message}, status=403)


@require_http_methods(["GET", "POST"])
def project_workspace(request, global_id):
    if not request.user.is_authenticated:
        return _login(request)
    project, membership = _workspace_project(request, global_id)
    if membership is None:
        return _forbidden(request, _("只有课题组成员可以进入课题工作台。"))
    is_lead = membership.role == membership.Role.LEAD
    milestone_form = MilestoneForm(prefix="milestone")
    output_form = OutputForm(prefix="output", for_user=request.user)
    member_form = MemberForm(prefix="member")
    status = 200
    if request.method == "POST":
        if not is_lead:
            return _forbidden(request, _("只有课题负责人可以添加节点和成果。"))
        action = request.POST.get("action")
        if action == "milestone":
            milestone_form = MilestoneForm(request.POST, prefix="milestone")
            if milestone_form.is_valid():
                milestone = services.milestone_add(
                    project=project, user=request.user, **milestone_form.cleaned_data
                )
                messages.success(request, _("已添加节点“%(title)s”。") % {"title": milestone.title})
                return redirect("research:project_workspace", global_id=project.global_id)
        elif action == "output":
            output_form = OutputForm(request.POST, prefix="output", for_user=request.user)
            if output_form.is_valid():
                output = services.output_add(project=project, user=request.user, **output_form.cleaned_data)
                messages.success(request, _("已添加成果“%(title)s”。") % {"title": output.title})
                return redirect("research:project_workspace", global_id=project.global_id)
        elif action == "member":
            member_form = MemberForm(request.POST, prefix="member")
            if member_form.is_valid():
                member = services.member_add(
                    project=project, added_by=request.user, **member_form.cleaned_data
                )
                messages.success(request, _("已将“%(name)s”加入课题组。") % {"name": member.display_name})
                return redirect("research:project_workspace", global_id=project.global_id)
        else:
            messages.error(request, _("未知操作。"))
        status = 400
    context = {
        "project": project,
        "membership": membership,
        "is_lead": is_lead,
        "today": timezone.localdate(),
        "due_days": WORKSPACE_DUE_DAYS,
        "due_soon": selectors.milestones_due_soon(project=project, days=WORKSPACE_DUE_DAYS),
        "overdue": selectors.overdue_milestones(project=project) if is_lead else None,
        "outputs": selectors.project_outputs(project=project, limit=10),
        "members": selectors.project_members(project=project),
        "milestone_form": milestone_form,
        "output_form": output_form,
        "member_form": member_form,
    }
    return render(request, "research/project_workspace.html", context, status=status)


@require_POST
def milestone_complete(request, global_id, milestone_id):
    if not request.user.is_authenticated:
        return _login(request)
    project, _membership = _workspace_project(request, global_id)
    milestone = get_object_or_404(Milestone, pk=milestone_id, project=project)
    try:
        milestone = services.milestone_complete(milestone=milestone, user=request.user)
    except PermissionDenied:
        return _forbidden(request, _("只有课题负责人可以执行此操作。"))
    messages.success(request, _("节点“%(title)s”已完成。") % {"title": milestone.title})
    return redirect("research:project_workspace", global_id=project.global_id)


def expert_index(request):
    filters = ExpertFilters(request.GET or None, user=request.user)
    experts = selectors.expert_list(user=request.user, filters=filters)
    query = filters.query_string()
    page = keyset_page(request, experts, page_size=PAGE_SIZE, query=query)
    return render(
        request,
        "research/expert_index.html",
        {"filter_bar": filters.bar(), "page_obj": page, "experts": page.object_list, "query": query},
    )

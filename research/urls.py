from django.urls import path

from . import views

app_name = "research"

urlpatterns = [
    path("research/", views.project_index, name="project_index"),
    path("research/experts/", views.expert_index, name="expert_index"),
    path("research/<uuid:global_id>/", views.project_detail, name="project_detail"),
    path("research/<uuid:global_id>/workspace/", views.project_workspace, name="project_workspace"),
    path(
        "research/<uuid:global_id>/workspace/milestones/<int:milestone_id>/complete/",
        views.milestone_complete,
        name="milestone_complete",
    ),
]

from django.urls import path

from . import views
from .feeds import MaterialFeed

app_name = "materials"

urlpatterns = [
    path("materials/", views.material_index, name="index"),
    path("materials/feed/", MaterialFeed(), name="feed"),
    path("materials/<uuid:global_id>/", views.material_detail, name="detail"),
    path("materials/<uuid:global_id>/download/", views.material_download, name="download_current"),
    path("materials/<uuid:global_id>/files/<int:version>/", views.material_download, name="download"),
]

from django.urls import path

from . import views

app_name = "sync"

urlpatterns = [
    path("changes", views.changes, name="changes"),
    path("manifest", views.manifest, name="manifest"),
    path("records/<str:label>/<uuid:global_id>", views.record, name="record"),
    path("files/<str:label>/<uuid:global_id>/<str:related_name>/<str:key>", views.file, name="file"),
    path("images/<str:file_hash>", views.image, name="image"),
    path("nudge", views.nudge, name="nudge"),
    path("commands", views.commands, name="commands"),
]

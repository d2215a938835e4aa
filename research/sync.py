"""What research shares with the partner region (see sync.registry)."""

from sync.registry import ChildSpec, SyncSpec, register

from .models import Expert, Project

register(
    SyncSpec(
        model=Project,
        fields=("title", "summary", "status", "start_date", "planned_end", "created_at"),
        m2m=("topics", "lead_organisations"),
        children=(
            ChildSpec(
                related_name="milestones",
                parent_field="project",
                key=("global_id",),
                fields=("global_id", "title", "due_date", "state", "completed_at"),
            ),
            ChildSpec(
                related_name="outputs",
                parent_field="project",
                key=("global_id",),
                fields=("global_id", "title", "kind", "url", "material_global_id", "added_at"),
            ),
            ChildSpec(
                related_name="members",
                parent_field="project",
                key=("global_id",),
                fields=("global_id", "full_name", "organisation", "role"),
            ),
        ),
    )
)

register(
    SyncSpec(
        model=Expert,
        fields=("name", "organisation", "affiliation", "title", "bio"),
        m2m=("fields",),
    )
)

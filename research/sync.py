"""What research shares with the partner region (see sync.registry)."""

from sync import kinds
from sync.registry import ChildSpec, SyncSpec, register

from .models import Expert, Project

register(
    SyncSpec(
        model=Project,
        fields={
            "title": kinds.Text(),
            "summary": kinds.Text(),
            "status": kinds.Choice(),
            "start_date": kinds.Date(),
            "planned_end": kinds.Date(),
            "created_at": kinds.DateTime(),
        },
        # A joint project is led by offices of both regions.
        m2m={"topics": kinds.Topic(), "lead_organisations": kinds.Organisation(either_region=True)},
        children=(
            ChildSpec(
                related_name="milestones",
                parent_field="project",
                key=("global_id",),
                fields={
                    "global_id": kinds.Uuid(),
                    "title": kinds.Text(),
                    "due_date": kinds.Date(),
                    "state": kinds.Choice(),
                    "completed_at": kinds.DateTime(),
                },
            ),
            ChildSpec(
                related_name="outputs",
                parent_field="project",
                key=("global_id",),
                fields={
                    "global_id": kinds.Uuid(),
                    "title": kinds.Text(),
                    "kind": kinds.Choice(),
                    "url": kinds.Url(),
                    "material_global_id": kinds.Uuid(),
                    "added_at": kinds.DateTime(),
                },
            ),
            ChildSpec(
                related_name="members",
                parent_field="project",
                key=("global_id",),
                fields={
                    "global_id": kinds.Uuid(),
                    "full_name": kinds.Text(),
                    "organisation": kinds.Organisation(either_region=True),
                    "role": kinds.Choice(),
                },
            ),
        ),
    )
)

register(
    SyncSpec(
        model=Expert,
        fields={
            "name": kinds.Text(),
            # The partner's expert pool speaks for the partner's offices only.
            "organisation": kinds.Organisation(),
            "affiliation": kinds.Text(),
            "title": kinds.Text(),
            "bio": kinds.Text(),
        },
        m2m={"fields": kinds.Topic()},
    )
)

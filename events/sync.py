"""What events shares with the partner region (see sync.registry)."""

from sync.registry import ChildSpec, SyncSpec, register

from .models import Event

register(
    SyncSpec(
        model=Event,
        fields=(
            "title",
            "event_type",
            "status",
            "starts_at",
            "ends_at",
            "venue",
            "city",
            "online_url",
            "summary",
            "agenda",
            "participants",
            "minutes",
            "frequency",
            "interval",
            "count",
            "until",
        ),
        m2m=("co_hosts",),
        children=(
            ChildSpec(
                related_name="exceptions",
                parent_field="event",
                key=("original_date",),
                fields=("original_date", "kind", "new_starts_at", "new_ends_at", "note"),
            ),
            ChildSpec(
                related_name="material_links",
                parent_field="event",
                key=("title",),
                fields=("sort_order", "kind", "title", "url", "material_global_id"),
            ),
            ChildSpec(
                related_name="action_items",
                parent_field="event",
                key=("text",),
                fields=("sort_order", "text", "owner_organisation", "due_date", "done"),
            ),
        ),
    )
)

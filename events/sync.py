"""What events shares with the partner region (see sync.registry).

Answers (RSVPs) stay with the event's region: one given at the partner travels
there as the ``events.rsvp`` command, and the host's reply settles it.
"""

from sync.registry import ChildSpec, SyncSpec, register, register_command

from .models import Event
from .services import rsvp_remote_handle, rsvp_reply_apply

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

register_command("events.rsvp", rsvp_remote_handle, on_reply=rsvp_reply_apply)

"""What events shares with the partner region (see sync.registry).

Answers (RSVPs) stay with the event's region: one given at the partner travels
there as the ``events.rsvp`` command, and the host's reply settles it.
"""

from sync import kinds
from sync.registry import ChildSpec, SyncSpec, register, register_command

from .models import Event
from .services import rsvp_remote_handle, rsvp_reply_apply

register(
    SyncSpec(
        model=Event,
        fields={
            "title": kinds.Text(),
            "event_type": kinds.Choice(),
            "status": kinds.Choice(),
            "starts_at": kinds.DateTime(),
            "ends_at": kinds.DateTime(),
            "venue": kinds.Text(),
            "city": kinds.Text(),
            "online_url": kinds.Url(),
            "summary": kinds.Text(),
            "agenda": kinds.RichText(),
            "participants": kinds.Text(),
            "minutes": kinds.RichText(),
            "frequency": kinds.Choice(),
            "interval": kinds.Integer(),
            "count": kinds.Integer(),
            "until": kinds.Date(),
        },
        # A joint meeting may be co-hosted by offices of either region.
        m2m={"co_hosts": kinds.Organisation(either_region=True)},
        children=(
            ChildSpec(
                related_name="exceptions",
                parent_field="event",
                key=("original_date",),
                fields={
                    "original_date": kinds.Date(),
                    "kind": kinds.Choice(),
                    "new_starts_at": kinds.DateTime(),
                    "new_ends_at": kinds.DateTime(),
                    "note": kinds.Text(),
                },
            ),
            ChildSpec(
                related_name="material_links",
                parent_field="event",
                key=("title",),
                fields={
                    "sort_order": kinds.Integer(),
                    "kind": kinds.Choice(),
                    "title": kinds.Text(),
                    "url": kinds.Url(site_paths=True),
                    "material_global_id": kinds.Uuid(),
                },
            ),
            ChildSpec(
                related_name="action_items",
                parent_field="event",
                key=("text",),
                fields={
                    "sort_order": kinds.Integer(),
                    "text": kinds.Text(),
                    # An action item may fall to an office of either region.
                    "owner_organisation": kinds.Organisation(either_region=True),
                    "due_date": kinds.Date(),
                    "done": kinds.Boolean(),
                },
            ),
        ),
    )
)

register_command("events.rsvp", rsvp_remote_handle, on_reply=rsvp_reply_apply)

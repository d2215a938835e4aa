"""What training shares with the partner region (see sync.registry).

Sessions travel with their course so the partner's staff can ask to enrol. The
session's region alone decides on an enrolment: a request from the partner
arrives as the ``training.enrolment_request`` command, and the owner's decision
travels back as the Enrolment record (only requests from the partner are shared).
"""

from sync import kinds
from sync.registry import ChildSpec, SyncSpec, register, register_command

from .models import Course, Enrolment, Session
from .services import (
    enrolment_remote_cancel_handle,
    enrolment_remote_request_handle,
    enrolment_request_reply_apply,
)

register(
    SyncSpec(
        model=Course,
        fields={
            "title": kinds.Text(),
            "summary": kinds.Text(),
            "completion_min_attendance_percent": kinds.Integer(),
        },
    )
)

register(
    SyncSpec(
        model=Session,
        fields={
            "course": kinds.Record(),
            "title": kinds.Text(),
            "starts_on": kinds.Date(),
            "ends_on": kinds.Date(),
            "venue": kinds.Text(),
            "trainer_names": kinds.Text(),
            "capacity": kinds.Integer(),
            "enrolment_opens": kinds.DateTime(),
            "enrolment_closes": kinds.DateTime(),
            "eligibility": kinds.Choice(),
        },
        # A session may invite offices of either region.
        m2m={"invited_organisations": kinds.Organisation(either_region=True)},
        children=(
            ChildSpec(
                related_name="sittings",
                parent_field="session",
                key=("starts_at",),
                fields={"title": kinds.Text(), "starts_at": kinds.DateTime(), "ends_at": kinds.DateTime()},
            ),
        ),
    )
)

register(
    SyncSpec(
        model=Enrolment,
        # The decision only: the requester keeps its own user, session and organisation.
        fields={
            "state": kinds.Choice(),
            "queued_at": kinds.DateTime(),
            "decided_at": kinds.DateTime(),
            "decision_reason": kinds.Text(),
        },
        is_shared=lambda enrolment: enrolment.requested_from_region != enrolment.owner_region,
    )
)

register_command(
    "training.enrolment_request", enrolment_remote_request_handle, on_reply=enrolment_request_reply_apply
)
register_command("training.enrolment_cancel", enrolment_remote_cancel_handle)

"""What training shares with the partner region (see sync.registry).

Sessions travel with their course so the partner's staff can ask to enrol. The
session's region alone decides on an enrolment: a request from the partner
arrives as the ``training.enrolment_request`` command, and the owner's decision
travels back as the Enrolment record (only requests from the partner are shared).
"""

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
        fields=("title", "summary", "completion_min_attendance_percent"),
    )
)

register(
    SyncSpec(
        model=Session,
        fields=(
            "course",
            "title",
            "starts_on",
            "ends_on",
            "venue",
            "trainer_names",
            "capacity",
            "enrolment_opens",
            "enrolment_closes",
            "eligibility",
        ),
        m2m=("invited_organisations",),
        children=(
            ChildSpec(
                related_name="sittings",
                parent_field="session",
                key=("starts_at",),
                fields=("title", "starts_at", "ends_at"),
            ),
        ),
    )
)

register(
    SyncSpec(
        model=Enrolment,
        # The decision only: the requester keeps its own user, session and organisation.
        fields=("state", "queued_at", "decided_at", "decision_reason"),
        is_shared=lambda enrolment: enrolment.requested_from_region != enrolment.owner_region,
    )
)

register_command(
    "training.enrolment_request", enrolment_remote_request_handle, on_reply=enrolment_request_reply_apply
)
register_command("training.enrolment_cancel", enrolment_remote_cancel_handle)
